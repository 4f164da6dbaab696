import ArgumentParser
import Client
import Foundation
import Models

/// `cxctl customer show <id>`: one customer across all five services on one page, for the person
/// about to call them. The services are asked at once; one that is down is shown as down and the
/// rest still print.
struct CustomerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer", abstract: "One customer across the suite.", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Account, health, feedback, loyalty, advocacy and open cases of one customer.",
            discussion: """
                Exit status: 0 when the account exists and every service answered, 1 when health has no \
                such account, 3 when a service did not answer (the rest is still shown).
                """)
        @Argument(help: "The customer id.") var customer: String
        @Flag(help: "Print one JSON object with a member per service (field names as in the .proto files).")
        var json = false

        func run() async throws {
            let page = await CustomerPage.fetch(customer, connection: try Connection.resolveOrExit())
            print(json ? page.json().serialized() : page.text(nowMs: Int64(Date().timeIntervalSince1970 * 1000)))
            if case .noRecord = page.account { throw ExitCode(1) }
            if page.someServiceFailed { throw ExitCode(3) }
        }
    }
}

/// What one call for the customer page got back: the reply, "no record" (NOT_FOUND, or the customer
/// unknown to that service), or a failure (down, or any other error).
enum Answer<Reply: ProtoMessage & Sendable>: Sendable {
    case reply(Reply)
    case noRecord(ClientError)
    case failed(ClientError)

    var reply: Reply? { if case .reply(let reply) = self { reply } else { nil } }
    var failed: Bool { if case .failed = self { true } else { false } }

    /// The reply's JSON, or {"error": {"code": …, "message": …}}.
    var json: JSONValue {
        switch self {
        case .reply(let reply): reply.jsonValue
        case .noRecord(let error), .failed(let error):
            .object([
                JSONMember(
                    "error",
                    .object([
                        JSONMember("code", .string(error.code.protoValueName ?? "\(error.code.rawValue)")),
                        JSONMember("message", .string(error.message)),
                    ]))
            ])
        }
    }

    /// "down (no answer)", "no record (…)" or the error, for a service section without its reply.
    var absence: String {
        switch self {
        case .reply: ""
        case .noRecord(let error): "no record (\(error.message))"
        case .failed(let error) where [.deadlineExceeded, .unavailable].contains(error.code):
            "down (\(error.code == .deadlineExceeded ? "no answer" : error.message))"
        case .failed(let error): "failed (\(error.code): \(error.message))"
        }
    }
}

/// The replies behind `cxctl customer show`.
struct CustomerPage {
    let customer: String
    let account: Answer<GetAccountResponse>
    let score: Answer<GetHealthScoreResponse>
    let nps: Answer<ListResponsesResponse>
    let csat: Answer<ListResponsesResponse>
    let ces: Answer<ListResponsesResponse>
    let statement: Answer<GetStatementResponse>
    let advocate: Answer<AdvocateResponse>
    let contributions: Answer<ListContributionsResponse>
    let cases: Answer<ListCasesResponse>

    /// Every service asked at once; each answer waits at most the client's timeout.
    static func fetch(_ customer: String, connection: Connection) async -> CustomerPage {
        let id = CustomerId(value: customer)
        func answers(_ kind: SurveyKind) -> ListResponsesRequest {
            ListResponsesRequest(customer: id, kind: kind, page: PageRequest(pageSize: 3))
        }
        async let account: Answer<GetAccountResponse> = ask(
            connection, "health", "GetAccount", GetAccountRequest(customer: id))
        async let score: Answer<GetHealthScoreResponse> = ask(
            connection, "health", "GetHealthScore", GetHealthScoreRequest(customer: id, historyLimit: 6))
        async let nps: Answer<ListResponsesResponse> = ask(connection, "feedback", "ListResponses", answers(.nps))
        async let csat: Answer<ListResponsesResponse> = ask(connection, "feedback", "ListResponses", answers(.csat))
        async let ces: Answer<ListResponsesResponse> = ask(connection, "feedback", "ListResponses", answers(.ces))
        async let statement: Answer<GetStatementResponse> = ask(
            connection, "loyalty", "GetStatement", GetStatementRequest(customer: id, page: PageRequest(pageSize: 5)))
        async let advocate: Answer<AdvocateResponse> = ask(
            connection, "advocacy", "GetAdvocate", GetAdvocateRequest(customer: id))
        async let contributions: Answer<ListContributionsResponse> = ask(
            connection, "advocacy", "ListContributions", ListContributionsRequest(advocate: id, limit: 5))
        async let cases: Answer<ListCasesResponse> = ask(
            connection, "escalation", "ListCases",
            ListCasesRequest(customer: id, activeOnly: true, page: PageRequest(pageSize: 20)))
        return await CustomerPage(
            customer: customer, account: account, score: score, nps: nps, csat: csat, ces: ces,
            statement: statement, advocate: advocate, contributions: contributions, cases: cases)
    }

    private static func ask<Request: ProtoMessage, Reply: ProtoMessage>(
        _ connection: Connection, _ service: String, _ method: String, _ request: Request
    ) async -> Answer<Reply> {
        do {
            let client = try connection.client(for: service)
            defer { client.close() }
            return .reply(try await client.call(method, request))
        } catch let error as ClientError {
            // A service refuses a customer it has not heard of as INVALID_ARGUMENT on "customer".
            if error.code == .notFound || (error.code == .invalidArgument && error.field == "customer") {
                return .noRecord(error)
            }
            return .failed(error)
        } catch {
            return .failed(ClientError(code: .unavailable, message: "\(error)", method: "\(service).\(method)"))
        }
    }

    /// Whether a service failed (as opposed to having no record): the page is incomplete.
    var someServiceFailed: Bool {
        [
            account.failed, score.failed, nps.failed, csat.failed, ces.failed, statement.failed, advocate.failed,
            contributions.failed, cases.failed,
        ].contains(true)
    }

    /// One member per service, each holding its replies' generated JSON (or their errors).
    func json() -> JSONValue {
        .object([
            JSONMember("customer", .string(customer)),
            JSONMember("health", .object([JSONMember("account", account.json), JSONMember("score", score.json)])),
            JSONMember(
                "feedback",
                .object([JSONMember("nps", nps.json), JSONMember("csat", csat.json), JSONMember("ces", ces.json)])),
            JSONMember("loyalty", statement.json),
            JSONMember(
                "advocacy",
                .object([JSONMember("advocate", advocate.json), JSONMember("contributions", contributions.json)])),
            JSONMember("escalation", cases.json),
        ])
    }
}
