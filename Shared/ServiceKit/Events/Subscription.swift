import Client
import Foundation
public import GRDB
public import Logging
public import Messaging
import Metrics
public import Models
import Synchronization

/// What a service does with another service's events: `apply` runs inside the write transaction
/// that also advances the subscription's cursor, so an event's effect and "applied up to seq"
/// commit together: after a crash the service resumes exactly after the last applied event.
public struct SubscriptionDefinition: Sendable {
    /// The service subscribed to, e.g. "health".
    public var source: String
    /// Applies one event of `source`; it throws only for a bug or a broken database (the event is then
    /// retried), never for an event it does not care about (return instead).
    public var apply: @Sendable (Event, Database) throws -> Void

    public init(source: String, apply: @escaping @Sendable (Event, Database) throws -> Void) {
        self.source = source
        self.apply = apply
    }
}

/// Keeps one subscription applied: replays from its cursor at start, then follows the source's PUB
/// socket, and whenever it sees a gap (an event further ahead than the next one, or a heartbeat
/// announcing a higher seq) or hears nothing for a while, replays the missing range over req/rep.
/// Duplicates are dropped by seq. It never slows the publisher: NNG drops what a slow subscriber
/// cannot take, and the replay fills in.
public final class SubscriptionRunner: Sendable {
    public let definition: SubscriptionDefinition
    private let events: Endpoint
    private let eventOptions: SocketOptions
    private let client: ServiceClient
    private let database: ServiceDatabase
    private let clock: any ServiceClock
    private let logger: Logger
    private let silenceLimit: Duration
    private let pause: SubscriptionPause
    private let state = Mutex(Progress())

    struct Progress {
        var applied: UInt64 = 0
        var sourceLatest: UInt64 = 0
        var lastHeardMs: Int64 = 0
    }

    public init(
        definition: SubscriptionDefinition, peer: PeerEndpoints, token: String, database: ServiceDatabase,
        clock: any ServiceClock, silenceLimit: Duration = .seconds(3), tls: TLSConfiguration? = nil,
        pause: SubscriptionPause = SubscriptionPause(), logger: Logger
    ) throws(MessagingError) {
        self.definition = definition
        self.events = peer.events
        var eventOptions = SocketOptions()
        eventOptions.tls = tls
        self.eventOptions = eventOptions
        var requestOptions = ServiceClient.socketOptions
        requestOptions.tls = tls
        self.client = try ServiceClient(
            service: definition.source, endpoints: [peer.request], token: token, options: requestOptions)
        self.database = database
        self.clock = clock
        self.silenceLimit = silenceLimit
        self.pause = pause
        var logger = logger
        logger[metadataKey: "subscription"] = "\(definition.source)"
        self.logger = logger
    }

    /// Publishes the lag as the gauge `cx_subscription_lag{source}` (events the source has that are not
    /// applied here yet).
    private func recordLag() {
        Gauge(label: "cx_subscription_lag", dimensions: [("source", definition.source)]).record(Int64(status.lag))
    }

    /// Where the subscription stands, for Status.
    public var status: SubscriptionStatus {
        state.withLock { progress in
            SubscriptionStatus(
                source: definition.source, appliedSeq: progress.applied, sourceLatestSeq: progress.sourceLatest,
                lag: progress.sourceLatest > progress.applied ? progress.sourceLatest - progress.applied : 0,
                lastHeardMs: progress.lastHeardMs)
        }
    }

    /// Follows the source until the task is cancelled.
    public func run() async {
        let source = definition.source
        do {
            let applied = try await database.read { try self.database.cursors.appliedSeq(source: source, in: $0) }
            state.withLock { $0.applied = applied }
        } catch {
            logger.error("cannot read the subscription cursor", metadata: ["error": "\(error)"])
            return
        }
        let subscriber: Subscriber
        do {
            subscriber = try Subscriber(dialing: [events], prefixes: ["\(source)."], options: eventOptions)
        } catch {
            logger.error("cannot subscribe", metadata: ["error": "\(error)"])
            return
        }
        defer {
            subscriber.close()
            client.close()
        }
        await catchUp()
        while !Task.isCancelled {
            let publication: Publication
            do {
                publication = try await subscriber.receive(timeout: silenceLimit)
            } catch let error as MessagingError where error.code == .timedOut {
                // Silence: the source may be down, or our link dropped everything, or our dialer gave
                // up on a source killed while we reconnected; re-dial, and replay what we missed.
                subscriber.redial()
                await catchUp()
                continue
            } catch {
                return  // cancelled or closed
            }
            await handle([publication] + Self.queued(on: subscriber, upTo: Self.liveBatchLimit - 1))
        }
    }

