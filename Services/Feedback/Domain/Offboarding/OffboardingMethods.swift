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
                let stays = try LifecycleLog.staysAfterReturn(in: db)
                var report = OffboardingReportResponse(
                    exitAnswers: UInt32(exits.count), reasons: reasons(exits, stays: stays))
                let accounts = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT customer_id, reactivations, mrr_minor_units, mrr_currency
                        FROM account_projection WHERE stage = ? OR reactivations > 0
                        """,
                    arguments: [LifecycleStage.cancelled.rawValue])
                // In 128 bits, then held at Int64's bounds: health accepts any MRR up to Int64.max, and a
                // large one times a long stay overflowed Int64 (a trap that took the service down).
                var revenue: [String: Int128] = [:]
                for account in accounts where (account["reactivations"] as Int) > 0 {
                    report.resurrected += 1
                    // Returns from before this service followed health have no time: no revenue counted.
                    // The current MRR stands for every stay (health publishes no MRR history).
                    let mrr = Int128(account["mrr_minor_units"] as Int64)
                    for stay in stays[account["customer_id"]] ?? [] {
                        let stayedMs = max(0, Int128(stay.endedAtMs ?? context.nowMs) - Int128(stay.returnedAtMs))
                        revenue[account["mrr_currency"], default: 0] += mrr * stayedMs / Int128(monthMs)
                    }
                }
                report.everCancelled = UInt32(accounts.count)
                report.resurrectionRate = accounts.isEmpty ? 0 : Double(report.resurrected) / Double(accounts.count)
                report.revenueAfterReturn = revenue.keys.sorted().filter { !$0.isEmpty }.map {
                    Money(minorUnits: Int64(clamping: revenue[$0]!), currency: $0)
                }
                return report
            }
        }
    }

    /// The reasons given, trimmed and lower-cased, most frequent first, with how many of those
    /// accounts came back after answering.
    static func reasons(_ exits: [SurveyResponse], stays: [String: [LifecycleLog.Stay]]) -> [CancellationReasonCount] {
        var counts: [String: CancellationReasonCount] = [:]
        for exit in exits {
            let given = exit.cancellationReason.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            let reason = given.isEmpty ? "(none given)" : given
            counts[reason, default: CancellationReasonCount(reason: reason)].answers += 1
            if stays[exit.customer?.value ?? "", default: []].contains(where: { $0.returnedAtMs > exit.answeredAtMs }) {
                counts[reason]!.cameBack += 1
            }
        }
        return counts.values.sorted { ($0.answers, $1.reason) > ($1.answers, $0.reason) }
    }
}
