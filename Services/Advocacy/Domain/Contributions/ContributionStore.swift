import GRDB
import Models
import ServiceKit

/// The contributions table, and what an approved contribution does to its advocate.
enum ContributionStore {
    static func fetch(_ contributionID: String, in db: Database) throws -> Contribution? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM contributions WHERE contribution_id = ?", arguments: [contributionID]
        ).map(contribution(from:))
    }

    static func insert(_ contribution: Contribution, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO contributions (contribution_id, customer_id, channel, state, points, description,
                    occurred_at_ms, recorded_at_ms, reviewed_at_ms, rejection_reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                contribution.contributionId, contribution.advocate!.value, contribution.channel.rawValue,
                contribution.state.rawValue, contribution.points, contribution.description,
                contribution.occurredAtMs, contribution.recordedAtMs, contribution.reviewedAtMs,
                contribution.rejectionReason,
            ])
    }

    /// Marks a pending contribution reviewed; an approval earns its points.
    static func review(
        _ contribution: Contribution, approve: Bool, rejectionReason: String, nowMs: Int64, in db: Database
    ) throws -> Contribution {
        var reviewed = contribution
        reviewed.state = approve ? .approved : .rejected
        reviewed.reviewedAtMs = nowMs
        reviewed.rejectionReason = approve ? "" : rejectionReason
        try db.execute(
            sql: """
                UPDATE contributions SET state = ?, reviewed_at_ms = ?, rejection_reason = ?
                WHERE contribution_id = ?
                """,
            arguments: [
                reviewed.state.rawValue, reviewed.reviewedAtMs, reviewed.rejectionReason, reviewed.contributionId,
            ])
        if approve { try award(reviewed, nowMs: nowMs, in: db) }
        return reviewed
    }

    /// Credits an approved contribution: lifetime (and so current) points grow, a lapsed advocate
    /// is active again, and the level follows the trailing points.
    static func award(_ contribution: Contribution, nowMs: Int64, in db: Database) throws {
        let id = contribution.advocate!.value
        try db.execute(
            sql: """
                UPDATE advocates SET lifetime_points = lifetime_points + ?,
                    last_contribution_ms = MAX(last_contribution_ms, ?), updated_at_ms = ?
                WHERE customer_id = ?
                """,
            arguments: [contribution.points, contribution.occurredAtMs, nowMs, id])
        if try Int32.fetchOne(db, sql: "SELECT status FROM advocates WHERE customer_id = ?", arguments: [id])
            == AdvocateStatus.lapsed.rawValue
        {
            try AdvocateStore.setStatus(.active, of: id, nowMs: nowMs, in: db)
        }
        try LevelReview.reevaluate(id, nowMs: nowMs, in: db)
    }

    static func contribution(from row: Row) -> Contribution {
        Contribution(
            contributionId: row["contribution_id"], advocate: CustomerId(value: row["customer_id"]),
            channel: ContributionChannel(rawValue: row["channel"]), state: ContributionState(rawValue: row["state"]),
            points: row["points"], description: row["description"], occurredAtMs: row["occurred_at_ms"],
            recordedAtMs: row["recorded_at_ms"], reviewedAtMs: row["reviewed_at_ms"],
            rejectionReason: row["rejection_reason"])
    }
}
