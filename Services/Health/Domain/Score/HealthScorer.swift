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
    /// How many accounts a rescoring computes at a time (so that a million accounts' records are never
    /// in memory at once), and writes in one transaction.
    public var accountsPerSlice = 8192

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

        static func += (total: inout Outcome, part: Outcome) {
            total.scored += part.scored
            total.bandChanges += part.bandChanges
        }
    }

    static func markDirty(_ customerID: String, in db: Database) throws {
        // Cached: every account write marks its account, and preparing this anew each time was a third of
        // UpsertAccount's handler (perf, suite-bench propagation).
        // A mark a running rescoring claimed is unclaimed: the account changed after the inputs were read.
        try db.cachedStatement(
            sql: """
                INSERT INTO health_dirty (customer_id) VALUES (?)
                ON CONFLICT (customer_id) DO UPDATE SET claimed = 0 WHERE claimed = 1
                """
        ).execute(arguments: [customerID])
    }

    /// Scores the selected accounts without holding the service's other writes up for long: one write
    /// claims the selection's dirty marks and reads the inputs, and the scores are then written a slice of
    /// ``accountsPerSlice`` accounts at a time, each slice its own transaction that also deletes its
    /// accounts' claimed marks, the next slice scored while one is written. Rescorings of one database
    /// take turns (``RescoringTurns``).
    ///
    /// Why: in one transaction, the minute's rescoring after a CRM sync of 60,000 accounts held every
    /// other write of the service for about a second (suite-bench's propagation p99 went from 14 to
    /// 538 ms when it fell in the run), and the daily rescoring of a million accounts, or an admin's
    /// `RescoreAccounts` of every account, would for about 18 s. The claim holds it for the reads alone
    /// (0.37 s for 100,000 accounts). An account written after the claim is marked again (unclaimed), so
    /// the next run scores it; a rescoring that fails or dies midway leaves the marks of the accounts it
    /// did not save, so the next run scores those too.
    @discardableResult
    public func rescore(_ selection: Selection, database: ServiceDatabase, nowMs: Int64) async throws -> Outcome {
        try await RescoringTurns.shared.run(on: database) {
            try await rescoreInSlices(selection, database: database, nowMs: nowMs)
        }
    }

    private func rescoreInSlices(_ selection: Selection, database: ServiceDatabase, nowMs: Int64) async throws
        -> Outcome
    {
        let claim = try await database.write { db -> (customers: [(String, Int64)], inputs: ScoringInputs)? in
            let customers = try select(selection, nowMs: nowMs, in: db)
            guard !customers.isEmpty else {
                try forgetClaimedMarks(selection, in: db)
                return nil
            }
            try claimDirtyMarks(selection, in: db)
            return (customers, try ScoringInputs(scorer: self, nowMs: nowMs, in: db))
        }
        guard let (customers, inputs) = claim else { return Outcome() }
        var outcome = Outcome()
        // A slice is scored while the one before it is written: the cores compute, the writer writes.
        var writing: Task<Outcome, any Error>? = nil
        do {
            for start in stride(from: 0, to: customers.count, by: accountsPerSlice) {
                let slice = customers[start..<min(start + accountsPerSlice, customers.count)]
                let scored = score(slice, inputs, nowMs: nowMs)
                if let task = writing { outcome += try await task.value }
                let isLast = slice.endIndex == customers.endIndex
                let scoredIDs = slice.map(\.0)
                writing = Task {
                    try await database.write { db in
                        let part = try save(scored, database: database, nowMs: nowMs, in: db)
                        try forgetClaimedMarks(of: scoredIDs, selection, in: db)
                        // Left claimed after the last slice: marks of accounts not selected (cancelled).
                        if isLast { try forgetClaimedMarks(selection, in: db) }
                        return part
                    }
                }
            }
            if let task = writing {
                writing = nil
                outcome += try await task.value
            }
        } catch {
            // The slice being written may still be saved: let it end before saying this one failed. The
            // marks of every account not saved are still there, so the next run scores them.
            _ = try? await writing?.value
            throw error
        }
        return outcome
    }

    /// What scoring reads besides the accounts themselves, every account's at once.
    private struct ScoringInputs: Sendable {
        let settings: ScoringSettings
        let usage: [String: AccountUsage]
        let signals: [String: AccountSignals]
        let onboarding: [String: Double]
        let signups: Set<String>
        let featuresAvailable: Int
        let latest: [String: (score: Double, band: HealthScoreBand)]

        init(scorer: HealthScorer, nowMs: Int64, in db: Database) throws {
            settings = try ScoringSettings.current(standard: scorer, in: db)
            usage = try scorer.usageByAccount(nowMs: nowMs, in: db)
            signals = try AccountSignals.all(nowMs: nowMs, in: db)
            onboarding = try OnboardingProgram.current(in: db).completionByAccount(in: db)
            signups = try scorer.onboardingTracked(nowMs: nowMs, in: db)
            featuresAvailable =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(DISTINCT feature) FROM usage_daily WHERE day_ms >= ?",
                    arguments: [nowMs - 90 * dayMs]) ?? 0
            latest = try scorer.latestScores(in: db)
        }
    }

    /// The new scores of `customers`: pure computation over the inputs, on every core.
    private func score(
        _ customers: ArraySlice<(String, Int64)>, _ inputs: ScoringInputs, nowMs: Int64
    ) -> [ScoredAccount] {
        concurrentMap(customers) { customer, lastSeenMs in
            let facts = inputs.usage[customer] ?? AccountUsage()
            let signal = inputs.signals[customer] ?? AccountSignals()
            let scoreInputs = HealthInputs(
                nowMs: nowMs, lastSeenMs: lastSeenMs > 0 ? lastSeenMs : nil, usageLast28Days: facts.last28Days,
                usagePrevious28Days: facts.previous28Days, featuresUsedLast28Days: facts.features,
                featuresAvailable: inputs.featuresAvailable, latestNPS: signal.latestNPS, openCases: signal.openCases,
                slaBreachesLast90Days: signal.slaBreachesLast90Days, loyaltyTierRank: signal.loyaltyTier?.rank,
                loyaltyTierCount: signal.loyaltyTier?.count ?? 0,
                redemptionsLast90Days: signal.redemptionsLast90Days,
                advocacyLevelRank: signal.advocacyLevel?.rank,
                advocacyLevelCount: signal.advocacyLevel?.count ?? 0,
                onboardingCompletion: inputs.onboarding[customer] ?? (inputs.signups.contains(customer) ? 0 : nil))
            let settings = inputs.settings
            return ScoredAccount(
                customer: customer,
                record: Self.record(customer, settings.model.score(scoreInputs), churn: settings.churn, nowMs: nowMs),
                previous: inputs.latest[customer], notableChange: notableChange)
        }
    }

    /// Stores the scores with their history and publishes `score.changed` for those that moved.
    private func save(_ scored: [ScoredAccount], database: ServiceDatabase, nowMs: Int64, in db: Database) throws
        -> Outcome
    {
        let insertScore = try db.cachedStatement(
            sql: "INSERT INTO health_scores (customer_id, computed_at_ms, score, band, record) VALUES (?, ?, ?, ?, ?)"
        )
        let saveLatest = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO health_latest (customer_id, computed_at_ms, score, band) VALUES (?, ?, ?, ?)")
        var outcome = Outcome()
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
                    NewEvent(type: "score.changed", customerID: account.customer, occurredAtMs: nowMs, body: change))
            }
        }
        try database.eventLog.append(contentsOf: changes, in: db)
        return outcome
    }

    /// Claims the dirty marks the selection covers (the listed accounts', or every one): each is deleted
    /// with its account's new score, unless a write marks the account again meanwhile.
    private func claimDirtyMarks(_ selection: Selection, in db: Database) throws {
        if case .only(let customers) = selection {
            let claim = try db.cachedStatement(sql: "UPDATE health_dirty SET claimed = 1 WHERE customer_id = ?")
            for customer in customers { try claim.execute(arguments: [customer]) }
        } else {
            try db.execute(sql: "UPDATE health_dirty SET claimed = 1")
        }
    }

    /// Deletes the claimed marks of `customers`, just scored: they are no longer dirty, unless marked again
    /// after the claim. When the selection is not a list, the accounts come sorted by id and every claimed
    /// mark between the first and the last is one of theirs or an unscorable account's: one range delete.
    private func forgetClaimedMarks(of customers: [String], _ selection: Selection, in db: Database) throws {
        guard let first = customers.first, let last = customers.last else { return }
        if case .only = selection {
            try forgetClaimedMarks(of: customers, in: db)
        } else {
            try db.cachedStatement(
                sql: "DELETE FROM health_dirty WHERE claimed = 1 AND customer_id BETWEEN ? AND ?"
            ).execute(arguments: [first, last])
        }
    }

    /// Deletes the claimed marks the selection covers that are still there once its scores are written:
    /// those of accounts it did not score (cancelled, or never upserted).
    private func forgetClaimedMarks(_ selection: Selection, in db: Database) throws {
        if case .only(let customers) = selection {
            try forgetClaimedMarks(of: customers, in: db)
        } else {
            try db.execute(sql: "DELETE FROM health_dirty WHERE claimed = 1")
        }
    }

    private func forgetClaimedMarks(of customers: [String], in db: Database) throws {
        let forget = try db.cachedStatement(sql: "DELETE FROM health_dirty WHERE customer_id = ? AND claimed = 1")
        for customer in customers { try forget.execute(arguments: [customer]) }
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
