import Foundation
import GRDB
import Models
import ServiceKit

/// health.GetValueReport: what an account got in a period — usage, NPS, cases and SLAs, loyalty
/// points, advocacy, its health score — from health's own records and the signals its
/// subscriptions stored, so it needs no call to another service and reads one snapshot.
enum ValueReportMethods {
    static let defaultDays: Int64 = 90
    static let maximumDays: Int64 = 400

    static func register(on router: Router) {
        router.read("GetValueReport", role: .reader) { (request: GetValueReportRequest, context) in
            let id = try Check.customer(request.customer, field: "customer")
            let window = try window(request.window, nowMs: context.nowMs)
            let nowMs = context.nowMs
            return try await router.database.read { db in
                guard let account = try AccountStore.fetch(id, in: db) else {
                    throw RPCError.notFound("no account \"\(id)\"")
                }
                var report = try report(for: id, window: window, in: db)
                report.account = account
                report.generatedAtMs = nowMs
                let onboarding = try OnboardingProgram.current(in: db).status(
                    customer: id, signupMs: account.signupMs, nowMs: nowMs, in: db)
                report.onboardingStepsTotal = UInt32(onboarding.steps.count)
                report.onboardingStepsDone = UInt32(onboarding.steps.filter { $0.completedAtMs > 0 }.count)
                return GetValueReportResponse(report: report)
            }
        }
    }

    /// The window asked for, or the last 90 days; INVALID_ARGUMENT for an empty or too long one.
    static func window(_ requested: TimeRange?, nowMs: Int64) throws -> TimeRange {
        guard let requested, requested != TimeRange() else {
            return TimeRange(fromMs: nowMs - defaultDays * dayMs, untilMs: nowMs)
        }
        return try Check.timeRange(requested, field: "window", maximumDays: maximumDays)
    }

    static func report(for id: String, window: TimeRange, in db: Database) throws -> ValueReport {
        var report = ValueReport(window: window)
        let from = window.fromMs
        let until = window.untilMs
        let inWindow: StatementArguments = [id, from, until]

        // Usage rollups are per UTC day: a day counts when it starts inside the window.
        let usage = try Row.fetchAll(
            db,
            sql: """
                SELECT feature, SUM(count) AS total, COUNT(DISTINCT day_ms) AS days FROM usage_daily
                WHERE customer_id = ? AND day_ms >= ? AND day_ms < ? GROUP BY feature ORDER BY total DESC, feature
                """, arguments: inWindow)
        report.usageEvents = usage.reduce(0) { $0 + ($1["total"] as Int64) }
        report.topFeatures = usage.prefix(5).map { FeatureUse(feature: $0["feature"], count: $0["total"]) }
        report.activeDays = UInt32(
            try Int.fetchOne(
                db,
                sql:
                    "SELECT COUNT(DISTINCT day_ms) FROM usage_daily WHERE customer_id = ? AND day_ms >= ? AND day_ms < ?",
                arguments: inWindow) ?? 0)

        report.npsAnswers = UInt32(
            try Int.fetchOne(
                db,
                sql:
                    "SELECT COUNT(*) FROM signal_nps WHERE customer_id = ? AND answered_at_ms >= ? AND answered_at_ms < ?",
                arguments: inWindow) ?? 0)
        report.latestNps = Int32(
            try Int.fetchOne(
                db,
                sql: """
                    SELECT score FROM signal_nps WHERE customer_id = ? AND answered_at_ms < ?
                    ORDER BY answered_at_ms DESC, response_id DESC LIMIT 1
                    """, arguments: [id, until]) ?? -1)

        report.casesOpened = try count(
            db, "SELECT COUNT(*) FROM signal_cases WHERE customer_id = ? AND opened_at_ms >= ? AND opened_at_ms < ?",
            inWindow)
        report.casesResolved = try count(
            db,
            "SELECT COUNT(*) FROM signal_cases WHERE customer_id = ? AND resolved_at_ms >= ? AND resolved_at_ms < ?",
            inWindow)
        report.casesResolvedWithinSla = try count(
            db,
            """
            SELECT COUNT(*) FROM signal_cases
            WHERE customer_id = ? AND resolved_at_ms >= ? AND resolved_at_ms < ? AND sla_met
            """, inWindow)
        report.slaBreaches = try count(
            db,
            "SELECT COUNT(*) FROM signal_breaches WHERE customer_id = ? AND breached_at_ms >= ? AND breached_at_ms < ?",
            inWindow)

        let earning = [LedgerEntryKind.earn.rawValue, LedgerEntryKind.bonus.rawValue]
        report.pointsEarned =
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(points), 0) FROM signal_points
                    WHERE customer_id = ? AND posted_at_ms >= ? AND posted_at_ms < ? AND kind IN (?, ?)
                    """, arguments: inWindow + StatementArguments(earning)) ?? 0
        report.pointsRedeemed =
            -(try Int64.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(points), 0) FROM signal_points
                    WHERE customer_id = ? AND posted_at_ms >= ? AND posted_at_ms < ?
                        AND (kind = ? OR (kind = ? AND reward_id != ''))
                    """,
                arguments: inWindow + [LedgerEntryKind.redeem.rawValue, LedgerEntryKind.reverse.rawValue]) ?? 0)
        report.loyaltyTier =
            try String.fetchOne(db, sql: "SELECT tier FROM signal_tiers WHERE customer_id = ?", arguments: [id]) ?? ""
        report.advocacyLevel =
            try String.fetchOne(db, sql: "SELECT level FROM signal_advocacy WHERE customer_id = ?", arguments: [id])
            ?? ""
        report.referralsConverted = try count(
            db,
            """
            SELECT COUNT(*) FROM signal_referrals
            WHERE advocate_id = ? AND converted_at_ms >= ? AND converted_at_ms < ?
            """, inWindow)

        // The score as the period ends (a score taken at its very end, e.g. now, included).
        let latest = try Data.fetchOne(
            db,
            sql:
                "SELECT record FROM health_scores WHERE customer_id = ? AND computed_at_ms <= ? ORDER BY id DESC LIMIT 1",
            arguments: [id, until])
        if let latest {
            let record = try HealthScoreRecord(serializedBytes: [UInt8](latest))
            report.score = record
            let atStart = try Double.fetchOne(
                db,
                sql: """
                    SELECT score FROM health_scores WHERE customer_id = ? AND computed_at_ms <= ?
                    ORDER BY id DESC LIMIT 1
                    """, arguments: [id, from])
            // No score at the start (a new account): the change is counted from its first score.
            let first = try Double.fetchOne(
                db,
                sql: "SELECT score FROM health_scores WHERE customer_id = ? ORDER BY id LIMIT 1", arguments: [id])
            report.scoreChange = record.score - (atStart ?? first ?? record.score)
        }
        return report
    }

    private static func count(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> UInt32 {
        UInt32(try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0)
    }
}
