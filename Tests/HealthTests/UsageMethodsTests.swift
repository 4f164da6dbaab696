import Health
import Models
import ServiceKit
import TestKit
import Testing

@Suite("health usage")
struct UsageMethodsTests {
    static let dayMs: Int64 = 86_400_000

    private func healthWithAccount() async throws -> InProcessService {
        let health = try InProcessService(HealthService.definition)
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account("acme")))
        return health
    }

    private func usage(_ id: String, _ feature: String = "backups.restore", count: Int64 = 1, at ms: Int64)
        -> UsageEvent
    {
        UsageEvent(usageId: id, customer: CustomerId(value: "acme"), feature: feature, count: count, occurredAtMs: ms)
    }

    @Test("usage rolls up per day and feature, moves last-seen, and a retried batch counts once")
    func rollupsAndRetries() async throws {
        let health = try await healthWithAccount()
        let now = health.clock.nowMs
        let batch = RecordUsageRequest(events: [
            usage("u1", count: 2, at: now - 2 * Self.dayMs), usage("u2", count: 3, at: now - 2 * Self.dayMs + 1000),
            usage("u3", "dns.edit", at: now - Self.dayMs), usage("u4", at: now - 60_000),
        ])
        let first: RecordUsageResponse = try await health.call("RecordUsage", batch)
        #expect(first.recorded == 4 && first.duplicates == 0)
        let retried: RecordUsageResponse = try await health.call("RecordUsage", batch)
        #expect(retried.recorded == 0 && retried.duplicates == 4)
        let usage: GetUsageResponse = try await health.call(
            "GetUsage",
            GetUsageRequest(
                customer: .init(value: "acme"), range: TimeRange(fromMs: now - 10 * Self.dayMs, untilMs: now + 1)))
        #expect(usage.lastSeenMs == now - 60_000)
        let restoreDays = usage.days.filter { $0.feature == "backups.restore" }
        #expect(restoreDays.map(\.count) == [5, 1])
        #expect(usage.days.filter { $0.feature == "dns.edit" }.map(\.count) == [1])
    }

    @Test("bad usage is INVALID_ARGUMENT naming the event and field, and nothing of the batch is stored")
    func badUsageIsRefused() async throws {
        let health = try await healthWithAccount()
        let now = health.clock.nowMs
        let cases: [(UsageEvent, String)] = [
            (usage("x1", count: -3, at: now), "events[1].count"),
            (usage("x2", count: 0, at: now), "events[1].count"),
            (usage("x3", at: now + 3_600_000), "events[1].occurred_at_ms"),
            (usage("", at: now), "events[1].usage_id"),
            (
                UsageEvent(usageId: "x4", customer: .init(value: "nobody"), feature: "f", count: 1, occurredAtMs: now),
                "events[1].customer"
            ),
        ]
        for (bad, field) in cases {
            let error = await #expect(throws: RPCError.self) {
                let _: RecordUsageResponse = try await health.call(
                    "RecordUsage", RecordUsageRequest(events: [usage("good-\(field)", at: now), bad]))
            }
            #expect(error?.code == .invalidArgument && error?.field == field, "\(field): \(String(describing: error))")
        }
        let stored: GetUsageResponse = try await health.call(
            "GetUsage",
            GetUsageRequest(
                customer: .init(value: "acme"), range: TimeRange(fromMs: now - 30 * Self.dayMs, untilMs: now + 1)))
        #expect(stored.days.isEmpty && stored.lastSeenMs == 0)
    }

    @Test("of several unknown customers the first to appear is named, even when a later one's event completes a step")
    func firstUnknownCustomerIsNamed() async throws {
        let health = try await healthWithAccount()
        let now = health.clock.nowMs
        func event(_ id: String, _ customer: String, _ feature: String) -> UsageEvent {
            UsageEvent(usageId: id, customer: .init(value: customer), feature: feature, count: 1, occurredAtMs: now)
        }
        let error = await #expect(throws: RPCError.self) {
            let _: RecordUsageResponse = try await health.call(
                "RecordUsage",
                RecordUsageRequest(events: [
                    event("k1", "acme", "login"), event("k2", "ghost-a", "dns"), event("k3", "ghost-b", "login"),
                    event("k4", "ghost-a", "login"),
                ]))
        }
        #expect(error?.field == "events[1].customer" && error?.message.contains("\"ghost-a\"") == true)
        // acme's first login completed its step inside the refused batch: rolled back with the rest.
        let onboarding: GetOnboardingResponse = try await health.call(
            "GetOnboarding", GetOnboardingRequest(customer: .init(value: "acme")))
        #expect(onboarding.steps.allSatisfy { $0.completedAtMs == 0 || $0.step?.key != "first_login" })
        let retried: RecordUsageResponse = try await health.call(
            "RecordUsage", RecordUsageRequest(events: [event("k1", "acme", "login")]))
        #expect(retried.recorded == 1)
    }

    @Test("a reader may not record usage")
    func readerCannotRecord() async throws {
        let health = try await healthWithAccount()
        let error = await #expect(throws: RPCError.self) {
            let _: RecordUsageResponse = try await health.call(
                "RecordUsage", RecordUsageRequest(events: [usage("r", at: health.clock.nowMs)]),
                token: InProcessService.reader)
        }
        #expect(error?.code == .permissionDenied)
    }
}
