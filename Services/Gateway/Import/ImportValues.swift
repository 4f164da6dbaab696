import Foundation
import Models

/// Reading a cell as the value a field needs; a cell that cannot be read is a ``RowError`` naming
/// the column.
enum ImportValues {
    /// A moment: `2026-03-31`, `2026-03-31T14:05:00Z` (any ISO 8601 offset) or Unix epoch milliseconds.
    static func time(_ text: String, field: String) throws(RowError) -> Int64 {
        if let milliseconds = Int64(text) { return milliseconds }
        // The whole cell: parsing alone takes a date from "2026-03-31 14:05" and drops the time.
        for format in timeFormats {
            if let date = text.wholeMatch(of: format)?.output {
                return Int64((date.timeIntervalSince1970 * 1000).rounded())
            }
        }
        throw RowError(field, "\"\(text)\" is not a date (2026-03-31), a time (2026-03-31T14:05:00Z) or epoch ms")
    }

    /// A time, a time with fractions of a second, a date (UTC). Foundation's format styles parse in
    /// Swift; the ISO8601DateFormatter this replaced set up ICU's number formatters on every parse
    /// and cost cxctl 325 µs of CPU per account row.
    private static let timeFormats: [Date.ISO8601FormatStyle] = [
        Date.ISO8601FormatStyle(), Date.ISO8601FormatStyle(includingFractionalSeconds: true),
        Date.ISO8601FormatStyle().year().month().day(),
    ]

    /// An amount in major units with up to two decimals ("499", "499.5", "499.00") as minor units.
    static func minorUnits(_ text: String, field: String) throws(RowError) -> Int64 {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = Int64(parts[0]), parts.count == 1 || (1...2).contains(parts[1].count),
            parts.count == 1 || parts[1].allSatisfy(\.isNumber)
        else { throw RowError(field, "\"\(text)\" is not an amount like 499.00") }
        let cents = parts.count == 1 ? 0 : Int64(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0))!
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: 100)
        guard !overflow else { throw RowError(field, "\"\(text)\" is too large") }
        return whole < 0 || parts[0].hasPrefix("-") ? scaled - cents : scaled + cents
    }

    /// A whole number.
    static func integer(_ text: String, field: String) throws(RowError) -> Int64 {
        guard let value = Int64(text) else { throw RowError(field, "\"\(text)\" is not a whole number") }
        return value
    }

    /// A named enum value, as cxctl's options take them (e.g. mid-market).
    static func named<Value>(_ text: String, field: String, _ parse: (String) throws -> Value) throws(RowError) -> Value
    {
        do {
            return try parse(text)
        } catch {
            throw RowError(field, "\(error)")
        }
    }
}
