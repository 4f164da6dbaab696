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

        feedback.clock.advance(byMs: 10 * Self.day)
        var back = InProcessService.account("acme")
        back.stage = .adopting
        back.reactivations = 1
        try await feedback.deliverAccount(back, change: "reactivated")
        feedback.clock.advance(byMs: 60 * Self.day)

        let report: OffboardingReportResponse = try await feedback.call(
            "OffboardingReport", OffboardingReportRequest())
        #expect(report.exitAnswers == 3)
        #expect(report.reasons.map { "\($0.reason)=\($0.answers)" } == ["price=2", "missing sso=1"])
        #expect(report.reasons.map(\.cameBack) == [1, 0], "acme left over price and came back")
        #expect(report.everCancelled == 3 && report.resurrected == 1)
        #expect(abs(report.resurrectionRate - 1.0 / 3) < 1e-9)
        // 60 days back at 499.00 EUR a month (30 days) is 998.00 EUR.
        #expect(report.revenueAfterReturn == [Money(minorUnits: 99_800, currency: "EUR")])
    }

    @Test("with no cancellations the rates are zero, not a division by zero")
    func nothingCancelled() async throws {
        let feedback = try await InProcessService.feedback()
        let report: OffboardingReportResponse = try await feedback.call(
            "OffboardingReport", OffboardingReportRequest())
        #expect(report.everCancelled == 0 && report.resurrectionRate == 0 && report.revenueAfterReturn.isEmpty)
    }
}
