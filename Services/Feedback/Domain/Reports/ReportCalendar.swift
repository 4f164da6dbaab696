import Foundation
import Models

/// The start of the week (Monday), month or quarter an instant falls in, on the UTC calendar.
enum ReportCalendar {
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The start of `ms`'s period, Unix epoch ms; `windowStartMs` when there is no period.
    static func periodStart(_ ms: Int64, period: ReportPeriod, windowStartMs: Int64) -> Int64 {
        switch period {
        case .week:
            // 1 January 1970 was a Thursday: three days after a Monday.
            let day = ms >= 0 ? ms / dayMs : (ms - dayMs + 1) / dayMs
            let sinceMonday = ((day + 3) % 7 + 7) % 7
            return (day - sinceMonday) * dayMs
        case .month, .quarter:
            let date = Date(timeIntervalSince1970: Double(ms) / 1000)
            var parts = utc.dateComponents([.year, .month], from: date)
            if period == .quarter { parts.month = (parts.month! - 1) / 3 * 3 + 1 }
            parts.day = 1
            return Int64(utc.date(from: parts)!.timeIntervalSince1970 * 1000)
        default:
            return windowStartMs
        }
    }

    /// The starts of the periods that overlap [fromMs, untilMs), oldest first.
    static func periodStarts(fromMs: Int64, untilMs: Int64, period: ReportPeriod) -> [Int64] {
        // From a period's first day, these many days always land inside the next period.
        let step: Int64 =
            switch period {
            case .week: 7
            case .month: 31
            default: 92
            }
        var starts: [Int64] = []
        var start = periodStart(fromMs, period: period, windowStartMs: fromMs)
        while start < untilMs {
            starts.append(start)
            start = periodStart(start + step * dayMs, period: period, windowStartMs: fromMs)
        }
        return starts
    }
}
