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
        let eventIDs = Self.randomEventIDs(events.count)
        return try zip(events, eventIDs).map { event, eventID in
            seq += 1
            let stored = StoredEvent(
                seq: seq, eventID: eventID, type: event.type, customerID: event.customerID,
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

    /// `count` random (version 4) UUIDs in lower case.
    ///
    /// The random bytes of all of them come from one read of `/dev/urandom`, and are written out as
    /// hex directly. Foundation's `UUID()` opens `/dev/urandom` on every call on Linux, and the standard
    /// library's generator makes a system call per 8 bytes: for a job that emits an event per account,
    /// two system calls per event were 3 % of its time.
    static func randomEventIDs(_ count: Int) -> [String] {
        var random = [UInt8](repeating: 0, count: 16 * count)
        random.withUnsafeMutableBytes { buffer in
            var filled = 0
            while filled < buffer.count, urandom >= 0 {
                let got = read(urandom, buffer.baseAddress! + filled, buffer.count - filled)
                if got > 0 {
                    filled += got
                } else if got == 0 || errno != EINTR {
                    break
                }
            }
            // No /dev/urandom (a bare chroot, say): the standard library's own source for the rest.
            var generator = SystemRandomNumberGenerator()
            for index in filled..<buffer.count { buffer[index] = generator.next() }
        }
        return random.withUnsafeBufferPointer { random in
            (0..<count).map { index in
                uuidText(UnsafeBufferPointer(rebasing: random[(16 * index)..<(16 * index + 16)]))
            }
        }
    }

    /// Opened once, for the life of the process.
    private static let urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC)

    /// Sixteen random bytes as a version 4 UUID: `xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx`.
    private static func uuidText(_ random: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                var byte = random[index]
                if index == 6 { byte = byte & 0x0F | 0x40 }  // version 4
                if index == 8 { byte = byte & 0x3F | 0x80 }  // RFC 4122 variant
                text[position] = hexDigit(byte >> 4)
                text[position + 1] = hexDigit(byte & 0x0F)
                position += 2
            }
            return position
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// The `seq` of the newest event; 0 when the log is empty.
    public func latestSeq(in db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(seq), 0) FROM kit_events")) ?? 0)
    }
}
