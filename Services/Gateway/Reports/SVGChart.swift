import Foundation

/// Charts drawn as inline SVG, so the HTML report needs no script and nothing from the network.
/// Every label goes through `HTMLText.escape`; every chart has a `<title>` for screen readers.
enum SVGChart {
    static let width = 520.0
    static let height = 240.0
    static let left = 52.0
    static let right = 16.0
    static let top = 28.0
    static let bottom = 44.0
    /// Good, average, poor, unscored, then more for other series.
    static let palette = ["#2e7d32", "#f9a825", "#c62828", "#9e9e9e", "#1565c0", "#6a1b9a", "#00838f", "#ef6c00"]

    /// One period of a trend: its label, its value (nil when there were too few answers) and the
    /// 95% margin of error around it.
    struct TrendPoint {
        var label: String
        var value: Double?
        var margin: Double
    }

    /// One bar: a label and a value; nil when there is nothing to measure (no bar, "n/a", never a
    /// zero someone could read as one).
    struct Bar {
        var label: String
        var value: Double?
    }

    /// A trend line with its margin of error as a shaded band and error bars: how sure the score is
    /// matters as much as the score.
    static func trend(_ points: [TrendPoint], range: ClosedRange<Double>, title: String) -> String {
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let step = plotWidth / Double(max(points.count, 1))
        func x(_ index: Int) -> Double { left + (Double(index) + 0.5) * step }
        func y(_ value: Double) -> Double {
            let clamped = min(max(value, range.lowerBound), range.upperBound)
            return top + (range.upperBound - clamped) / (range.upperBound - range.lowerBound) * plotHeight
        }
        var body = axes(range: range, y: y)
        let known = points.enumerated().compactMap { index, point in point.value.map { (index, $0, point.margin) } }
        if known.count > 1 {
            let upper = known.map { "\(f(x($0.0))),\(f(y($0.1 + $0.2)))" }
            let lower = known.reversed().map { "\(f(x($0.0))),\(f(y($0.1 - $0.2)))" }
            body += "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\" fill=\"#90caf9\" "
            body += "fill-opacity=\"0.45\"/>"
            body += "<polyline points=\"\(known.map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " "))\" "
            body += "fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2.5\"/>"
        }
        for (index, value, margin) in known {
            body += "<line x1=\"\(f(x(index)))\" x2=\"\(f(x(index)))\" y1=\"\(f(y(value + margin)))\" "
            body += "y2=\"\(f(y(value - margin)))\" stroke=\"#0d47a1\" stroke-width=\"1.5\"/>"
            body += "<circle cx=\"\(f(x(index)))\" cy=\"\(f(y(value)))\" r=\"4\" fill=\"#0d47a1\"/>"
            body += text(x(index), y(value) - 8, String(format: "%+.0f", value), anchor: "middle", size: 10)
        }
        body += xLabels(points.map(\.label), x: x)
        return svg(title: title, body: body)
    }

    /// Vertical bars from zero, the value written above each.
    static func bars(_ bars: [Bar], unit: String = "", maximum: Double? = nil, title: String, colour: Int = 4) -> String
    {
        let top = maximum ?? max(bars.compactMap(\.value).max() ?? 1, 1)
        let plotWidth = width - left - right
        let plotHeight = height - self.top - bottom
        let step = plotWidth / Double(max(bars.count, 1))
        func y(_ value: Double) -> Double { self.top + (top - min(value, top)) / top * plotHeight }
        var body = axes(range: 0...top, y: y)
        if bars.isEmpty {
            body += text(left + plotWidth / 2, self.top + plotHeight / 2, "none", anchor: "middle", size: 14)
        }
        for (index, bar) in bars.enumerated() {
            let x = left + Double(index) * step + step * 0.15
            guard let value = bar.value else {
                body += text(x + step * 0.35, y(0) - 4, "n/a", anchor: "middle", size: 10)
                continue
            }
            let bar = (label: bar.label, value: value)
            body += "<rect x=\"\(f(x))\" y=\"\(f(y(bar.value)))\" width=\"\(f(step * 0.7))\" "
            body += "height=\"\(f(y(0) - y(bar.value)))\" fill=\"\(palette[(colour + index) % palette.count])\"/>"
            body += text(x + step * 0.35, y(bar.value) - 4, number(bar.value) + unit, anchor: "middle", size: 10)
        }
        body += xLabels(bars.map(\.label)) { left + (Double($0) + 0.5) * step }
        return svg(title: title, body: body)
    }

