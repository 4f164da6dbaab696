import GRDB
import Models
import ServiceKit

/// escalation.GetSlaReport: how well the SLAs are kept and where they break.
enum SlaReportMethods {
    static let defaultWindowMs: Int64 = 30 * 86_400_000

    static func register(on router: Router, policy: EscalationPolicy) {
        router.read("GetSlaReport", role: .reader) { (request: GetSlaReportRequest, context) in
            var window = TimeRange(fromMs: context.nowMs - defaultWindowMs, untilMs: context.nowMs + 1)
            if let given = request.window {
                guard given.untilMs > given.fromMs else {
                    throw RPCError.invalidArgument("window", "until_ms must be after from_ms")
                }
                window = given
            }
            let range = window
            return try await router.database.read { db in try report(range, in: db) }
        }
    }

    static func report(_ window: TimeRange, in db: Database) throws -> GetSlaReportResponse {
        let bounds: StatementArguments = [window.fromMs, window.untilMs]
        let resolved = try Row.fetchAll(
            db,
            sql: """
                SELECT sla_met, resolved_at_ms - opened_at_ms - paused_total_ms AS duration FROM cases
                WHERE resolved_at_ms >= ? AND resolved_at_ms < ? AND resolved_at_ms > 0
                """,
            arguments: bounds)
        let firstResponses = try Int64.fetchAll(
            db,
            sql: """
                SELECT first_response_at_ms - opened_at_ms FROM cases
                WHERE first_response_at_ms >= ? AND first_response_at_ms < ? AND first_response_at_ms > 0
                """,
            arguments: bounds)
        let met = resolved.filter { $0["sla_met"] as Bool }.count
        let resolutionTimes = resolved.map { $0["duration"] as Int64 }
        var report = GetSlaReportResponse(
            resolved: UInt32(resolved.count),
            attainmentPercent: resolved.isEmpty ? 0 : Double(met) * 100 / Double(resolved.count),
            medianFirstResponseDurationMs: percentile(50, of: firstResponses),
            p90FirstResponseDurationMs: percentile(90, of: firstResponses),
            medianResolutionDurationMs: percentile(50, of: resolutionTimes),
            p90ResolutionDurationMs: percentile(90, of: resolutionTimes))
        func breaches(by column: String) throws -> [(Int32, UInt32)] {
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(column) AS key, COUNT(*) AS n FROM sla_breaches
                    WHERE breached_at_ms >= ? AND breached_at_ms < ? GROUP BY \(column) ORDER BY \(column)
                    """,
                arguments: bounds
            ).map { ($0["key"], $0["n"]) }
        }
        report.breachesBySeverity = try breaches(by: "severity").map {
            BreachCount(key: Severity(rawValue: $0.0).displayName, breaches: $0.1)
        }
        report.breachesBySegment = try breaches(by: "segment").map {
            BreachCount(key: Segment(rawValue: $0.0).displayName, breaches: $0.1)
        }
        report.breachesByLevel = try breaches(by: "level").map {
            BreachCount(key: EscalationLevel(rawValue: $0.0).displayName, breaches: $0.1)
        }
        report.atRisk = try CaseStore.fetchAll(
            db, where: "status IN (?, ?, ?) AND alarms != 0",
            [CaseStatus.open.rawValue, CaseStatus.pending.rawValue, CaseStatus.escalated.rawValue],
            suffix: "ORDER BY MIN(first_response_due_ms, resolution_due_ms) LIMIT 100"
        ).map(\.supportCase)
        return report
    }

    /// The nearest-rank percentile; 0 for no values.
    static func percentile(_ percent: Int, of values: [Int64]) -> Int64 {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((Double(percent) / 100 * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}
