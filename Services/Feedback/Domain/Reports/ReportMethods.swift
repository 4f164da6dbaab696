import GRDB
import Models
import Projections
import ServiceKit

/// feedback.ScoreReport: NPS, CSAT or CES by segment or touchpoint, as a trend by period, with
/// the margin of error, "too few" cells, and whom the answers come from.
enum ReportMethods {
    static let defaultMinAnswers = 10

    static func register(on router: Router) {
        router.read("ScoreReport", role: .reader) { (request: ScoreReportRequest, context) in
            try validate(request)
            let window = try ReportWindow.resolve(request.window, field: "window", nowMs: context.nowMs)
            try checkPeriods(in: window, period: request.period)
            let minAnswers = request.minAnswers == 0 ? defaultMinAnswers : Int(request.minAnswers)
            return try await router.database.read { db in
                if !request.surveyId.isEmpty {
                    let survey = try SurveyStore.require(request.surveyId, field: "survey_id", in: db)
                    guard survey.kind == request.kind else {
                        throw RPCError.invalidArgument(
                            "survey_id",
                            "\(survey.surveyId) is a \(survey.kind.acronym) survey, not \(request.kind.acronym)")
                    }
                }
                let answers = try ResponseStore.scoredAnswers(
                    kind: request.kind, fromMs: window.fromMs, untilMs: window.untilMs, surveyID: request.surveyId,
                    in: db)
                let report = ScoreReport(
                    kind: request.kind, grouping: request.by, period: request.period, minAnswers: minAnswers,
                    latestPerCustomer: request.latestPerCustomer, windowStartMs: window.fromMs,
                    windowEndMs: window.untilMs)
                let heard = request.latestPerCustomer ? ScoreReport.latestPerCustomer(answers) : answers
                return ScoreReportResponse(
                    kind: request.kind, minAnswers: UInt32(minAnswers), window: window, cells: report.cells(answers),
                    representation: SegmentRepresentationReport.compare(
                        answers: heard, customers: try AccountProjection.countsBySegment(in: db)))
            }
        }
    }

    /// The most periods a trend has: a cell each, per group.
    static let maximumPeriods: Int64 = 1_000

    /// A trend's window holds at most ``maximumPeriods`` periods. Found by cx-fuzz: a trend by week
    /// over decades made a cell for every week, and one over a window from 1970 to the year 9999 kept
    /// a service busy and growing until it was killed.
    static func checkPeriods(in window: TimeRange, period: ReportPeriod) throws {
        let days: Int64? =
            switch period {
            case .week: 7
            case .month: 31
            case .quarter: 92
            default: nil
            }
        guard let days, window.untilMs - window.fromMs > maximumPeriods * days * dayMs else { return }
        throw RPCError.invalidArgument("window", "at most \(maximumPeriods) periods for a trend by \(period)")
    }

    static func validate(_ request: ScoreReportRequest) throws {
        guard request.kind.scale != nil else { throw RPCError.invalidArgument("kind", "must be NPS, CSAT or CES") }
        if case .unrecognized(let value) = request.by {
            throw RPCError.invalidArgument("by", "unknown grouping \(value)")
        }
        if case .unrecognized(let value) = request.period {
            throw RPCError.invalidArgument("period", "unknown period \(value)")
        }
        guard request.minAnswers <= 100_000 else {
            throw RPCError.invalidArgument("min_answers", "at most 100000")
        }
    }
}

/// The time window of a report: [from, until), until 0 meaning up to and including now, and from 0
/// a year before until (not before 1970). Both lie between 1970 and the year 10000, so that nothing
/// computed from them can overflow and calendar arithmetic stays within the calendar (found by cx-fuzz:
/// an until_ms near Int64.min made `until - 365 days` trap).
enum ReportWindow {
    /// 10000-01-01T00:00:00Z.
    static let latestMs: Int64 = 253_402_300_800_000

    static func resolve(_ window: TimeRange?, field: String, nowMs: Int64) throws -> TimeRange {
        let until = (window?.untilMs ?? 0) == 0 ? nowMs + 1 : window!.untilMs
        guard until > 0, until <= latestMs else {
            throw RPCError.invalidArgument("\(field).until_ms", "must be after 1970 and before the year 10000")
        }
        let from = (window?.fromMs ?? 0) == 0 ? max(0, until - 365 * dayMs) : window!.fromMs
        guard from >= 0 else { throw RPCError.invalidArgument("\(field).from_ms", "must not be negative") }
        guard from < until else {
            throw RPCError.invalidArgument("\(field).from_ms", "must be before \(field).until_ms")
        }
        return TimeRange(fromMs: from, untilMs: until)
    }
}
