import GRDB
public import Models
public import ServiceKit

/// Raises `inactivity.alert` for accounts that have gone silent: "almost all cancellations are
/// preceded by a period of no use". One alert per episode of silence; usage ends the episode.
public struct InactivityMonitor: Sendable {
    /// Days of silence before an alert, per segment.
    public var thresholdDays: [Segment: Int]

    /// 14 days for every segment.
    public static let standard = InactivityMonitor(
        thresholdDays: [.small: 14, .midMarket: 14, .enterprise: 14, .key: 14])

    public init(thresholdDays: [Segment: Int]) { self.thresholdDays = thresholdDays }

    /// Every hour on the service's clock.
    public var job: ScheduledJob {
        ScheduledJob(name: "inactivity scan", every: .seconds(3600)) { context in
            _ = try await scan(context.database, nowMs: context.clock.nowMs)
        }
    }

    /// Alerts every account past its threshold that has no alert for its current silence.
    /// - Returns: the accounts alerted.
    @discardableResult
    public func scan(_ database: ServiceDatabase, nowMs: Int64) async throws -> [String] {
        try await database.write { db in
            let thresholds = try thresholds(in: db)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.customer_id, a.segment, MAX(a.last_seen_ms, a.signup_ms) AS silent_since
                    FROM accounts a LEFT JOIN inactivity_episodes e ON e.customer_id = a.customer_id
                    WHERE a.stage != ? AND e.customer_id IS NULL
                    """,
                arguments: [LifecycleStage.cancelled.rawValue])
            var alerted: [String] = []
            for row in rows {
                let segment = Segment(rawValue: row["segment"])
                guard let threshold = thresholds[segment] else { continue }
                let silentSince: Int64 = row["silent_since"]
                let daysSilent = (nowMs - silentSince) / dayMs
                guard daysSilent >= threshold else { continue }
                let customer: String = row["customer_id"]
                try db.execute(
                    sql:
                        "INSERT INTO inactivity_episodes (customer_id, silent_since_ms, alerted_at_ms) VALUES (?, ?, ?)",
                    arguments: [customer, silentSince, nowMs])
                let alert = InactivityAlert(
                    customer: CustomerId(value: customer), segment: segment, silentSinceMs: silentSince,
                    daysSilent: UInt32(daysSilent), thresholdDays: UInt32(threshold))
                _ = try database.eventLog.append(
                    NewEvent(
                        type: "inactivity.alert", customerID: customer, occurredAtMs: nowMs,
                        body: alert.serializedBytes()), in: db)
                alerted.append(customer)
            }
            return alerted
        }
    }
}
