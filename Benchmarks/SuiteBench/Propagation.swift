import Client
import Foundation
import Logging
import Messaging
import Models
import ServiceKit
import Synchronization

/// Event propagation from a real cx-health process to a follower in this process: writes
/// (health.UpsertAccount, one `account.upserted` event each) sent at a steady rate, a real
/// `SubscriptionRunner` (PUB/SUB, gap detection, ReplayEvents catch-up, apply + cursor in one SQLite
/// transaction) applying them, and a plain subscriber counting what arrived live.
struct Propagation {
    /// Events published (one per acknowledged write).
    var published = 0
    /// The rate the writes actually reached.
    var achievedRate: Double = 0
    /// From the start of the write to the event's apply in the follower.
    var lagP50Milliseconds: Double = 0
    var lagP99Milliseconds: Double = 0
    /// Events the live PUB/SUB link did not deliver (NNG drops for a slow subscriber).
    var missedLive = 0
    /// Events the follower still lacks after catching up with ReplayEvents: must be 0.
    var lostAfterCatchUp = 0

    /// Customer ids of the measured writes, so earlier events of the source are told apart.
    static let prefix = "prop-"

    /// - Parameters:
    ///   - rate: events per second to sustain; `duration` long.
    ///   - accountsPerWrite: 1 sends each event's account in its own health.UpsertAccount; more sends
    ///     them that many at a time in health.UpsertAccounts (a CRM sync), so the source's write path
    ///     is not what limits the rate.
    ///   - firstIndex: the first event's index; each measure needs customers of its own (an account
    ///     upserted again unchanged publishes nothing).
    static func measure(
        client: ServiceClient, token: String, dataDirectory: String, rate: Double, duration: Duration,
        accountsPerWrite: Int = 1, firstIndex: Int = 0, signupMs: Int64
    ) async throws -> Propagation {
        let follower = try Follower(source: "health", sourceDirectory: dataDirectory, token: token)
        let runner = Task { await follower.runner.run() }
        let live = Task { await follower.countLive() }
        func stop() async throws {
            runner.cancel()
            live.cancel()
            await runner.value
            await live.value
            try await follower.close()
        }
        // The follower starts behind (the events of the measures before): let it catch up first.
        do {
            try await follower.waitUntilCaughtUp(client: client, within: .seconds(60))
        } catch {
            try await stop()
            throw error
        }

        let writes = Int(rate * inSeconds(duration)) / accountsPerWrite
        let total = writes * accountsPerWrite
        let writeRate = rate / Double(accountsPerWrite)
        let inFlight = accountsPerWrite == 1 ? 64 : 16
        let clock = ContinuousClock()
        let start = clock.now + .milliseconds(20)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<inFlight {
                group.addTask {
                    for write in stride(from: worker, to: writes, by: inFlight) {
                        try await Task.sleep(until: start + .seconds(Double(write) / writeRate), clock: .continuous)
                        let indices =
                            (firstIndex + write * accountsPerWrite)..<(firstIndex + (write + 1) * accountsPerWrite)
                        let sentAt = clock.now
                        for index in indices { follower.timeline.sent(index, at: sentAt) }
                        let accounts = indices.map { index in
                            Account(
                                customer: CustomerId(value: "\(prefix)\(index)"), name: "Propagation \(index)",
                                segment: .small, signupMs: signupMs)
                        }
                        // A starved machine should show as lag, not end the run at the 10 s default.
                        if accountsPerWrite == 1 {
                            let _: UpsertAccountResponse = try await client.call(
                                "UpsertAccount", UpsertAccountRequest(account: accounts[0]), timeout: .seconds(120))
                        } else {
                            let _: UpsertAccountsResponse = try await client.call(
                                "UpsertAccounts", UpsertAccountsRequest(accounts: accounts), timeout: .seconds(120))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = clock.now - start
        try await follower.waitUntilCaughtUp(client: client, within: .seconds(60))
        let liveReceived = follower.liveCount
        try await stop()

        let lags = follower.timeline.lagsMilliseconds().sorted()
        var result = Propagation()
        result.published = total
        result.achievedRate = Double(total) / inSeconds(elapsed)
        result.lagP50Milliseconds = lags.isEmpty ? 0 : lags[lags.count / 2]
        result.lagP99Milliseconds = lags.isEmpty ? 0 : lags[min(lags.count - 1, Int(Double(lags.count) * 0.99))]
        result.missedLive = total - liveReceived
        result.lostAfterCatchUp = total - lags.count
        return result
    }
}

/// When each measured write was sent and its event applied, by write index.
private final class Timeline: Sendable {
    private let sentAt = Mutex<[Int: ContinuousClock.Instant]>([:])
    private let appliedAt = Mutex<[Int: ContinuousClock.Instant]>([:])

    func sent(_ index: Int, at instant: ContinuousClock.Instant) { sentAt.withLock { $0[index] = instant } }

    func applied(_ index: Int) {
        let now = ContinuousClock.now
        appliedAt.withLock { applied in if applied[index] == nil { applied[index] = now } }
    }

    /// Apply lag of every measured event applied so far, in milliseconds.
    func lagsMilliseconds() -> [Double] {
        let sent = sentAt.withLock { $0 }
        return appliedAt.withLock { applied in
            applied.compactMap { index, appliedAt in sent[index].map { inSeconds(appliedAt - $0) * 1000 } }
        }
    }
}

/// The follower: its own database, the runtime's subscription runner, and a plain subscriber
/// that counts what the PUB/SUB link delivers by itself.
private final class Follower: Sendable {
    let directory: String
    let database: ServiceDatabase
    let runner: SubscriptionRunner
    let timeline = Timeline()
    private let subscriber: Subscriber
    private let live = Mutex<Set<Int>>([])

    init(source: String, sourceDirectory: String, token: String) throws {
        directory = try Bench.temporaryDirectory("suite-bench-follower")
        database = try ServiceDatabase(
            path: "\(directory)/follower.sqlite",
            migrations: [
                ServiceMigration("follower_v1") { db in
                    try db.execute(
                        sql: "CREATE TABLE followed (customer_id TEXT PRIMARY KEY, seq INTEGER NOT NULL) STRICT")
                }
            ])
        let peer = PeerEndpoints(
            request: try Endpoint(LocalSuite.requestURL(service: source, dataDirectory: sourceDirectory)),
            events: try Endpoint(LocalSuite.eventsURL(service: source, dataDirectory: sourceDirectory)))
        subscriber = try Subscriber(dialing: [peer.events], prefixes: ["\(source).account."])
        // Like a projection: one row per event, written in the transaction that moves the cursor.
        // The time is taken inside that transaction, a commit before the follower could act on it.
        let definition = SubscriptionDefinition(source: source) { [timeline] event, db in
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO followed (customer_id, seq) VALUES (?, ?)")
                .execute(arguments: [event.customerId, Int64(event.seq)])
            if let index = Propagation.index(of: event.customerId) { timeline.applied(index) }
        }
        runner = try SubscriptionRunner(
            definition: definition, peer: peer, token: token, database: database, clock: SystemClock(),
            silenceLimit: .seconds(1), logger: Logger(label: "suite-bench.follower"))
    }

    func close() async throws {
        try await database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Counts the measured events that arrive over PUB/SUB, until cancelled. It takes everything
    /// queued after each wake-up, as the runner does, so what it misses is what libnng dropped, not
    /// what a reader taking one message per wake-up could not keep up with.
    func countLive() async {
        defer { subscriber.close() }
        while let first = try? await subscriber.receive() {
            var publication: Publication? = first
            while let received = publication {
                if let event = try? Event(serializedBytes: received.payload),
                    let index = Propagation.index(of: event.customerId)
                {
                    _ = live.withLock { $0.insert(index) }
                }
                publication = try? subscriber.receiveIfReady()
            }
        }
    }

    var liveCount: Int { live.withLock { $0.count } }

    /// Waits until the follower has applied everything the source has logged.
    func waitUntilCaughtUp(client: ServiceClient, within limit: Duration) async throws {
        let latest = try await client.replayEvents(after: 0, limit: 1).latestSeq
        let deadline = ContinuousClock.now + limit
        while runner.status.appliedSeq < latest, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

extension Propagation {
    /// The write index in a measured customer id ("prop-42" → 42).
    static func index(of customerID: String) -> Int? {
        guard customerID.hasPrefix(prefix) else { return nil }
        return Int(customerID.dropFirst(prefix.count))
    }
}

func inSeconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
