import GRDB
import Models
import ServiceKit

/// health.GetScoringModel and health.SetScoringModel: the weights, bands and churn coefficients
/// are settings an admin changes at run time, validated before anything is stored.
enum ScoringModelMethods {
    static func register(on router: Router, scorer: HealthScorer) {
        router.read("GetScoringModel", role: .reader) { (_: GetScoringModelRequest, _) in
            let settings = try await router.database.read { try ScoringSettings.current(standard: scorer, in: $0) }
            return ScoringModelResponse(model: settings.message)
        }

        router.write(
            "SetScoringModel", role: .admin,
            validate: { (request: SetScoringModelRequest, context) in
                _ = try ScoringSettings.parse(request.model, keepingChurnOf: scorer.churn, nowMs: context.nowMs)
            }
        ) { request, write in
            let current = try ScoringSettings.current(standard: scorer, in: write.db)
            let settings = try ScoringSettings.parse(request.model, keepingChurnOf: current.churn, nowMs: write.nowMs)
            let marked = try settings.save(in: write.db)
            return ScoringModelResponse(model: settings.message, accountsToRescore: UInt32(marked))
        }
    }
}
