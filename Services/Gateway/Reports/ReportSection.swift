/// One report as both outputs show it: tables and sparklines in a terminal, the same tables with
/// SVG charts in the HTML page.
struct ReportSection {
    /// A named trend, drawn as a sparkline.
    struct Trend {
        var label: String
        var values: [Double?]
        /// The first and last period, shown on both sides of the sparkline.
        var from: String
        var until: String
    }

    var title: String
    /// The tables as `Output.table` and the per-service commands print them.
    var text: String
    var trends: [Trend] = []
    /// SVG markup from `SVGChart`.
    var charts: [String] = []

    /// The section for a terminal: its title, the tables, then each trend on one line.
    var terminalText: String {
        var lines = [title, String(repeating: "─", count: title.count), text]
        if !trends.isEmpty {
            let width = trends.map(\.label.count).max() ?? 0
            lines.append("")
            lines += trends.map { trend in
                "\(trend.label.padding(toLength: width, withPad: " ", startingAt: 0))  \(trend.from) "
                    + "\(Sparkline.render(trend.values)) \(trend.until)"
            }
        }
        return lines.joined(separator: "\n")
    }
}
