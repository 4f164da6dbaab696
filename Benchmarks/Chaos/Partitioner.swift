import SeededRandom
import Synchronization
import TestKit

/// A subscription of the fleet: `subscriber` applies `source`'s events.
struct Link: Hashable, Sendable {
    let subscriber: String
    let source: String
}

/// Cuts the links between a fleet's hosts, one cut at a time, for a few seconds each, until stopped. After
/// each heal it waits until every subscriber has applied every event its source had when the link came
/// back, and keeps how long that took: the convergence time.
final class Partitioner: Faults {
    private let fleet: Fleet
    private let network: VirtualNetwork
    private let interval: Duration
    private let longestCut: Duration
    /// How long after a heal the subscribers may take to catch up before the run fails.
    private let convergenceLimit: Duration = .seconds(120)
    private let state: Mutex<State>

    private struct State {
        var random: SplitMix64
        var stopped = false
        var cutsByKind: [String: Int] = [:]
        var longestCutMs: Int64 = 0
        var convergenceMs: [Int64] = []
        var eventsMissed: UInt64 = 0
        var packetsDropped = 0
    }

    /// - Parameters:
    ///   - interval: the mean pause between one heal's convergence and the next cut.
    ///   - longestCut: each cut lasts between half of this and all of it.
    init(fleet: Fleet, network: VirtualNetwork, interval: Duration, longestCut: Duration, seed: UInt64) {
        self.fleet = fleet
        self.network = network
        self.interval = interval
        self.longestCut = longestCut
        state = Mutex(State(random: SplitMix64(seed: seed ^ 0x9A27_1710)))
    }

    func stop() { state.withLock { $0.stopped = true } }

    var count: Int { state.withLock { $0.cutsByKind.values.reduce(0, +) } }

    var figures: String {
        state.withLock { state in
            let sorted = state.convergenceMs.sorted()
            let kinds = Cut.kinds.map { "\($0)=\(state.cutsByKind[$0, default: 0])" }
            return "partitions=\(state.cutsByKind.values.reduce(0, +)) \(kinds.joined(separator: " ")) "
                + "longest_cut_ms=\(state.longestCutMs) packets_dropped=\(state.packetsDropped) "
                + "events_missed=\(state.eventsMissed) "
                + "convergence_ms=\(sorted.last ?? 0) median_convergence_ms=\(sorted.isEmpty ? 0 : sorted[sorted.count / 2])"
        }
    }

    /// Cuts, heals and measures until ``stop()``; the network is whole when it returns or throws.
    func run() async throws {
        let links = try await subscriptionLinks()
        while !state.withLock({ $0.stopped }) {
            let (cut, pauseMs, cutMs) = state.withLock { state in
                let base = interval.milliseconds
                let longest = longestCut.milliseconds
                return (
                    Self.choose(links, &state.random), base / 2 + Int64(state.random.next() % UInt64(max(1, base))),
                    longest / 2 + Int64(state.random.next() % UInt64(max(1, longest - longest / 2)))
                )
            }
            try await Task.sleep(for: .milliseconds(pauseMs))
            guard !state.withLock({ $0.stopped }) else { return }
            let (cutFor, dropped) = try await hold(cut, for: .milliseconds(cutMs))
            let healedAt = ContinuousClock.now
            let (took, missed) = try await convergence(after: healedAt, of: links, cut: cut)
            print(
                "cut: \(cut) for \(cutFor.milliseconds) ms (planned \(cutMs)), \(dropped) packets dropped; "
                    + "\(missed) events behind, caught up \(took.milliseconds) ms after the heal")
            state.withLock {
                $0.cutsByKind[cut.kind, default: 0] += 1
                $0.longestCutMs = max($0.longestCutMs, cutFor.milliseconds)
                $0.packetsDropped += dropped
                $0.convergenceMs.append(took.milliseconds)
                $0.eventsMissed += missed
            }
        }
    }

