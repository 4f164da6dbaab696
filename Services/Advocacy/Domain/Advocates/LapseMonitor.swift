import GRDB
import Models
public import ServiceKit

/// Lapses active advocates with no approved contribution for the program's lapse period (12
/// months by default), counted from their latest contribution or from when they became active,
/// whichever is later, and those whose account cancels; emits `advocate.lapsed`. An approved
/// contribution or a new enrollment makes them active again.
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
            try lapse(
                row["customer_id"], lastActiveMs: row["last_active"],
                reason: "no approved contribution for \(months) months", nowMs: nowMs, in: db)
        }
        return rows.map { $0["customer_id"] }
    }

    /// Applies health's `account.cancelled`: an active advocate whose account cancelled lapses.
    static func accountCancelled(_ customerID: String, nowMs: Int64, in db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT MAX(last_contribution_ms, active_since_ms) AS last_active FROM advocates
                    WHERE customer_id = ? AND status = ?
                    """,
                arguments: [customerID, AdvocateStatus.active.rawValue])
        else { return }
        try lapse(customerID, lastActiveMs: row["last_active"], reason: "the account cancelled", nowMs: nowMs, in: db)
    }

    private static func lapse(
        _ customerID: String, lastActiveMs: Int64, reason: String, nowMs: Int64, in db: Database
    ) throws {
        try AdvocateStore.setStatus(.lapsed, of: customerID, nowMs: nowMs, in: db)
        try EventLog().append(
            "advocate.lapsed", customerID: customerID, occurredAtMs: nowMs,
            AdvocateLapsed(
                customer: CustomerId(value: customerID), lastActiveMs: lastActiveMs, lapsedAtMs: nowMs, reason: reason),
            in: db)
    }
}
