import GRDB
import Models
public import ServiceKit

/// Lapses active advocates with no approved contribution for the program's lapse period (12
/// months by default), counted from their latest contribution or from when they became active,
/// whichever is later; emits `advocate.lapsed`. An approved contribution or a new enrollment makes
/// them active again.
public enum LapseMonitor {
    /// Once a day on the service's clock.
    public static var job: ScheduledJob {
        ScheduledJob(name: "lapse scan", every: .seconds(86_400)) { context in
            let nowMs = context.clock.nowMs
            _ = try await context.database.write { db in try scan(nowMs: nowMs, in: db) }
        }
    }

    /// - Returns: the advocates lapsed.
    @discardableResult
    static func scan(nowMs: Int64, in db: Database) throws -> [String] {
        let months = Int(try ProgramStore.current(in: db).lapseAfterMonths)
        let cutoff = Months.ago(months, from: nowMs)
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT customer_id, MAX(last_contribution_ms, active_since_ms) AS last_active FROM advocates
                WHERE status = ? AND MAX(last_contribution_ms, active_since_ms) < ? ORDER BY customer_id
                """,
            arguments: [AdvocateStatus.active.rawValue, cutoff])
        for row in rows {
            let id: String = row["customer_id"]
            try AdvocateStore.setStatus(.lapsed, of: id, nowMs: nowMs, in: db)
            try EventLog().append(
                "advocate.lapsed", customerID: id, occurredAtMs: nowMs,
                AdvocateLapsed(customer: CustomerId(value: id), lastActiveMs: row["last_active"], lapsedAtMs: nowMs),
                in: db)
        }
        return rows.map { $0["customer_id"] }
    }
}
