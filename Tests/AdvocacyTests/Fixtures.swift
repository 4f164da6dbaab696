import Advocacy
import Models
import ServiceKit
import TestKit
import Testing

/// Times of the advocacy tests: the service starts on 1 January 2026 (InProcessService's default).
enum Time {
    static let day: Int64 = 86_400_000
    static let start: Int64 = 1_767_225_600_000
}

extension InProcessService {
    /// A fresh advocacy service on its own database and clock.
    static func advocacy() throws -> InProcessService { try InProcessService(AdvocacyService.definition) }

    /// Health publishes the account (signed up `tenureDays` before now) and scores it into `band`.
    func seedAccount(_ id: String, tenureDays: Int64 = 400, band: HealthScoreBand = .good) async throws {
        try await deliverAccount(Self.account(id, signupMs: clock.nowMs - tenureDays * Time.day))
        try await deliverScore(id, band: band, score: band == .good ? 85 : 40)
    }

    /// A known account enrolled as an active advocate with `code`.
    @discardableResult
    func enroll(_ id: String, code: String = "") async throws -> Advocate {
        try await seedAccount(id)
        let reply: AdvocateResponse = try await call(
            "EnrollAdvocate", EnrollAdvocateRequest(customer: CustomerId(value: id), referralCode: code))
        return reply.advocate!
    }

    /// Records a contribution and approves it.
    @discardableResult
    func contribute(
        _ id: String, _ channel: ContributionChannel, contributionID: String, occurredAtMs: Int64 = 0
    ) async throws -> ContributionResponse {
        let _: ContributionResponse = try await call(
            "RecordContribution",
            RecordContributionRequest(
                contribution: Contribution(
                    contributionId: contributionID, advocate: CustomerId(value: id), channel: channel,
                    occurredAtMs: occurredAtMs)))
        return try await call(
            "ReviewContribution", ReviewContributionRequest(contributionId: contributionID, approve: true))
    }

    func advocate(_ id: String) async throws -> Advocate {
        let reply: AdvocateResponse = try await call("GetAdvocate", GetAdvocateRequest(customer: CustomerId(value: id)))
        return reply.advocate!
    }

    /// The bodies of the logged events of `type`.
    func events<Body: ProtoMessage>(_ type: String, as: Body.Type) async throws -> [Body] {
        try await events().filter { $0.type == type }.map { try Body(serializedBytes: $0.body) }
    }

    /// Calls `method` expecting it to fail, and returns the error.
    func failure(_ method: String, _ request: some ProtoMessage) async -> RPCError? {
        do {
            let _: AdvocateResponse = try await call(method, request)
            return nil
        } catch let error as RPCError {
            return error
        } catch {
            return RPCError.internalError("\(error)")
        }
    }
}
