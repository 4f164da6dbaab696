import SeededRandom
import Synchronization

/// Kills a random service every so often and starts it again, until stopped.
final class ChaosMonkey: Faults {
    private let fleet: Fleet
    private let interval: Duration
    private let state: Mutex<(random: SplitMix64, kills: Int, eventsReplayed: UInt64, stopped: Bool)>

    init(fleet: Fleet, interval: Duration, seed: UInt64) {
        self.fleet = fleet
        self.interval = interval
        state = Mutex((SplitMix64(seed: seed ^ 0xC4A0_5EED), 0, 0, false))
    }

    var kills: Int { state.withLock { $0.kills } }
    /// Events the restarted services were behind on when they came back, caught up by replay.
    var eventsReplayed: UInt64 { state.withLock { $0.eventsReplayed } }

    func stop() { state.withLock { $0.stopped = true } }

    var count: Int { kills }

    var figures: String { "kills=\(kills) events_replayed=\(eventsReplayed)" }

    /// Kills and restarts until ``stop()``; each victim answers again before the next pause.
    func run() async throws {
        while !state.withLock({ $0.stopped }) {
            let (victim, pauseMs) = state.withLock { state in
                let services = Fleet.services
                let victim = services[Int(state.random.next() % UInt64(services.count))]
                let base = interval.milliseconds
                return (victim, base / 2 + Int64(state.random.next() % UInt64(max(1, base))))
            }
            try await Task.sleep(for: .milliseconds(pauseMs))
            guard !state.withLock({ $0.stopped }) else { return }
            try await fleet.killAndRestart(victim)
            try await fleet.waitUntilAnswering(victim)
            let behind = await behindAfterRestart(victim)
            state.withLock {
                $0.kills += 1
                $0.eventsReplayed += behind
            }
        }
    }

    /// How many events `service` has to catch up on, by its subscriptions, just after its restart.
    private func behindAfterRestart(_ service: String) async -> UInt64 {
        guard let status = try? await fleet.clients[service]!.status(timeout: .seconds(2)) else { return 0 }
        var behind: UInt64 = 0
        for subscription in status.subscriptions {
            guard let source = try? await fleet.clients[subscription.source]!.status(timeout: .seconds(2)) else {
                continue
            }
            behind += source.latestSeq > subscription.appliedSeq ? source.latestSeq - subscription.appliedSeq : 0
        }
        return behind
    }
}
