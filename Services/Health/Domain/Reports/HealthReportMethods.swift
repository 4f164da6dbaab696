import Foundation
import GRDB
import Models
import ServiceKit

/// health.HealthReport: band counts by segment, the average score and churn-risk buckets of every
/// active account, from one snapshot. A report of the whole book must not cost one call per
/// account, so it reads health_latest (one row per scored account) and each account's newest
/// score record for its churn probability.
enum HealthReportMethods {
    /// Five buckets of 0.2: how many accounts are likely to leave, not just how many look unwell.
    static let churnBucketWidth = 0.2
    static let churnBucketCount = 5

    static func register(on router: Router) {
        router.read("HealthReport", role: .reader) { (_: HealthReportRequest, context) in
            let nowMs = context.nowMs
            return try await router.database.read { db in
                var report = try report(in: db)
                report.generatedAtMs = nowMs
                return report
            }
        }
    }

    static func report(in db: Database) throws -> HealthReportResponse {
        let cancelled = LifecycleStage.cancelled.rawValue
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT a.segment AS segment, COUNT(*) AS accounts,
                    COALESCE(SUM(l.band = ?), 0) AS good, COALESCE(SUM(l.band = ?), 0) AS average,
                    COALESCE(SUM(l.band = ?), 0) AS poor, COUNT(l.customer_id) AS scored,
                    COALESCE(SUM(l.score), 0) AS score_sum
                FROM accounts a LEFT JOIN health_latest l ON l.customer_id = a.customer_id
                WHERE a.stage != ? GROUP BY a.segment ORDER BY a.segment
                """,
            arguments: [
                HealthScoreBand.good.rawValue, HealthScoreBand.average.rawValue, HealthScoreBand.poor.rawValue,
                cancelled,
            ])
        var total = Tally()
        var report = HealthReportResponse()
        for row in rows {
            let tally = Tally(row: row)
            total.add(tally)
            report.segments.append(tally.segmentHealth(Segment(rawValue: row["segment"])))
        }
        report.total = total.segmentHealth(.unspecified)
        report.churnRisk = try churnRisk(in: db)
        report.cancelled = UInt32(
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts WHERE stage = ?", arguments: [cancelled]) ?? 0)
        return report
    }

    /// Scored active accounts by the churn probability of their newest score record.
    static func churnRisk(in db: Database) throws -> [ChurnRiskBucket] {
        var counts = [UInt32](repeating: 0, count: churnBucketCount)
        let records = try Data.fetchCursor(
            db,
            sql: """
                SELECT s.record FROM accounts a
                JOIN health_scores s ON s.id = (SELECT MAX(id) FROM health_scores WHERE customer_id = a.customer_id)
                WHERE a.stage != ?
                """, arguments: [LifecycleStage.cancelled.rawValue])
        while let blob = try records.next() {
            let probability = try HealthScoreRecord(serializedBytes: [UInt8](blob)).churnProbability
            let bucket = min(max(Int(probability / churnBucketWidth), 0), churnBucketCount - 1)
            counts[bucket] += 1
        }
        return counts.enumerated().map { index, accounts in
            ChurnRiskBucket(
                fromProbability: Double(index) * churnBucketWidth,
                untilProbability: Double(index + 1) * churnBucketWidth, accounts: accounts)
        }
    }

    /// One segment's counts while they are added up.
    private struct Tally {
        var accounts = 0
        var good = 0
        var average = 0
        var poor = 0
        var scored = 0
        var scoreSum = 0.0

        init() {}

        init(row: Row) {
            accounts = row["accounts"]
            good = row["good"]
            average = row["average"]
            poor = row["poor"]
            scored = row["scored"]
            scoreSum = row["score_sum"]
        }

        mutating func add(_ other: Tally) {
            accounts += other.accounts
            good += other.good
            average += other.average
            poor += other.poor
            scored += other.scored
            scoreSum += other.scoreSum
        }

        func segmentHealth(_ segment: Segment) -> SegmentHealth {
            SegmentHealth(
                segment: segment, accounts: UInt32(accounts), good: UInt32(good), average: UInt32(average),
                poor: UInt32(poor), unscored: UInt32(accounts - scored),
                averageScore: scored == 0 ? 0 : scoreSum / Double(scored))
        }
    }
}
