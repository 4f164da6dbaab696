/// The hours an SLA clock runs in: around the clock, or opening hours on some weekdays.
///
/// SLA targets are durations of business time; a calendar turns them into wall-clock due times and
/// measures how much business time passed between two instants.
public struct BusinessCalendar: Sendable, Hashable {
    /// Shown in GetCase and reports: "24x7", "Mon–Fri 08:00–18:00 UTC".
    public var name: String
    /// Opening hours each open day, in minutes after local midnight; nil for around the clock.
    public var openMinutes: Range<Int>?
    /// Open days, 0 = Monday … 6 = Sunday.
    public var openWeekdays: Set<Int>
    /// Local time minus UTC, in minutes.
    public var utcOffsetMinutes: Int

    static let dayMs: Int64 = 86_400_000

    /// - Important: at least one weekday must be open, or no due time could ever be found.
    public init(name: String, openMinutes: Range<Int>?, openWeekdays: Set<Int>, utcOffsetMinutes: Int) {
        precondition(!openWeekdays.isEmpty, "a business calendar needs at least one open day")
        self.name = name
        self.openMinutes = openMinutes
        self.openWeekdays = openWeekdays
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// Around the clock, every day: the default.
    public static let allDay = BusinessCalendar(
        name: "24x7", openMinutes: nil, openWeekdays: Set(0...6), utcOffsetMinutes: 0)

    /// Monday to Friday from `opening` to `closing` o'clock local time.
    public static func weekdays(from opening: Int, to closing: Int, utcOffsetMinutes: Int = 0) -> BusinessCalendar {
        precondition(0 <= opening && opening < closing && closing <= 24, "opening hours must lie within one day")
        let offset = utcOffsetMinutes == 0 ? "UTC" : "UTC\(utcOffsetMinutes > 0 ? "+" : "")\(utcOffsetMinutes / 60)"
        return BusinessCalendar(
            name: "Mon–Fri \(twoDigits(opening)):00–\(twoDigits(closing)):00 \(offset)",
            openMinutes: opening * 60..<closing * 60, openWeekdays: Set(0...4), utcOffsetMinutes: utcOffsetMinutes)
    }

    /// Business time between two instants, ms (0 when `end` is not after `start`).
    public func businessTime(from start: Int64, to end: Int64) -> Int64 {
        guard end > start else { return 0 }
        guard openMinutes != nil else { return end - start }
        var total: Int64 = 0
        for day in localDay(of: start)...localDay(of: end) {
            let window = window(onDay: day)
            total += max(0, min(end, window.upperBound) - max(start, window.lowerBound))
        }
        return total
    }

    /// The instant at which `duration` ms of business time will have passed after `start`.
    public func advance(from start: Int64, by duration: Int64) -> Int64 {
        guard duration > 0 else { return start }
        guard openMinutes != nil else { return start + duration }
        var remaining = duration
        var day = localDay(of: start)
        while true {
            let window = window(onDay: day)
            let from = max(start, window.lowerBound)
            if from < window.upperBound {
                let available = window.upperBound - from
                if remaining <= available { return from + remaining }
                remaining -= available
            }
            day += 1
        }
    }

    /// The open window of a local day (days since the epoch), in UTC ms; empty when the day is closed.
    private func window(onDay day: Int64) -> Range<Int64> {
        let weekday = Int((day + 3) % 7)  // 1 January 1970 was a Thursday (Monday = 0)
        let dayStart = day * Self.dayMs - Int64(utcOffsetMinutes) * 60_000
        guard openWeekdays.contains(weekday) else { return dayStart..<dayStart }
        let minutes = openMinutes ?? 0..<1440
        return (dayStart + Int64(minutes.lowerBound) * 60_000)..<(dayStart + Int64(minutes.upperBound) * 60_000)
    }

    private func localDay(of ms: Int64) -> Int64 {
        let local = ms + Int64(utcOffsetMinutes) * 60_000
        return local >= 0 ? local / Self.dayMs : (local - Self.dayMs + 1) / Self.dayMs
    }

    private static func twoDigits(_ hour: Int) -> String { hour < 10 ? "0\(hour)" : "\(hour)" }
}
