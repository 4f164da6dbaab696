import Foundation

/// One account's factor values at some moment and whether it cancelled afterwards: a row of the history that
/// ``ChurnModel/fit(_:iterations:learningRate:l2:)`` learns from and a backtest ranks.
public struct ChurnSample: Sendable, Hashable, Codable {
    /// Factor values, 0–100; a factor that is absent was unknown.
    public var factors: [HealthFactor: Double]
    /// Whether the account cancelled within the window that follows.
    public var churned: Bool

    public init(factors: [HealthFactor: Double], churned: Bool) {
        self.factors = factors
        self.churned = churned
    }

    /// The sample of a stored score: its known factor values.
    public init(score: HealthScore, churned: Bool) {
        self.init(factors: score.factorValues, churned: churned)
    }
}

/// The probability that an account cancels, as a logistic function of its factor values:
///
///     p = 1 / (1 + e^−(intercept + Σ coefficient[f] × value[f] / 100))
///
/// A negative coefficient means the factor protects: the higher its value, the lower the risk. A factor with no
/// coefficient counts 0; an unknown factor counts at ``neutralFeature``, the middle of its scale, because a logit
/// term needs some value and the middle claims the least.
public struct ChurnModel: Sendable, Hashable, Codable {
    /// The log-odds of churn of an account whose every factor is 0.
    public var intercept: Double
    /// Change in log-odds per factor going from 0 to 100.
    public var coefficients: [HealthFactor: Double]

    public init(intercept: Double, coefficients: [HealthFactor: Double]) {
        self.intercept = intercept
        self.coefficients = coefficients
    }

    /// Coefficients that rank accounts sensibly until the suite has history of its own to fit: every factor
    /// protects, usage most. An account at the middle of every scale has about a 5 % chance of churning, one at 0 on
    /// every factor 95 %, one at 100 on every factor 0.01 %.
    public static let standard = ChurnModel(
        intercept: 3,
        coefficients: [
            .usageRecency: -3, .usageTrend: -2, .featureBreadth: -1.5, .nps: -2,
            .supportBurden: -1.5, .loyaltyEngagement: -0.5, .advocacy: -0.5, .onboarding: -1,
        ])

    /// The feature value (on the 0…1 scale) an unknown factor counts as.
    public static let neutralFeature = 0.5

    /// The probability, 0…1, that the account of `score` churns.
    public func probability(for score: HealthScore) -> Double {
        probability(forFactorValues: score.factorValues)
    }

    /// The probability, 0…1, of churn for these factor values (0–100; an absent factor is unknown).
    public func probability(forFactorValues values: [HealthFactor: Double]) -> Double {
        Self.logistic(
            HealthFactor.allCases.reduce(intercept) { logit, factor in
                logit + coefficients[factor, default: 0] * Self.feature(values[factor])
            })
    }

    /// How well this model's probabilities rank the accounts of `samples` that churned.
    public func backtest(_ samples: [ChurnSample]) -> BacktestResult {
        BacktestResult(ranking: samples.map { (probability(forFactorValues: $0.factors), $0.churned) })
    }

    /// Fits a model to history by batch gradient descent on the mean log-loss plus an L2 penalty on the
    /// coefficients (not the intercept).
    ///
    /// The result is deterministic: the same samples in the same order give the same model. Internally the features
    /// are centred on ``neutralFeature``, which conditions the descent better and makes an unknown factor exactly 0;
    /// the intercept is converted back before returning.
    ///
    /// - Parameters:
    ///   - samples: The history; with none, the model predicts 0.5 for everyone.
    ///   - iterations: Full passes over the samples.
    ///   - learningRate: Step size. Features lie in −0.5…0.5, so steps up to about 2 are stable.
    ///   - l2: Penalty on the coefficients' squares; keeps them finite when a factor separates churners perfectly.
    /// - Returns: The fitted model, with a coefficient for every factor.
    public static func fit(
        _ samples: [ChurnSample], iterations: Int = 1000, learningRate: Double = 1, l2: Double = 0.001
    ) -> ChurnModel {
        let factors = HealthFactor.allCases
        guard !samples.isEmpty else {
            return ChurnModel(intercept: 0, coefficients: Dictionary(uniqueKeysWithValues: factors.map { ($0, 0) }))
        }
        let width = factors.count
        let features = samples.flatMap { sample in factors.map { feature(sample.factors[$0]) - neutralFeature } }
        let outcomes = samples.map { $0.churned ? 1.0 : 0.0 }
        let count = Double(samples.count)

        // Start from the base rate, smoothed so that a history with no churners (or only churners) stays finite.
        let baseRate = (outcomes.reduce(0, +) + 0.5) / (count + 1)
        var bias = log(baseRate / (1 - baseRate))
        var weights = [Double](repeating: 0, count: width)
        var gradient = [Double](repeating: 0, count: width)
        // Plain indexing through buffer pointers: this loop runs samples × iterations times, and unoptimised test
        // builds would otherwise spend minutes in array bounds checks and slices.
        features.withUnsafeBufferPointer { features in
            weights.withUnsafeMutableBufferPointer { weights in
                gradient.withUnsafeMutableBufferPointer { gradient in
                    for _ in 0..<max(0, iterations) {
                        var biasGradient = 0.0
                        gradient.update(repeating: 0)
                        for (sample, outcome) in outcomes.enumerated() {
                            let row = sample * width
                            var logit = bias
                            for k in 0..<width { logit += weights[k] * features[row + k] }
                            let error = logistic(logit) - outcome
                            biasGradient += error
                            for k in 0..<width { gradient[k] += error * features[row + k] }
                        }
                        bias -= learningRate * biasGradient / count
                        for k in 0..<width { weights[k] -= learningRate * (gradient[k] / count + l2 * weights[k]) }
                    }
                }
            }
        }
        return ChurnModel(
            intercept: bias - neutralFeature * weights.reduce(0, +),
            coefficients: Dictionary(uniqueKeysWithValues: zip(factors, weights)))
    }

    /// A factor value (0–100, or nil when unknown) on the 0…1 scale the coefficients apply to.
    private static func feature(_ value: Double?) -> Double {
        guard let value, !value.isNaN else { return neutralFeature }
        return min(max(value / 100, 0), 1)
    }

    /// 1 / (1 + e^−z), computed without overflow for large |z|.
    private static func logistic(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }
}
