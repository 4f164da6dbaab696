import Feedback
import Models
import ServiceKit
import TestKit
import Testing

@Suite("feedback score reports")
struct ScoreReportTests {
    static let november15: Int64 = 1_763_164_800_000
    static let december15: Int64 = 1_765_756_800_000
    static let december1: Int64 = 1_764_547_200_000
    static let november1: Int64 = 1_761_955_200_000

    /// Key accounts acme and acme2, small accounts beta, gamma and delta (delta never answers).
    static func answered() async throws -> InProcessService {
        let feedback = try await InProcessService.feedback(accounts: [
            ("acme", .key), ("acme2", .key), ("beta", .small), ("gamma", .small), ("delta", .small),
        ])
        try await feedback.answer("k1", customer: "acme", score: 3, answeredAtMs: november15)
        try await feedback.answer("k2", customer: "acme", score: 10, answeredAtMs: december15)
        try await feedback.answer("k3", customer: "acme2", score: 9, answeredAtMs: december15)
        try await feedback.answer("s1", customer: "beta", score: 2, answeredAtMs: december15)
        try await feedback.answer("s2", customer: "gamma", score: 9, answeredAtMs: december15)
        try await feedback.answer("c1", survey: "csat", customer: "beta", score: 5, answeredAtMs: december15)
        return feedback
    }

    @Test("NPS by segment and month: a score per cell with enough answers, \"too few\" for the others")
    func bySegmentAndMonth() async throws {
        let feedback = try await Self.answered()
        let report: ScoreReportResponse = try await feedback.call(
            "ScoreReport", ScoreReportRequest(kind: .nps, by: .segment, period: .month, minAnswers: 2))
        let answered = report.cells.filter { $0.answers > 0 }
        let cells = answered.map { ($0.segment, $0.periodStartMs, $0.answers, $0.tooFew, $0.score) }
        #expect(cells.count == 3)
        #expect(cells[0] == (.small, Self.december1, 2, false, 0))
        #expect(cells[1] == (.key, Self.november1, 1, true, 0))
        #expect(cells[2] == (.key, Self.december1, 2, false, 100))
        #expect(answered[1].detractors == 1 && answered[1].marginOfError == 0)
        // The default window is the year up to 1 January 2026: 13 months for each segment that answered,
        // the silent ones included as "too few" so the trend has no hidden gaps.
        #expect(report.cells.count == 26 && report.cells.filter { $0.answers == 0 }.allSatisfy(\.tooFew))
        #expect(report.cells.first?.periodStartMs == 1_735_689_600_000, "January 2025")
        #expect(report.minAnswers == 2 && report.kind == .nps)
    }

    @Test("the default minimum of 10 answers hides every cell of a small sample")
    func defaultMinimum() async throws {
        let feedback = try await Self.answered()
        let report: ScoreReportResponse = try await feedback.call("ScoreReport", ScoreReportRequest(kind: .nps))
        #expect(report.minAnswers == 10 && report.cells.count == 1)
        #expect(report.cells[0].tooFew && report.cells[0].answers == 5 && report.cells[0].score == 0)
    }

    @Test("latest answer per customer counts acme's December 10, not its November 3")
    func latestPerCustomer() async throws {
        let feedback = try await Self.answered()
        let all: ScoreReportResponse = try await feedback.call(
            "ScoreReport", ScoreReportRequest(kind: .nps, by: .segment, minAnswers: 1))
        let latest: ScoreReportResponse = try await feedback.call(
            "ScoreReport", ScoreReportRequest(kind: .nps, by: .segment, minAnswers: 1, latestPerCustomer: true))
        let keyAll = try #require(all.cells.first { $0.segment == .key })
        let keyLatest = try #require(latest.cells.first { $0.segment == .key })
        #expect(keyAll.answers == 3 && abs(keyAll.score - 100.0 / 3) < 1e-9)
        #expect(keyLatest.answers == 2 && keyLatest.score == 100)
    }

