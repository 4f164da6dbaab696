import Foundation
public import Logging
public import Messaging
import Metrics
public import Models
import Synchronization

/// Publishes a service's committed events, in seq order, on its PUB socket, and a heartbeat every
/// second carrying the latest seq so that subscribers notice what they missed even when nothing new
/// happens.
///
/// It tails the event log rather than receiving events from handlers, so nothing committed can be
/// skipped: a commit only wakes it up, and it publishes everything after the last seq it sent.
public final class EventPublisher: Sendable {
    public let source: String
    private let publisher: Publisher
    private let database: ServiceDatabase
    private let clock: any ServiceClock
    private let heartbeatInterval: Duration
    private let logger: Logger
    private let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let published = Atomic<UInt64>(0)

    public init(
        source: String, publisher: Publisher, database: ServiceDatabase, clock: any ServiceClock,
        heartbeatInterval: Duration = .seconds(1), logger: Logger
    ) {
        self.source = source
        self.publisher = publisher
        self.database = database
        self.clock = clock
        self.heartbeatInterval = heartbeatInterval
        self.logger = logger
        (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        database.addCommitObserver { [wake] in wake.yield() }
    }

    /// The highest seq published so far.
    public var publishedSeq: UInt64 { published.load(ordering: .relaxed) }

    /// Publishes until the task is cancelled, then publishes what was committed last.
    public func run() async {
        do {
            published.store(
                try await database.read { try self.database.eventLog.latestSeq(in: $0) }, ordering: .relaxed)
        } catch {
            logger.error("cannot read the event log", metadata: ["error": "\(error)"])
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [wake, heartbeatInterval] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeatInterval)
                    wake.yield()
                }
            }
            var lastHeartbeat = ContinuousClock.now - heartbeatInterval
            for await _ in wakeUps {
                await publishNewEvents()
                if ContinuousClock.now - lastHeartbeat >= heartbeatInterval {
                    publishHeartbeat()
                    lastHeartbeat = .now
                }
                if Task.isCancelled { break }
            }
            group.cancelAll()
        }
        await publishNewEvents()
        publishHeartbeat()
    }

    /// Stops ``run()`` after its final flush.
    public func finish() { wake.finish() }

    private func publishNewEvents() async {
        while true {
            let after = published.load(ordering: .relaxed)
            let events: [StoredEvent]
            do {
                events = try await database.read {
                    try self.database.eventLog.events(after: after, limit: 1000, in: $0)
                }
            } catch {
                logger.error("cannot read the event log", metadata: ["error": "\(error)"])
                return
            }
            guard let last = events.last else { return }
            for event in events {
                let envelope = Event(storedEvent: event, source: source)
                // A publish fails only when closing or for an oversized event; the log keeps it for replay.
                try? publisher.publish(
                    Publication(topic: "\(source).\(event.type)", payload: envelope.serializedBytes()))
            }
            published.store(last.seq, ordering: .relaxed)
            Counter(label: "cx_events_published_total", dimensions: [("source", source)]).increment(by: events.count)
        }
    }

    private func publishHeartbeat() {
        let heartbeat = Heartbeat(source: source, latestSeq: published.load(ordering: .relaxed), sentAtMs: clock.nowMs)
        try? publisher.publish(Publication(topic: "\(source).heartbeat", payload: heartbeat.serializedBytes()))
    }
}

extension Event {
    /// The wire form of a stored event of `source`.
    public init(storedEvent event: StoredEvent, source: String) {
        self.init(
            source: source, seq: event.seq, eventId: event.eventID, type: event.type, customerId: event.customerID,
            occurredAtMs: event.occurredAtMs, body: event.body)
    }
}
