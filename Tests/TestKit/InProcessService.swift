public import Foundation
public import Models
public import ServiceKit
import Synchronization

/// A service's router and database in this process, on a fresh database file and a manual clock:
/// for testing a service's methods through the same envelope path the socket uses, without sockets.
public final class InProcessService: Sendable {
    public static let admin = AccessToken(name: "ops", role: .admin, secret: "test-admin-secret-0123")
    public static let writer = AccessToken(name: "app", role: .writer, secret: "test-writer-secret-0123")
    public static let reader = AccessToken(name: "report", role: .reader, secret: "test-reader-secret-0123")

    public let router: Router
    public let database: ServiceDatabase
    public let clock: ManualClock
    public let definition: ServiceDefinition
    private let deliveredSeq = Mutex<[String: UInt64]>([:])

    public init(_ definition: ServiceDefinition, nowMs: Int64 = 1_767_225_600_000) throws {
        let directory = try makeTemporaryDirectory("cx-\(definition.name)")
        clock = ManualClock(nowMs: nowMs)
        self.definition = definition
        database = try ServiceDatabase(
            path: "\(directory)/\(definition.name).sqlite", migrations: definition.migrations)
        router = Router(
            service: definition.name,
            authenticator: TokenAuthenticator(tokens: [Self.admin, Self.writer, Self.reader]),
            database: database, clock: clock, logger: .init(label: "test"))
        definition.registerMethods(router)
    }

    // The router and its handlers hold each other; without this every test's database stayed open
    // until the test process ended (LeakSanitizer under make asan).
    deinit { router.removeAllMethods() }

    /// Calls `<service>.<method>` through the router and decodes the reply.
    /// - Throws: ``RPCError`` with the response's code, message and field when it is not OK.
    public func call<Reply: ProtoMessage>(
        _ method: String, _ request: some ProtoMessage, returning: Reply.Type = Reply.self,
        token: AccessToken = admin, idempotencyKey: String = ""
    ) async throws -> Reply {
        let envelope = Request(
            method: "\(router.service).\(method)", idempotencyKey: idempotencyKey, authToken: token.secret,
            body: request.serializedBytes())
        let response = try Response(serializedBytes: await router.handle(envelope.serializedBytes()))
        guard response.code == .ok else { throw RPCError(response.code, response.message, field: response.field) }
        return try Reply(serializedBytes: response.body)
    }

    /// Applies another service's event through this service's subscription to `source`, in one write
    /// transaction, as the subscription runner does (seq 1, 2, 3 … per source).
    public func deliver(
        _ type: String, from source: String, customerID: String = "", body: some ProtoMessage
    ) async throws {
        guard let subscription = definition.subscriptions.first(where: { $0.source == source }) else {
            throw RPCError.notFound("\(definition.name) does not subscribe to \(source)")
        }
        let seq = deliveredSeq.withLock { delivered in
            delivered[source, default: 0] += 1
            return delivered[source]!
        }
        let event = Event(
            source: source, seq: seq, eventId: "\(source)-\(seq)", type: type, customerId: customerID,
            occurredAtMs: clock.nowMs, body: body.serializedBytes())
        try await database.write { try subscription.apply(event, $0) }
    }

    /// Runs the scheduled job `name` once, now, on this service's database and clock.
    public func runJob(_ name: String) async throws {
        guard let job = definition.jobs.first(where: { $0.name == name }) else {
            throw RPCError.notFound("\(definition.name) has no job \(name)")
        }
        try await job.run(
            JobContext(service: definition.name, database: database, clock: clock, logger: .init(label: "test")))
    }

    /// The events the service has logged so far.
    public func events() async throws -> [StoredEvent] {
        try await database.read { try self.database.eventLog.events(after: 0, limit: 100_000, in: $0) }
    }
}

extension InProcessService {
    /// An account as health would publish it: mid-market, signed up 1 October 2025, onboarding.
    public static func account(
        _ id: String, segment: Segment = .midMarket, signupMs: Int64 = 1_759_276_800_000,
        stage: LifecycleStage = .onboarding, referralCode: String = ""
    ) -> Account {
        Account(
            customer: CustomerId(value: id), name: "Customer \(id)", segment: segment, plan: "pro",
            mrr: Money(minorUnits: 49_900, currency: "EUR"), signupMs: signupMs, accountManager: "ana@example.com",
            referralCode: referralCode, stage: stage)
    }

    /// Delivers health's `account.<change>` for `account` (upserted, cancelled or reactivated).
    public func deliverAccount(_ account: Account, change: String = "upserted") async throws {
        try await deliver(
            "account.\(change)", from: "health", customerID: account.customer?.value ?? "",
            body: AccountChanged(account: account))
    }

    /// Delivers health's `score.changed` moving `customerID` into `band` with `score`.
    public func deliverScore(_ customerID: String, band: HealthScoreBand, score: Double) async throws {
        try await deliver(
            "score.changed", from: "health", customerID: customerID,
            body: ScoreChanged(
                score: HealthScoreRecord(
                    customer: CustomerId(value: customerID), score: score, band: band, computedAtMs: clock.nowMs)))
    }
}
