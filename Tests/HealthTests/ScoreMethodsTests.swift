import Health
import Models
import ServiceKit
import TestKit
import Testing

@Suite("health scores through the service")
struct ScoreMethodsTests {
    static let dayMs: Int64 = 86_400_000

    private func record(
        _ health: InProcessService, _ id: String, days: ClosedRange<Int>, perDay: Int64, features: [String]
    )
        async throws
    {
        var events: [UsageEvent] = []
        for day in days {
            for feature in features {
                events.append(
                    UsageEvent(
                        usageId: "\(id)-\(day)-\(feature)", customer: .init(value: id), feature: feature, count: perDay,
                        occurredAtMs: health.clock.nowMs - Int64(day) * Self.dayMs))
            }
        }
        let _: RecordUsageResponse = try await health.call("RecordUsage", RecordUsageRequest(events: events))
    }

    @Test("usage lifts the score and band, the explanation adds up, and score.changed is published")
    func usageChangesTheScore() async throws {
        let health = try InProcessService(HealthService.definition)
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account("busy")))
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account("idle")))
        try await record(health, "busy", days: 29...50, perDay: 1, features: ["login"])
        try await record(health, "idle", days: 40...50, perDay: 5, features: ["login", "dns", "backups"])
        let first: RescoreAccountsResponse = try await health.call("RescoreAccounts", RescoreAccountsRequest())
        #expect(first.scored == 2)
        let before: GetHealthScoreResponse = try await health.call(
            "GetHealthScore", GetHealthScoreRequest(customer: .init(value: "busy")))

        // "busy" now uses three features every day: recency, trend and breadth all rise.
        try await record(health, "busy", days: 0...27, perDay: 4, features: ["login", "dns", "backups"])
        let second: RescoreAccountsResponse = try await health.call(
            "RescoreAccounts", RescoreAccountsRequest(customers: [.init(value: "busy")]))
        #expect(second.scored == 1)
        let after: GetHealthScoreResponse = try await health.call(
            "GetHealthScore", GetHealthScoreRequest(customer: .init(value: "busy"), historyLimit: 5))
        let current = try #require(after.current)
        #expect(current.score > before.current!.score)
        #expect(current.band == .good)
        #expect(after.history.count == 1)
        #expect(after.changeSincePrevious == current.score - before.current!.score)
        #expect(current.factors.map(\.contribution).reduce(0, +) == current.score)
        #expect(current.factors.count == 8 && current.modelVersion == HealthModel.standard.version)
        #expect(current.churnProbability > 0 && current.churnProbability < 1)

        let changes = try await health.events().filter { $0.type == "score.changed" }
        let last = try ScoreChanged(serializedBytes: changes.last!.body)
        #expect(last.score?.customer?.value == "busy" && last.score?.band == .good)
        #expect(last.previousBand == before.current!.band)

        let idle: GetHealthScoreResponse = try await health.call(
            "GetHealthScore", GetHealthScoreRequest(customer: .init(value: "idle")))
        #expect(idle.current!.band == .poor)
    }

    @Test("an account never scored is NOT_FOUND; only an admin may rescore")
    func notScoredAndAdminOnly() async throws {
        let health = try InProcessService(HealthService.definition)
        let missing = await #expect(throws: RPCError.self) {
            let _: GetHealthScoreResponse = try await health.call(
                "GetHealthScore", GetHealthScoreRequest(customer: .init(value: "nobody")))
        }
        #expect(missing?.code == .notFound)
        let denied = await #expect(throws: RPCError.self) {
            let _: RescoreAccountsResponse = try await health.call(
                "RescoreAccounts", RescoreAccountsRequest(), token: InProcessService.writer)
        }
        #expect(denied?.code == .permissionDenied)
    }

    @Test("the schedule rescores dirty accounts and day-old scores only")
    func dueSelection() async throws {
        let health = try InProcessService(HealthService.definition)
        for id in ["a", "b"] {
            let _: UpsertAccountResponse = try await health.call(
                "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account(id)))
        }
        let scorer = HealthScorer.standard
        #expect(try await scorer.rescore(.due, database: health.database, nowMs: health.clock.nowMs).scored == 2)
        #expect(try await scorer.rescore(.due, database: health.database, nowMs: health.clock.nowMs).scored == 0)
        try await record(health, "a", days: 0...0, perDay: 1, features: ["login"])
        #expect(try await scorer.rescore(.due, database: health.database, nowMs: health.clock.nowMs).scored == 1)
        health.clock.advance(byMs: Self.dayMs)
        #expect(try await scorer.rescore(.due, database: health.database, nowMs: health.clock.nowMs).scored == 2)
    }

    @Test("RescoreAccounts lists at most 1,000 accounts, and an account listed twice is scored once")
    func rescoreListIsBounded() async throws {
        let health = try InProcessService(HealthService.definition)
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account("busy")))
        let busy = CustomerId(value: "busy")
        let twice: RescoreAccountsResponse = try await health.call(
            "RescoreAccounts", RescoreAccountsRequest(customers: [busy, busy]))
        #expect(twice.scored == 1)
        let refused = await #expect(throws: RPCError.self) {
            let _: RescoreAccountsResponse = try await health.call(
                "RescoreAccounts", RescoreAccountsRequest(customers: Array(repeating: busy, count: 1_001)))
        }
        #expect(refused?.field == "customers", "\(String(describing: refused))")
    }
}
