import GRDB
import Models
import ServiceKit

/// Records when each account came back after cancelling, from health's "account.reactivated"
/// (the projection keeps only how many times), so revenue after a return can be counted.
enum Reactivations {
    @Sendable static func record(_ event: Event, in db: Database) throws {
        guard event.type == "account.reactivated",
            let customerID = try? AccountChanged(serializedBytes: event.body).account?.customer?.value
        else { return }
        try db.execute(
            sql: "INSERT INTO reactivations (customer_id, reactivated_at_ms) VALUES (?, ?) ON CONFLICT DO NOTHING",
            arguments: [customerID, event.occurredAtMs])
    }

    /// Each account's latest return, Unix epoch ms, by customer id.
    static func latest(in db: Database) throws -> [String: Int64] {
        var latest: [String: Int64] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT customer_id, MAX(reactivated_at_ms) AS at FROM reactivations GROUP BY customer_id")
        {
            latest[row["customer_id"]] = row["at"]
        }
        return latest
    }
}
