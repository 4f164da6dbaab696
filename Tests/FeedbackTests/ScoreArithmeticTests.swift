import Models
import Testing

@testable import Feedback

@Suite("NPS, CSAT and CES arithmetic")
struct ScoreArithmeticTests {
    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

    @Test("all promoters is +100 and all detractors −100, both with no margin of error")
    func extremes() {
        let promoters = ScoreArithmetic.summarize(.nps, scores: [9, 10, 10, 9])
        #expect(promoters.score == 100 && promoters.marginOfError == 0 && promoters.promoters == 4)
        let detractors = ScoreArithmetic.summarize(.nps, scores: [0, 6, 3])
        #expect(detractors.score == -100 && detractors.marginOfError == 0 && detractors.detractors == 3)
    }

    @Test("no answers is no score: zero answers, zero everything")
    func empty() {
        #expect(ScoreArithmetic.summarize(.nps, scores: []) == ScoreSummary())
        #expect(ScoreArithmetic.summarize(.ces, scores: []) == ScoreSummary())
    }

    @Test("5 promoters, 3 passives, 2 detractors: NPS 30 ± 1.96·√((0.7 − 0.3²)/10)·100 = 48.41")
    func npsMarginOfError() {
        let summary = ScoreArithmetic.summarize(.nps, scores: [10, 10, 9, 9, 9, 8, 7, 7, 6, 0])
        #expect((summary.promoters, summary.passives, summary.detractors) == (5, 3, 2))
        #expect(Self.close(summary.score, 30))
        #expect(Self.close(summary.marginOfError, 48.4084290180956))
    }

    @Test("CSAT is the share of 4–5: 3 of 5 is 60% ± 1.96·√(0.6·0.4/5)·100 = 42.94")
    func csat() {
        let summary = ScoreArithmetic.summarize(.csat, scores: [5, 4, 3, 2, 5])
        #expect(summary.favourable == 3 && Self.close(summary.score, 60))
        #expect(Self.close(summary.marginOfError, 42.941448508405024))
        #expect(summary.promoters == 0 && summary.detractors == 0, "CSAT has no NPS categories")
    }

    @Test("CES is the mean with the % of 5–7: 7,5,3,1 is 4.0 ± 1.96·√((20/3)/4) = 2.53, 50% easy")
    func ces() {
        let summary = ScoreArithmetic.summarize(.ces, scores: [7, 5, 3, 1])
        #expect(Self.close(summary.score, 4) && Self.close(summary.favourablePercent, 50))
        #expect(Self.close(summary.marginOfError, 2.530349119522179))
        #expect(ScoreArithmetic.summarize(.ces, scores: [6]).marginOfError == 0, "one answer has no spread to measure")
    }

    @Test("periods start on Monday, the 1st of the month, and the 1st of the quarter (UTC)")
    func periods() {
        let newYear: Int64 = 1_767_225_600_000  // Thursday 1 January 2026
        #expect(ReportCalendar.periodStart(newYear + 5_000, period: .week, windowStartMs: 0) == 1_766_966_400_000)
        #expect(ReportCalendar.periodStart(1_765_756_800_000, period: .month, windowStartMs: 0) == 1_764_547_200_000)
        #expect(ReportCalendar.periodStart(1_763_164_800_000, period: .quarter, windowStartMs: 0) == 1_759_276_800_000)
        #expect(ReportCalendar.periodStart(newYear, period: .unspecified, windowStartMs: 7) == 7)
        #expect(
            ReportCalendar.periodStarts(fromMs: 1_763_164_800_000, untilMs: newYear + 1, period: .quarter) == [
                1_759_276_800_000, newYear,
            ])
        #expect(
            ReportCalendar.periodStarts(fromMs: newYear, untilMs: newYear + 14 * 86_400_000, period: .week).count == 3)
    }
}