    @Test("segment representation: small is 60% of the customers and 40% of the answers")
    func representation() async throws {
        let feedback = try await Self.answered()
        let report: ScoreReportResponse = try await feedback.call(
            "ScoreReport", ScoreReportRequest(kind: .nps, latestPerCustomer: true))
        let shares = report.representation.map { ($0.segment, $0.answers, $0.answerShare, $0.customers) }
        #expect(shares.count == 2)
        #expect(shares[0] == (.small, 2, 0.5, 3) && shares[1] == (.key, 2, 0.5, 2))
        #expect(abs(report.representation[0].customerShare - 0.6) < 1e-9)
    }

    @Test("by touchpoint, CSAT and CES report only their own kind, and a survey of another kind is refused")
    func touchpointsAndKinds() async throws {
        let feedback = try await Self.answered()
        try await feedback.answer("e1", survey: "ces", customer: "beta", score: 7, answeredAtMs: Self.december15)
        try await feedback.answer("e2", survey: "ces", customer: "gamma", score: 3, answeredAtMs: Self.december15)
        let csat: ScoreReportResponse = try await feedback.call(
            "ScoreReport", ScoreReportRequest(kind: .csat, by: .touchpoint, minAnswers: 1))
        #expect(csat.cells.count == 1)
        #expect(
            (csat.cells[0].touchpoint, csat.cells[0].answers, csat.cells[0].score) == (.supportCaseResolved, 1, 100))
        let ces: ScoreReportResponse = try await feedback.call(
            "ScoreReport", ScoreReportRequest(kind: .ces, minAnswers: 2, surveyId: "ces"))
        #expect(ces.cells.first?.score == 5 && ces.cells.first?.favourablePercent == 50)

        let wrongKind = await #expect(throws: RPCError.self) {
            let _: ScoreReportResponse = try await feedback.call(
                "ScoreReport", ScoreReportRequest(kind: .nps, surveyId: "csat"))
        }
        #expect(wrongKind?.field == "survey_id")
        let noKind = await #expect(throws: RPCError.self) {
            let _: ScoreReportResponse = try await feedback.call("ScoreReport", ScoreReportRequest())
        }
        #expect(noKind?.field == "kind")
    }

    @Test("the window is half-open and defaults to the year up to now")
    func window() async throws {
        let feedback = try await Self.answered()
        let december: ScoreReportResponse = try await feedback.call(
            "ScoreReport",
            ScoreReportRequest(
                kind: .nps, window: TimeRange(fromMs: Self.december1, untilMs: Self.december15), minAnswers: 1))
        #expect(december.cells.isEmpty, "answers at until_ms are outside")
        try await feedback.answer("now", customer: "delta", score: 10)
        let year: ScoreReportResponse = try await feedback.call(
            "ScoreReport", ScoreReportRequest(kind: .nps, minAnswers: 1))
        #expect(year.cells.first?.answers == 6, "an answer made now is inside the default window")
    }

    @Test("a window outside 1970 to the year 10000 is refused naming the field, not overflowed")
    func windowOutsideTheCalendar() async throws {
        let feedback = try await InProcessService.feedback()
        for (window, field) in [
            (TimeRange(untilMs: .min + 1), "window.until_ms"), (TimeRange(untilMs: .max), "window.until_ms"),
            (TimeRange(fromMs: .min, untilMs: 1), "window.from_ms"),
        ] {
            let refused = await #expect(throws: RPCError.self) {
                let _: ScoreReportResponse = try await feedback.call(
                    "ScoreReport", ScoreReportRequest(kind: .nps, window: window))
            }
            #expect(refused?.field == field, "\(window): \(String(describing: refused))")
        }
    }

    @Test("a trend of more than 1,000 periods is refused instead of a cell for every week since 1970")
    func trendOfTooManyPeriods() async throws {
        let feedback = try await InProcessService.feedback()
        let refused = await #expect(throws: RPCError.self) {
            let _: ScoreReportResponse = try await feedback.call(
                "ScoreReport",
                ScoreReportRequest(
                    kind: .nps, period: .week, window: TimeRange(fromMs: 1, untilMs: feedback.clock.nowMs)))
        }
        #expect(refused?.field == "window", "\(String(describing: refused))")
        let yearly: ScoreReportResponse = try await feedback.call(
            "ScoreReport", ScoreReportRequest(kind: .nps, period: .week))
        let window = try #require(yearly.window)
        #expect(window.untilMs - window.fromMs == Int64(365) * 86_400_000)
    }
}
