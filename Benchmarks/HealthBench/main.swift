import Foundation
import Health
import Messaging
import Models
import ServiceKit

// health-bench: RecordUsage ingestion through the router's envelope path (decode, auth, validate, group
// commit) and rescoring every account, on a real database file. Prints one line per figure.
//   swift run -c release health-bench [accounts] [usage-events]

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let accountCount = arguments.first ?? 100_000
let usageCount = arguments.dropFirst().first ?? 200_000
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("health-bench-\(UUID().uuidString)").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

let admin = AccessToken(name: "bench", role: .admin, secret: "bench-secret-0123456789")
let nowMs: Int64 = 1_767_225_600_000
let dayMs: Int64 = 86_400_000
let database = try ServiceDatabase(path: "\(directory)/health.sqlite", migrations: HealthService.definition.migrations)
let router = Router(
    service: "health", authenticator: TokenAuthenticator(tokens: [admin]), database: database,
    clock: ManualClock(nowMs: nowMs), logger: .init(label: "bench"))
HealthService.definition.registerMethods(router)

/// Calls `health.<method>` through the router: by `handle`, as a serving task does, or `inline`, as the
/// replier does on nng's thread (a write is queued there and its reply comes from the group commit).
func call(_ method: String, _ body: some ProtoMessage, inline: Bool = false) async throws {
    let request = Request(method: "health.\(method)", authToken: admin.secret, body: body.serializedBytes())
    let reply: [UInt8]
    if inline {
        reply = await withCheckedContinuation { (continuation: CheckedContinuation<[UInt8], Never>) in
            switch router.answerInline(
                request.serializedBytes(), late: LateReply { continuation.resume(returning: $0) })
            {
            case .now(let reply): continuation.resume(returning: reply)
            case .later: break
            case .toTask: fatalError("health.\(method) is not answered inline")
            }
        }
    } else {
        reply = await router.handle(request.serializedBytes())
    }
    let response = try Response(serializedBytes: reply)
    guard response.code == .ok else { throw RPCError(response.code, response.message, field: response.field) }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// CPU seconds this process has used so far, every thread: a request's cost that load on the machine
/// does not stretch the way it stretches wall time.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    return user + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

func peakResidentMiB() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

let clock = ContinuousClock()
var started = clock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    for start in stride(from: 0, to: accountCount, by: 1) {
        let account = Account(
            customer: .init(value: "acct-\(start)"), name: "Account \(start)", segment: .small,
            signupMs: nowMs - 200 * dayMs)
        group.addTask { try await call("UpsertAccount", UpsertAccountRequest(account: account)) }
        // 64 in flight: one finished task collected per task added (a finished child keeps its
        // memory until collected; one per 64 kept ~7 KB per account and made the peak RSS).
        if start >= 63 { try await group.next() }
    }
    try await group.waitForAll()
}
print(
    String(
        format: "upsert accounts:   %8d in %6.2f s  %9.0f/s", accountCount, seconds(clock.now - started),
        Double(accountCount) / seconds(clock.now - started)))

let batchSize = 1000
let features = ["login", "dns.edit", "backups.restore", "mail.send", "ssl.renew", "billing.view"]
started = clock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    for batchStart in stride(from: 0, to: usageCount, by: batchSize) {
        let events = (batchStart..<min(batchStart + batchSize, usageCount)).map { index in
            UsageEvent(
                usageId: "u-\(index)", customer: .init(value: "acct-\(index % accountCount)"),
                feature: features[index % features.count], count: 1 + Int64(index % 5),
                occurredAtMs: nowMs - Int64(index % 56) * dayMs)
        }
        group.addTask { try await call("RecordUsage", RecordUsageRequest(events: events)) }
        if batchStart / batchSize >= 7 { try await group.next() }
    }
    try await group.waitForAll()
}
let ingest = seconds(clock.now - started)
print(
    String(
        format: "RecordUsage:       %8d events in %6.2f s  %9.0f events/s (batches of %d, 8 in flight)",
        usageCount, ingest, Double(usageCount) / ingest, batchSize))

// What a request costs the service itself, without the transport, answered as the replier answers it on
// nng's thread: point reads one after another, and single-event writes queued for the group commit with
// 64 in flight. suite-bench measures the same methods over a socket from another process.
let lookupCount = 100_000
let lookupEnvelope = Request(
    method: "health.GetAccount", authToken: admin.secret,
    body: GetAccountRequest(customer: .init(value: "acct-7")).serializedBytes()
).serializedBytes()
started = clock.now
var cpuBefore = processCPUSeconds()
for _ in 0..<lookupCount {
    guard case .now(let answer) = router.answerInline(lookupEnvelope, late: LateReply { _ in }),
        try Response(serializedBytes: answer).code == .ok
    else {
        fatalError("health.GetAccount was not answered inline")
    }
}
let lookupSeconds = seconds(clock.now - started)
print(
    String(
        format: "GetAccount inline: %8d in %6.2f s  %9.0f/s  %6.1f µs CPU each", lookupCount, lookupSeconds,
        Double(lookupCount) / lookupSeconds, (processCPUSeconds() - cpuBefore) * 1e6 / Double(lookupCount)))

let singleWrites = 50_000
let commitsBefore = database.statistics.commits
started = clock.now
cpuBefore = processCPUSeconds()
try await withThrowingTaskGroup(of: Void.self) { group in
    for index in 0..<singleWrites {
        let event = UsageEvent(
            usageId: "single-\(index)", customer: .init(value: "acct-\(index % accountCount)"), feature: "login",
            count: 1, occurredAtMs: nowMs)
        group.addTask { try await call("RecordUsage", RecordUsageRequest(events: [event]), inline: true) }
        if index >= 63 { try await group.next() }
    }
    try await group.waitForAll()
}
let writeSeconds = seconds(clock.now - started)
print(
    String(
        format:
            "RecordUsage x1:    %8d in %6.2f s  %9.0f/s  %6.1f µs CPU each (1 event, 64 in flight, %.1f writes/commit)",
        singleWrites, writeSeconds, Double(singleWrites) / writeSeconds,
        (processCPUSeconds() - cpuBefore) * 1e6 / Double(singleWrites),
        Double(singleWrites) / Double(database.statistics.commits - commitsBefore)))

// The peak of the rescoring alone: Linux resets VmHWM to the current RSS on "5" > clear_refs.
let peakBeforeRescore = peakResidentMiB()
let peakWasReset = (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
started = clock.now
let outcome = try await HealthScorer.standard.rescore(.all, database: database, nowMs: nowMs)
let rescore = seconds(clock.now - started)
print(
    String(
        format: "rescore all:       %8d accounts in %6.2f s  %9.0f accounts/s", outcome.scored, rescore,
        Double(outcome.scored) / rescore))
let rescorePeak = peakResidentMiB()
print(
    String(
        format: "peak RSS:          %8.1f MiB while rescoring, %.1f MiB before; database %.1f MiB", rescorePeak,
        peakBeforeRescore, Double(database.fileSizeBytes) / 1_048_576)
        + (peakWasReset ? "" : " (the peak could not be reset: the process's peak)"))
// One line for suite-bench, which runs this per size.
print(String(format: "rescore accounts=%d seconds=%.3f peak_rss_mib=%.1f", outcome.scored, rescore, rescorePeak))
try await database.close()
