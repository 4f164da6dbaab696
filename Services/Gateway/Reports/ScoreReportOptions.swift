import ArgumentParser
import Models

/// The options of an NPS, CSAT or CES report, shared by `cxctl feedback report` and
/// `cxctl report nps|csat|ces`.
struct ScoreReportOptions: ParsableArguments {
    @Option(help: "Group rows by segment or touchpoint.") var by: String?
    @Option(help: "A trend by week, month or quarter.") var period: String?
    @Option(help: "Days back from now the answers are taken from.") var days: Int = 365
    @Option(help: "Fewer answers than this in a cell show as \"too few\" (default 10).") var minAnswers: UInt32 = 0
    @Flag(help: "Count only each customer's latest answer in each cell.") var latest = false
    @Option(help: "Only this survey's answers.") var survey = ""

    /// The request these options ask for; `defaultPeriod` when --period is not given.
    func request(kind: SurveyKind, defaultPeriod: ReportPeriod = .unspecified) throws -> ScoreReportRequest {
        ScoreReportRequest(
            kind: kind, by: try by.map(Names.grouping) ?? .unspecified,
            period: try period.map(Names.period) ?? defaultPeriod, window: ReportData.lastDays(days),
            minAnswers: minAnswers, latestPerCustomer: latest, surveyId: survey)
    }
}
