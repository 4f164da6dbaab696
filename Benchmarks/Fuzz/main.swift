import Client
import Foundation
import Models
import TestKit

#if canImport(Glibc)
    import Glibc
#endif

// cx-fuzz: hostile input over the real sockets of the five services, each a separate process. Every
// input is made from the seed and its number alone (Inputs.swift) and every reply is judged against
// what the frame calls for (Oracle.swift); then frames beyond the size limit, raw misbehaving ipc
// clients, and the checks after: every process alive, normal calls answered, subscribers caught up,
// memory, a clean SIGTERM shutdown, and SQLite's integrity check of every database. Prints figures;
// exits 1 on any crash, timeout, wrong reply or failed check.
//
//   cx-fuzz [--inputs N] [--seconds N] [--seed N] [--lanes N] [--oversized N] [--raw-rounds N]
//           [--now-ms N] [--replay N]
//
// --replay N sends input N alone and prints it with its reply (a failure names its input number).

struct Options {
    var inputs: UInt64 = 100_000
    var seconds: Double?
    var seed: UInt64 = 1
    var lanes = 16
    var oversizedPerService = 4
    var rawRounds = 4
    var nowMs = Int64(Date().timeIntervalSince1970 * 1000)
    var replay: UInt64?

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let text = rest.popFirst(), let value = Int64(text), value >= 0 else {
                throw FuzzError("\(flag) needs a number (see the usage at the top of Benchmarks/Fuzz/main.swift)")
            }
            switch flag {
            case "--inputs": inputs = UInt64(value)
            case "--seconds": seconds = Double(value)
            case "--seed": seed = UInt64(value)
            case "--lanes": lanes = max(1, Int(value))
            case "--oversized": oversizedPerService = Int(value)
            case "--raw-rounds": rawRounds = Int(value)
            case "--now-ms": nowMs = value
            case "--replay": replay = UInt64(value)
            default: throw FuzzError("unknown option \(flag)")
            }
        }
    }
}

