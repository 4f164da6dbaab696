public import Models

/// Field checks every service's methods share; each failure is an INVALID_ARGUMENT that names the
/// field and the reason.
public enum Check {
    /// A customer id: 1–128 bytes of UTF-8 without control characters.
    public static func customer(_ customer: CustomerId?, field: String) throws -> String {
        guard let value = customer?.value, !value.isEmpty else { throw RPCError.invalidArgument(field, "is required") }
        guard value.utf8.count <= 128 else { throw RPCError.invalidArgument(field, "at most 128 bytes") }
        // The control characters (general category Cc) are exactly U+0000–U+001F and U+007F–U+009F; comparing
        // code points is a tenth of looking each scalar's category up, and this runs on every request.
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else {
            throw RPCError.invalidArgument(field, "must not contain control characters")
        }
        return value
    }

    public static func text(_ value: String, field: String, min: Int = 0, max: Int) throws {
        let length = value.utf8.count
        if length < min { throw RPCError.invalidArgument(field, min == 1 ? "is required" : "at least \(min) bytes") }
        if length > max { throw RPCError.invalidArgument(field, "at most \(max) bytes") }
    }

    /// A time that has happened (with `slack` for clock differences between machines).
    public static func notInFuture(_ ms: Int64, field: String, nowMs: Int64, slackMs: Int64 = 5 * 60_000) throws {
        if ms > nowMs + slackMs { throw RPCError.invalidArgument(field, "is in the future (\(ms) > now \(nowMs))") }
        if ms < 0 { throw RPCError.invalidArgument(field, "must not be negative") }
    }

    /// A time range that is not empty and spans at most `maximumDays`. The span is worked out without
    /// overflow: from_ms near Int64.min and until_ms near Int64.max span more than any Int64 holds, which
    /// is too long, not a trap that stops the service.
    /// - Returns: the range.
    public static func timeRange(_ range: TimeRange?, field: String, maximumDays: Int64) throws -> TimeRange {
        guard let range, range.untilMs > range.fromMs else {
            throw RPCError.invalidArgument("\(field).until_ms", "must be after from_ms")
        }
        let (span, overflow) = range.untilMs.subtractingReportingOverflow(range.fromMs)
        guard !overflow, span <= maximumDays * 86_400_000 else {
            throw RPCError.invalidArgument(field, "at most \(maximumDays) days")
        }
        return range
    }

    /// The largest amount taken, 10^15 minor units (ten trillion in a currency of two decimals): far
    /// beyond any real one, and far enough below Int64.max that sums, refunds and points computed from
    /// amounts cannot overflow (an Int64.max amount trapped loyalty's earning arithmetic).
    public static let maximumMinorUnits: Int64 = 1_000_000_000_000_000

    public static func money(_ money: Money?, field: String) throws {
        guard let money else { return }
        if money.minorUnits < 0 { throw RPCError.invalidArgument("\(field).minor_units", "must not be negative") }
        if money.minorUnits > maximumMinorUnits {
            throw RPCError.invalidArgument("\(field).minor_units", "at most \(maximumMinorUnits)")
        }
        let currency = money.currency
        guard currency.utf8.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw RPCError.invalidArgument("\(field).currency", "must be an ISO 4217 code like EUR")
        }
    }
}
