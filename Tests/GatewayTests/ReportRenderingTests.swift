import Models
import Testing

@testable import cxctl

@Suite("report rendering")
struct ReportRenderingTests {
    static let hostile = "<script>alert('x')</script> & \"quoted\""

    @Test("escaping turns every character that could open markup or end an attribute into an entity")
    func escapesMarkup() {
        #expect(
            HTMLText.escape(Self.hostile)
                == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;")
        #expect(HTMLText.escape("NPS ±95% ▁█ café") == "NPS ±95% ▁█ café")
    }

    @Test("no text of a section reaches the page unescaped: title, tables, trend labels, chart labels")
    func pageEscapesEverything() {
        let section = ReportSection(
            title: Self.hostile, text: "TIER\n" + Self.hostile,
            trends: [.init(label: Self.hostile, values: [1, nil, 3], from: "<a>", until: "</a>")],
            charts: [
                SVGChart.bars([.init(label: Self.hostile, value: 3)], title: Self.hostile),
                SVGChart.stacked([(label: Self.hostile, parts: [1, 2])], legend: [Self.hostile], title: "t"),
                SVGChart.paired([(label: Self.hostile, first: 0.5, second: 0.2)], legend: ["a", "b"], title: "t"),
                SVGChart.trend([.init(label: Self.hostile, value: 10, margin: 5)], range: -100...100, title: "t"),
            ])
        let page = HTMLReport.page([section], title: Self.hostile, generatedAtMs: 1_700_000_000_000)
        #expect(!page.contains("<script"))
        #expect(!page.contains("<a>") && !page.contains("</a>"))
        #expect(!page.contains("'x'"))
        // The title, the heading, the pre, the trend, the chart titles and four chart labels.
        #expect(page.components(separatedBy: "&lt;script&gt;alert(&#39;x&#39;)").count - 1 >= 9)
    }

    @Test("a sparkline runs from ▁ at the lowest value to █ at the highest, with a space for a missing period")
    func sparkline() {
        #expect(Sparkline.render([-40, nil, 0, 60, 10]) == "▁ ▄█▅")
        #expect(Sparkline.render([5, 5, 5]) == "▅▅▅")
        #expect(Sparkline.render([nil, nil]) == "  ")
        #expect(Sparkline.render([]) == "")
    }

    @Test("a trend chart draws a point and an error bar for each known period only, and a band when it has two")
    func trendChartSkipsGaps() {
        let chart = SVGChart.trend(
            [
                .init(label: "2026-01", value: nil, margin: 0), .init(label: "2026-02", value: -20, margin: 30),
                .init(label: "2026-03", value: 40, margin: 25),
            ], range: -100...100, title: "NPS")
        #expect(chart.components(separatedBy: "<circle").count - 1 == 2)
        #expect(chart.components(separatedBy: "<polygon class=\"band\"").count - 1 == 1)
        #expect(chart.contains(">-20</text>") && chart.contains(">+40</text>"))
        #expect(chart.hasPrefix("<svg") && chart.hasSuffix("</svg>"))
    }

    @Test("a bar with nothing to measure says n/a instead of drawing a zero, and no bars at all says none")
    func barsWithoutValues() {
        let chart = SVGChart.bars([.init(label: "May", value: nil), .init(label: "June", value: 80)], title: "SLA")
        #expect(chart.components(separatedBy: "<rect").count - 1 == 2)  // the background and June's bar
        #expect(chart.contains(">n/a</text>"))
        #expect(SVGChart.bars([], title: "breaches").contains(">none</text>"))
    }
}