    /// One horizontal bar per row, split into its parts' shares: e.g. each segment's accounts by
    /// health band. The counts are written in each part wide enough to hold them.
    static func stacked(_ rows: [(label: String, parts: [Double])], legend: [String], title: String) -> String {
        let rowHeight = (height - top - 12) / Double(max(rows.count, 1))
        let plotLeft = 110.0
        let plotWidth = width - plotLeft - right
        var body = legendRow(legend)
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight + rowHeight * 0.15
            let total = row.parts.reduce(0, +)
            body += text(plotLeft - 6, y + rowHeight * 0.45, row.label, anchor: "end", size: 11)
            var x = plotLeft
            for (part, value) in row.parts.enumerated() where value > 0 && total > 0 {
                let partWidth = value / total * plotWidth
                body += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(partWidth))\" height=\"\(f(rowHeight * 0.7))\" "
                body += "fill=\"\(palette[part % palette.count])\"/>"
                if partWidth > 24 {
                    body += text(x + partWidth / 2, y + rowHeight * 0.45, number(value), anchor: "middle", size: 10)
                }
                x += partWidth
            }
        }
        return svg(title: title, body: body)
    }

    /// Two horizontal bars per row on a 0–100% scale: e.g. a segment's share of answers against its
    /// share of customers, so an unheard segment shows.
    static func paired(_ rows: [(label: String, first: Double, second: Double)], legend: [String], title: String)
        -> String
    {
        let rowHeight = (height - top - 12) / Double(max(rows.count, 1))
        let plotLeft = 110.0
        let plotWidth = width - plotLeft - right - 40
        var body = legendRow(legend, colours: [4, 7])
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight + rowHeight * 0.1
            body += text(plotLeft - 6, y + rowHeight * 0.42, row.label, anchor: "end", size: 11)
            for (bar, (share, colour)) in [(row.first, 4), (row.second, 7)].enumerated() {
                let barY = y + Double(bar) * rowHeight * 0.4
                let barWidth = max(min(share, 1), 0) * plotWidth
                body += "<rect x=\"\(f(plotLeft))\" y=\"\(f(barY))\" width=\"\(f(barWidth))\" "
                body += "height=\"\(f(rowHeight * 0.36))\" fill=\"\(palette[colour])\"/>"
                body += text(
                    plotLeft + barWidth + 4, barY + rowHeight * 0.3, String(format: "%.0f%%", share * 100),
                    anchor: "start", size: 10)
            }
        }
        return svg(title: title, body: body)
    }

    // MARK: pieces

    private static func svg(title: String, body: String) -> String {
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
            + "viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\">"
            + "<title>\(HTMLText.escape(title))</title>"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\(body)</svg>"
    }

    /// Horizontal grid lines with their values at the bottom, middle and top of the range (and at
    /// zero when the range crosses it).
    private static func axes(range: ClosedRange<Double>, y: (Double) -> Double) -> String {
        var marks = [range.lowerBound, (range.lowerBound + range.upperBound) / 2, range.upperBound]
        if range.lowerBound < 0, range.upperBound > 0, !marks.contains(0) { marks.append(0) }
        return marks.map { mark in
            "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(mark)))\" y2=\"\(f(y(mark)))\" "
                + "stroke=\"\(mark == 0 ? "#616161" : "#e0e0e0")\" stroke-width=\"1\"/>"
                + text(left - 6, y(mark) + 4, number(mark), anchor: "end", size: 10)
        }.joined()
    }

    /// Labels under the x axis, thinned so that at most about twelve show.
    private static func xLabels(_ labels: [String], x: (Int) -> Double) -> String {
        let every = max(1, (labels.count + 11) / 12)
        return labels.enumerated().filter { $0.offset % every == 0 }.map { index, label in
            text(x(index), height - bottom + 16, label, anchor: "middle", size: 10)
        }.joined()
    }

    private static func legendRow(_ names: [String], colours: [Int]? = nil) -> String {
        // Each entry as wide as its name (about 6.5 units a character at this size) plus its swatch.
        var x = left
        var legend = ""
        for (index, name) in names.enumerated() {
            let colour = palette[(colours?[index] ?? index) % palette.count]
            legend += "<rect x=\"\(f(x))\" y=\"6\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
            legend += text(x + 16, 16, name, anchor: "start", size: 11)
            x += 32 + Double(name.count) * 6.5
        }
        return legend
    }

    private static func text(_ x: Double, _ y: Double, _ content: String, anchor: String, size: Int) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" fill=\"#212121\">"
            + "\(HTMLText.escape(content))</text>"
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }
}
