import Health
import Models
import ServiceKit
import TestKit
import Testing

@Suite("health scoring model as a setting")
struct ScoringModelMethodsTests {
    /// The standard model's weights on the wire, with `changes` applied.
    private func model(version: String = "ops-1", _ changes: [String: UInt32] = [:]) -> ScoringModel {
        ScoringModel(
            version: version,
            weights: HealthFactor.allCases.map {
                FactorWeight(
                    factor: $0.rawValue, weight: changes[$0.rawValue] ?? UInt32(HealthModel.standard.weights[$0]!))
            }, goodAbove: 75, poorAtOrBelow: 50)
    }

    @Test("the built-in model is in use until an admin sets another, which rescoring then uses")
    func setModelIsUsed() async throws {
        let health = try InProcessService(HealthService.definition)
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account("acme")))
        let standard: ScoringModelResponse = try await health.call("GetScoringModel", GetScoringModelRequest())
        #expect(standard.model?.version == HealthModel.standard.version && standard.model?.updatedAtMs == 0)

        let set: ScoringModelResponse = try await health.call(
            "SetScoringModel",
            SetScoringModelRequest(model: model(["usage_recency": 30, "onboarding": 0])))
        #expect(set.accountsToRescore == 1 && set.model?.updatedAtMs == health.clock.nowMs)
        #expect(set.model?.churnCoefficients.count == HealthFactor.allCases.count, "churn model kept")
        let read: ScoringModelResponse = try await health.call("GetScoringModel", GetScoringModelRequest())
        #expect(read.model == set.model)

        try await health.runJob("rescore")
        let score: GetHealthScoreResponse = try await health.call(
            "GetHealthScore", GetHealthScoreRequest(customer: .init(value: "acme")))
        #expect(score.current?.modelVersion == "ops-1")
        #expect(score.current?.factors.first { $0.factor == "usage_recency" }?.weight == 30)
    }

    @Test("a model that cannot be used is INVALID_ARGUMENT naming the field, and the model in use stays")
    func badModelsAreRefused() async throws {
        let health = try InProcessService(HealthService.definition)
        var unknownFactor = model()
        unknownFactor.weights[2].factor = "vibes"
        var twice = model()
        twice.weights[1].factor = twice.weights[0].factor
        var missing = model()
        missing.weights.removeLast()
        var overlapping = model()
        overlapping.poorAtOrBelow = 80
        var infinite = model()
        infinite.churnCoefficients = [FactorCoefficient(factor: "nps", coefficient: .infinity)]
        let cases: [(ScoringModel, String, String)] = [
            (model(["nps": 20]), "model.weights", "sum to 105"),
            (unknownFactor, "model.weights[2].factor", "vibes"),
            (twice, "model.weights[1].factor", "twice"),
            (missing, "model.weights", "no weight for onboarding"),
            (overlapping, "model.good_above", "poor_at_or_below"),
            (model(version: ""), "model.version", "required"),
            (infinite, "model.churn_coefficients[0].coefficient", "finite"),
        ]
        for (bad, field, reason) in cases {
            let error = await #expect(throws: RPCError.self) {
                let _: ScoringModelResponse = try await health.call(
                    "SetScoringModel", SetScoringModelRequest(model: bad))
            }
            #expect(error?.code == .invalidArgument && error?.field == field, "\(field)")
            #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
        }
        let read: ScoringModelResponse = try await health.call("GetScoringModel", GetScoringModelRequest())
        #expect(read.model?.version == HealthModel.standard.version && read.model?.updatedAtMs == 0)
    }

    @Test("only an admin may change the model")
    func adminOnly() async throws {
        let health = try InProcessService(HealthService.definition)
        let error = await #expect(throws: RPCError.self) {
            let _: ScoringModelResponse = try await health.call(
                "SetScoringModel", SetScoringModelRequest(model: model()), token: InProcessService.writer)
        }
        #expect(error?.code == .permissionDenied)
    }
}
