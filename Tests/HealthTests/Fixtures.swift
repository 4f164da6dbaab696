import Health
import SeededRandom

/// The scoring tests' injected clock: every score is taken at ``now`` unless a test moves it.
enum ScoringTime {
    static let now: Int64 = SyntheticHistory.referenceNowMs
    static let day: Int64 = 86_400_000
}

extension HealthInputs {
    /// Perfect on the factors every account has (recency, trend, breadth, support burden), unknown on the rest.
    static func thriving(at nowMs: Int64 = ScoringTime.now) -> HealthInputs {
        HealthInputs(
            nowMs: nowMs, lastSeenMs: ScoringTime.now, usageLast28Days: 150, usagePrevious28Days: 100,
            featuresUsedLast28Days: 20, featuresAvailable: 20)
    }

    /// Perfect on every factor, each of them known.
    static var perfect: HealthInputs {
        var inputs = thriving()
        inputs.latestNPS = 10
        inputs.loyaltyTierRank = 3
        inputs.loyaltyTierCount = 4
        inputs.redemptionsLast90Days = 2
        inputs.advocacyLevelRank = 2
        inputs.advocacyLevelCount = 3
        inputs.onboardingCompletion = 1
        return inputs
    }

    /// Any mix of facts, known and unknown, including some out of their ranges.
    static func random(using random: inout SplitMix64) -> HealthInputs {
        func sometimes<Value>(_ value: Value) -> Value? { Bool.random(using: &random) ? value : nil }
        return HealthInputs(
            nowMs: ScoringTime.now,
            lastSeenMs: sometimes(
                ScoringTime.now - Int64.random(in: -ScoringTime.day...(40 * ScoringTime.day), using: &random)),
            usageLast28Days: Int.random(in: 0...300, using: &random),
            usagePrevious28Days: Int.random(in: 0...300, using: &random),
            featuresUsedLast28Days: Int.random(in: 0...25, using: &random),
            featuresAvailable: Int.random(in: 0...20, using: &random),
            latestNPS: sometimes(Int.random(in: -1...11, using: &random)),
            openCases: Int.random(in: 0...8, using: &random),
            slaBreachesLast90Days: Int.random(in: 0...5, using: &random),
            loyaltyTierRank: sometimes(Int.random(in: 0...4, using: &random)),
            loyaltyTierCount: Int.random(in: 0...4, using: &random),
            redemptionsLast90Days: Int.random(in: 0...5, using: &random),
            advocacyLevelRank: sometimes(Int.random(in: 0...3, using: &random)),
            advocacyLevelCount: Int.random(in: 0...3, using: &random),
            onboardingCompletion: sometimes(Double.random(in: -0.2...1.2, using: &random)))
    }
}

extension HealthModel {
    /// A valid model that puts all the weight on `factor`, so that the factor's value is the score.
    static func only(_ factor: HealthFactor, capping: Bool = false) -> HealthModel {
        HealthModel(
            version: "only-\(factor.rawValue)",
            weights: Dictionary(uniqueKeysWithValues: HealthFactor.allCases.map { ($0, $0 == factor ? 100 : 0) }),
            poorFactorCapsBand: capping)
    }

    /// A valid model with random whole weights summing to 100, some of them possibly 0.
    static func random(using random: inout SplitMix64) -> HealthModel {
        let cuts = (0..<(HealthFactor.allCases.count - 1)).map { _ in Int.random(in: 0...100, using: &random) }
        let bounds = [0] + cuts.sorted() + [100]
        let weights = zip(bounds.dropFirst(), bounds).map { $0 - $1 }
        return HealthModel(
            version: "random", weights: Dictionary(uniqueKeysWithValues: zip(HealthFactor.allCases, weights)),
            poorFactorCapsBand: Bool.random(using: &random))
    }
}
