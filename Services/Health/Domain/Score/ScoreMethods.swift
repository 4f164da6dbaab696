import Foundation
import GRDB
import Models
import ServiceKit

/// health.GetHealthScore and health.RescoreAccounts.
enum ScoreMethods {
    /// The most accounts one RescoreAccounts may list.
    static let maximumListedAccounts = 1_000

    static func register(on router: Router, scorer: HealthScorer) {
        // A lookup: one customer's newest scores, at most 101 rows.
        router.lookup("GetHealthScore", role: .reader) { (request: GetHealthScoreRequest, _, db) in
            let id = try Check.customer(request.customer, field: "customer")
            guard request.historyLimit <= 100 else {
                throw RPCError.invalidArgument("history_limit", "at most 100")
            }
            let records = try Data.fetchAll(
                db.cachedStatement(
                    sql: "SELECT record FROM health_scores WHERE customer_id = ? ORDER BY id DESC LIMIT ?"),
                arguments: [id, Int(request.historyLimit) + 1]
            ).map { try HealthScoreRecord(serializedBytes: [UInt8]($0)) }
            guard let current = records.first else { throw RPCError.notFound("\"\(id)\" has no health score yet") }
            let history = Array(records.dropFirst())
            let previous = records.count > 1 ? records[1].score : current.score
            return GetHealthScoreResponse(
                current: current, history: history, changeSincePrevious: current.score - previous)
        }

        // An action, not one write: it rescores a slice per transaction, as the scheduled rescoring does,
        // so that rescoring every account does not hold the service's other writes (a million accounts
        // in one transaction held them for about 18 s). Rescorings take turns (RescoringTurns), so a
        // resend that runs while the first is under way rescores again after it, harmlessly.
        router.action(
            "RescoreAccounts", role: .admin,
            validate: { (request: RescoreAccountsRequest, _) in
                // Found by cx-fuzz: 100,000 listed accounts kept the write transaction, and so every
                // other write of the service, busy for more than 30 s.
                guard request.customers.count <= maximumListedAccounts else {
                    throw RPCError.invalidArgument(
                        "customers", "at most \(maximumListedAccounts); leave it empty to rescore every account")
                }
                for (index, customer) in request.customers.enumerated() {
                    _ = try Check.customer(customer, field: "customers[\(index)]")
                }
            }
        ) { request, context in
            var seen = Set<String>()
            let ids = request.customers.map(\.value).filter { seen.insert($0).inserted }
            let outcome = try await scorer.rescore(
                ids.isEmpty ? .all : .only(ids), database: router.database, nowMs: context.nowMs)
            return RescoreAccountsResponse(scored: UInt32(outcome.scored), bandChanges: UInt32(outcome.bandChanges))
        }
    }
}
