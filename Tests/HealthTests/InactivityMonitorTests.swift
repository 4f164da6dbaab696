import Health
import Models
import ServiceKit
import TestKit
import Testing

@Suite("health inactivity alerts")
struct InactivityMonitorTests {
    static let dayMs: Int64 = 86_400_000

    @Test("14 days of silence raise exactly one alert; usage ends the episode and a new silence alerts again")
    func oneAlertPerEpisode() async throws {
        let health = try InProcessService(HealthService.definition)
        let start = health.clock.nowMs
        var account = AccountMethodsTests.account("quiet", signupMs: start - 30 * Self.dayMs)
        account.segment = .small
        let _: UpsertAccountResponse = try await health.call("UpsertAccount", UpsertAccountRequest(account: account))
        let _: RecordUsageResponse = try await health.call(
            "RecordUsage",
            RecordUsageRequest(events: [
                UsageEvent(
                    usageId: "u1", customer: .init(value: "quiet"), feature: "login", count: 1, occurredAtMs: start)
            ]))
        let monitor = InactivityMonitor.standard

        health.clock.advance(byMs: 13 * Self.dayMs)
        #expect(try await monitor.scan(health.database, nowMs: health.clock.nowMs).isEmpty)
        health.clock.advance(byMs: Self.dayMs)
        #expect(try await monitor.scan(health.database, nowMs: health.clock.nowMs) == ["quiet"])
        for _ in 0..<10 {
            health.clock.advance(byMs: Self.dayMs)
            #expect(try await monitor.scan(health.database, nowMs: health.clock.nowMs).isEmpty)
        }
        let alerts = try await health.events().filter { $0.type == "inactivity.alert" }
        #expect(alerts.count == 1)
        let alert = try InactivityAlert(serializedBytes: alerts[0].body)
        #expect(alert.daysSilent == 14 && alert.thresholdDays == 14 && alert.silentSinceMs == start)

        let _: RecordUsageResponse = try await health.call(
            "RecordUsage",
            RecordUsageRequest(events: [
                UsageEvent(
                    usageId: "u2", customer: .init(value: "quiet"), feature: "login", count: 1,
                    occurredAtMs: health.clock.nowMs)
            ]))
        health.clock.advance(byMs: 14 * Self.dayMs)
        #expect(try await monitor.scan(health.database, nowMs: health.clock.nowMs) == ["quiet"])
    }

    @Test("cancelled accounts and accounts below their segment's threshold raise nothing")
    func thresholdsAndCancelled() async throws {
        let health = try InProcessService(HealthService.definition)
        let now = health.clock.nowMs
        for (id, segment) in [("key-account", Segment.key), ("small-one", .small), ("gone", .small)] {
            var account = AccountMethodsTests.account(id, signupMs: now - 10 * Self.dayMs)
            account.segment = segment
            let _: UpsertAccountResponse = try await health.call(
                "UpsertAccount", UpsertAccountRequest(account: account))
        }
        let _: AccountLifecycleResponse = try await health.call(
            "CancelAccount", CancelAccountRequest(customer: .init(value: "gone"), reason: "price"))
        let monitor = InactivityMonitor(thresholdDays: [.key: 7, .small: 14])
        #expect(try await monitor.scan(health.database, nowMs: now) == ["key-account"])
        #expect(try await monitor.scan(health.database, nowMs: now + 4 * Self.dayMs) == ["small-one"])
    }
}
