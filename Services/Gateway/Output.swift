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

    static func json(_ object: Any) {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
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
            throw CommandError("--segment: expected small, mid-market, enterprise or key, got \"\(text)\"")
        }
        return match
    }

    static func stage(_ text: String) throws -> LifecycleStage {
        guard let match = LifecycleStage.allCases.first(where: { name($0) == text }) else {
            throw CommandError(
                "--stage: expected onboarding, adopting, mature, at-renewal or cancelled, got \"\(text)\"")
        }
        return match
    }

    static func money(_ money: Money?) -> String {
        guard let money else { return "-" }
        return String(format: "%@ %.2f", money.currency, Double(money.minorUnits) / 100)
    }

    static func time(_ ms: Int64) -> String {
        guard ms > 0 else { return "never" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    static func json(_ account: Account) -> [String: Any] {
        [
            "customer": ["value": account.customer?.value ?? ""], "name": account.name,
            "segment": name(account.segment),
            "plan": account.plan,
            "mrr": ["minor_units": account.mrr?.minorUnits ?? 0, "currency": account.mrr?.currency ?? ""],
            "signup_ms": account.signupMs, "account_manager": account.accountManager,
            "referral_code": account.referralCode, "stage": name(account.stage),
            "cancelled_at_ms": account.cancelledAtMs, "cancellation_reason": account.cancellationReason,
            "reactivations": account.reactivations, "last_seen_ms": account.lastSeenMs,
            "updated_at_ms": account.updatedAtMs,
        ]
    }

    static func json(_ page: PageInfo?) -> [String: Any] {
        ["next_page_token": page?.nextPageToken ?? "", "total_count": page?.totalCount ?? 0]
    }

    static func json(_ record: HealthScoreRecord) -> [String: Any] {
        [
            "customer": ["value": record.customer?.value ?? ""], "score": record.score, "band": name(record.band),
            "model_version": record.modelVersion, "computed_at_ms": record.computedAtMs,
            "churn_probability": record.churnProbability,
            "factors": record.factors.map {
                [
                    "factor": $0.factor, "value": $0.value, "weight": $0.weight, "contribution": $0.contribution,
                    "known": $0.known,
                ] as [String: Any]
            },
        ]
    }
}
