import Foundation
import GRDB
public import Models
public import ServiceKit

/// Scores accounts from what the health service knows, stores every score with its explanation, and
/// publishes `score.changed` when an account's band changes or its score moves by 5 points or more.
///
/// Usage and onboarding are health's own records; NPS, cases, loyalty and advocacy are the signals
/// its subscriptions stored from the other services. A fact nobody has published yet is unknown, and
/// the model leaves unknown factors out of the score rather than guessing them.
public struct HealthScorer: Sendable {
    /// The models used until an admin stores others (health.SetScoringModel, FitChurnModel apply).
    public var model: HealthModel
    public var churn: ChurnModel
    /// A move at least this large publishes `score.changed` even within the same band.
    public var notableChange: Double = 5

    public static let standard = HealthScorer(model: .standard, churn: .standard)

    public init(model: HealthModel, churn: ChurnModel) {
        self.model = model
        self.churn = churn
    }

    /// Rescores dirty accounts every minute and every account whose score is a day old (recency decays).
    public var job: ScheduledJob {
        ScheduledJob(name: "rescore", every: .seconds(60)) { context in
            _ = try await rescore(.due, database: context.database, nowMs: context.clock.nowMs)
        }
    }

    /// Which accounts to score.
    public enum Selection: Sendable {
        /// Those whose inputs changed, and those not scored for a day.
        case due
        /// Every account that is not cancelled.
        case all
        /// These accounts.
        case only([String])
    }

    public struct Outcome: Sendable, Hashable {
        public var scored = 0
        public var bandChanges = 0
    }

    static func markDirty(_ customerID: String, in db: Database) throws {
        // Cached: every account write marks its account, and preparing this anew each time was a third of
        // UpsertAccount's handler (perf, suite-bench propagation).
        try db.cachedStatement(sql: "INSERT INTO health_dirty (customer_id) VALUES (?) ON CONFLICT DO NOTHING")
            .execute(arguments: [customerID])
    }

    /// Scores the selected accounts in one transaction.
    @discardableResult
    public func rescore(_ selection: Selection, database: ServiceDatabase, nowMs: Int64) async throws -> Outcome {
        try await database.write { db in try rescore(selection, database: database, nowMs: nowMs, in: db) }
    }

