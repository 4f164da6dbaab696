import Health
import SeededRandom
import Testing

@Suite("Scoring: weighting and explanation")
struct ScoringTests {
    @Test("The explanation adds up to the score exactly, for random inputs and random valid models")
    func explanationAddsUpExactly() throws {
        var random = SplitMix64(seed: 42)
        for _ in 0..<3000 {
            let model = HealthModel.random(using: &random)
            try model.validate()
            let inputs = HealthInputs.random(using: &random)
            let score = model.score(inputs)
            #expect(score.factors.map(\.contribution).reduce(0, +) == score.score, "\(inputs)")
            #expect((0...100).contains(score.score))
            #expect(abs(score.factors.map(\.effectiveWeight).reduce(0, +) - 100) < 1e-9)
            for entry in score.factors {
                let expected = (entry.value ?? model.neutralScore) * entry.effectiveWeight / 100
                #expect(abs(entry.contribution - expected) <= HealthModel.contributionResolution)
            }
        }
    }

    @Test("The explanation lists every factor once, in declaration order, with its configured weight")
    func explanationListsEveryFactor() {
        let score = HealthModel.standard.score(.perfect)
        #expect(score.factors.map(\.factor) == HealthFactor.allCases)
        #expect(score.factors.map(\.weight) == HealthFactor.allCases.map { HealthModel.standard.weights[$0] })
        #expect(score.modelVersion == "2026.1")
        #expect(score.scoredAtMs == ScoringTime.now)
    }

    @Test("An account perfect on every factor scores 100 and is good")
    func perfectScoresHundred() {
        let score = HealthModel.standard.score(.perfect)
        #expect(score.score == 100)
        #expect(score.band == .good)
    }

    @Test(
        "With every factor known, a factor falling from 100 to 0 costs exactly its weight",
        arguments: [
            (HealthFactor.nps, 15.0), (.supportBurden, 15), (.onboarding, 10),
        ])
    func factorCostsItsWeight(factor: HealthFactor, weight: Double) {
        var inputs = HealthInputs.perfect
        switch factor {
        case .nps: inputs.latestNPS = 0
        case .supportBurden: inputs.openCases = 10
        default: inputs.onboardingCompletion = 0
        }
        #expect(HealthModel.standard.score(inputs).score == 100 - weight)
    }

    @Test("Unknown factors do not punish: an account perfect on what is known scores 100")
    func unknownFactorsDoNotPunish() {
        let score = HealthModel.standard.score(.thriving())
        #expect(score.factors.contains { $0.value == nil })
        #expect(score.score == 100)
    }

    @Test("Unknown factors do not reward: an account at 0 on everything known scores 0")
    func unknownFactorsDoNotReward() {
        let inputs = HealthInputs(
            nowMs: ScoringTime.now, lastSeenMs: nil, usageLast28Days: 0, usagePrevious28Days: 10,
            featuresUsedLast28Days: 0,
            featuresAvailable: 20, openCases: 10)
        #expect(HealthModel.standard.score(inputs).score == 0)
    }

    @Test("An unknown factor contributes nothing and its weight goes to the known factors in proportion")
    func unknownWeightIsRedistributed() throws {
        let score = HealthModel.standard.score(.thriving())
        let nps = try #require(score.factors.first { $0.factor == .nps })
        #expect(nps.value == nil)
        #expect(nps.effectiveWeight == 0)
        #expect(nps.contribution == 0)
        // Known: recency 20, trend 15, breadth 15, support burden 15.
        let recency = try #require(score.factors.first { $0.factor == .usageRecency })
        #expect(abs(recency.effectiveWeight - 100 * 20 / 65) < 1e-12)
    }

    @Test("The score is the weighted mean of the known factors")
    func scoreIsWeightedMeanOfKnownFactors() {
        var random = SplitMix64(seed: 3)
        for _ in 0..<500 {
            let score = HealthModel.standard.score(.random(using: &random))
            let known = score.factors.filter { $0.value != nil }
            let totalWeight = Double(known.map(\.weight).reduce(0, +))
            let mean = known.map { $0.value! * Double($0.weight) }.reduce(0, +) / totalWeight
            #expect(abs(score.score - mean) <= HealthModel.contributionResolution)
        }
    }

