import Foundation
import GRDB
import Models
import ServiceKit

/// health.GetHealthScore and health.RescoreAccounts.
enum ScoreMethods {
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

        router.write("RescoreAccounts", role: .admin) { (request: RescoreAccountsRequest, write) in
            var ids: [String] = []
            for (index, customer) in request.customers.enumerated() {
                ids.append(try Check.customer(customer, field: "customers[\(index)]"))
            }
            let outcome = try scorer.rescore(
                ids.isEmpty ? .all : .only(ids), database: router.database, nowMs: write.nowMs, in: write.db)
            return RescoreAccountsResponse(scored: UInt32(outcome.scored), bandChanges: UInt32(outcome.bandChanges))
        }
    }
}