    func rescore(_ selection: Selection, database: ServiceDatabase, nowMs: Int64, in db: Database) throws
        -> Outcome
    {
        let customers = try select(selection, nowMs: nowMs, in: db)
        guard !customers.isEmpty else { return Outcome() }
        let settings = try ScoringSettings.current(standard: self, in: db)
        let usage = try usageByAccount(nowMs: nowMs, in: db)
        let signals = try AccountSignals.all(nowMs: nowMs, in: db)
        let onboarding = try OnboardingProgram.current(in: db).completionByAccount(in: db)
        let signups = try onboardingTracked(nowMs: nowMs, in: db)
        let featuresAvailable =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(DISTINCT feature) FROM usage_daily WHERE day_ms >= ?",
                arguments: [nowMs - 90 * dayMs]) ?? 0
        let insertScore = try db.cachedStatement(
            sql: "INSERT INTO health_scores (customer_id, computed_at_ms, score, band, record) VALUES (?, ?, ?, ?, ?)"
        )
        let saveLatest = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO health_latest (customer_id, computed_at_ms, score, band) VALUES (?, ?, ?, ?)")
        let latest = try latestScores(in: db)
        var outcome = Outcome()
        // Scoring is pure computation over what was just read: it runs on every core, a slice of accounts
        // at a time (so that a million accounts' records are never in memory at once), and the inserts
        // of each slice after it on this connection alone.
        let sliceSize = 8192
        for start in stride(from: 0, to: customers.count, by: sliceSize) {
            let slice = customers[start..<min(start + sliceSize, customers.count)]
            let scored = concurrentMap(slice) { customer, lastSeenMs in
                let facts = usage[customer] ?? AccountUsage()
                let signal = signals[customer] ?? AccountSignals()
                let inputs = HealthInputs(
                    nowMs: nowMs, lastSeenMs: lastSeenMs > 0 ? lastSeenMs : nil, usageLast28Days: facts.last28Days,
                    usagePrevious28Days: facts.previous28Days, featuresUsedLast28Days: facts.features,
                    featuresAvailable: featuresAvailable, latestNPS: signal.latestNPS, openCases: signal.openCases,
                    slaBreachesLast90Days: signal.slaBreachesLast90Days, loyaltyTierRank: signal.loyaltyTier?.rank,
                    loyaltyTierCount: signal.loyaltyTier?.count ?? 0,
                    redemptionsLast90Days: signal.redemptionsLast90Days,
                    advocacyLevelRank: signal.advocacyLevel?.rank,
                    advocacyLevelCount: signal.advocacyLevel?.count ?? 0,
                    onboardingCompletion: onboarding[customer] ?? (signups.contains(customer) ? 0 : nil))
                return ScoredAccount(
                    customer: customer,
                    record: Self.record(customer, settings.model.score(inputs), churn: settings.churn, nowMs: nowMs),
                    previous: latest[customer], notableChange: notableChange)
            }
            var changes: [NewEvent] = []
            for account in scored {
                let record = account.record
                try insertScore.execute(
                    arguments: [account.customer, nowMs, record.score, record.band.rawValue, Data(account.recordBytes)])
                try saveLatest.execute(arguments: [account.customer, nowMs, record.score, record.band.rawValue])
                outcome.scored += 1
                if account.bandChanged { outcome.bandChanges += 1 }
                if let change = account.changeEvent {
                    changes.append(
                        NewEvent(type: "score.changed", customerID: account.customer, occurredAtMs: nowMs, body: change)
                    )
                }
            }
            try database.eventLog.append(contentsOf: changes, in: db)
        }
        if case .only = selection {
            for (customer, _) in customers {
                try db.execute(sql: "DELETE FROM health_dirty WHERE customer_id = ?", arguments: [customer])
            }
        } else {
            try db.execute(sql: "DELETE FROM health_dirty")
        }
        return outcome
    }

    /// The selected accounts that are not cancelled, with their last-seen time.
    private func select(_ selection: Selection, nowMs: Int64, in db: Database) throws -> [(String, Int64)] {
        let cancelled = LifecycleStage.cancelled.rawValue
        let rows: [Row]
        switch selection {
        case .all:
            rows = try Row.fetchAll(
                db, sql: "SELECT customer_id, last_seen_ms FROM accounts WHERE stage != ? ORDER BY customer_id",
                arguments: [cancelled])
        case .due:
            rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.customer_id, a.last_seen_ms FROM accounts a
                    LEFT JOIN health_latest l ON l.customer_id = a.customer_id
                    WHERE a.stage != ? AND (l.customer_id IS NULL OR l.computed_at_ms <= ?
                        OR a.customer_id IN (SELECT customer_id FROM health_dirty))
                    ORDER BY a.customer_id
                    """,
                arguments: [cancelled, nowMs - dayMs])
        case .only(let customers):
            rows = try customers.compactMap { customer in
                try Row.fetchOne(
                    db, sql: "SELECT customer_id, last_seen_ms FROM accounts WHERE customer_id = ? AND stage != ?",
                    arguments: [customer, cancelled])
            }
        }
        return rows.map { ($0["customer_id"], $0["last_seen_ms"]) }
    }

    /// Every account's newest score, read once per rescoring rather than once per account.
    private func latestScores(in db: Database) throws -> [String: (score: Double, band: HealthScoreBand)] {
        var latest: [String: (score: Double, band: HealthScoreBand)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT customer_id, score, band FROM health_latest") {
            latest[row["customer_id"]] = (row["score"], HealthScoreBand(rawValue: row["band"]))
        }
        return latest
    }

    /// Accounts still in their onboarding period: no step done yet counts as 0, not as unknown.
    private func onboardingTracked(nowMs: Int64, in db: Database) throws -> Set<String> {
        Set(
            try String.fetchAll(
                db, sql: "SELECT customer_id FROM accounts WHERE signup_ms >= ?",
                arguments: [nowMs - OnboardingProgram.trackedDays * dayMs]))
    }

    private struct AccountUsage {
        var last28Days = 0
        var previous28Days = 0
        var features = 0
    }

    /// Usage of the last 28 days, the 28 before, and features used, for every account at once.
    private func usageByAccount(nowMs: Int64, in db: Database) throws -> [String: AccountUsage] {
        let recent = nowMs - 28 * dayMs
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT customer_id,
                    SUM(CASE WHEN day_ms >= ? THEN count ELSE 0 END) AS last28,
                    SUM(CASE WHEN day_ms < ? THEN count ELSE 0 END) AS previous28,
                    COUNT(DISTINCT CASE WHEN day_ms >= ? THEN feature END) AS features
                FROM usage_daily WHERE day_ms >= ? AND day_ms <= ? GROUP BY customer_id
                """,
            arguments: [recent, recent, recent, nowMs - 56 * dayMs, nowMs])
        var usage: [String: AccountUsage] = [:]
        for row in rows {
            usage[row["customer_id"]] = AccountUsage(
                last28Days: row["last28"], previous28Days: row["previous28"], features: row["features"])
        }
        return usage
    }

    /// The wire form of a score, with its explanation.
    static func record(_ customer: String, _ score: HealthScore, churn: ChurnModel, nowMs: Int64) -> HealthScoreRecord {
        HealthScoreRecord(
            customer: CustomerId(value: customer), score: score.score, band: HealthScoreBand(score.band),
            factors: score.factors.map { factor in
                Models.FactorContribution(
                    factor: factor.factor.rawValue, value: factor.value ?? 0, weight: UInt32(factor.weight),
                    contribution: factor.contribution, known: factor.value != nil)
            }, modelVersion: score.modelVersion, computedAtMs: nowMs, churnProbability: churn.probability(for: score))
    }
}

