import Foundation
import TestKit

// cx-chaos: the suite's five services under kill -9. Runs a seeded mixed workload twice, once on a
// quiet fleet and once while a random service is SIGKILLed and restarted every few seconds, then
// checks that nothing was lost or doubled and prints one line of figures. Exits 1 on any difference.
//
//   cx-chaos [--customers N] [--writes N] [--seconds N] [--kill-every-ms N] [--seed N]
//
// --seconds spreads each customer's writes over about that long in the faulty run, so that it spans
// many kills (the fault-free run sends them as fast as it can).

struct Options {
    var customers = 12
    var writesPerCustomer = 20
    var killEvery: Duration = .seconds(3)
    var seed: UInt64 = 1
    var seconds: UInt64 = 0

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let text = rest.popFirst(), let value = UInt64(text) else {
                throw ChaosError(
                    "\(flag) needs a number (usage: cx-chaos [--customers N] [--writes N] [--seconds N] [--kill-every-ms N] [--seed N])"
                )
            }
            switch flag {
            case "--customers": customers = Int(value)
            case "--writes": writesPerCustomer = Int(value)
            case "--kill-every-ms": killEvery = .milliseconds(Int64(value))
            case "--seed": seed = value
            case "--seconds": seconds = value
            default: throw ChaosError("unknown option \(flag)")
            }
        }
    }
}

/// The admin, writer and reader tokens of both fleets; the driver itself calls as admin.
let adminSecret = "chaos-admin-secret-0123456789"
let tokenSetting = "admin:ops:\(adminSecret),writer:app:chaos-writer-secret-0123456789"

/// Starts a fleet on a fresh data directory, runs `body` with it, and kills it whatever happens.
func withFleet<T>(_ name: String, _ body: (Fleet) async throws -> T) async throws -> T {
    let fleet = try await Fleet(
        dataDirectory: try makeTemporaryDirectory("cx-chaos-\(name)"), tokens: tokenSetting, token: adminSecret)
    do {
        let result = try await body(fleet)
        fleet.stop()
        return result
    } catch {
        fleet.stop()
        throw error
    }
}

/// Runs the workload on `fleet` (with `monkey` killing meanwhile), waits until every subscriber has
/// caught up, and takes the snapshot.
func run(_ workload: Workload, on fleet: Fleet, customers: Int, pace: Duration = .zero, monkey: ChaosMonkey?)
    async throws -> (snapshot: [String: String], outcomes: Outcomes, seconds: Double)
{
    var runner = Runner(fleet: fleet)
    runner.pace = pace
    let started = ContinuousClock.now
    let killing = Task { try await monkey?.run() }
    let outcomes: Outcomes
    do {
        outcomes = try await runner.run(workload)
    } catch {
        monkey?.stop()
        _ = try? await killing.value
        throw error
    }
    monkey?.stop()
    try await killing.value
    let seconds = (ContinuousClock.now - started) / .seconds(1)
    try await fleet.waitUntilCaughtUp()
    return (try await Snapshot.take(fleet, customers: customers), outcomes, seconds)
}

/// Both runs and the comparison. - Returns: the exit status.
func compareRuns(_ workload: Workload, _ options: Options) async throws -> Int32 {
    let quiet = try await withFleet("quiet") { fleet in
        try await run(workload, on: fleet, customers: options.customers, monkey: nil)
    }
    print(
        "fault-free: writes=\(workload.writeCount) acknowledged=\(quiet.outcomes.acknowledged) "
            + "seconds=\(String(format: "%.1f", quiet.seconds))")
    return try await withFleet("kill") { fleet in
        let monkey = ChaosMonkey(fleet: fleet, interval: options.killEvery, seed: options.seed)
        let pace = Duration.seconds(options.seconds) / max(1, options.writesPerCustomer)
        let chaotic = try await run(workload, on: fleet, customers: options.customers, pace: pace, monkey: monkey)
        var differences: [String] = []
        for key in Set(quiet.outcomes.codes.keys).union(chaotic.outcomes.codes.keys).sorted()
        where quiet.outcomes.codes[key] != chaotic.outcomes.codes[key] {
            differences.append(
                "\(key): fault-free \(quiet.outcomes.codes[key] ?? "unsent") vs chaos \(chaotic.outcomes.codes[key] ?? "unsent")"
            )
        }
        differences += Snapshot.differences(quiet.snapshot, chaotic.snapshot)
        differences += try await Snapshot.advocacyAnnouncements(fleet, customers: options.customers)
        let replays = try await Runner(fleet: fleet).replay(workload, acknowledged: chaotic.outcomes)
        differences += replays.map { "\($0): a replay with the same idempotency key did not return the first reply" }
        for difference in differences { print("difference: \(difference)") }
        print("subscriptions: \(await fleet.describeSubscriptions())")
        print(
            "chaos: writes=\(workload.writeCount) acknowledged=\(chaotic.outcomes.acknowledged) "
                + "refused=\(chaotic.outcomes.codes.count - chaotic.outcomes.acknowledged) "
                + "resends=\(chaotic.outcomes.resends) kills=\(monkey.kills) events_replayed=\(monkey.eventsReplayed) "
                + "replayed_writes=\(chaotic.outcomes.acknowledged) seconds=\(String(format: "%.1f", chaotic.seconds)) "
                + "differences=\(differences.count)")
        return differences.isEmpty ? 0 : 1
    }
}

let options: Options
do {
    options = try Options(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("cx-chaos: \(error)\n".utf8))
    exit(2)
}
let workload = Workload(
    customers: options.customers, writesPerCustomer: options.writesPerCustomer, seed: options.seed,
    nowMs: Int64(Date().timeIntervalSince1970 * 1000))
do {
    exit(try await compareRuns(workload, options))
} catch {
    print("cx-chaos: \(error)")
    exit(1)
}
