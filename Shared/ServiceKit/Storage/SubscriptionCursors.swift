public import GRDB

/// For each event source a service subscribes to, the last `seq` it applied.
///
/// - Important: Set the cursor inside the same `ServiceDatabase.write` as the effects of the event,
///   so that after a crash an event is either applied and counted, or neither.
public struct SubscriptionCursors: Sendable {
    init() {}

    /// The last `seq` applied from `source`; 0 when nothing has been.
    public func appliedSeq(source: String, in db: Database) throws -> UInt64 {
        let stored = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT applied_seq FROM kit_subscription_cursors WHERE source = ?"),
            arguments: [source]
        )
        return stored.map(Self.seq(stored:)) ?? 0
    }

    /// Records that every event of `source` up to `seq` is applied. The caller decides what may
    /// move a cursor back (a publisher whose log was reset): this stores what it is given.
    public func setAppliedSeq(_ seq: UInt64, source: String, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO kit_subscription_cursors (source, applied_seq) VALUES (?, ?)
                ON CONFLICT (source) DO UPDATE SET applied_seq = excluded.applied_seq
                """
        ).execute(arguments: [source, Self.stored(seq: seq)])
    }

    /// Every source's last applied `seq`.
    public func all(in db: Database) throws -> [String: UInt64] {
        let rows = try Row.fetchCursor(db, sql: "SELECT source, applied_seq FROM kit_subscription_cursors")
        var cursors: [String: UInt64] = [:]
        while let row = try rows.next() {
            cursors[row[0]] = Self.seq(stored: row[1])
        }
        return cursors
    }

    // A seq comes off the wire as any UInt64; SQLite integers are signed. The bit pattern keeps
    // every value exact, and cursors are only compared in Swift.
    private static func stored(seq: UInt64) -> Int64 { Int64(bitPattern: seq) }
    private static func seq(stored: Int64) -> UInt64 { UInt64(bitPattern: stored) }
}