/// An account's new score, made by the parallel part of a rescoring, with what its inserts need.
private struct ScoredAccount: Sendable {
    let customer: String
    let record: HealthScoreRecord
    let recordBytes: [UInt8]
    let bandChanged: Bool
    /// The body of the `score.changed` event, when the band changed or the score moved notably.
    let changeEvent: [UInt8]?

    init(
        customer: String, record: HealthScoreRecord, previous: (score: Double, band: HealthScoreBand)?,
        notableChange: Double
    ) {
        self.customer = customer
        self.record = record
        self.recordBytes = record.serializedBytes()
        let previousScore = previous?.score ?? 0
        let previousBand = previous?.band ?? .unspecified
        bandChanged = previousBand != record.band
        changeEvent =
            bandChanged || abs(record.score - previousScore) >= notableChange
            ? ScoreChanged(score: record, previousBand: previousBand, previousScore: previousScore).serializedBytes()
            : nil
    }
}

/// `transform` of every element, in order, computed in chunks on all cores; on the calling thread
/// alone for a few elements, where handing chunks out would cost more than it saves.
private func concurrentMap<Elements: RandomAccessCollection & Sendable, Result>(
    _ elements: Elements, _ transform: @Sendable (Elements.Element) -> Result
) -> [Result] where Elements.Index == Int {
    let chunkSize = 512
    guard elements.count > chunkSize else { return elements.map(transform) }
    let chunkCount = (elements.count + chunkSize - 1) / chunkSize
    return [Result](unsafeUninitializedCapacity: elements.count) { buffer, initialized in
        // Each chunk initializes its own disjoint range of the buffer; concurrentPerform returns when
        // all have, before `initialized` is set.
        nonisolated(unsafe) let results = buffer
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let range = (chunk * chunkSize)..<min(elements.count, (chunk + 1) * chunkSize)
            for offset in range {
                (results.baseAddress! + offset).initialize(to: transform(elements[elements.startIndex + offset]))
            }
        }
        initialized = elements.count
    }
}

extension HealthScoreBand {
    init(_ band: HealthBand) {
        switch band {
        case .good: self = .good
        case .average: self = .average
        case .poor: self = .poor
        }
    }
}
