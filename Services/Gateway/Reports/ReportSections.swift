import Foundation
import Models

/// Each report's section: the same tables the per-service commands print, its trends and charts.
enum ReportSections {
    /// NPS, CSAT or CES: the score table, one trend per group (too-few periods are gaps), a trend
    /// chart with the margin of error per group (up to four), and whom the answers come from.
    static func score(_ report: ScoreReportResponse, request: ScoreReportRequest) -> ReportSection {
        let kind = Names.name(report.kind).uppercased()
        var section = ReportSection(
            title: "\(kind)\(periodName(request.period).map { " by \($0)" } ?? "")",
            text: Names.describe(report, grouping: request.by, period: request.period))
        let range: ClosedRange<Double> = report.kind == .nps ? -100...100 : report.kind == .csat ? 0...100 : 1...7
        for (group, cells) in groups(report.cells, by: request.by) {
            let labels = cells.map { Names.periodLabel($0.periodStartMs, request.period) }
            section.trends.append(
                ReportSection.Trend(
                    label: group, values: cells.map { $0.tooFew ? nil : $0.score }, from: labels.first ?? "",
                    until: labels.last ?? ""))
            guard section.charts.count < 4 else { continue }
            section.charts.append(
                SVGChart.trend(
                    zip(labels, cells).map { label, cell in
                        SVGChart.TrendPoint(
                            label: label, value: cell.tooFew ? nil : cell.score, margin: cell.marginOfError)
                    }, range: range, title: "\(kind) trend (\(group)) with its 95% margin of error"))
        }
        if !report.representation.isEmpty {
            section.charts.append(
                SVGChart.paired(
                    report.representation.map {
                        (label: Names.name($0.segment), first: $0.answerShare, second: $0.customerShare)
                    }, legend: ["share of answers", "share of customers"],
                    title: "Segment representation: share of \(kind) answers against share of customers"))
        }
        return section
    }

    static func periodName(_ period: ReportPeriod) -> String? {
        switch period {
        case .week: "week"
        case .month: "month"
        case .quarter: "quarter"
        default: nil
        }
    }

    /// The cells by group, in the report's order; one group "all" without a grouping.
    static func groups(_ cells: [ScoreCell], by grouping: ReportGrouping) -> [(String, [ScoreCell])] {
        var order: [String] = []
        var byGroup: [String: [ScoreCell]] = [:]
        for cell in cells {
            let group =
                switch grouping {
                case .segment: Names.name(cell.segment)
                case .touchpoint: Names.name(cell.touchpoint)
                default: "all"
                }
            if byGroup[group] == nil { order.append(group) }
            byGroup[group, default: []].append(cell)
        }
        return order.map { ($0, byGroup[$0]!) }
    }

    /// Health: bands by segment as stacked bars, accounts by churn risk as bars.
    static func health(_ report: HealthReportResponse) -> ReportSection {
        let rows = (report.segments + [report.total ?? SegmentHealth()]).map { segment in
            (
                label: segment.segment == .unspecified ? "all" : Names.name(segment.segment),
                parts: [segment.good, segment.average, segment.poor, segment.unscored].map(Double.init)
            )
        }
        return ReportSection(
            title: "Health", text: Names.describe(report),
            charts: [
                SVGChart.stacked(
                    rows, legend: ["good", "average", "poor", "unscored"],
                    title: "Health band distribution by segment"),
                SVGChart.bars(
                    report.churnRisk.map { SVGChart.Bar(label: Names.riskLabel($0), value: Double($0.accounts)) },
                    title: "Accounts by churn risk", colour: 5),
            ])
    }

    /// SLA: the window's report; with a trend, the attainment of each period as a sparkline and
    /// bars; the breaches by `breakdown` (severity, segment or level) as bars.
    static func sla(
        _ report: GetSlaReportResponse, days: Int, trend: [(label: String, report: GetSlaReportResponse)],
        breakdown: String
    ) -> ReportSection {
        var section = ReportSection(title: "SLA", text: Names.describe(report, days: days))
        if !trend.isEmpty {
            // A period with nothing resolved has no attainment: a gap, not 0%.
            let values = trend.map { $0.report.resolved == 0 ? nil : $0.report.attainmentPercent }
            section.trends.append(
                ReportSection.Trend(
                    label: "attainment", values: values, from: trend.first!.label, until: trend.last!.label))
            section.charts.append(
                SVGChart.bars(
                    zip(trend, values).map { SVGChart.Bar(label: $0.label, value: $1) }, unit: "%",
                    maximum: 100, title: "SLA attainment by period (% of resolved cases within SLA)", colour: 0))
        } else {
            section.charts.append(
                SVGChart.bars(
                    [SVGChart.Bar(label: "last \(days) days", value: report.attainmentPercent)], unit: "%",
                    maximum: 100, title: "SLA attainment (% of resolved cases within SLA)", colour: 0))
        }
        let breaches =
            switch breakdown {
            case "segment": report.breachesBySegment
            case "level": report.breachesByLevel
            default: report.breachesBySeverity
            }
        section.charts.append(
            SVGChart.bars(
                breaches.map { SVGChart.Bar(label: $0.key, value: Double($0.breaches)) },
                title: "SLA breaches by \(breakdown)", colour: 2))
        return section
    }

    /// Loyalty: the program's points and members per tier.
    static func loyalty(_ report: GetProgramReportResponse) -> ReportSection {
        ReportSection(
            title: "Loyalty", text: Names.describe(report),
            charts: [
                SVGChart.bars(
                    report.tiers.map { SVGChart.Bar(label: $0.tier, value: Double($0.members)) },
                    title: "Loyalty tier distribution (members per tier)", colour: 4)
            ])
    }

    /// Advocacy: advocates by status and by level.
    static func advocacy(_ advocates: [Advocate]) -> ReportSection {
        ReportSection(
            title: "Advocacy", text: Names.describe(advocates: advocates),
            charts: [
                SVGChart.bars(
                    Names.tally(advocates.map(\.status.displayName)).map {
                        SVGChart.Bar(label: $0.key, value: Double($0.count))
                    }, title: "Advocates by status", colour: 6),
                SVGChart.bars(
                    Names.tally(advocates.filter { !$0.level.isEmpty }.map(\.level)).map {
                        SVGChart.Bar(label: $0.key, value: Double($0.count))
                    }, title: "Advocates by level", colour: 7),
            ])
    }
}