    /// Cuts, checks that the cut cuts, waits `length`, heals.
    /// - Returns: how long the cut lasted, and how many packets its drop rules dropped.
    /// - Throws: ``ChaosError`` when the cut did not cut: an isolated host still answered the driver, or
    ///   drop rules held for 2 s or more between hosts with a subscription across (a source publishes a
    ///   heartbeat every second, which its subscribers' TCP acknowledges) dropped nothing.
    private func hold(_ cut: Cut, for length: Duration) async throws -> (Duration, Int) {
        try await cut.apply(on: network)
        let cutAt = ContinuousClock.now
        do {
            var dropped = 0
            switch cut {
            case .isolate(let host, let restarted):
                // Bounded by the cut, so that the link cannot come back before the ping gives up.
                let timeout = min(length, .seconds(1))
                if (try? await fleet.clients[host]!.ping(timeout: timeout)) != nil {
                    throw ChaosError("\(cut), yet it still answers the driver")
                }
                if restarted { try await fleet.killAndRestart(host) }
                try await Task.sleep(until: cutAt + length)
            case .pair, .oneWay, .split:
                try await Task.sleep(until: cutAt + length)
                dropped = try await network.droppedPackets()
                guard dropped > 0 || length < .seconds(2) else {
                    throw ChaosError("\(cut) for \(length), yet its drop rules dropped nothing")
                }
            }
            try await cut.heal(on: network)
            return (.now - cutAt, dropped)
        } catch {
            try? await cut.heal(on: network)
            throw error
        }
    }

    /// Every service's subscriptions, from their Status: the links worth cutting.
    private func subscriptionLinks() async throws -> [Link] {
        guard let statuses = await fleet.statuses() else { throw ChaosError("a service does not answer Status") }
        return Fleet.services.flatMap { service in
            statuses[service]!.subscriptions.map { Link(subscriber: service, source: $0.source) }
        }
    }

    /// A host isolated; a subscriber and its source cut apart; one direction between them lost; or one or
    /// two hosts split from the others; each about as likely.
    private static func choose(_ links: [Link], _ random: inout SplitMix64) -> Cut {
        let link = links[Int(random.next() % UInt64(links.count))]
        var hosts = Fleet.services
        for index in hosts.indices.reversed() { hosts.swapAt(index, Int(random.next() % UInt64(index + 1))) }
        switch random.next() % 5 {
        case 0: return .isolate(hosts[0], restarted: random.next() % 2 == 0)
        case 1: return .pair(link.subscriber, link.source)
        case 2: return .oneWay(from: link.source, to: link.subscriber)
        case 3: return .oneWay(from: link.subscriber, to: link.source)
        default:
            let size = 1 + Int(random.next() % 2)
            return .split(Array(hosts.prefix(size)), from: Array(hosts.dropFirst(size)))
        }
    }

    /// Waits until every subscriber has applied every event its source had published when first seen
    /// after the heal.
    /// - Returns: how long that took from `healed`, and how many events the subscribers were behind then.
    /// - Throws: ``ChaosError`` when they have not caught up within ``convergenceLimit``.
    private func convergence(after healed: ContinuousClock.Instant, of links: [Link], cut: Cut) async throws
        -> (Duration, UInt64)
    {
        // New connections, made after the heal: what the driver's own long-lived connections take to
        // recover is no part of the subscribers' convergence.
        let probes = try fleet.makeProbeClients()
        defer { for probe in probes.values { probe.close() } }
        var targets: [Link: UInt64]?
        var behind: UInt64 = 0
        while true {
            if let statuses = await fleet.statuses(using: probes) {
                let applied = Dictionary(
                    uniqueKeysWithValues: links.map { link in
                        (
                            link,
                            statuses[link.subscriber]!.subscriptions.first { $0.source == link.source }?.appliedSeq
                                ?? 0
                        )
                    })
                if targets == nil {
                    targets = Dictionary(uniqueKeysWithValues: links.map { ($0, statuses[$0.source]!.latestSeq) })
                    behind = links.map { targets![$0]! > applied[$0]! ? targets![$0]! - applied[$0]! : 0 }
                        .reduce(0, +)
                }
                if links.allSatisfy({ applied[$0]! >= targets![$0]! }) { return (.now - healed, behind) }
            }
            guard ContinuousClock.now - healed < convergenceLimit else {
                throw ChaosError(
                    "\(cut) was healed \(convergenceLimit) ago and the subscribers have not caught up: "
                        + "\(await fleet.describeSubscriptions())")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