    @Test("When no weighted factor is known the score is neutral: the middle of the average band")
    func nothingKnownIsNeutral() {
        let score = HealthModel.only(.nps).score(.thriving())
        #expect(score.score == 62.5)
        #expect(score.band == .average)
        #expect(score.factors.map(\.contribution).reduce(0, +) == 62.5)
    }

    @Test("A factor with weight 0 does not move the score")
    func zeroWeightFactorIsIgnored() {
        let model = HealthModel.only(.onboarding)
        let scores = (0...10).map { answer in
            var inputs = HealthInputs.perfect
            inputs.onboardingCompletion = 0.6
            inputs.latestNPS = answer
            return model.score(inputs).score
        }
        #expect(Set(scores) == [60])
    }
}

@Suite("Bands: good above 75, average 51–75, poor at or below 50")
struct BandTests {
    @Test(
        "The standard thresholds",
        arguments: [
            (score: 100.0, band: HealthBand.good), (76, .good), (75.5, .good), (75, .average), (51, .average),
            (50.5, .average), (50, .poor), (0, .poor),
        ])
    func standardThresholds(score: Double, band: HealthBand) {
        #expect(HealthModel.standard.band(for: score) == band)
    }

    @Test(
        "A scored account lands in the band of its score at the thresholds",
        arguments: [(completion: 0.76, band: HealthBand.good), (0.75, .average), (0.51, .average), (0.50, .poor)])
    func scoredAccountBands(completion: Double, band: HealthBand) {
        let score = HealthModel.only(.onboarding).score(
            HealthInputs(nowMs: ScoringTime.now, onboardingCompletion: completion))
        #expect(score.score == (completion * 100).rounded())
        #expect(score.band == band)
    }

    @Test("Configured thresholds replace the defaults")
    func configuredThresholds() {
        let model = HealthModel(
            version: "strict", weights: HealthModel.standard.weights, goodAbove: 80, poorAtOrBelow: 40)
        #expect(model.band(for: 81) == .good)
        #expect(model.band(for: 80) == .average)
        #expect(model.band(for: 41) == .average)
        #expect(model.band(for: 40) == .poor)
    }

    @Test("Bands order poor < average < good")
    func bandsAreOrdered() {
        #expect(HealthBand.poor < .average)
        #expect(HealthBand.average < .good)
    }
}

@Suite("The cap option: any poor factor makes the account poor")
struct PoorFactorCapTests {
    /// Perfect but for a detractor NPS answer of `answer`: score 85 with answer 0.
    private func perfectBut(nps answer: Int) -> HealthInputs {
        var inputs = HealthInputs.perfect
        inputs.latestNPS = answer
        return inputs
    }

    private var capping: HealthModel {
        var model = HealthModel.standard
        model.poorFactorCapsBand = true
        return model
    }

    @Test("Without the option a poor factor leaves a good score good")
    func offLeavesBandAlone() {
        let score = HealthModel.standard.score(perfectBut(nps: 0))
        #expect(score.score == 85)
        #expect(score.band == .good)
        #expect(score.cappedBy.isEmpty)
    }

    @Test("With the option a poor factor makes a good score poor, names the factor and keeps the score")
    func onCapsBand() {
        let score = capping.score(perfectBut(nps: 0))
        #expect(score.score == 85)
        #expect(score.band == .poor)
        #expect(score.cappedBy == [.nps])
    }

    @Test("An average factor does not cap")
    func averageFactorDoesNotCap() {
        let score = capping.score(perfectBut(nps: 7))
        #expect(score.band == .good)
        #expect(score.cappedBy.isEmpty)
    }

    @Test("An unknown factor does not cap")
    func unknownFactorDoesNotCap() {
        #expect(capping.score(.thriving()).band == .good)
    }

    @Test("A poor factor with weight 0 does not cap")
    func unweightedFactorDoesNotCap() {
        var model = HealthModel.only(.onboarding, capping: true)
        model.version = "capping"
        var inputs = perfectBut(nps: 0)
        inputs.onboardingCompletion = 0.9
        #expect(model.score(inputs).band == .good)
    }

    @Test("A score already poor is not reported as capped")
    func poorScoreIsNotCapped() {
        let inputs = HealthInputs(nowMs: ScoringTime.now, lastSeenMs: nil, usagePrevious28Days: 10, openCases: 10)
        let score = capping.score(inputs)
        #expect(score.band == .poor)
        #expect(score.cappedBy.isEmpty)
    }
}
