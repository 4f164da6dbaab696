import Foundation

/// The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched, so
/// it opens the same from a mail attachment, a file share or an air-gapped laptop.
enum HTMLReport {
    static let style = """
        body { font-family: system-ui, sans-serif; margin: 2rem; color: #212121; background: #fafafa; }
        h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
        .generated { color: #616161; margin-top: 0; }
        section { background: #ffffff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 1rem 1.5rem;
                  margin: 1.5rem 0; }
        h2 { font-size: 1.2rem; margin-top: 0; }
        .charts { display: flex; flex-wrap: wrap; gap: 1rem; }
        pre { background: #f5f5f5; padding: 0.75rem; overflow-x: auto; font-size: 0.85rem; }
        .trend { font-family: monospace; }
        """

    /// The page: a title, when it was made, then each section with its charts, its trends and its
    /// tables. All text is escaped.
    static func page(_ sections: [ReportSection], title: String, generatedAtMs: Int64) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(title))</title>
            <style>
            \(style)
            </style></head><body>
            <h1>\(HTMLText.escape(title))</h1>
            <p class="generated">Generated \(HTMLText.escape(Names.instant(generatedAtMs))) UTC by cxctl</p>

            """
        for section in sections {
            html += "<section><h2>\(HTMLText.escape(section.title))</h2>\n"
            if !section.charts.isEmpty {
                html += "<div class=\"charts\">\(section.charts.joined(separator: "\n"))</div>\n"
            }
            for trend in section.trends {
                html += "<p class=\"trend\">\(HTMLText.escape(trend.label)): \(HTMLText.escape(trend.from)) "
                html += "\(HTMLText.escape(Sparkline.render(trend.values))) \(HTMLText.escape(trend.until))</p>\n"
            }
            html += "<pre>\(HTMLText.escape(section.text))</pre></section>\n"
        }
        return html + "</body></html>\n"
    }

    /// Writes the page to `path`, replacing the file.
    static func write(_ sections: [ReportSection], title: String, to path: String) throws {
        let page = page(sections, title: title, generatedAtMs: ReportData.nowMs)
        do {
            try Data(page.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandError("--html: cannot write \(path): \(error.localizedDescription)")
        }
    }
}