    /// The most live events applied in one transaction.
    static let liveBatchLimit = 1000

    /// Publications already waiting on the subscriber, up to `limit`, without waiting for more.
    private static func queued(on subscriber: Subscriber, upTo limit: Int) -> [Publication] {
        var publications: [Publication] = []
        while publications.count < limit, let next = try? subscriber.receiveIfReady() { publications.append(next) }
        return publications
    }

    /// Handles what arrived live, in order: the next events in one transaction (one commit for all that
    /// arrived while the previous ones were applied, instead of one each: applying one at a time, a
    /// follower fell behind a source writing 10,000 events a second, and libnng dropped the rest), and
    /// a replay when a gap or a heartbeat says something is missing.
    private func handle(_ publications: [Publication]) async {
        let source = definition.source
        var next: [Event] = []
        var isBehind = false
        state.withLock { progress in
            var expected = progress.applied + 1
            for publication in publications {
                progress.lastHeardMs = clock.nowMs
                if publication.topic == "\(source).heartbeat" {
                    guard let heartbeat = try? Heartbeat(serializedBytes: publication.payload) else { continue }
                    progress.sourceLatest = max(progress.sourceLatest, heartbeat.latestSeq)
                    isBehind = isBehind || heartbeat.latestSeq >= expected
                    continue
                }
                guard let event = try? Event(serializedBytes: publication.payload), event.source == source else {
                    continue
                }
                progress.sourceLatest = max(progress.sourceLatest, event.seq)
                if event.seq < expected { continue }  // a duplicate
                guard event.seq == expected, !isBehind else {
                    isBehind = true  // a gap: NNG dropped something on the way
                    continue
                }
                next.append(event)
                expected += 1
            }
        }
        if !next.isEmpty, await !apply(next) { return }
        if isBehind { await catchUp() }
    }

    /// Replays from the cursor until caught up with what the source has.
    private func catchUp() async {
        // While paused nothing could be applied: replaying would only fetch events to drop them.
        while !Task.isCancelled && !pause.isPaused(atMs: clock.nowMs) {
            let applied = state.withLock { $0.applied }
            let reply: ReplayEventsResponse
            do {
                reply = try await client.replayEvents(after: applied, limit: 1000, timeout: .seconds(5))
            } catch {
                logger.debug("replay unavailable", metadata: ["error": "\(error)"])
                return  // the source is down; the next heartbeat or silence tries again
            }
            state.withLock { $0.sourceLatest = max($0.sourceLatest, reply.latestSeq) }
            recordLag()
            guard !reply.events.isEmpty else { return }
            Counter(label: "cx_events_replayed_total", dimensions: [("source", definition.source)])
                .increment(by: reply.events.count)
            guard await apply(reply.events) else { return }
            if reply.events.last!.seq >= reply.latestSeq { return }
        }
    }

    /// Applies consecutive events with their cursor in one transaction.
    /// - Returns: whether they were applied; not while paused (the next heartbeat after the pause
    ///   replays them).
    @discardableResult
    private func apply(_ events: [Event]) async -> Bool {
        let source = definition.source
        let apply = definition.apply
        let database = self.database
        let pause = self.pause
        let clock = self.clock
        do {
            let newApplied: UInt64? = try await database.write { db in
                // Checked in the transaction, so that PauseSubscriptions' barrier write holds.
                guard !pause.isPaused(atMs: clock.nowMs) else { return nil }
                var applied = try database.cursors.appliedSeq(source: source, in: db)
                for event in events where event.seq == applied + 1 {
                    try apply(event, db)
                    applied = event.seq
                }
                try database.cursors.setAppliedSeq(applied, source: source, in: db)
                return applied
            }
            guard let newApplied else { return false }
            let count = state.withLock { progress in
                defer { progress.applied = newApplied }
                return newApplied - progress.applied
            }
            Counter(label: "cx_events_applied_total", dimensions: [("source", source)]).increment(by: Int(count))
            recordLag()
            return true
        } catch {
            logger.error("cannot apply events", metadata: ["error": "\(error)"])
            return false
        }
    }
}
