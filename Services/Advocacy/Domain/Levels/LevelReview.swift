import GRDB
import Models
public import ServiceKit

/// Keeps each advocate's level equal to what their points over the trailing 12 months reach, and
/// says so with `advocacy.level.changed` (health reads the rank, escalation the incentives).
///
/// Levels go up when a contribution is approved (``reevaluate(_:nowMs:in:)`` in that write) and
/// down as old points leave the window, which only time does: the daily job re-evaluates everyone.
public enum LevelReview {
    /// Once a day on the service's clock.
    public static var job: ScheduledJob {
        ScheduledJob(name: "level review", every: .seconds(86_400)) { context in
            let nowMs = context.clock.nowMs
            _ = try await context.database.write { db in try reevaluateAll(nowMs: nowMs, in: db) }
        }
    }

    /// Re-evaluates every enrolled advocate, their trailing points summed in one query.
    /// - Parameter announcingEveryLevel: emit `level.changed` for every advocate with a level even when
    ///   it stays (the program's levels changed, so ranks, counts or incentives others keep may be stale).
    /// - Returns: how many `level.changed` were emitted.
    @discardableResult
    static func reevaluateAll(nowMs: Int64, announcingEveryLevel: Bool = false, in db: Database) throws -> Int {
        let program = try ProgramStore.current(in: db)
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT a.customer_id, a.level, COALESCE(SUM(c.points), 0) AS points
                FROM advocates a LEFT JOIN contributions c ON c.customer_id = a.customer_id AND c.state = ?
                    AND c.occurred_at_ms > ? AND c.occurred_at_ms <= ?
                WHERE a.enrolled_at_ms > 0 GROUP BY a.customer_id ORDER BY a.customer_id
                """,
            arguments: [ContributionState.approved.rawValue, AdvocateStore.windowStart(nowMs: nowMs), nowMs])
        var announced = 0
        for row in rows {
            let moved = try settle(
                row["customer_id"], from: row["level"], points: row["points"], program: program, nowMs: nowMs,
                announcingSameLevel: announcingEveryLevel, in: db)
            if moved { announced += 1 }
        }
        return announced
    }

    /// Sets one advocate's level from their trailing points, emitting `level.changed` when it moved.
    /// - Returns: whether `level.changed` was emitted.
    @discardableResult
    static func reevaluate(_ customerID: String, nowMs: Int64, in db: Database) throws -> Bool {
        guard let row = try AdvocateStore.row(customerID, in: db) else { return false }
        return try settle(
            customerID, from: row["level"],
            points: AdvocateStore.pointsLast12Months(customerID, nowMs: nowMs, in: db),
            program: ProgramStore.current(in: db), nowMs: nowMs, announcingSameLevel: false, in: db)
    }

    /// Stores the level `points` reach and emits `level.changed` when it differs from `before` (or,
    /// with `announcingSameLevel`, whenever there is a level).
    private static func settle(
        _ customerID: String, from before: String, points: Int64, program: AdvocacyProgram, nowMs: Int64,
        announcingSameLevel: Bool, in db: Database
    ) throws -> Bool {
        let reached = program.level(forPoints: points)
        let after = reached?.level.name ?? ""
        guard before != after || (announcingSameLevel && !after.isEmpty) else { return false }
        try db.execute(
            sql: "UPDATE advocates SET level = ?, updated_at_ms = ? WHERE customer_id = ?",
            arguments: [after, nowMs, customerID])
        let change = AdvocacyLevelChanged(
            customer: CustomerId(value: customerID), fromLevel: before, toLevel: after,
            levelRank: Int32(reached?.rank ?? -1), levelCount: Int32(program.levels.count),
            incentives: reached?.level.incentives ?? AdvocacyIncentives(), pointsLast12Months: points,
            changedAtMs: nowMs)
        try EventLog().append("level.changed", customerID: customerID, occurredAtMs: nowMs, change, in: db)
        return true
    }
}
