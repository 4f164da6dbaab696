import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

/// `cxctl demo seed` against cx-suite: the history arrives through the public methods, a second run
/// applies nothing, and the health score foresees the cancellations in it.
@Suite("cxctl demo seed against cx-suite")
struct DemoSeedTests {
    /// What the seeded history looks like through the services' read methods.
    private struct Counts: Equatable {
        var accounts: UInt64 = 0
        var cancelled: UInt64 = 0
        var surveys = 0
        var answers: UInt32 = 0
        var purchasePoints: Int64 = 0
        var loyaltyMembers: UInt32 = 0
        var redemptions: UInt32 = 0
        var seededCases = 0
        var activeAdvocates: UInt64 = 0
        var convertedReferrals = 0
    }

    private struct Suite {
        let dataDirectory: String
        let process: ServiceProcess
        let clients: [String: ServiceClient]

        init() async throws {
            dataDirectory = try makeTemporaryDirectory("cx-demo")
            process = try ServiceProcess("cx-suite", environment: ["CX_DATA_DIR": dataDirectory])
            let tokenPath = LocalSuite.adminTokenPath(dataDirectory: dataDirectory)
            let tokenWritten = try await eventually(.seconds(30)) { FileManager.default.fileExists(atPath: tokenPath) }
            try #require(tokenWritten, "cx-suite wrote no admin token:\n\(process.log)")
            let token = String(decoding: FileManager.default.contents(atPath: tokenPath)!, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            var clients: [String: ServiceClient] = [:]
            for service in ["feedback", "loyalty", "advocacy", "escalation", "health"] {
                let client = try ServiceClient(
                    service: service,
                    endpoints: [Endpoint(LocalSuite.requestURL(service: service, dataDirectory: dataDirectory))],
                    token: token)
                let up = try await eventually(.seconds(30)) {
                    (try? await client.ping(timeout: .milliseconds(500))) != nil
                }
                try #require(up, "\(service) did not come up:\n\(process.log)")
                clients[service] = client
            }
            self.clients = clients
        }

        func stop() {
            process.send(SIGKILL)
            for client in clients.values { client.close() }
        }

        func seed() async throws -> String {
            let cxctl = try ServiceProcess(
                "cxctl", arguments: ["demo", "seed", "--accounts", "60"],
                environment: ["CX_DATA_DIR": dataDirectory])
            let exit = try await cxctl.waitForExit(limit: .seconds(240))
            try #require(exit == 0, "cxctl demo seed failed:\n\(cxctl.log)")
            return cxctl.log
        }

        func call<Request: ProtoMessage, Reply: ProtoMessage>(_ service: String, _ method: String, _ request: Request)
            async throws -> Reply
        {
            try await clients[service]!.call(method, request)
        }

        func counts() async throws -> Counts {
            var counts = Counts()
            let accounts: ListAccountsResponse = try await call("health", "ListAccounts", ListAccountsRequest())
            counts.accounts = accounts.page?.totalCount ?? 0
            let cancelled: ListAccountsResponse = try await call(
                "health", "ListAccounts", ListAccountsRequest(stage: .cancelled))
            counts.cancelled = cancelled.page?.totalCount ?? 0
            let surveys: ListSurveysResponse = try await call("feedback", "ListSurveys", ListSurveysRequest())
            counts.surveys = surveys.surveys.count
            counts.answers = surveys.surveys.map(\.responses).reduce(0, +)
            let program: GetProgramReportResponse = try await call(
                "loyalty", "GetProgramReport", GetProgramReportRequest())
            counts.purchasePoints = program.pointsIssued
            counts.loyaltyMembers = program.members
            counts.redemptions = program.redemptions
            var token = ""
            repeat {
                let page: ListCasesResponse = try await call(
                    "escalation", "ListCases", ListCasesRequest(page: PageRequest(pageSize: 1000, pageToken: token)))
                // Only the seed's own cases: the services open outreach and follow-up cases by themselves.
                counts.seededCases += page.cases.filter { $0.externalId.hasPrefix("demo-") }.count
                token = page.page?.nextPageToken ?? ""
            } while !token.isEmpty
            let advocates: ListAdvocatesResponse = try await call(
                "advocacy", "ListAdvocates", ListAdvocatesRequest(status: .active))
            counts.activeAdvocates = advocates.page?.totalCount ?? 0
            let referrals: ListReferralsResponse = try await call(
                "advocacy", "ListReferrals", ListReferralsRequest(state: .converted, limit: 100))
            counts.convertedReferrals = referrals.referrals.count
            return counts
        }
    }

