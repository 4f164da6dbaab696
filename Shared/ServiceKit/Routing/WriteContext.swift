public import GRDB
public import Models

/// What a write handler works with: the open transaction, the request, the clock, and the event log
/// its events go to (in the same transaction, so they are published only if the write commits).
public struct WriteContext {
    /// The transaction of this write; everything done on it commits or rolls back with the write.
    public let db: Database
    public let request: RequestContext
    let eventLog: EventLog
    let clock: any ServiceClock

    /// Now, on the service's clock, in Unix epoch milliseconds.
    public var nowMs: Int64 { clock.nowMs }

    /// Appends an event of `type` (without the service prefix, e.g. "entry.appended") to the log.
    /// - Returns: the stored event, with its seq.
    @discardableResult
    public func emit<Body: ProtoMessage>(_ type: String, customerID: String = "", _ body: Body) throws -> StoredEvent {
        try eventLog.append(
            NewEvent(type: type, customerID: customerID, occurredAtMs: clock.nowMs, body: body.serializedBytes()),
            in: db)
    }
}
