import Loyalty
import Models
import ServiceKit
import TestKit
import Testing

@Suite("loyalty earning")
struct EarningTests {
    @Test("a purchase earns a point per euro, pending for the returns window, then counted and posted")
    func purchaseEarnsPendingPoints() async throws {
        let loyalty = try await Loyalty()
        let earned = try await loyalty.purchase("p-1", minorUnits: 123_45)
        #expect(earned.points == 123 && earned.tier == "member" && !earned.duplicate)
        #expect(earned.countsFromMs == loyalty.nowMs + 30 * dayMs)
        #expect(earned.entries.map(\.kind) == [.earn] && earned.entries[0].pending)

        var statement = try await loyalty.statement()
        #expect(statement.balance == 0 && statement.pending == 123)
        #expect(try await loyalty.events("points.posted", as: PointsPosted.self).isEmpty)

        loyalty.advance(days: 29)
        try await loyalty.approvePending()
        #expect(try await loyalty.statement().balance == 0)
        loyalty.advance(days: 1)
        try await loyalty.approvePending()
        statement = try await loyalty.statement()
        #expect(statement.balance == 123 && statement.pending == 0)
        let posted = try await loyalty.events("points.posted", as: PointsPosted.self)
        #expect(posted.count == 1)
        #expect(posted.first?.kind == .earn && posted.first?.points == 123 && posted.first?.balanceAfter == 123)
        #expect(posted.first?.entryId == "purchase:p-1" && posted.first?.postedAtMs == loyalty.nowMs)
        try await loyalty.approvePending()
        #expect(try await loyalty.events("points.posted", as: PointsPosted.self).count == 1)
        try await loyalty.expectLedgerConsistent()
    }

    @Test("a repeated purchase id changes nothing and answers as the first time")
    func duplicatePurchase() async throws {
        let loyalty = try await Loyalty()
        let first = try await loyalty.purchase("p-1", minorUnits: 50_00)
        let before = try await loyalty.snapshot()
        let again = try await loyalty.purchase("p-1", minorUnits: 50_00)
        #expect(again == first)
        // Even with a different amount and another envelope key, the purchase is recorded once.
        let different: RecordPurchaseResponse = try await loyalty.service.call(
            "RecordPurchase",
            RecordPurchaseRequest(
                purchaseId: "p-1", customer: CustomerId(value: "acme"),
                amount: Money(minorUnits: 9_999_00, currency: "EUR")),
            idempotencyKey: "another-key")
        #expect(different.duplicate && different.points == 50)
        #expect(try await loyalty.snapshot() == before)
        #expect(try await loyalty.statement().pending == 50)
    }

    @Test("tier multipliers and a promotion in its date range add points; outside the range they do not")
    func multipliersAndPromotions() async throws {
        var program = LoyaltyProgram.standard
        let start: Int64 = 1_767_225_600_000
        program.promotions = [
            Promotion(name: "spring", fromMs: start + 10 * dayMs, untilMs: start + 20 * dayMs, extraPercent: 50)
        ]
        let loyalty = try await Loyalty(program: program)
        let _: SetTierFloorResponse = try await loyalty.service.call(
            "SetTierFloor",
            SetTierFloorRequest(customer: CustomerId(value: "acme"), tier: "gold", reason: "key account"))
        let before = try await loyalty.purchase("p-1", minorUnits: 100_00)
        #expect(before.points == 150 && before.entries.map(\.kind) == [.earn])
        loyalty.advance(days: 15)
        let during = try await loyalty.purchase("p-2", minorUnits: 100_00)
        #expect(during.points == 200 && during.entries.map(\.kind) == [.earn, .bonus])
        #expect(during.entries.map(\.points) == [150, 50])
        // A late report of a purchase made before the promotion gets no bonus.
        let backdated = try await loyalty.purchase("p-3", minorUnits: 100_00, atMs: start + dayMs)
        #expect(backdated.points == 150)
        loyalty.advance(days: 10)
        #expect(try await loyalty.purchase("p-4", minorUnits: 100_00).points == 150)
    }

    @Test("bad purchases are INVALID_ARGUMENT naming the field, and nothing changes")
    func badPurchases() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.purchase("p-ok", minorUnits: 10_00)
        let before = try await loyalty.snapshot()
        let now = loyalty.nowMs
        let cases: [(RecordPurchaseRequest, String)] = [
            (
                .init(purchaseId: "x", customer: .init(value: "acme"), amount: .init(minorUnits: -5, currency: "EUR")),
                "amount.minor_units"
            ),
            (
                .init(purchaseId: "x", customer: .init(value: "acme"), amount: .init(minorUnits: 0, currency: "EUR")),
                "amount.minor_units"
            ),
            (
                .init(purchaseId: "x", customer: .init(value: "acme"), amount: .init(minorUnits: 100, currency: "XTS")),
                "amount.currency"
            ),
            (
                .init(purchaseId: "x", customer: .init(value: "acme"), amount: .init(minorUnits: 100, currency: "eur")),
                "amount.currency"
            ),
            (.init(purchaseId: "x", customer: .init(value: "acme")), "amount"),
            (
                .init(purchaseId: "", customer: .init(value: "acme"), amount: .init(minorUnits: 100, currency: "EUR")),
                "purchase_id"
            ),
            (
                .init(
                    purchaseId: "x", customer: .init(value: "nobody"), amount: .init(minorUnits: 100, currency: "EUR")),
                "customer"
            ),
            (.init(purchaseId: "x", amount: .init(minorUnits: 100, currency: "EUR")), "customer"),
            (
                .init(
                    purchaseId: "x", customer: .init(value: "acme"), amount: .init(minorUnits: 100, currency: "EUR"),
                    purchasedAtMs: now + dayMs),
                "purchased_at_ms"
            ),
        ]
        for (request, field) in cases {
            let error = await expectFailure(.invalidArgument, field: field) {
                let _: RecordPurchaseResponse = try await loyalty.service.call("RecordPurchase", request)
            }
            #expect(error?.message.contains(field) == true)
        }
        #expect(try await loyalty.snapshot() == before)
    }

    @Test("a reader may look but not record purchases")
    func readerCannotRecord() async throws {
        let loyalty = try await Loyalty()
        await expectFailure(.permissionDenied) {
            let _: RecordPurchaseResponse = try await loyalty.service.call(
                "RecordPurchase",
                RecordPurchaseRequest(
                    purchaseId: "p", customer: .init(value: "acme"), amount: .init(minorUnits: 100, currency: "EUR")),
                token: InProcessService.reader)
        }
        let statement: GetStatementResponse = try await loyalty.service.call(
            "GetStatement", GetStatementRequest(customer: .init(value: "acme")), token: InProcessService.reader)
        #expect(statement.tier?.name == "member")
    }
}
