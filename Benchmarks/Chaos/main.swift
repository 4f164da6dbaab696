import Foundation
import TestKit

// cx-chaos: the suite's five services under faults. Runs a seeded mixed workload twice, once on a quiet
// fleet and once under faults, then checks that nothing was lost or doubled and prints one line of
// figures. Exits 1 on any difference.
//
//   cx-chaos [--faults kill|partitions] [--customers N] [--writes N] [--seconds N] [--seed N]
//            [--kill-every-ms N] [--cut-every-ms N] [--longest-cut-ms N] [--min-faults N]
//
// --faults kill (the default) SIGKILLs a random service and restarts it every --kill-every-ms or so.
// --faults partitions runs each service on a host of its own (a network namespace; needs root, `ip netns`
// and `nft`) and cuts the links between them for up to --longest-cut-ms every --cut-every-ms or so; run it
// through deploy/tests/partitions.sh, which removes the namespaces even if this process dies.
// --min-faults fails a run that injected fewer faults (kills or cuts) than that.
// --seconds spreads each customer's writes over about that long in the faulty run, so that it spans
// many faults (the fault-free run sends them as fast as it can).

enum FaultKind: String {
    case kill, partitions
}

struct Options {
    static let usage =
        "usage: cx-chaos [--faults kill|partitions] [--customers N] [--writes N] [--seconds N] [--seed N] "
        + "[--kill-every-ms N] [--cut-every-ms N] [--longest-cut-ms N] [--min-faults N]"

    var faults = FaultKind.kill
    var customers = 12
    var writesPerCustomer = 20
    var killEvery: Duration = .seconds(3)
    var cutEvery: Duration = .seconds(3)
    var longestCut: Duration = .seconds(6)
    var seed: UInt64 = 1
    var seconds: UInt64 = 0
    var minimumFaults = 0

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let text = rest.popFirst() else { throw ChaosError("\(flag) needs a value (\(Self.usage))") }
            if flag == "--faults" {
                guard let kind = FaultKind(rawValue: text) else { throw ChaosError("--faults is kill or partitions") }
                faults = kind
                continue
            }
            guard let value = UInt64(text) else { throw ChaosError("\(flag) needs a number (\(Self.usage))") }
            switch flag {
            case "--customers": customers = Int(value)
            case "--writes": writesPerCustomer = Int(value)
            case "--kill-every-ms": killEvery = .milliseconds(Int64(value))
            case "--cut-every-ms": cutEvery = .milliseconds(Int64(value))
            case "--longest-cut-ms": longestCut = .milliseconds(Int64(value))
            case "--seed": seed = value
            case "--seconds": seconds = value
            case "--min-faults": minimumFaults = Int(value)
            default: throw ChaosError("unknown option \(flag) (\(Self.usage))")
            }
        }
    }
}

/// The admin, writer and reader tokens of both fleets; the driver itself calls as admin.
let adminSecret = "chaos-admin-secret-0123456789"
let tokenSetting = "admin:ops:\(adminSecret),writer:app:chaos-writer-secret-0123456789"

/// Starts a fleet placed by `placement`, runs `body` with it, and kills it whatever happens.
func withFleet<T>(_ placement: any Placement, _ body: (Fleet) async throws -> T) async throws -> T {
    let fleet = try await Fleet(placement: placement, tokens: tokenSetting, token: adminSecret)
    do {
        let result = try await body(fleet)
        await fleet.stop()
        return result
    } catch {
        await fleet.stop()
        throw error
    }
}

/// Runs the workload on `fleet` (with `faults` meanwhile), waits until every subscriber has caught up,
/// and takes the snapshot.
func run(_ workload: Workload, on fleet: Fleet, customers: Int, pace: Duration = .zero, faults: (any Faults)?)
    async throws -> RunResult
{
    var runner = Runner(fleet: fleet)
    runner.pace = pace
    let started = ContinuousClock.now
    let injecting = Task { try await faults?.run() }
    let outcomes: Outcomes
    do {
        outcomes = try await runner.run(workload)
    } catch {
        faults?.stop()
        _ = try? await injecting.value
        throw error
    }
    faults?.stop()
    try await injecting.value
    let seconds = (ContinuousClock.now - started) / .seconds(1)
    try await fleet.waitUntilCaughtUp()
    return (try await Snapshot.take(fleet, customers: customers), outcomes, seconds)
}

typealias RunResult = (snapshot: [String: String], outcomes: Outcomes, seconds: Double)