/// Runs everything and prints the figures. - Returns: the exit status.
func fuzz(_ options: Options) async throws -> Int32 {
    let tokens = Tokens(
        admin: "fuzz-admin-secret-0123456789", writer: "fuzz-writer-secret-0123456789",
        reader: "fuzz-reader-secret-0123456789")
    let targets = try await Targets(tokens: tokens, lanes: options.lanes)
    defer { targets.kill() }
    let campaign = Campaign(
        targets: targets,
        factory: InputFactory(
            seed: options.seed, tokens: tokens, values: Values(nowMs: options.nowMs), frameLimit: Targets.frameLimit),
        oracle: Oracle(tokens: tokens))
    let pids = Catalogue.services.map { "\(targets.pid(of: $0))" }.joined(separator: ",")
    say("fuzz: seed=\(options.seed) now_ms=\(options.nowMs) data=\(targets.dataDirectory) pids=\(pids)")

    let differences = try await campaign.catalogueDifferences()
    guard differences.isEmpty else {
        for difference in differences { say("catalogue: \(difference)") }
        return 1
    }
    try await campaign.createCustomers(nowMs: options.nowMs)
    if let number = options.replay { return await replay(number, campaign) }

    let memoryBefore = Dictionary(uniqueKeysWithValues: Catalogue.services.map { ($0, targets.memory(of: $0)) })
    let started = ContinuousClock.now
    await campaign.run(0..<options.inputs, lanes: options.lanes, seconds: options.seconds)
    let seconds = (ContinuousClock.now - started) / .seconds(1)
    var checks: [String] = []
    var oversized = (sent: 0, answered: 0)
    var raw = RawStreams.Outcome()
    // After a crash the rest would only fail on the dead service; the crash is what to report.
    if campaign.tally.snapshot.crashes.isEmpty {
        do {
            oversized = try await campaign.sendOversizedFrames(perService: options.oversizedPerService)
            raw = try await RawStreams(campaign: campaign).run(rounds: options.rawRounds, seed: options.seed)
        } catch {
            checks.append("frames beyond the limit and raw clients: \(error)")
        }
        checks += await afterwards(targets)
    }
    let diedLater = Catalogue.services.filter { !targets.isRunning($0) }.map {
        "cx-\($0) died:\n\(targets.crashReport(of: $0))"
    }
    let crashed = campaign.tally.snapshot.crashes.isEmpty ? diedLater : campaign.tally.snapshot.crashes
    let memoryAfter = Dictionary(uniqueKeysWithValues: Catalogue.services.map { ($0, targets.memory(of: $0)) })
    var integrity: [String: String] = [:]
    if crashed.isEmpty {
        let statuses = await targets.shutDown()
        for (service, status) in statuses.sorted(by: { $0.key < $1.key }) where status != 0 {
            checks.append(
                status.map { "cx-\(service) exited with status \($0) on SIGTERM" }
                    ?? "cx-\(service) still ran 60 s after SIGTERM:\n\(targets.log(of: service).suffix(2_000))")
        }
        for service in Catalogue.services {
            integrity[service] = (try? targets.integrity(of: service)) ?? "unreadable"
            if integrity[service] != "ok" { checks.append("\(service).sqlite: \(integrity[service]!)") }
        }
    }

    let counts = campaign.tally.snapshot
    let sent = counts.inputs.values.reduce(0, +)
    for service in Catalogue.services {
        let codes = (counts.codes[service] ?? [:]).sorted { $0.value > $1.value }.map { "\($0.key)=\($0.value)" }
        let before = memoryBefore[service]!
        let after = memoryAfter[service]!
        say(
            "fuzz[\(service)]: inputs=\(counts.inputs[service] ?? 0) \(codes.joined(separator: " ")) "
                + "methods_ok=\(counts.methodsAnsweredOK[service]?.count ?? 0)/\(Catalogue.methods(of: service).count) "
                + "rss_mib=\(before.resident)->\(after.resident) peak_mib=\(after.peak) integrity=\(integrity[service] ?? "unchecked")"
        )
    }
    say(
        "fuzz kinds: " + counts.kinds.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    for problem in counts.problems { say("problem: \(problem)") }
    for crash in crashed { say("crash: \(crash)") }
    for check in checks { say("check failed: \(check)") }
    let oversizedAnswered = oversized.answered
    if oversizedAnswered > 0 { say("check failed: \(oversizedAnswered) frames beyond the limit were answered") }
    if raw.answered != raw.requests { say("check failed: raw requests answered \(raw.answered) of \(raw.requests)") }
    for service in raw.deaf {
        say("check failed: \(service) did not answer new callers within 30 s of the raw clients")
    }
    say(
        "fuzz: seed=\(options.seed) inputs=\(sent) seconds=\(String(format: "%.1f", seconds)) "
            + "inputs_per_s=\(Int(Double(sent) / max(seconds, 0.001))) crashes=\(crashed.count) "
            + "timeouts=\(counts.timeouts) failures=\(counts.failures) "
            + "oversized_unanswered=\(oversized.sent - oversizedAnswered)/\(oversized.sent) "
            + "raw_connections=\(raw.connections) raw_answered=\(raw.answered)/\(raw.requests) "
            + "recovery_s=\(String(format: "%.1f", raw.longestRecovery / .seconds(1))) "
            + "checks_failed=\(checks.count) driver_peak_mib=\(driverPeakMiB())")
    let clean =
        crashed.isEmpty && counts.failures == 0 && checks.isEmpty && oversizedAnswered == 0
        && raw.answered == raw.requests && raw.deaf.isEmpty
    // A failed run keeps its data and logs for a look (their paths are in the first line).
    if clean { targets.removeFiles() }
    return clean ? 0 : 1
}

/// After the inputs: every service answers a normal call from a client connected since the start, health takes a write and reads it back,
/// and every subscriber catches up with every source.
/// - Returns: what failed.
func afterwards(_ targets: Targets) async -> [String] {
    var failed: [String] = []
    // The clients connected at the start: a listener restarted after the raw clients dropped their
    // connections, and they must find their way back by themselves.
    for service in Catalogue.services {
        if !targets.isRunning(service) { failed.append("cx-\(service) is not running") }
        let client = targets.clients[service]!
        let answered = (try? await eventually(.seconds(60)) { (try? await client.ping(timeout: .seconds(2))) != nil })
        if answered != true {
            failed.append("\(service).Ping from a client connected since the start: no answer in 60 s")
        }
    }
    let health = targets.clients["health"]!
    let account = Account(
        customer: CustomerId(value: "fuzz-after"), name: "After", segment: .small, signupMs: 86_400_000)
    do {
        let _: UpsertAccountResponse = try await health.call("UpsertAccount", UpsertAccountRequest(account: account))
        let read: GetAccountResponse = try await health.call(
            "GetAccount", GetAccountRequest(customer: CustomerId(value: "fuzz-after")))
        if read.account?.name != "After" { failed.append("health.GetAccount after the run read \(read)") }
    } catch {
        failed.append("a write and read on health after the run: \(error)")
    }
    // A fuzzed PauseSubscriptions may have paused a service's delivery for minutes: resume it, as the
    // backup that pauses does when it ends.
    for service in Catalogue.services {
        let resumed: PauseSubscriptionsResponse? = try? await targets.clients[service]!.call(
            "PauseSubscriptions", PauseSubscriptionsRequest(pauseMs: 0))
        if resumed == nil { failed.append("\(service).PauseSubscriptions(0) after the run did not answer") }
    }
    if (try? await targets.waitUntilCaughtUp(limit: .seconds(120))) != true {
        failed.append("subscribers did not catch up within 120 s after the run")
    }
    return failed
}

/// The driver's own peak resident memory (VmHWM), in MiB: generating inputs must stay bounded too.
func driverPeakMiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

/// Sends input `number` alone and prints it and its reply.
func replay(_ number: UInt64, _ campaign: Campaign) async -> Int32 {
    let input = campaign.factory.input(number)
    say("input \(number): \(input.kind.rawValue) to \(input.service), \(input.frame.count) bytes")
    say(input.frame.prefix(512).map { String(format: "%02x", $0) }.joined())
    if let request = try? Request(serializedBytes: input.frame) {
        say("as the service decodes it: method=\(request.method.prefix(200)) body=\(request.body.count) bytes")
    }
    do {
        let reply = try await campaign.targets.send(input.frame, to: input.service, timeout: Campaign.replyTimeout)
        let (response, problem) = campaign.oracle.judge(reply, to: input.frame, service: input.service)
        if let response {
            say("reply: \(Tally.name(of: response.code)) field=\(response.field) \(response.message.prefix(1_000))")
        }
        say(problem.map { "problem: \($0)" } ?? "the reply is what the input calls for")
        return problem == nil ? 0 : 1
    } catch {
        say("no reply: \(error)")
        return 1
    }
}

/// Ends the process with `status` without running exit handlers: libnng's own handler closes every
/// socket still open and can deadlock in nng_close (libnng 1.5.2, nanomsg/nng#1543), which would keep
/// a finished run from ever exiting.
func finish(_ status: Int32) -> Never {
    fflush(nil)
    _exit(status)
}

/// Writes one line of output at once, unbuffered: a run that crashes or is killed keeps what it printed.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

signal(SIGPIPE, SIG_IGN)
let options: Options
do {
    options = try Options(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("cx-fuzz: \(error)\n".utf8))
    finish(2)
}
do {
    finish(try await fuzz(options))
} catch {
    say("cx-fuzz: \(error)")
    finish(1)
}
