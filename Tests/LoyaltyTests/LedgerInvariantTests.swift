import Loyalty
import Models
import ServiceKit
import TestKit
import Testing

@Suite("loyalty ledger invariants")
struct LedgerInvariantTests {
    @Test("through a long mix of every operation, balances stay the sum of their entries and the report adds up")
    func invariantsHoldThroughEverything() async throws {
        let customers = ["acme", "globex", "initech"]
        let loyalty = try await Loyalty(accounts: customers)
        var refused = 0
        for step in 0..<150 {
            // initech goes quiet halfway, so that its points lapse.
            let customer = step < 75 ? customers[step % 3] : customers[step % 2]
            do {
                switch step % 7 {
                case 0, 1:
                    try await loyalty.purchase("p-\(step)", customer, minorUnits: Int64(100_00 + step * 1_731))
                case 2:
                    try await loyalty.refund("f-\(step)", of: "p-\(step - 2)", minorUnits: Int64(50_00 + step * 97))
                case 3:
                    try await loyalty.redeem(
                        "r-\(step)", step % 2 == 0 ? "discount-10" : "ssl-certificate", customer: customer)
                case 4 where step % 2 == 0:
                    let _: CancelRedemptionResponse = try await loyalty.service.call(
                        "CancelRedemption", CancelRedemptionRequest(redemptionId: "r-\(step - 1)", reason: "mix"))
                case 4, 5:
                    try await loyalty.adjust("a-\(step)", step % 3 == 0 ? -300 : 400, customer: customer)
                default:
                    loyalty.advance(days: 40)
                    for job in ["points approval", "tier re-evaluation", "points expiry", "anniversaries"] {
                        try await loyalty.service.runJob(job)
                    }
                }
            } catch let error as RPCError where [.failedPrecondition, .invalidArgument].contains(error.code) {
                refused += 1  // insufficient points, or cancelling a redemption that was refused: nothing changed
            }
            try await loyalty.expectLedgerConsistent()
        }
        #expect(refused > 0 && refused < 75, "the mix should exercise both outcomes, refused \(refused)")

        let report: GetProgramReportResponse = try await loyalty.service.call(
            "GetProgramReport", GetProgramReportRequest())
        // The mix reached every kind of entry.
        #expect(report.pointsRedeemed > 0 && report.pointsExpired > 0 && report.pointsTakenBack > 0, "\(report)")
        #expect(
            report.liability
                == report.pointsIssued - report.pointsRedeemed - report.pointsExpired - report.pointsTakenBack)
        var balances: Int64 = 0
        var pending: Int64 = 0
        for customer in customers {
            let statement = try await loyalty.statement(customer)
            balances += statement.balance
            pending += statement.pending
        }
        #expect(report.liability == balances && report.pending == pending)
        let posted = try await loyalty.events("points.posted", as: PointsPosted.self)
        #expect(posted.map(\.points).reduce(0, +) == balances, "every counted entry was posted once")
    }
}
