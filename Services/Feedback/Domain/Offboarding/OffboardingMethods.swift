import Foundation
import GRDB
import Models
import ServiceKit

/// feedback.OffboardingReport: why customers leave (the exit survey's reasons), how many come
/// back, and what the returned accounts have brought in since.
enum OffboardingMethods {
    /// The revenue period MRR stands for.
    static let monthMs: Int64 = 30 * dayMs

    static func register(on router: Router) {
        router.read("OffboardingReport", role: .reader) { (request: OffboardingReportRequest, context) in
            let window = try ReportWindow.resolve(request.window, field: "window", nowMs: context.nowMs)
            return try await router.database.read { db in
                let exits = try ResponseStore.offboardingAnswers(fromMs: window.fromMs, untilMs: window.untilMs, in: db)
                let returns = try Reactivations.latest(in: db)
                var report = OffboardingReportResponse(
                    exitAnswers: UInt32(exits.count), reasons: reasons(exits, returns: returns))
                let accounts = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT customer_id, stage, cancelled_at_ms, reactivations, mrr_minor_units, mrr_currency
                        FROM account_projection WHERE stage = ? OR reactivations > 0
                        """,
                    arguments: [LifecycleStage.cancelled.rawValue])
                var revenue: [String: Int64] = [:]
                for account in accounts where (account["reactivations"] as Int) > 0 {
                    report.resurrected += 1
                    // A return from before this service followed health has no time: no revenue counted.
                    guard let returnedAt = returns[account["customer_id"]] else { continue }
                    let cancelledAgain: Int64 = account["cancelled_at_ms"]
                    let end = cancelledAgain > returnedAt ? cancelledAgain : context.nowMs
                    let mrr: Int64 = account["mrr_minor_units"]
                    revenue[account["mrr_currency"], default: 0] += mrr * max(0, end - returnedAt) / monthMs
                }
                report.everCancelled = UInt32(accounts.count)
                report.resurrectionRate = accounts.isEmpty ? 0 : Double(report.resurrected) / Double(accounts.count)
                report.revenueAfterReturn = revenue.keys.sorted().filter { !$0.isEmpty }.map {
                    Money(minorUnits: revenue[$0]!, currency: $0)
                }
                return report
            }
        }
    }

    /// The reasons given, trimmed and lower-cased, most frequent first, with how many of those
    /// accounts came back after answering (`returns`: each account's latest return).
    static func reasons(_ exits: [SurveyResponse], returns: [String: Int64]) -> [CancellationReasonCount] {
        var counts: [String: CancellationReasonCount] = [:]
        for exit in exits {
            let given = exit.cancellationReason.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            let reason = given.isEmpty ? "(none given)" : given
            counts[reason, default: CancellationReasonCount(reason: reason)].answers += 1
            if let returnedAt = returns[exit.customer?.value ?? ""], returnedAt > exit.answeredAtMs {
                counts[reason]!.cameBack += 1
            }
        }
        return counts.values.sorted { ($0.answers, $1.reason) > ($1.answers, $0.reason) }
    }
}
