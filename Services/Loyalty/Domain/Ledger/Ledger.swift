import GRDB
import Models
import ServiceKit

/// A ledger line about to be stored.
struct LedgerPosting {
    var customerID: String
    var kind: LedgerEntryKind
    var points: Int64
    /// Why, for people.
    var reason: String
    /// What kind of thing caused it: "purchase", "promotion", "refund", "redemption", "cancellation",
    /// "adjustment", "anniversary", "expiry".
    var cause: String
    /// The id of what caused it in the caller's world; with `cause` it makes the entry id.
    var externalID: String
    var rewardID: String = ""
    /// When it starts to count; later than now for points in a returns window.
    var countsFromMs: Int64

    /// "<cause>:<external id>": the same cause never makes two entries (the column is UNIQUE).
    var entryID: String { Self.entryID(cause: cause, externalID: externalID) }

    static func entryID(cause: String, externalID: String) -> String { "\(cause):\(externalID)" }
}

/// The points ledger: every change of points is an entry; a member's balance is the sum of its counted
/// entries and never goes below zero.
///
/// - Important: Call only inside a write transaction (a router write handler, a subscription or a
///   job's `database.write`): the balance check and the update it guards must not be interleaved with
///   another writer's, which the single group-commit writer guarantees.
///
/// The ledger, membership and purchase paths use the connection's cached statements: a purchase runs a
/// dozen statements, and preparing each anew was a large part of its cost.
enum Ledger {
    /// Stores `posting`; when it counts already, adds it to the balance and publishes
    /// "points.posted", otherwise adds it to the member's pending points.
    /// - Throws: FAILED_PRECONDITION when a counted entry would take the balance below zero.
    @discardableResult
    static func append(_ posting: LedgerPosting, nowMs: Int64, in db: Database) throws -> LedgerEntry {
        try db.cachedStatement(
            sql: """
                INSERT INTO ledger_entries (entry_id, customer_id, kind, points, reason, external_id, reward_id,
                    created_at_ms, counts_from_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            posting.entryID, posting.customerID, posting.kind.rawValue, posting.points, posting.reason,
            posting.externalID, posting.rewardID, nowMs, posting.countsFromMs,
        ])
        let rowID = db.lastInsertedRowID
        guard posting.countsFromMs <= nowMs else {
            try db.cachedStatement(sql: "UPDATE loyalty_members SET pending = pending + ? WHERE customer_id = ?")
                .execute(arguments: [posting.points, posting.customerID])
            return try entry(rowID: rowID, in: db).entry
        }
        return try post(rowID: rowID, wasPending: false, nowMs: nowMs, in: db)
    }

    /// Whether an entry with this id exists.
    static func contains(_ entryID: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM ledger_entries WHERE entry_id = ?"), arguments: [entryID]) ?? false
    }

    /// Counts every pending entry whose returns window has ended, oldest first.
    /// - Returns: how many were posted.
    @discardableResult
    static func postDue(nowMs: Int64, in db: Database) throws -> Int {
        let due = try Int64.fetchAll(
            db.cachedStatement(
                sql: "SELECT id FROM ledger_entries WHERE posted_at_ms = 0 AND counts_from_ms <= ? ORDER BY id"),
            arguments: [nowMs])
        for rowID in due { try post(rowID: rowID, wasPending: true, nowMs: nowMs, in: db) }
        return due.count
    }

    /// A member's counted balance.
    static func balance(of customerID: String, in db: Database) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT balance FROM loyalty_members WHERE customer_id = ?"),
            arguments: [customerID]) ?? 0
    }

    /// The entry stored under `entryID`.
    static func entry(id entryID: String, in db: Database) throws -> LedgerEntry? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM ledger_entries WHERE entry_id = ?"), arguments: [entryID]
        )
        .map(entry(from:))
    }

    static func entry(from row: Row) -> LedgerEntry {
        let postedAt: Int64 = row["posted_at_ms"]
        return LedgerEntry(
            entryId: row["entry_id"], kind: LedgerEntryKind(rawValue: row["kind"]), points: row["points"],
            reason: row["reason"], externalId: row["external_id"], rewardId: row["reward_id"],
            createdAtMs: row["created_at_ms"], countsFromMs: row["counts_from_ms"], pending: postedAt == 0,
            balanceAfter: row["balance_after"])
    }

    /// The entry stored under `rowID`, with its member.
    private static func entry(rowID: Int64, in db: Database) throws -> (entry: LedgerEntry, customerID: String) {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM ledger_entries WHERE id = ?"), arguments: [rowID])!
        return (entry(from: row), row["customer_id"])
    }

    /// Adds a stored entry to its member's balance and publishes "points.posted" in the same transaction.
    @discardableResult
    private static func post(rowID: Int64, wasPending: Bool, nowMs: Int64, in db: Database) throws -> LedgerEntry {
        let stored = try entry(rowID: rowID, in: db)
        var entry = stored.entry
        let customerID = stored.customerID
        let balance = try balance(of: customerID, in: db)
        guard balance + entry.points >= 0 else {
            throw RPCError.failedPrecondition(
                "insufficient points: the balance is \(balance), \(entry.reason) needs \(-entry.points)")
        }
        entry.balanceAfter = balance + entry.points
        entry.pending = false
        try db.cachedStatement(
            sql: "UPDATE loyalty_members SET balance = ?, pending = pending - ? WHERE customer_id = ?"
        ).execute(arguments: [entry.balanceAfter, wasPending ? entry.points : 0, customerID])
        try db.cachedStatement(sql: "UPDATE ledger_entries SET posted_at_ms = ?, balance_after = ? WHERE id = ?")
            .execute(arguments: [nowMs, entry.balanceAfter, rowID])
        try EventLog().append(
            "points.posted", customerID: customerID, occurredAtMs: nowMs,
            PointsPosted(
                customer: CustomerId(value: customerID), entryId: entry.entryId, kind: entry.kind,
                points: entry.points, balanceAfter: entry.balanceAfter, rewardId: entry.rewardId, postedAtMs: nowMs),
            in: db)
        return entry
    }
}
