import Foundation
import Loyalty
import Models
import ServiceKit

// loyalty-bench: RecordPurchase through the router's envelope path (decode, auth, validation, group
// commit with the ledger, tier and event writes) on a real database file, then the approval job posting
// every pending entry. Prints one line per figure.
//   swift run -c release loyalty-bench [accounts] [purchases]

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let accountCount = arguments.first ?? 10_000
let purchaseCount = arguments.dropFirst().first ?? 100_000
let inFlight = 64
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loyalty-bench-\(UUID().uuidString)").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

let admin = AccessToken(name: "bench", role: .admin, secret: "bench-secret-0123456789")
let nowMs: Int64 = 1_767_225_600_000
let dayMs: Int64 = 86_400_000
let definition = LoyaltyService.definition
let database = try ServiceDatabase(path: "\(directory)/loyalty.sqlite", migrations: definition.migrations)
let router = Router(
    service: "loyalty", authenticator: TokenAuthenticator(tokens: [admin]), database: database,
    clock: ManualClock(nowMs: nowMs), logger: .init(label: "bench"))
definition.registerMethods(router)

func call(_ method: String, _ body: some ProtoMessage) async throws {
    let request = Request(method: "loyalty.\(method)", authToken: admin.secret, body: body.serializedBytes())
    let response = try Response(serializedBytes: await router.handle(request.serializedBytes()))
    guard response.code == .ok else { throw RPCError(response.code, response.message, field: response.field) }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

// The accounts arrive as health's events through loyalty's own subscription, 1000 per transaction.
let health = definition.subscriptions.first { $0.source == "health" }!
for batchStart in stride(from: 0, to: accountCount, by: 1000) {
    let events = (batchStart..<min(batchStart + 1000, accountCount)).map { index in
        let account = Account(
            customer: .init(value: "acct-\(index)"), name: "Account \(index)", segment: .small,
            signupMs: nowMs - 200 * dayMs)
        return Event(
            source: "health", seq: UInt64(index + 1), type: "account.upserted", customerId: "acct-\(index)",
            occurredAtMs: nowMs, body: AccountChanged(account: account).serializedBytes())
    }
    try await database.write { db in for event in events { try health.apply(event, db) } }
}

let clock = ContinuousClock()
var started = clock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    for index in 0..<purchaseCount {
        let request = RecordPurchaseRequest(
            purchaseId: "p-\(index)", customer: .init(value: "acct-\(index % accountCount)"),
            amount: Money(minorUnits: 1_000 + Int64(index % 50_000), currency: "EUR"),
            purchasedAtMs: nowMs - Int64(index % 20) * dayMs)
        group.addTask { try await call("RecordPurchase", request) }
        if index >= inFlight { try await group.next() }
    }
    try await group.waitForAll()
}
let ingest = seconds(clock.now - started)
print(
    String(
        format: "RecordPurchase:    %8d in %6.2f s  %9.0f purchases/s (%d accounts, %d in flight, %.1f writes/commit)",
        purchaseCount, ingest, Double(purchaseCount) / ingest, accountCount, inFlight,
        database.statistics.writesPerCommit))

started = clock.now
let job = definition.jobs.first { $0.name == "points approval" }!
try await job.run(
    JobContext(
        service: "loyalty", database: database, clock: ManualClock(nowMs: nowMs + 31 * dayMs),
        logger: .init(label: "bench")))
let approval = seconds(clock.now - started)
print(
    String(
        format: "points approval:   %8d entries in %6.2f s  %9.0f entries/s", purchaseCount, approval,
        Double(purchaseCount) / approval))
print(String(format: "database:          %8.1f MiB", Double(database.fileSizeBytes) / 1_048_576))
try await database.close()
