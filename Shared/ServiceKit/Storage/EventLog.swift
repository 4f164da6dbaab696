public import GRDB
public import Models
import Foundation

/// An event as the log holds it: numbered by the service that wrote it.
public struct StoredEvent: Sendable, Hashable {
    /// Position in the writing service's log: 1, 2, 3 … with no gaps, forever.
    public var seq: UInt64
    /// A UUID, unique across services.
    public var eventID: String
    /// The event's kind, e.g. `"loyalty.PointsRedeemed"`.
    public var type: String
    /// Empty when the event is about no one customer.
    public var customerID: String
    /// When the fact happened, in milliseconds since the Unix epoch (not when it was stored).
    public var occurredAtMs: Int64
    /// The encoded protobuf message of the event.
    public var body: [UInt8]

    public init(seq: UInt64, eventID: String, type: String, customerID: String, occurredAtMs: Int64, body: [UInt8]) {
        self.seq = seq
        self.eventID = eventID
        self.type = type
        self.customerID = customerID
        self.occurredAtMs = occurredAtMs
        self.body = body
    }
}

/// An event to append: the log gives it its `seq` and event id.
public struct NewEvent: Sendable, Hashable {
    public var type: String
    public var customerID: String
    public var occurredAtMs: Int64
    public var body: [UInt8]

    public init(type: String, customerID: String = "", occurredAtMs: Int64, body: [UInt8]) {
        self.type = type
        self.customerID = customerID
        self.occurredAtMs = occurredAtMs
        self.body = body
    }
}

/// The transactional outbox: a service appends an event in the same write as the state change it
/// describes, so the event exists exactly when the change does. The publisher and the replay
/// method read it back by `seq`.
///
/// - Important: `append` must run inside `ServiceDatabase.write`: its gap-free numbering relies on
///   there being one writer.
public struct EventLog: Sendable {
    /// The log has no state of its own (it is the `kit_events` table), so subscriptions and jobs,
    /// which have no ``WriteContext``, append through an instance of their own.
    public init() {}

    /// Appends a typed event: `body` encoded, for subscriptions and jobs (write handlers use
    /// ``WriteContext/emit(_:customerID:_:)``).
    @discardableResult
    public func append<Body: ProtoMessage>(
        _ type: String, customerID: String = "", occurredAtMs: Int64, _ body: Body, in db: Database
    ) throws -> StoredEvent {
        try append(
            NewEvent(type: type, customerID: customerID, occurredAtMs: occurredAtMs, body: body.serializedBytes()),
            in: db)
    }

    /// Appends `event` with the next `seq` and a fresh UUID event id.
    ///
    /// The number is the highest `seq` plus one, read inside the transaction, so a write that
    /// throws (rolling back its savepoint) leaves no gap.
    /// - Returns: The event as stored.
    public func append(_ event: NewEvent, in db: Database) throws -> StoredEvent {
        try append(contentsOf: [event], in: db)[0]
    }

    /// Appends `events` in order, numbered from the highest `seq` plus one, read once: for a job that
    /// emits an event per account, that read was a tenth of its work.
    /// - Returns: The events as stored.
    @discardableResult
    public func append(contentsOf events: [NewEvent], in db: Database) throws -> [StoredEvent] {
        guard !events.isEmpty else { return [] }
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO kit_events (seq, event_id, type, customer_id, occurred_at_ms, body)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
        var seq = try latestSeq(in: db)
        return try events.map { event in
            seq += 1
            let stored = StoredEvent(
                seq: seq, eventID: Self.randomEventID(), type: event.type, customerID: event.customerID,
                occurredAtMs: event.occurredAtMs, body: event.body)
            try insert.execute(
                arguments: [
                    Int64(stored.seq), stored.eventID, stored.type, stored.customerID, stored.occurredAtMs,
                    Data(stored.body),
                ])
            return stored
        }
    }

    /// Up to `limit` events with a `seq` greater than `seq`, in ascending order.
    ///
    /// - Parameters:
    ///   - seq: The last seq the caller has; 0 for the start. Any value is accepted, since it
    ///     often comes off the wire.
    ///   - limit: At most this many; 0 or less gives none.
    public func events(after seq: UInt64, limit: Int, in db: Database) throws -> [StoredEvent] {
        guard limit > 0 else { return [] }
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT seq, event_id, type, customer_id, occurred_at_ms, body FROM kit_events
                    WHERE seq > ? ORDER BY seq LIMIT ?
                    """
            ),
            arguments: [Int64(clamping: seq), limit]
        )
        return try Array(
            rows.map { row in
                StoredEvent(
                    seq: UInt64(row[0] as Int64),
                    eventID: row[1],
                    type: row[2],
                    customerID: row[3],
                    occurredAtMs: row[4],
                    body: [UInt8](row[5] as Data)
                )
            }
        )
    }

    /// A random (version 4) UUID in lower case.
    ///
    /// Sixteen bytes from the standard library's generator (`getrandom`), written out as hex
    /// directly: Foundation's `UUID()`
    /// opens `/dev/urandom` on every call on Linux, and `uuidString.lowercased()` formats through
    /// `snprintf` and then copies; together they were a tenth of the cost of an append, paid by
    /// every write that emits an event and by every rescored account.
    static func randomEventID() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (generator.next() as UInt64, generator.next() as UInt64)
        withUnsafeMutableBytes(of: &bytes) { buffer in
            buffer[6] = buffer[6] & 0x0F | 0x40  // version 4
            buffer[8] = buffer[8] & 0x3F | 0x80  // RFC 4122 variant
        }
        return withUnsafeBytes(of: &bytes) { uuid in
            String(unsafeUninitializedCapacity: 36) { text in
                let digits = Array("0123456789abcdef".utf8)
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    text[position] = digits[Int(uuid[index] >> 4)]
                    text[position + 1] = digits[Int(uuid[index] & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }

    /// The `seq` of the newest event; 0 when the log is empty.
    public func latestSeq(in db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(seq), 0) FROM kit_events")) ?? 0)
    }
}
