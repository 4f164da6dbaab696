import GRDB
import Models
public import ServiceKit

/// Anniversary gifts: an active advocate completing another year since enrolling gets one
/// `advocacy.anniversary.gift`, once per year (the count of gifts given is kept, so a job run twice
/// the same day or a restart gives nothing twice). A year missed while lapsed is not made up.
public enum AnniversaryGifts {
    /// Once a day on the service's clock.
    public static var job: ScheduledJob {
        ScheduledJob(name: "anniversary gifts", every: .seconds(86_400)) { context in
            let nowMs = context.clock.nowMs
            _ = try await context.database.write { db in try give(nowMs: nowMs, in: db) }
        }
    }

    /// - Returns: the advocates given a gift.
    @discardableResult
    static func give(nowMs: Int64, in db: Database) throws -> [String] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT customer_id, enrolled_at_ms, anniversary_gifts, level FROM advocates
                WHERE status = ? AND enrolled_at_ms > 0 AND enrolled_at_ms <= ? ORDER BY customer_id
                """,
            arguments: [AdvocateStatus.active.rawValue, Months.ago(12, from: nowMs)])
        var given: [String] = []
        for row in rows {
            let enrolledAt: Int64 = row["enrolled_at_ms"]
            let gifts: Int = row["anniversary_gifts"]
            let years = completedYears(since: enrolledAt, nowMs: nowMs)
            guard years > gifts else { continue }
            let id: String = row["customer_id"]
            try db.execute(
                sql: "UPDATE advocates SET anniversary_gifts = ?, updated_at_ms = ? WHERE customer_id = ?",
                arguments: [years, nowMs, id])
            try EventLog().append(
                "anniversary.gift", customerID: id, occurredAtMs: nowMs,
                AnniversaryGift(
                    customer: CustomerId(value: id), years: Int32(years), level: row["level"],
                    enrolledAtMs: enrolledAt),
                in: db)
            given.append(id)
        }
        return given
    }

    /// Whole calendar years from `enrolledAt` to `nowMs`.
    static func completedYears(since enrolledAt: Int64, nowMs: Int64) -> Int {
        var years = 0
        while Months.ago(12 * (years + 1), from: nowMs) >= enrolledAt { years += 1 }
        return years
    }
}
