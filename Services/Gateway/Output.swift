import Foundation
import Models

/// Tables for people, JSON for machines.
enum Output {
    /// Left-aligned columns separated by two spaces; the first row is the header.
    static func table(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    /// "20 of 135; next page: --page TOKEN" under a table of one page.
    static func pageLine(shown: Int, page: PageInfo?, noun: String = "") -> String {
        let next = page?.nextPageToken ?? ""
        return "\(shown) of \(page?.totalCount ?? 0)\(noun.isEmpty ? "" : " " + noun)"
            + (next.isEmpty ? "" : "; next page: --page \(next)")
    }

    /// The message with its .proto field names (see `JSONValue` for the mapping).
    static func json(_ message: some ProtoMessage) {
        json(message.jsonValue)
    }

    static func json(_ value: JSONValue) {
        print(value.serialized())
    }
}

/// Names of enum values as people type and read them, and JSON forms of messages.
enum Names {
    /// A value's display name, or "-" when it is not set.
    static func name(_ segment: Segment) -> String { segment == .unspecified ? "-" : segment.displayName }
    static func name(_ stage: LifecycleStage) -> String { stage == .unspecified ? "-" : stage.displayName }
    static func name(_ band: HealthScoreBand) -> String { band == .unspecified ? "-" : band.displayName }

    static func segment(_ text: String) throws -> Segment {
        guard let match = Segment.allCases.first(where: { name($0) == text }) else {
            throw CommandError("expected small, mid-market, enterprise or key, got \"\(text)\"")
        }
        return match
    }

    static func stage(_ text: String) throws -> LifecycleStage {
        guard let match = LifecycleStage.allCases.first(where: { name($0) == text }) else {
            throw CommandError(
                "expected onboarding, adopting, mature, at-renewal or cancelled, got \"\(text)\"")
        }
        return match
    }

    static func money(_ money: Money?) -> String {
        guard let money else { return "-" }
        return String(format: "%@ %.2f", money.currency, Double(money.minorUnits) / 100)
    }

    static func time(_ ms: Int64) -> String {
        guard ms > 0 else { return "never" }
        return Date(timeIntervalSince1970: Double(ms) / 1000).formatted(.iso8601.year().month().day())
    }

}
