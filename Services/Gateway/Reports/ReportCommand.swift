import ArgumentParser
import Foundation
import Models

/// `cxctl report …`: the reports a manager reads, as tables with sparklines in the terminal and,
/// with --html, as one self-contained page with charts.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports with pictures: tables and sparklines here, charts in an HTML page.",
        subcommands: [
            NpsReportCommand.self, CsatReportCommand.self, CesReportCommand.self, SlaTrendReportCommand.self,
            HealthReportCommand.self, LoyaltyProgramReportCommand.self, AdvocacyReportCommand.self,
            AllReportsCommand.self,
        ])
}

/// Where a report goes: always the terminal, and an HTML page when --html names a file.
struct ReportOutput: ParsableArguments {
    @Option(help: "Also write one self-contained HTML page (inline SVG charts, no script) to this file.")
    var html: String?

    func emit(_ sections: [ReportSection], title: String) throws {
        print(sections.map(\.terminalText).joined(separator: "\n\n"))
        guard let html else { return }
        try HTMLReport.write(sections, title: title, to: html)
        print("\nwrote \(html)")
    }
}

/// NPS, CSAT or CES as a trend by month unless --period says otherwise.
enum ScoreKindReport {
    static func section(_ kind: SurveyKind, _ options: ScoreReportOptions) async throws -> ReportSection {
        let request = try options.request(kind: kind, defaultPeriod: .month)
        return ReportSections.score(try await ReportData.scoreReport(request), request: request)
    }
}

struct NpsReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nps", abstract: "NPS by segment or touchpoint, its trend and margin of error.")
    @OptionGroup var options: ScoreReportOptions
    @OptionGroup var output: ReportOutput

    func run() async throws {
        try output.emit([try await ScoreKindReport.section(.nps, options)], title: "NPS report")
    }
}

struct CsatReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csat", abstract: "CSAT by segment or touchpoint, its trend and margin of error.")
    @OptionGroup var options: ScoreReportOptions
    @OptionGroup var output: ReportOutput

    func run() async throws {
        try output.emit([try await ScoreKindReport.section(.csat, options)], title: "CSAT report")
    }
}

struct CesReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ces", abstract: "CES by segment or touchpoint, its trend and margin of error.")
    @OptionGroup var options: ScoreReportOptions
    @OptionGroup var output: ReportOutput

    func run() async throws {
        try output.emit([try await ScoreKindReport.section(.ces, options)], title: "CES report")
    }
}

/// The SLA report of a window, and with --period the attainment of each of the last periods.
struct SlaTrendOptions: ParsableArguments {
    @Option(help: "Days back the window starts.") var days: Int = 30
    @Option(help: "Breaches charted by severity, segment or level.") var by = "severity"
    @Option(help: "A trend of attainment by week, month (30 days) or quarter (91 days).") var period: String?
    @Option(help: "How many periods the trend shows (1–24).") var periods = 6

    func section() async throws -> ReportSection {
        guard ["severity", "segment", "level"].contains(by) else {
            throw CommandError("--by: expected severity, segment or level, got \"\(by)\"")
        }
        guard (1...24).contains(periods) else { throw CommandError("--periods: expected 1–24, got \(periods)") }
        let length: Int?
        switch period {
        case nil: length = nil
        case "week": length = 7
        case "month": length = 30
        case "quarter": length = 91
        case let other?: throw CommandError("--period: expected week, month or quarter, got \"\(other)\"")
        }
        let report = try await ReportData.slaReport(ReportData.lastDays(days))
        var trend: [(label: String, report: GetSlaReportResponse)] = []
        if let length {
            let now = ReportData.nowMs
            for back in (0..<periods).reversed() {
                let window = ReportData.lastDays(length, endingAt: now - Int64(back * length) * ReportData.dayMs)
                trend.append((Names.time(window.fromMs), try await ReportData.slaReport(window)))
            }
        }
        return ReportSections.sla(report, days: days, trend: trend, breakdown: by)
    }
}

struct SlaTrendReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla", abstract: "SLA attainment, its trend by period, and breaches by severity, segment or level."
    )
    @OptionGroup var options: SlaTrendOptions
    @OptionGroup var output: ReportOutput

    func run() async throws {
        try output.emit([try await options.section()], title: "SLA report")
    }
}

struct HealthReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Health bands by segment, average scores and churn risk.")
    @OptionGroup var output: ReportOutput

    func run() async throws {
        try output.emit([ReportSections.health(try await ReportData.healthReport())], title: "Health report")
    }
}

struct LoyaltyProgramReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loyalty", abstract: "Points issued against redeemed, and members per tier.")
    @OptionGroup var output: ReportOutput

    func run() async throws {
        try output.emit([ReportSections.loyalty(try await ReportData.programReport())], title: "Loyalty report")
    }
}

struct AdvocacyReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advocacy", abstract: "Advocates by status and level.")
    @OptionGroup var output: ReportOutput

    func run() async throws {
        try output.emit([ReportSections.advocacy(try await ReportData.advocates())], title: "Advocacy report")
    }
}

/// Everything a manager reads on one page: NPS trend and representation, health, SLA by month,
/// loyalty tiers and advocates.
struct AllReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all", abstract: "Every report at once; with --html, one page for a manager.")
    @OptionGroup var options: ScoreReportOptions
    @OptionGroup var output: ReportOutput

    func run() async throws {
        let sla = try SlaTrendOptions.parse(["--period", "month"])
        let sections = [
            try await ScoreKindReport.section(.nps, options),
            ReportSections.health(try await ReportData.healthReport()),
            try await sla.section(), ReportSections.loyalty(try await ReportData.programReport()),
            ReportSections.advocacy(try await ReportData.advocates()),
        ]
        try output.emit(sections, title: "Customer experience report")
    }
}
