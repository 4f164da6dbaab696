import GRDB
import Loyalty
import Models
import ServiceKit
import TestKit
import Testing

@Suite("loyalty expiry and anniversaries")
struct ExpiryAndAnniversaryTests {
    @Test("points expire after 12 months without activity, warned once 30 days ahead; activity restarts the clock")
    func expiry() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.adjust("a-1", 1_000)
        try await loyalty.purchase("p-1", minorUnits: 10_00)  // activity now
        loyalty.advance(days: 30)
        try await loyalty.approvePending()
        loyalty.advance(days: 304)  // 334 days silent: not yet warned
        try await loyalty.service.runJob("points expiry")
        #expect(try await loyalty.events("points.expiring", as: PointsExpiring.self).isEmpty)
        loyalty.advance(days: 1)  // 335 days: 30 to go
        try await loyalty.service.runJob("points expiry")
        try await loyalty.service.runJob("points expiry")
        let warnings = try await loyalty.events("points.expiring", as: PointsExpiring.self)
        #expect(warnings.count == 1 && warnings.first?.points == 1_010)
        #expect(warnings.first?.expiresAtMs == loyalty.nowMs + 30 * dayMs)

        loyalty.advance(days: 30)
        try await loyalty.service.runJob("points expiry")
        try await loyalty.service.runJob("points expiry")
        #expect(try await loyalty.statement().balance == 0)
        let expired = try await loyalty.events("points.posted", as: PointsPosted.self).filter { $0.kind == .expire }
        #expect(expired.map(\.points) == [-1_010] && expired.first?.balanceAfter == 0)
        try await loyalty.expectLedgerConsistent()

        // Points given later in the same silence lapse at the next run, in an entry of their own.
        try await loyalty.adjust("a-2", 20)
        loyalty.advance(days: 1)
        try await loyalty.service.runJob("points expiry")
        #expect(try await loyalty.statement().balance == 0)
        try await loyalty.expectLedgerConsistent()

        // A new purchase starts a new stretch: it gets its own warning.
        try await loyalty.purchase("p-2", minorUnits: 100_00)
        loyalty.advance(days: 340)
        try await loyalty.approvePending()
        try await loyalty.service.runJob("points expiry")
        #expect(try await loyalty.events("points.expiring", as: PointsExpiring.self).count == 2)
    }

    @Test("the anniversary gift comes once per year, never twice, also after a restart")
    func anniversaryOncePerYear() async throws {
        // acme signed up 1 October 2025; the service clock starts on 1 January 2026.
        let loyalty = try await Loyalty()
        let program = LoyaltyProgram.standard
        let path = loyalty.service.database.path
        try await loyalty.service.runJob("anniversaries")
        #expect(try await loyalty.statement().balance == 0)
        loyalty.service.clock.set(nowMs: 1_790_812_800_000)  // 1 October 2026, the first anniversary
        try await loyalty.service.runJob("anniversaries")
        try await loyalty.service.runJob("anniversaries")
        #expect(try await loyalty.statement().balance == 500)
        try await loyalty.service.database.close()

        // The service restarts on the same database, a little later the same day.
        let reopened = try ServiceDatabase(
            path: path, migrations: LoyaltyService.definition(program: program).migrations)
        let clock = ManualClock(nowMs: 1_790_812_800_000 + 3_600_000)
        let job = try #require(LoyaltyService.definition.jobs.first { $0.name == "anniversaries" })
        let context = JobContext(service: "loyalty", database: reopened, clock: clock, logger: .init(label: "test"))
        try await job.run(context)
        let gifts = try await reopened.read { db in
            try Int64.fetchAll(
                db, sql: "SELECT points FROM ledger_entries WHERE entry_id LIKE 'anniversary:%' ORDER BY id")
        }
        #expect(gifts == [500])
        clock.set(nowMs: 1_822_435_200_000)  // 1 October 2027, the second
        try await job.run(context)
        try await job.run(context)
        let after = try await reopened.read { db in
            try Row.fetchAll(
                db, sql: "SELECT entry_id, kind FROM ledger_entries WHERE entry_id LIKE 'anniversary:%' ORDER BY id"
            )
            .map { "\($0["entry_id"] as String) \($0["kind"] as Int32)" }
        }
        #expect(after == ["anniversary:acme/1 2", "anniversary:acme/2 2"])
        try await reopened.close()
    }

    @Test("cancelled accounts get no anniversary gift")
    func noGiftForCancelled() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.service.deliverAccount(
            InProcessService.account("acme", stage: .cancelled), change: "cancelled")
        loyalty.service.clock.set(nowMs: 1_790_812_800_000)
        try await loyalty.service.runJob("anniversaries")
        #expect(try await loyalty.statement().balance == 0)
    }
}
