import GRDB
import Models
import ServiceKit

/// A member of the program as its row holds it.
struct Member {
    var customerID: String
    var tier: String
    /// The tier an admin set as the lowest this member can have; "" when none.
    var tierFloor: String
    var balance: Int64
    var pending: Int64
    /// Since when the member has stayed below its tier's qualifying points; 0 when it is not.
    var belowTierSinceMs: Int64
    /// The last purchase or redemption: expiry counts from it.
    var lastActivityMs: Int64
    /// The `lastActivityMs` for which "points.expiring" was sent; the warning goes once per silence.
    var expiryWarnedForMs: Int64
}

/// Membership and tiers: who is a member, on which tier, and every tier change with its
/// "tier.changed" event (including a member's first tier).
///
/// - Important: Call only inside a write transaction.
enum Membership {
    static let qualifyingWindowMs: Int64 = 365 * dayMs

    /// The member, made one now (on the lowest tier, with "tier.changed") when it was not.
    @discardableResult
    static func ensure(_ customerID: String, program: LoyaltyProgram, nowMs: Int64, in db: Database) throws -> Member {
        if let member = try fetch(customerID, in: db) { return member }
        let lowest = program.tiers[0]
        try db.cachedStatement(
            sql: """
                INSERT INTO loyalty_members (customer_id, tier, last_activity_ms, joined_at_ms) VALUES (?, ?, ?, ?)
                """
        ).execute(arguments: [customerID, lowest.name, nowMs, nowMs])
        try announce(customerID, from: "", to: lowest, program: program, reason: "joined", nowMs: nowMs, in: db)
        return try fetch(customerID, in: db)!
    }

    static func fetch(_ customerID: String, in db: Database) throws -> Member? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM loyalty_members WHERE customer_id = ?"), arguments: [customerID]
        )
        .map(member(from:))
    }

    static func member(from row: Row) -> Member {
        Member(
            customerID: row["customer_id"], tier: row["tier"], tierFloor: row["tier_floor"], balance: row["balance"],
            pending: row["pending"], belowTierSinceMs: row["below_tier_since_ms"],
            lastActivityMs: row["last_activity_ms"], expiryWarnedForMs: row["expiry_warned_for_ms"])
    }

    /// Qualifying points of the 12 months before `nowMs`: base points of purchases, net of refunds.
    /// Redeeming points never lowers it.
    static func qualifyingPoints(_ customerID: String, nowMs: Int64, in db: Database) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COALESCE(SUM(qualifying_points), 0) FROM purchases
                    WHERE customer_id = ? AND purchased_at_ms > ? AND purchased_at_ms <= ?
                    """),
            arguments: [customerID, nowMs - qualifyingWindowMs, nowMs]) ?? 0
    }

    /// The tier the member has earned or been given: its qualifying tier, never below its floor.
    static func entitledTier(_ member: Member, program: LoyaltyProgram, nowMs: Int64, in db: Database) throws -> Tier {
        let qualified = program.tier(qualifying: try qualifyingPoints(member.customerID, nowMs: nowMs, in: db))
        guard let floor = program.tier(named: member.tierFloor), floor.rank > qualified.rank else { return qualified }
        return floor
    }

    /// Moves the member up at once when it is entitled to a higher tier; never down (that waits for
    /// re-evaluation and its grace period).
    /// - Returns: the member's tier afterwards.
    @discardableResult
    static func upgradeIfEntitled(
        _ customerID: String, program: LoyaltyProgram, reason: String, nowMs: Int64, in db: Database
    ) throws -> Tier {
        let member = try ensure(customerID, program: program, nowMs: nowMs, in: db)
        let current = program.tier(named: member.tier) ?? program.tiers[0]
        let entitled = try entitledTier(member, program: program, nowMs: nowMs, in: db)
        if entitled.rank >= current.rank && member.belowTierSinceMs != 0 {
            try db.cachedStatement(sql: "UPDATE loyalty_members SET below_tier_since_ms = 0 WHERE customer_id = ?")
                .execute(arguments: [customerID])
        }
        guard entitled.rank > current.rank else { return current }
        try change(member, to: entitled, program: program, reason: reason, nowMs: nowMs, in: db)
        return entitled
    }

    /// Re-evaluates one member: up at once, down only after `downgradeGraceDays` below its tier.
    /// - Returns: whether the tier changed.
    @discardableResult
    static func reevaluate(_ member: Member, program: LoyaltyProgram, nowMs: Int64, in db: Database) throws -> Bool {
        let current = program.tier(named: member.tier) ?? program.tiers[0]
        let entitled = try entitledTier(member, program: program, nowMs: nowMs, in: db)
        if entitled.rank >= current.rank {
            let upgraded = try upgradeIfEntitled(
                member.customerID, program: program, reason: "qualified", nowMs: nowMs, in: db)
            return upgraded.rank != current.rank
        }
        guard member.belowTierSinceMs != 0 else {
            try db.cachedStatement(sql: "UPDATE loyalty_members SET below_tier_since_ms = ? WHERE customer_id = ?")
                .execute(arguments: [nowMs, member.customerID])
            return false
        }
        guard nowMs - member.belowTierSinceMs >= program.downgradeGraceDays * dayMs else { return false }
        try change(member, to: entitled, program: program, reason: "re-evaluation", nowMs: nowMs, in: db)
        return true
    }

    /// Sets the floor; lifts the member to it at once when it is above the member's tier.
    static func setFloor(
        _ customerID: String, floor: Tier?, program: LoyaltyProgram, nowMs: Int64, in db: Database
    ) throws -> Member {
        try ensure(customerID, program: program, nowMs: nowMs, in: db)
        try db.cachedStatement(sql: "UPDATE loyalty_members SET tier_floor = ? WHERE customer_id = ?").execute(
            arguments: [floor?.name ?? "", customerID])
        try upgradeIfEntitled(customerID, program: program, reason: "floor set by admin", nowMs: nowMs, in: db)
        return try fetch(customerID, in: db)!
    }

    private static func change(
        _ member: Member, to tier: Tier, program: LoyaltyProgram, reason: String, nowMs: Int64, in db: Database
    ) throws {
        try db.cachedStatement(
            sql: "UPDATE loyalty_members SET tier = ?, below_tier_since_ms = 0 WHERE customer_id = ?"
        ).execute(arguments: [tier.name, member.customerID])
        try announce(
            member.customerID, from: member.tier, to: tier, program: program, reason: reason, nowMs: nowMs, in: db)
    }

    private static func announce(
        _ customerID: String, from: String, to tier: Tier, program: LoyaltyProgram, reason: String, nowMs: Int64,
        in db: Database
    ) throws {
        try EventLog().append(
            "tier.changed", customerID: customerID, occurredAtMs: nowMs,
            TierChanged(
                customer: CustomerId(value: customerID), fromTier: from, toTier: tier.name, tierRank: tier.rank,
                tierCount: Int32(program.tiers.count), benefits: tier.benefits, reason: reason, changedAtMs: nowMs),
            in: db)
    }
}
