import Health
import SeededRandom
import Testing

@Suite("Synthetic history")
struct SyntheticHistoryTests {
    @Test("SplitMix64 matches the reference implementation's output for seed 1234567")
    func splitMixMatchesReference() {
        var random = SplitMix64(seed: 1_234_567)
        #expect(
            (0..<5).map { _ in random.next() } == [
                6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
            ])
    }

    @Test("The same seed gives the same history")
    func sameSeedSameHistory() {
        let first = SyntheticHistory.generate(accounts: 300, seed: 9, churnDependsOnHealth: true)
        let second = SyntheticHistory.generate(accounts: 300, seed: 9, churnDependsOnHealth: true)
        #expect(first.map(\.inputs) == second.map(\.inputs))
        #expect(first.map(\.churned) == second.map(\.churned))
    }

    @Test("Different seeds give different histories")
    func differentSeedsDiffer() {
        let first = SyntheticHistory.generate(accounts: 50, seed: 9, churnDependsOnHealth: true)
        let second = SyntheticHistory.generate(accounts: 50, seed: 10, churnDependsOnHealth: true)
        #expect(first.map(\.inputs) != second.map(\.inputs))
    }

    @Test("Both modes generate the same accounts; only who churns differs")
    func modesShareAccounts() {
        let driven = SyntheticHistory.generate(accounts: 300, seed: 9, churnDependsOnHealth: true)
        let random = SyntheticHistory.generate(accounts: 300, seed: 9, churnDependsOnHealth: false)
        #expect(driven.map(\.inputs) == random.map(\.inputs))
        #expect(driven.map(\.churned) != random.map(\.churned))
    }

    @Test("In health-driven history, poor accounts churn far more often than good ones")
    func poorAccountsChurnMore() throws {
        let scored = SyntheticHistory.generate(accounts: 5000, seed: 1, churnDependsOnHealth: true).map {
            (band: HealthModel.standard.score($0.inputs).band, churned: $0.churned)
        }
        func churnRate(_ band: HealthBand) -> Double {
            let inBand = scored.filter { $0.band == band }
            return Double(inBand.count { $0.churned }) / Double(inBand.count)
        }
        #expect(churnRate(.poor) > 3 * churnRate(.good))
    }

    @Test("In random history, every account churns at the same rate")
    func randomChurnRate() {
        let history = SyntheticHistory.generate(accounts: 5000, seed: 1, churnDependsOnHealth: false)
        let rate = Double(history.count { $0.churned }) / 5000
        #expect(abs(rate - SyntheticHistory.randomChurnRate) < 0.02)
    }

    @Test("Generated facts are in range and use the declared catalogue and programs")
    func factsAreInRange() {
        for (inputs, _) in SyntheticHistory.generate(accounts: 2000, seed: 12, churnDependsOnHealth: true) {
            #expect(inputs.nowMs == SyntheticHistory.referenceNowMs)
            #expect(inputs.lastSeenMs.map { $0 <= inputs.nowMs } ?? true)
            #expect((0...SyntheticHistory.featuresAvailable).contains(inputs.featuresUsedLast28Days))
            #expect(inputs.latestNPS.map { (0...10).contains($0) } ?? true)
            #expect(inputs.loyaltyTierRank.map { (0..<SyntheticHistory.loyaltyTierCount).contains($0) } ?? true)
            #expect(inputs.advocacyLevelRank.map { (0..<SyntheticHistory.advocacyLevelCount).contains($0) } ?? true)
            #expect(inputs.onboardingCompletion.map { (0...1).contains($0) } ?? true)
            #expect(inputs.usageLast28Days >= 0)
        }
    }
}
