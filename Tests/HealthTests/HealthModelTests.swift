import Foundation
import Health
import Testing

@Suite("Health model validation and configuration")
struct HealthModelTests {
    private func model(_ change: (inout HealthModel) -> Void) -> HealthModel {
        var model = HealthModel.standard
        model.version = "test"
        change(&model)
        return model
    }

    @Test("The standard model is valid, weights every factor and sums to 100")
    func standardIsValid() throws {
        try HealthModel.standard.validate()
        #expect(Set(HealthModel.standard.weights.keys) == Set(HealthFactor.allCases))
        #expect(HealthModel.standard.weights.values.reduce(0, +) == 100)
        #expect(HealthModel.standard.version == "2026.1")
    }

    @Test("Weights that do not sum to 100 are rejected with their sum")
    func wrongSumIsRejected() {
        let invalid = model { $0.weights[.usageRecency] = 15 }
        #expect(
            throws: HealthModelError(
                .weightsDoNotSumTo100, modelVersion: "test", reason: "weights sum to 95, must be 100")
        ) {
            try invalid.validate()
        }
    }

    @Test("A factor without a weight is rejected by name")
    func missingFactorIsRejected() {
        let invalid = model {
            $0.weights[.advocacy] = nil
            $0.weights[.onboarding] = nil
            $0.weights[.usageRecency] = 35
        }
        let error = #expect(throws: HealthModelError.self) { try invalid.validate() }
        #expect(error?.code == .missingWeight)
        #expect(error?.description == "health model test: no weight for advocacy, onboarding")
    }

    @Test("A negative weight is rejected by name, even when the sum is 100")
    func negativeWeightIsRejected() {
        let invalid = model {
            $0.weights[.nps] = -5
            $0.weights[.usageRecency] = 40
        }
        let error = #expect(throws: HealthModelError.self) { try invalid.validate() }
        #expect(error?.code == .weightOutOfRange)
        #expect(error?.reason == "weight for nps is -5, must be 0…100")
    }

    @Test("A weight above 100 is rejected by name")
    func weightAboveHundredIsRejected() {
        let invalid = model { $0.weights[.usageTrend] = 101 }
        let error = #expect(throws: HealthModelError.self) { try invalid.validate() }
        #expect(error?.code == .weightOutOfRange)
        #expect(error?.reason == "weight for usage_trend is 101, must be 0…100")
    }

    @Test(
        "Band thresholds must satisfy 0 ≤ poor_at_or_below < good_above < 100",
        arguments: [(goodAbove: 50, poorAtOrBelow: 50), (40, 60), (100, 50), (75, -1)])
    func inconsistentBandsAreRejected(goodAbove: Int, poorAtOrBelow: Int) {
        let invalid = model {
            $0.goodAbove = goodAbove
            $0.poorAtOrBelow = poorAtOrBelow
        }
        let error = #expect(throws: HealthModelError.self) { try invalid.validate() }
        #expect(error?.code == .inconsistentBands)
    }

    @Test("A model that weighs only one factor is valid")
    func singleFactorModelIsValid() throws {
        try HealthModel.only(.nps).validate()
    }

    @Test("A model encodes weights keyed by factor name, and decodes back to itself")
    func codableRoundTrip() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try #require(String(data: try encoder.encode(HealthModel.standard), encoding: .utf8))
        #expect(json.contains(#""weights":{"advocacy":5,"feature_breadth":15,"#))
        #expect(json.contains(#""good_above":75"#))
        let decoded = try JSONDecoder().decode(HealthModel.self, from: Data(json.utf8))
        #expect(decoded == HealthModel.standard)
    }

    @Test("A configuration without band settings gets the defaults")
    func bandSettingsDefault() throws {
        let json = #"""
            {"version": "2026.2", "weights": {"usage_recency": 20, "usage_trend": 15, "feature_breadth": 15, "nps": 15,
             "support_burden": 15, "loyalty_engagement": 5, "advocacy": 5, "onboarding": 10}}
            """#
        let decoded = try JSONDecoder().decode(HealthModel.self, from: Data(json.utf8))
        #expect(decoded.goodAbove == 75)
        #expect(decoded.poorAtOrBelow == 50)
        #expect(decoded.poorFactorCapsBand == false)
        #expect(decoded.weights == HealthModel.standard.weights)
    }
}
