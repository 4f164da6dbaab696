import Foundation

/// Calendar months in UTC: the program counts points over "the trailing 12 months", lapses after
/// months of silence and picks a spotlight per month, so months are calendar months, not 30 days.
enum Months {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The same moment `months` calendar months earlier (clamped to the month's end, e.g. 31 March → 28 February).
    static func ago(_ months: Int, from ms: Int64) -> Int64 {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        let earlier = calendar.date(byAdding: .month, value: -months, to: date)!
        return Int64((earlier.timeIntervalSince1970 * 1000).rounded())
    }

    /// "YYYY-MM" of the month `ms` falls in.
    static func key(_ ms: Int64) -> String {
        let parts = calendar.dateComponents([.year, .month], from: Date(timeIntervalSince1970: Double(ms) / 1000))
        return String(format: "%04d-%02d", parts.year!, parts.month!)
    }

    /// "YYYY-MM-DD" of the day `ms` falls in, for reasons people read.
    static func day(_ ms: Int64) -> String {
        let parts = calendar.dateComponents(
            [.year, .month, .day], from: Date(timeIntervalSince1970: Double(ms) / 1000))
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// [start, end) in Unix epoch ms of the month "YYYY-MM", or nil when `key` is not one.
    static func range(_ key: String) -> (startMs: Int64, endMs: Int64)? {
        let parts = key.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]),
            let month = Int(parts[1]), (1970...9999).contains(year), (1...12).contains(month)
        else { return nil }
        let start = calendar.date(from: DateComponents(year: year, month: month, day: 1))!
        let end = calendar.date(byAdding: .month, value: 1, to: start)!
        return (Int64(start.timeIntervalSince1970 * 1000), Int64(end.timeIntervalSince1970 * 1000))
    }

    /// The month `months` before the month "YYYY-MM" `key` (which must be valid).
    static func key(_ months: Int, before key: String) -> String {
        Self.key(ago(months, from: range(key)!.startMs))
    }
}

/// One day in milliseconds.
let dayMs: Int64 = 86_400_000
