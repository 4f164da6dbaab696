import Feedback
import Models
import ServiceKit
import TestKit
import Testing

@Suite("feedback offboarding")
struct OffboardingTests {
    static let day = InProcessService.dayMs

    @Test("exit answers give the reasons; resurrection rate and revenue since the return come from health's events")
    func reasonsAndResurrection() async throws {
        let feedback = try await InProcessService.feedback(accounts: [
            ("acme", .key), ("beta", .small), ("gamma", .small), ("delta", .small),
        ])
        let start = feedback.clock.nowMs
        for id in ["acme", "beta", "gamma"] {
            var gone = InProcessService.account(id)
            gone.stage = .cancelled
            gone.cancelledAtMs = start
            try await feedback.deliverAccount(gone, change: "cancelled")
        }
        try await feedback.answer("x1", survey: "exit", customer: "acme", score: 2, cancellationReason: " Price ")
        try await feedback.answer("x2", survey: "exit", customer: "beta", score: 4, cancellationReason: "price")
        try await feedback.answer("x3", survey: "exit", customer: "gamma", score: 6, cancellationReason: "missing SSO")

        // acme comes back on day 10, leaves again on day 40, comes back on day 50; the report is on day 70.
        feedback.clock.advance(byMs: 10 * Self.day)
        var acme = InProcessService.account("acme")
        acme.stage = .adopting
        acme.reactivations = 1
        try await feedback.deliverAccount(acme, change: "reactivated")
        feedback.clock.advance(byMs: 30 * Self.day)
        acme.stage = .cancelled
        acme.cancelledAtMs = feedback.clock.nowMs
        try await feedback.deliverAccount(acme, change: "cancelled")
        feedback.clock.advance(byMs: 10 * Self.day)
        acme.stage = .adopting
        acme.reactivations = 2
        try await feedback.deliverAccount(acme, change: "reactivated")
        feedback.clock.advance(byMs: 20 * Self.day)

        let report: OffboardingReportResponse = try await feedback.call(
            "OffboardingReport", OffboardingReportRequest())
        #expect(report.exitAnswers == 3)
        #expect(report.reasons.map { "\($0.reason)=\($0.answers)" } == ["price=2", "missing sso=1"])
        #expect(report.reasons.map(\.cameBack) == [1, 0], "acme left over price and came back")
        #expect(report.everCancelled == 3 && report.resurrected == 1)
        #expect(abs(report.resurrectionRate - 1.0 / 3) < 1e-9)
        // Two stays at 499.00 EUR a month (30 days): 30 days (499.00) and 20 days (332.66).
        #expect(report.revenueAfterReturn == [Money(minorUnits: 49_900 + 33_266, currency: "EUR")])
    }

    @Test("an MRR near Int64.max over a long stay is held at the bound, not an overflow that stops the service")
    func hugeRevenueSaturates() async throws {
        let feedback = try await InProcessService.feedback(accounts: [("acme", .key)])
        var acme = InProcessService.account("acme")
        acme.mrr = Money(minorUnits: .max, currency: "EUR")
        acme.stage = .cancelled
        acme.cancelledAtMs = feedback.clock.nowMs
        try await feedback.deliverAccount(acme, change: "cancelled")
        feedback.clock.advance(byMs: Self.day)
        acme.stage = .adopting
        acme.reactivations = 1
        try await feedback.deliverAccount(acme, change: "reactivated")
        feedback.clock.advance(byMs: 400 * Self.day)

        let report: OffboardingReportResponse = try await feedback.call(
            "OffboardingReport", OffboardingReportRequest())
        #expect(report.resurrected == 1)
        #expect(report.revenueAfterReturn == [Money(minorUnits: .max, currency: "EUR")])
    }

    @Test("with no cancellations the rates are zero, not a division by zero")
    func nothingCancelled() async throws {
        let feedback = try await InProcessService.feedback()
        let report: OffboardingReportResponse = try await feedback.call(
            "OffboardingReport", OffboardingReportRequest())
        #expect(report.everCancelled == 0 && report.resurrectionRate == 0 && report.revenueAfterReturn.isEmpty)
    }
}
