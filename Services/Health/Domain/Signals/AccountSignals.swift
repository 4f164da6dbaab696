import GRDB
import Models

/// The other services' facts about one account that the health score uses.
struct AccountSignals: Sendable, Hashable {
    /// A place in a ladder of `count` rungs, 0 being the lowest.
    struct Rank: Sendable, Hashable {
        var rank: Int
        var count: Int
    }

    var latestNPS: Int?
    var openCases = 0
    var slaBreachesLast90Days = 0
    var loyaltyTier: Rank?
    var redemptionsLast90Days = 0
    var advocacyLevel: Rank?

    /// Every account's signals at `nowMs`, read with one query per table rather than one per account.
    static func all(nowMs: Int64, in db: Database) throws -> [String: AccountSignals] {
        var signals: [String: AccountSignals] = [:]
        let window = nowMs - 90 * dayMs
        // The newest answer per account (ties: the later response id, so the choice is stable).
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT customer_id, score FROM (
                    SELECT customer_id, score, ROW_NUMBER() OVER (
                        PARTITION BY customer_id ORDER BY answered_at_ms DESC, response_id DESC) AS n
                    FROM signal_nps WHERE answered_at_ms <= ?)
                WHERE n = 1
                """, arguments: [nowMs])
        {
            signals[row["customer_id"], default: .init()].latestNPS = row["score"]
        }
        let redeem = LedgerEntryKind.redeem.rawValue
        let open = [CaseStatus.open, .pending, .escalated].map(\.rawValue)
        for row in try Row.fetchAll(
            db,
            sql: "SELECT customer_id, COUNT(*) AS n FROM signal_cases WHERE status IN (?, ?, ?) GROUP BY customer_id",
            arguments: StatementArguments(open))
        {
            signals[row["customer_id"], default: .init()].openCases = row["n"]
        }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT customer_id, COUNT(*) AS n FROM signal_breaches
                WHERE breached_at_ms > ? AND breached_at_ms <= ? GROUP BY customer_id
                """, arguments: [window, nowMs])
        {
            signals[row["customer_id"], default: .init()].slaBreachesLast90Days = row["n"]
        }
        for row in try Row.fetchAll(db, sql: "SELECT customer_id, rank, count FROM signal_tiers WHERE rank >= 0") {
            signals[row["customer_id"], default: .init()].loyaltyTier = Rank(rank: row["rank"], count: row["count"])
        }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT customer_id, SUM(CASE WHEN kind = ? THEN 1 ELSE -1 END) AS n FROM signal_points
                WHERE (kind = ? OR (kind = ? AND reward_id != '')) AND posted_at_ms > ? AND posted_at_ms <= ?
                GROUP BY customer_id
                """,
            arguments: [redeem, redeem, LedgerEntryKind.reverse.rawValue, window, nowMs])
        {
            // A cancelled redemption (a REVERSE naming its reward) takes its redemption back out.
            signals[row["customer_id"], default: .init()].redemptionsLast90Days = max(0, row["n"] as Int)
        }
        for row in try Row.fetchAll(db, sql: "SELECT customer_id, rank, count FROM signal_advocacy WHERE rank >= 0") {
            signals[row["customer_id"], default: .init()].advocacyLevel = Rank(rank: row["rank"], count: row["count"])
        }
        return signals
    }
}