/// The workload on `fleet` under `faults`, compared with the fault-free run `quiet`; prints the
/// differences and the summary line, which starts with `name`. - Returns: the exit status.
func faultyRun(
    _ workload: Workload, _ options: Options, on fleet: Fleet, faults: any Faults, name: String,
    comparedWith quiet: RunResult
) async throws -> Int32 {
    let pace = Duration.seconds(options.seconds) / max(1, options.writesPerCustomer)
    let chaotic = try await run(workload, on: fleet, customers: options.customers, pace: pace, faults: faults)
    var differences: [String] = []
    for key in Set(quiet.outcomes.codes.keys).union(chaotic.outcomes.codes.keys).sorted()
    where quiet.outcomes.codes[key] != chaotic.outcomes.codes[key] {
        differences.append(
            "\(key): fault-free \(quiet.outcomes.codes[key] ?? "unsent") vs \(name) \(chaotic.outcomes.codes[key] ?? "unsent")"
        )
    }
    differences += Snapshot.differences(quiet.snapshot, chaotic.snapshot)
    differences += try await Snapshot.advocacyAnnouncements(fleet, customers: options.customers)
    let replays = try await Runner(fleet: fleet).replay(workload, acknowledged: chaotic.outcomes)
    differences += replays.map { "\($0): a replay with the same idempotency key did not return the first reply" }
    for difference in differences { print("difference: \(difference)") }
    let tooFew = faults.count < options.minimumFaults
    if tooFew {
        print("\(name): only \(faults.count) faults injected, fewer than --min-faults \(options.minimumFaults)")
    }
    print("subscriptions: \(await fleet.describeSubscriptions())")
    print(
        "\(name): writes=\(workload.writeCount) acknowledged=\(chaotic.outcomes.acknowledged) "
            + "refused=\(chaotic.outcomes.codes.count - chaotic.outcomes.acknowledged) "
            + "resends=\(chaotic.outcomes.resends) \(faults.figures) "
            + "replayed_writes=\(chaotic.outcomes.acknowledged) seconds=\(String(format: "%.1f", chaotic.seconds)) "
            + "differences=\(differences.count)")
    return differences.isEmpty && !tooFew ? 0 : 1
}

/// Each service's host on the partitions run's LAN (the last byte of its address).
let hostAddresses = ["health": 11, "feedback": 12, "loyalty": 13, "advocacy": 14, "escalation": 15]

/// Both runs and the comparison; the fleets' data directories are removed after a run without
/// differences and kept otherwise, for a post-mortem. - Returns: the exit status.
func compareRuns(_ workload: Workload, _ options: Options) async throws -> Int32 {
    if options.faults == .partitions, let reason = VirtualNetwork.unavailableReason() {
        throw ChaosError("--faults partitions \(reason)")
    }
    let quietData = try makeTemporaryDirectory("cx-chaos-quiet")
    let faultyData = try makeTemporaryDirectory("cx-chaos-\(options.faults.rawValue)")
    let status: Int32
    do {
        status = try await runBoth(workload, options, quietData: quietData, faultyData: faultyData)
    } catch {
        print("data directories kept: \(quietData) \(faultyData)")
        throw error
    }
    guard status == 0 else {
        print("data directories kept: \(quietData) \(faultyData)")
        return status
    }
    for directory in [quietData, faultyData] { try? FileManager.default.removeItem(atPath: directory) }
    return status
}

/// The fault-free run, then the faulty one compared with it.
func runBoth(_ workload: Workload, _ options: Options, quietData: String, faultyData: String) async throws
    -> Int32
{
    let quiet = try await withFleet(LocalPlacement(dataDirectory: quietData)) {
        try await run(workload, on: $0, customers: options.customers, faults: nil)
    }
    print(
        "fault-free: writes=\(workload.writeCount) acknowledged=\(quiet.outcomes.acknowledged) "
            + "seconds=\(String(format: "%.1f", quiet.seconds))")
    switch options.faults {
    case .kill:
        let placement = LocalPlacement(dataDirectory: faultyData)
        return try await withFleet(placement) { fleet in
            let monkey = ChaosMonkey(fleet: fleet, interval: options.killEvery, seed: options.seed)
            return try await faultyRun(workload, options, on: fleet, faults: monkey, name: "chaos", comparedWith: quiet)
        }
    case .partitions:
        let tag = ProcessInfo.processInfo.environment["CX_NETNS_TAG"] ?? "cxp\(getpid())"
        // A subnet of this run's own (by pid), so that two runs on one machine do not share addresses.
        let network = try VirtualNetwork(
            tag: tag, subnet: "10.214.\(1 + getpid() % 250)", hosts: hostAddresses)
        defer { network.tearDown() }
        let placement = HostPlacement(network: network, dataDirectory: faultyData)
        return try await withFleet(placement) { fleet in
            let partitioner = Partitioner(
                fleet: fleet, network: network, interval: options.cutEvery, longestCut: options.longestCut,
                seed: options.seed)
            return try await faultyRun(
                workload, options, on: fleet, faults: partitioner, name: "partitions", comparedWith: quiet)
        }
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
