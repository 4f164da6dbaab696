import Loyalty
import Models
import ServiceKit
import TestKit
import Testing

@Suite("loyalty refunds")
struct RefundTests {
    @Test("partial refunds inside the returns window take back points in proportion, exactly the whole at the end")
    func partialRefundsWhilePending() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.purchase("p-1", minorUnits: 100_00)
        let first = try await loyalty.refund("r-1", of: "p-1", minorUnits: 33_33)
        #expect(first.entry?.points == -33 && first.entry?.pending == true && first.pointsUnrecoverable == 0)
        #expect(first.refundedTotal == Money(minorUnits: 33_33, currency: "EUR"))
        #expect(try await loyalty.statement().pending == 67)
        let second = try await loyalty.refund("r-2", of: "p-1", minorUnits: 66_67)
        #expect(second.entry?.points == -67)
        #expect(try await loyalty.statement().pending == 0)
        // Qualifying spend goes with the refunds.
        #expect(try await loyalty.statement().qualifyingPoints == 0)
        loyalty.advance(days: 30)
        try await loyalty.approvePending()
        let statement = try await loyalty.statement()
        #expect(statement.balance == 0 && statement.pending == 0)
        let posted = try await loyalty.events("points.posted", as: PointsPosted.self)
        #expect(posted.map(\.kind) == [.earn, .reverse, .reverse] && posted.map(\.balanceAfter) == [100, 67, 0])
        try await loyalty.expectLedgerConsistent()
    }

    @Test("a refund after the points counted takes them back now, but never more than the balance")
    func refundAfterSpending() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.purchase("p-1", minorUnits: 2_000_00)
        loyalty.advance(days: 31)
        try await loyalty.approvePending()
        try await loyalty.redeem("red-1", "discount-10")  // 1000 of the 2000 points spent
        let refund = try await loyalty.refund("r-1", of: "p-1", minorUnits: 2_000_00)
        #expect(refund.entry?.points == -1_000 && refund.entry?.pending == false && refund.pointsUnrecoverable == 1_000)
        #expect(try await loyalty.statement().balance == 0)
        try await loyalty.expectLedgerConsistent()
    }

    @Test("a repeated refund id changes nothing")
    func duplicateRefund() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.purchase("p-1", minorUnits: 100_00)
        let first = try await loyalty.refund("r-1", of: "p-1", minorUnits: 10_00)
        let before = try await loyalty.snapshot()
        let again = try await loyalty.refund("r-1", of: "p-1", minorUnits: 10_00)
        #expect(again.entry == first.entry && again.refundedTotal == first.refundedTotal)
        #expect(try await loyalty.snapshot() == before)
    }

    @Test("refunds of unknown purchases, beyond the purchase, in another currency or of zero are refused")
    func badRefunds() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.purchase("p-1", minorUnits: 100_00)
        try await loyalty.refund("r-1", of: "p-1", minorUnits: 60_00)
        let before = try await loyalty.snapshot()
        await expectFailure(.invalidArgument, field: "purchase_id") {
            try await loyalty.refund("r-2", of: "p-unknown", minorUnits: 1_00)
        }
        let tooMuch = await expectFailure(.invalidArgument, field: "amount.minor_units") {
            try await loyalty.refund("r-3", of: "p-1", minorUnits: 40_01)
        }
        #expect(tooMuch?.message.contains("more than the purchase") == true)
        await expectFailure(.invalidArgument, field: "amount.currency") {
            try await loyalty.refund("r-4", of: "p-1", minorUnits: 1_00, currency: "USD")
        }
        await expectFailure(.invalidArgument, field: "amount.minor_units") {
            try await loyalty.refund("r-5", of: "p-1", minorUnits: 0)
        }
        await expectFailure(.invalidArgument, field: "refund_id") {
            try await loyalty.refund("", of: "p-1", minorUnits: 1_00)
        }
        #expect(try await loyalty.snapshot() == before)
    }
}
