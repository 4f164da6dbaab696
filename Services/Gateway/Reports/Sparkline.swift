/// A trend in one line of block characters (▁▂▃▄▅▆▇█), for a terminal.
enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One character per value, scaled from the lowest to the highest value; a missing value (a
    /// period with too few answers) is a space, so a gap is never read as a low score.
    static func render(_ values: [Double?]) -> String {
        let known = values.compactMap { $0 }
        guard let low = known.min(), let high = known.max() else { return String(repeating: " ", count: values.count) }
        let span = high - low
        return String(
            values.map { value -> Character in
                guard let value else { return " " }
                let level =
                    span == 0 ? levels.count / 2 : Int(((value - low) / span * Double(levels.count - 1)).rounded())
                return levels[min(max(level, 0), levels.count - 1)]
            })
    }
}
