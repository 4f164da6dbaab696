import Client
import Foundation
import Models
import TestKit
import Testing

/// `cxctl report all --html` against real services with data, opened in headless Chromium.
@Suite("cxctl report's HTML page in a real browser")
struct ReportHTMLTests {
    static let chromium = ReportFixture.tool("chromium")
    /// The chart titles the page must carry, one per chart kind a manager asked for.
    static let chartTitles = [
        "NPS trend (all) with its 95% margin of error",
        "Segment representation: share of NPS answers against share of customers",
        "Health band distribution by segment", "Accounts by churn risk",
        "SLA attainment by period (% of resolved cases within SLA)", "Loyalty tier distribution (members per tier)",
        "Advocates by status",
    ]

    @Test(
        "the page is self-contained, its numbers are the services' own, and Chromium renders every chart",
        .enabled(if: chromium != nil, "chromium is not installed: scripts/install-deps installs it"))
    func pageRendersInChromium() async throws {
        let fixture = try await ReportFixture()
        defer { fixture.stop() }
        let (imported, importLog) = try await fixture.cxctl(["import", "accounts", try fixture.writeAccountsCSV()])
        #expect(imported == 0, "\(importLog)")
        let (usage, usageLog) = try await fixture.cxctl(["import", "usage", try fixture.writeUsageCSV()])
        #expect(usage == 0, "\(usageLog)")
        try await fixture.addActivity()

        let page = fixture.dataDirectory + "/report.html"
        let (status, output) = try await fixture.cxctl(["report", "all", "--html", page])
        try #require(status == 0, "\(output)")
        #expect(output.contains("wrote \(page)"))
        let html = try String(contentsOfFile: page, encoding: .utf8)

        // Self-contained: no script, nothing loaded from anywhere (the SVG namespace is a name, not a fetch).
        #expect(!html.lowercased().contains("<script"))
        #expect(
            !html.contains("src=") && !html.contains("href=") && !html.contains("@import") && !html.contains("url("))
        for title in Self.chartTitles {
            #expect(html.contains("<title>\(escaped(title))</title>"), "missing chart \"\(title)\"")
        }
        let charts = html.components(separatedBy: "<svg").count - 1
        #expect(charts >= Self.chartTitles.count)

        // The numbers are the services' own: the tier bars and the health totals say what the
        // services' report methods say.
        let program: GetProgramReportResponse = try await fixture.clients["loyalty"]!.call(
            "GetProgramReport", GetProgramReportRequest())
        #expect(program.members == UInt32(ReportFixture.accountCount))
        for tier in program.tiers where tier.members > 0 {
            #expect(html.contains(">\(tier.tier)</text>") && html.contains(">\(tier.members)</text>"))
        }
        let health: HealthReportResponse = try await fixture.clients["health"]!.call(
            "HealthReport", HealthReportRequest())
        #expect(health.total?.accounts == UInt32(ReportFixture.accountCount))
        #expect(health.total?.unscored == 0)
        let sla: GetSlaReportResponse = try await fixture.clients["escalation"]!.call(
            "GetSlaReport", GetSlaReportRequest())
        #expect(sla.resolved == 4)
        #expect(html.contains(String(format: "4 cases resolved, %.1f%% within SLA", sla.attainmentPercent)))

        // Chromium parses it into a DOM with every chart in it ...
        let (dumped, dom) = try await ReportFixture.run(
            Self.chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://\(page)"])
        #expect(dumped == 0, "\(dom)")
        #expect(dom.components(separatedBy: "<svg").count - 1 == charts)
        for title in Self.chartTitles { #expect(dom.contains(escaped(title)), "DOM lacks \"\(title)\"") }
        #expect(dom.contains("<h1>Customer experience report</h1>"))

        // ... and paints it: the screenshot has the charts' colours, not a blank page.
        let screenshot = fixture.dataDirectory + "/report.png"
        let (shot, shotLog) = try await ReportFixture.run(
            Self.chromium!,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--screenshot=\(screenshot)",
                "--window-size=1200,2000", "file://\(page)",
            ])
        #expect(shot == 0, "\(shotLog)")
        let (decoded, pixels) = try await ReportFixture.run(
            "/usr/bin/env",
            [
                "python3", ReportFixture.repositoryRoot + "/scripts/png-colours", screenshot, "#1565c0", "#ef6c00",
                "#0d47a1", "#2e7d32",
            ], limit: .seconds(120))
        #expect(decoded == 0, "\(pixels)")
        let line = pixels.split(separator: "\n").last.map(String.init) ?? ""
        let summary = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let colours = summary?["colours"] as? Int ?? 0
        let present = summary?["present"] as? [String] ?? []
        print("report screenshot: \(colours) distinct colours; chart colours present: \(present)")
        #expect(colours > 30, "a blank or unstyled page has a handful of colours: \(line)")
        // The representation bars (blue and orange), the NPS points and the good health band.
        #expect(Set(present) == ["#1565c0", "#ef6c00", "#0d47a1", "#2e7d32"], "\(line)")
    }

    /// The text as the page carries it (the titles have no characters but & that need escaping).
    private func escaped(_ text: String) -> String { text.replacingOccurrences(of: "&", with: "&amp;") }
}
