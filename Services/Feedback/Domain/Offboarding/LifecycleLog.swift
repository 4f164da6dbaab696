import GRDB
import Models
import ServiceKit

/// When each account cancelled and came back, from health's "account.cancelled" and
/// "account.reactivated" (the projection keeps only the latest cancellation and a count of
/// returns), so the revenue of every stay after a return can be counted.
enum LifecycleLog {
    @Sendable static func record(_ event: Event, in db: Database) throws {
        guard event.type == "account.cancelled" || event.type == "account.reactivated",
            let account = try? AccountChanged(serializedBytes: event.body).account,
            let customerID = account.customer?.value
        else { return }
        if event.type == "account.reactivated" {
            try db.execute(
                sql: "INSERT INTO reactivations (customer_id, reactivated_at_ms) VALUES (?, ?) ON CONFLICT DO NOTHING",
                arguments: [customerID, event.occurredAtMs])
        } else {
            try db.execute(
                sql: "INSERT INTO cancellations (customer_id, cancelled_at_ms) VALUES (?, ?) ON CONFLICT DO NOTHING",
                arguments: [customerID, account.cancelledAtMs > 0 ? account.cancelledAtMs : event.occurredAtMs])
        }
    }

    /// A stay after a return: from the reactivation until the next cancellation (nil: still there).
    struct Stay: Equatable {
        var returnedAtMs: Int64
        var endedAtMs: Int64?
    }

    /// Every account's stays after a return, oldest first, by customer id.
    static func staysAfterReturn(in db: Database) throws -> [String: [Stay]] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT r.customer_id, r.reactivated_at_ms,
                    (SELECT MIN(c.cancelled_at_ms) FROM cancellations c
                     WHERE c.customer_id = r.customer_id AND c.cancelled_at_ms > r.reactivated_at_ms) AS ended
                FROM reactivations r ORDER BY r.customer_id, r.reactivated_at_ms
                """)
        var stays: [String: [Stay]] = [:]
        for row in rows {
            stays[row["customer_id"], default: []].append(
                Stay(returnedAtMs: row["reactivated_at_ms"], endedAtMs: row["ended"]))
        }
        return stays
    }
}