    @Test(
        "60 accounts arrive with answers, purchases, redemptions, cases, advocates and referrals; a second run applies nothing"
    )
    func seedsOnceAndForetellsChurn() async throws {
        let suite = try await Suite()
        defer { suite.stop() }

        let first = try await suite.seed()
        let seeded = try await suite.counts()
        #expect(seeded.accounts == 62, "60 accounts and 2 referred ones\n\(first)")
        #expect(seeded.cancelled > 3 && seeded.cancelled < 30, "\(seeded)")
        #expect(seeded.surveys == 4 && seeded.answers > 60, "\(seeded)")
        #expect(seeded.purchasePoints > 0 && seeded.loyaltyMembers > 30 && seeded.redemptions > 0, "\(seeded)")
        #expect(seeded.seededCases > 5, "\(seeded)")
        #expect(seeded.activeAdvocates >= 2, "\(seeded)")
        #expect(seeded.convertedReferrals == 2, "\(seeded)")

        let issues: TopIssuesResponse = try await suite.call(
            "feedback", "TopIssues",
            TopIssuesRequest(
                window: TimeRange(
                    fromMs: Int64(Date().timeIntervalSince1970 * 1000) - 600 * 86_400_000,
                    untilMs: Int64(Date().timeIntervalSince1970 * 1000) + 1)))
        #expect(!issues.issues.isEmpty, "detractors' words differ from promoters': \(issues)")

        let second = try await suite.seed()
        #expect(second.contains("\n0 records applied"), "\(second)")
        #expect(try await suite.counts() == seeded)

        // The leavers cancelled after the seed's scoring: the window starts at their last score.
        let cancelled: ListAccountsResponse = try await suite.call(
            "health", "ListAccounts", ListAccountsRequest(stage: .cancelled, page: PageRequest(pageSize: 1000)))
        var scoredAtMs: Int64 = 0
        for account in cancelled.accounts {
            guard
                let score: GetHealthScoreResponse = try? await suite.call(
                    "health", "GetHealthScore", GetHealthScoreRequest(customer: account.customer))
            else { continue }
            scoredAtMs = max(scoredAtMs, score.current?.computedAtMs ?? 0)
        }
        try #require(scoredAtMs > 0, "no cancelled account was scored before it cancelled")
        let _: RescoreAccountsResponse = try await suite.call(
            "health", "RescoreAccounts", RescoreAccountsRequest())
        let backtest: BacktestResponse = try await suite.call(
            "health", "Backtest",
            BacktestRequest(
                window: TimeRange(fromMs: scoredAtMs, untilMs: Int64(Date().timeIntervalSince1970 * 1000) + 1)))
        #expect(backtest.churners > 0 && backtest.accounts > 30, "\(backtest)")
        #expect(backtest.auc > 0.6, "the health score foresees the seeded churn: \(backtest)")

        // The command the seed prints for later shows the same backtest.
        let printed = first.split(separator: "\n").first { $0.hasPrefix("again later: cxctl ") }
        let arguments = try #require(printed, "\(first)").dropFirst("again later: cxctl ".count)
            .split(separator: " ").map(String.init)
        let cxctl = try ServiceProcess("cxctl", arguments: arguments, environment: ["CX_DATA_DIR": suite.dataDirectory])
        #expect(try await cxctl.waitForExit() == 0, "\(cxctl.log)")
        #expect(cxctl.log.hasPrefix(String(format: "AUC %.3f", backtest.auc)), "\(cxctl.log) vs \(backtest)")
    }
}
