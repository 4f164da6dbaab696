import GRDB
import Models
import ServiceKit

/// Expiry of points after inactivity, warned ahead with "points.expiring".
struct PointsExpiry {
    let program: LoyaltyProgram

    /// - Important: Call inside a write transaction.
    func run(nowMs: Int64, in db: Database) throws {
        let members = try Row.fetchAll(db, sql: "SELECT * FROM loyalty_members WHERE balance > 0")
            .map(Membership.member(from:))
        for member in members {
            let expiresAt = program.expiry(afterLastActivity: member.lastActivityMs)
            if nowMs >= expiresAt {
                // The whole balance lapses, so a second run finds nothing left to expire; the entry id names
                // the run, as points given later in the same silence (an adjustment) may lapse again.
                try Ledger.append(
                    LedgerPosting(
                        customerID: member.customerID, kind: .expire, points: -member.balance,
                        reason: "no activity for \(program.expiryInactivityMonths) months", cause: "expiry",
                        externalID: "\(member.customerID)/\(nowMs)", countsFromMs: nowMs),
                    nowMs: nowMs, in: db)
            } else if nowMs >= expiresAt - program.expiryWarningDays * dayMs
                && member.expiryWarnedForMs != member.lastActivityMs
            {
                try db.execute(
                    sql: "UPDATE loyalty_members SET expiry_warned_for_ms = ? WHERE customer_id = ?",
                    arguments: [member.lastActivityMs, member.customerID])
                try EventLog().append(
                    "points.expiring", customerID: member.customerID, occurredAtMs: nowMs,
                    PointsExpiring(
                        customer: CustomerId(value: member.customerID), points: member.balance,
                        expiresAtMs: expiresAt, lastActivityMs: member.lastActivityMs),
                    in: db)
            }
        }
    }
}
