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
/// a year before until.
enum ReportWindow {
    static func resolve(_ window: TimeRange?, field: String, nowMs: Int64) throws -> TimeRange {
        let until = (window?.untilMs ?? 0) == 0 ? nowMs + 1 : window!.untilMs
        // Held at Int64.min: an until_ms near it must not overflow (a trap that stopped the service).
        let yearBefore = until.subtractingReportingOverflow(365 * dayMs)
        let from = (window?.fromMs ?? 0) == 0 ? (yearBefore.overflow ? .min : yearBefore.partialValue) : window!.fromMs
        guard from < until else {
            throw RPCError.invalidArgument("\(field).from_ms", "must be before \(field).until_ms")
        }
        return TimeRange(fromMs: from, untilMs: until)
    }
}
