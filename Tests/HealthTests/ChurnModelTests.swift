import Foundation
import Health
import Testing

/// Generated history as churn samples: each account's score under the standard model and whether it churned.
private func samples(accounts: Int = 5000, seed: UInt64, churnDependsOnHealth: Bool) -> [ChurnSample] {
    SyntheticHistory.generate(accounts: accounts, seed: seed, churnDependsOnHealth: churnDependsOnHealth).map {
        ChurnSample(score: HealthModel.standard.score($0.inputs), churned: $0.churned)
    }
}

@Suite("Churn probability")
struct ChurnProbabilityTests {
    @Test("Under the standard model, raising any factor lowers the churn probability", arguments: HealthFactor.allCases)
    func probabilityFallsAsFactorRises(factor: HealthFactor) {
        let probabilities = stride(from: 0.0, through: 100, by: 5).map { value in
            var values = Dictionary(uniqueKeysWithValues: HealthFactor.allCases.map { ($0, 50.0) })
            values[factor] = value
            return ChurnModel.standard.probability(forFactorValues: values)
        }
        #expect(zip(probabilities, probabilities.dropFirst()).allSatisfy { $0 > $1 })
    }

    @Test("An account at the middle of every scale has about a 5 % churn probability under the standard model")
    func middleAccountProbability() {
        let values = Dictionary(uniqueKeysWithValues: HealthFactor.allCases.map { ($0, 50.0) })
        #expect(abs(ChurnModel.standard.probability(forFactorValues: values) - 0.047) < 0.001)
    }

    @Test("An unknown factor counts at the middle of its scale")
    func unknownFactorIsNeutral() {
        let known: [HealthFactor: Double] = [.usageRecency: 80, .nps: 20]
        var withMiddle = known
        withMiddle[.onboarding] = 50
        #expect(
            ChurnModel.standard.probability(forFactorValues: known)
                == ChurnModel.standard.probability(forFactorValues: withMiddle))
    }

    @Test("A score's probability is that of its known factor values")
    func probabilityOfScore() {
        let score = HealthModel.standard.score(.thriving())
        #expect(
            ChurnModel.standard.probability(for: score)
                == ChurnModel.standard.probability(forFactorValues: score.factorValues))
        #expect(score.factorValues.count == 4)
    }

    @Test("Probabilities stay strictly between 0 and 1, even for extreme coefficients")
    func probabilityIsBounded() {
        let extreme = ChurnModel(intercept: -800, coefficients: [.nps: 1600])
        #expect(extreme.probability(forFactorValues: [.nps: 0]) >= 0)
        #expect(extreme.probability(forFactorValues: [.nps: 100]) <= 1)
        #expect(!extreme.probability(forFactorValues: [.nps: 50]).isNaN)
    }

    @Test("A model encodes coefficients keyed by factor name")
    func codableUsesFactorNames() throws {
        let json = try #require(String(data: try JSONEncoder().encode(ChurnModel.standard), encoding: .utf8))
        #expect(json.contains(#""usage_recency":-3"#))
        #expect(try JSONDecoder().decode(ChurnModel.self, from: Data(json.utf8)) == ChurnModel.standard)
    }
}

@Suite("Fitting and backtesting churn on generated history")
struct ChurnFitTests {
    @Test("Fitted on history where churn follows health, the model ranks held-out churners well (AUC > 0.7)")
    func fitFindsHealthDrivenChurn() {
        let model = ChurnModel.fit(samples(seed: 1, churnDependsOnHealth: true))
        let result = model.backtest(samples(seed: 2, churnDependsOnHealth: true))
        #expect(result.auc > 0.7)
        #expect(result.liftWorstDecile > 2)
    }

    @Test("Fitted on history where churn is random, the model ranks held-out accounts no better than chance")
    func fitFindsNothingInRandomChurn() {
        let model = ChurnModel.fit(samples(seed: 1, churnDependsOnHealth: false))
        let result = model.backtest(samples(seed: 2, churnDependsOnHealth: false))
        #expect(abs(result.auc - 0.5) < 0.05)
    }

    @Test("The health score itself ranks churners in health-driven history, and not in random history")
    func healthScoreBacktest() {
        func backtest(churnDependsOnHealth: Bool) -> BacktestResult {
            BacktestResult(
                ranking: SyntheticHistory.generate(accounts: 5000, seed: 3, churnDependsOnHealth: churnDependsOnHealth)
                    .map { (100 - HealthModel.standard.score($0.inputs).score, $0.churned) })
        }
        #expect(backtest(churnDependsOnHealth: true).auc > 0.7)
        #expect(abs(backtest(churnDependsOnHealth: false).auc - 0.5) < 0.05)
    }

    @Test("Fitting learns that growing usage and a high NPS protect against churn")
    func fitLearnsProtectiveFactors() throws {
        let model = ChurnModel.fit(samples(seed: 1, churnDependsOnHealth: true))
        #expect(try #require(model.coefficients[.usageTrend]) < -1)
        #expect(try #require(model.coefficients[.nps]) < 0)
        #expect(Set(model.coefficients.keys) == Set(HealthFactor.allCases))
    }

    @Test("Fitting is deterministic")
    func fitIsDeterministic() {
        let history = samples(accounts: 500, seed: 4, churnDependsOnHealth: true)
        #expect(ChurnModel.fit(history) == ChurnModel.fit(history))
    }

    @Test("Fitted on no history, the model predicts 0.5 for everyone")
    func fitOnNothing() {
        #expect(ChurnModel.fit([]).probability(forFactorValues: [.nps: 90]) == 0.5)
    }

    @Test("Fitted on history with no churners, the model predicts little churn and stays finite")
    func fitOnNoChurners() {
        let history = samples(accounts: 200, seed: 5, churnDependsOnHealth: true).map {
            ChurnSample(factors: $0.factors, churned: false)
        }
        let model = ChurnModel.fit(history)
        #expect(model.intercept.isFinite)
        #expect(model.probability(forFactorValues: history[0].factors) < 0.01)
    }
}
