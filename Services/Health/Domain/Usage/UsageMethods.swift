import GRDB
import Models
import ServiceKit

/// health.RecordUsage (the suite's busiest path) and health.GetUsage.
enum UsageMethods {
    static let maxBatch = 10_000

    static func register(on router: Router) {
        router.write(
            "RecordUsage",
            validate: { (request: RecordUsageRequest, context) in
                try validate(request, nowMs: context.nowMs)
            }
        ) { request, write in
            try record(request.events, write: write)
        }

        router.read("GetUsage", role: .reader) { (request: GetUsageRequest, _) in
            let id = try Check.customer(request.customer, field: "customer")
            let range = try Check.timeRange(request.range, field: "range", maximumDays: 400)
            return try await router.database.read { db in
                guard let account = try AccountStore.fetch(id, in: db) else {
                    throw RPCError.notFound("no account \"\(id)\"")
                }
                let days = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT day_ms, feature, count FROM usage_daily
                        WHERE customer_id = ? AND day_ms >= ? AND day_ms < ? ORDER BY day_ms, feature
                        """,
                    arguments: [id, range.fromMs - range.fromMs % dayMs, range.untilMs]
                ).map { DailyUsage(dayMs: $0["day_ms"], feature: $0["feature"], count: $0["count"]) }
                return GetUsageResponse(days: days, lastSeenMs: account.lastSeenMs)
            }
        }
    }

    /// Checks every event before anything is stored; names the first bad one as `events[i].field`.
    static func validate(_ request: RecordUsageRequest, nowMs: Int64) throws {
        guard !request.events.isEmpty else { throw RPCError.invalidArgument("events", "at least one event") }
        guard request.events.count <= maxBatch else {
            throw RPCError.invalidArgument("events", "at most \(maxBatch) per batch, got \(request.events.count)")
        }
        for (index, event) in request.events.enumerated() {
            let field = "events[\(index)]"
            try Check.text(event.usageId, field: "\(field).usage_id", min: 1, max: 128)
            _ = try Check.customer(event.customer, field: "\(field).customer")
            try Check.text(event.feature, field: "\(field).feature", min: 1, max: 100)
            guard (1...1_000_000).contains(event.count) else {
                throw RPCError.invalidArgument("\(field).count", "must be from 1 to 1000000, got \(event.count)")
            }
            try Check.notInFuture(event.occurredAtMs, field: "\(field).occurred_at_ms", nowMs: nowMs)
        }
    }

    /// Stores a validated batch: skips usage ids seen before, adds to the daily rollups and moves
    /// last-seen forward. An unknown customer refuses the whole batch (the transaction's savepoint
    /// rolls back what was already added), named by its first event.
    ///
    /// The per-customer and per-day updates are summed over the batch first and written once each:
    /// a batch of a thousand events for a few customers costs a thousand `usage_seen` inserts and a
    /// few dozen other statements, not five thousand (suite-bench ingestion: 60k → 174k events/s).
    /// A customer is known by its last-seen update finding its account; its signup is read only for an
    /// event that completes an onboarding step (that read was a fifth of a single-event write).
    static func record(_ events: [UsageEvent], write: WriteContext) throws
        -> RecordUsageResponse
    {
        let db = write.db
        let program = try OnboardingProgram.current(in: db)
        let signup = try db.cachedStatement(sql: "SELECT signup_ms FROM accounts WHERE customer_id = ?")
        let markSeen = try db.cachedStatement(
            sql: "INSERT INTO usage_seen (usage_id) VALUES (?) ON CONFLICT DO NOTHING")
        var signups: [String: Int64?] = [:]
        var customers: [String: SeenCustomer] = [:]
        var daily: [DayKey: Int64] = [:]
        var recorded: UInt32 = 0
        for (index, event) in events.enumerated() {
            try markSeen.execute(arguments: [event.usageId])
            guard db.changesCount > 0 else { continue }
            let customer = event.customer!.value
            customers[customer, default: SeenCustomer(firstEvent: index)].saw(event.occurredAtMs)
            daily[
                DayKey(
                    customer: customer, dayMs: event.occurredAtMs - event.occurredAtMs % dayMs, feature: event.feature),
                default: 0] += event.count
            recorded += 1
            let completedSteps = program.steps(completedBy: event.feature)
            guard !completedSteps.isEmpty else { continue }
            if signups[customer] == nil { signups[customer] = try Int64.fetchOne(signup, arguments: [customer]) }
            // An unknown customer has no signup: markActive refuses the batch below.
            guard let signupMs = signups[customer] ?? nil else { continue }
            for step in completedSteps where event.occurredAtMs - signupMs <= OnboardingProgram.trackedDays * dayMs {
                try program.complete(
                    step.key, customer: customer, signupMs: signupMs, atMs: event.occurredAtMs, write: write)
            }
        }
        if let unknown = try markActive(customers, in: db) {
            throw RPCError.invalidArgument(
                "events[\(unknown)].customer", "unknown customer \"\(events[unknown].customer!.value)\"")
        }
        try addToDays(daily, in: db)
        return RecordUsageResponse(recorded: recorded, duplicates: UInt32(events.count) - recorded)
    }

    /// A customer with recorded events in a batch: where it first appears, and its latest event.
    private struct SeenCustomer {
        let firstEvent: Int
        private(set) var lastSeenMs: Int64 = .min

        mutating func saw(_ occurredAtMs: Int64) { lastSeenMs = max(lastSeenMs, occurredAtMs) }
    }

    /// A daily rollup row: one customer's count of one feature on one day.
    private struct DayKey: Hashable {
        let customer: String
        let dayMs: Int64
        let feature: String
    }

    private static func addToDays(_ daily: [DayKey: Int64], in db: Database) throws {
        let addToDay = try db.cachedStatement(
            sql: """
                INSERT INTO usage_daily (customer_id, day_ms, feature, count) VALUES (?, ?, ?, ?)
                ON CONFLICT(customer_id, day_ms, feature) DO UPDATE SET count = count + excluded.count
                """)
        for (key, count) in daily {
            try addToDay.execute(arguments: [key.customer, key.dayMs, key.feature, count])
        }
    }

    /// Moves each customer's last-seen to its latest event, ends the silences that event ends,
    /// and marks the customer for rescoring; the latest event ends every silence an earlier one would.
    /// - Returns: The first event of the earliest customer without an account, if any (nothing else is
    ///   done for such a customer).
    private static func markActive(_ customers: [String: SeenCustomer], in db: Database) throws -> Int? {
        let touch = try db.cachedStatement(
            sql: "UPDATE accounts SET last_seen_ms = MAX(last_seen_ms, ?) WHERE customer_id = ?")
        let endSilence = try db.cachedStatement(
            sql: "DELETE FROM inactivity_episodes WHERE customer_id = ? AND silent_since_ms < ?")
        var firstUnknown: Int?
        for (customer, seen) in customers {
            try touch.execute(arguments: [seen.lastSeenMs, customer])
            guard db.changesCount > 0 else {
                firstUnknown = min(firstUnknown ?? .max, seen.firstEvent)
                continue
            }
            try endSilence.execute(arguments: [customer, seen.lastSeenMs])
            try HealthScorer.markDirty(customer, in: db)
        }
        return firstUnknown
    }
}
