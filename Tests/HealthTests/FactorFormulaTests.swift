import Health
import SeededRandom
import Testing

/// The value `factor` gives `inputs`.
private func value(_ factor: HealthFactor, _ inputs: HealthInputs) -> Double? {
    factor.value(for: inputs)
}

/// Whether `values` never decrease (or, with `rising: false`, never increase) from one to the next.
private func isMonotone(_ values: [Double?], rising: Bool = true) -> Bool {
    let known = values.compactMap { $0 }
    guard known.count == values.count else { return false }
    return zip(known, known.dropFirst()).allSatisfy { rising ? $0 <= $1 : $0 >= $1 }
}

@Suite("Usage recency: 100 within a day, linearly down to 0 at 30 days")
struct UsageRecencyTests {
    private func recency(seenDaysAgo days: Double) -> Double? {
        value(
            .usageRecency,
            HealthInputs(nowMs: ScoringTime.now, lastSeenMs: ScoringTime.now - Int64(days * Double(ScoringTime.day))))
    }

    @Test("An account seen within the last day scores 100", arguments: [0, 0.5, 1])
    func seenTodayScoresFull(days: Double) {
        #expect(recency(seenDaysAgo: days) == 100)
    }

    @Test("Halfway between 1 and 30 days scores 50")
    func halfwayScoresFifty() {
        #expect(recency(seenDaysAgo: 15.5) == 50)
    }

    @Test("An account last seen 30 days ago or longer scores 0", arguments: [30, 45, 400])
    func thirtyDaysScoresZero(days: Double) {
        #expect(recency(seenDaysAgo: days) == 0)
    }

    @Test("An account that never used the product scores 0, a known fact rather than an unknown")
    func neverSeenScoresZero() {
        #expect(value(.usageRecency, HealthInputs(nowMs: ScoringTime.now, lastSeenMs: nil)) == 0)
    }

    @Test("A last-seen time ahead of the clock counts as seen now")
    func futureLastSeenScoresFull() {
        #expect(
            value(.usageRecency, HealthInputs(nowMs: ScoringTime.now, lastSeenMs: ScoringTime.now + ScoringTime.day))
                == 100)
    }

    @Test("Recency never rises as the time since last seen grows")
    func recencyIsMonotone() {
        #expect(isMonotone((0...(40 * 24)).map { recency(seenDaysAgo: Double($0) / 24) }, rising: false))
    }

    @Test("The clock is an input: the same facts scored later give lower recency")
    func laterClockLowersRecency() throws {
        let lastSeen = ScoringTime.now
        let early = value(
            .usageRecency, HealthInputs(nowMs: ScoringTime.now + 2 * ScoringTime.day, lastSeenMs: lastSeen))
        let late = value(
            .usageRecency, HealthInputs(nowMs: ScoringTime.now + 20 * ScoringTime.day, lastSeenMs: lastSeen))
        #expect(try #require(early) > #require(late))
    }
}

@Suite("Usage trend: 50 when flat, 100 at +50 % or more, 0 at −50 % or less")
struct UsageTrendTests {
    @Test(
        "Trend of last against previous 28 days",
        arguments: [
            (last: 100, previous: 100, expected: 50.0), (150, 100, 100), (400, 100, 100), (50, 100, 0), (0, 100, 0),
            (125, 100, 75), (75, 100, 25),
        ])
    func trendScale(last: Int, previous: Int, expected: Double) {
        #expect(
            value(
                .usageTrend, HealthInputs(nowMs: ScoringTime.now, usageLast28Days: last, usagePrevious28Days: previous))
                == expected)
    }

    @Test("No usage in either period is flat: 50")
    func noUsageIsFlat() {
        #expect(value(.usageTrend, HealthInputs(nowMs: ScoringTime.now)) == 50)
    }

    @Test("Usage after none in the previous period is growth: 100")
    func usageFromNothingIsGrowth() {
        #expect(
            value(.usageTrend, HealthInputs(nowMs: ScoringTime.now, usageLast28Days: 5, usagePrevious28Days: 0)) == 100)
    }

    @Test("Trend never falls as recent usage grows, and never rises as previous usage grows")
    func trendIsMonotone() {
        let byLast = (0...300).map {
            value(.usageTrend, HealthInputs(nowMs: ScoringTime.now, usageLast28Days: $0, usagePrevious28Days: 100))
        }
        let byPrevious = (0...300).map {
            value(.usageTrend, HealthInputs(nowMs: ScoringTime.now, usageLast28Days: 100, usagePrevious28Days: $0))
        }
        #expect(isMonotone(byLast))
        #expect(isMonotone(byPrevious, rising: false))
    }
}

@Suite("Feature breadth: the share of available features used")
struct FeatureBreadthTests {
    @Test(
        "Breadth is the share of features used",
        arguments: [(used: 0, expected: 0.0), (10, 50), (20, 100), (25, 100), (-3, 0)])
    func breadthIsShare(used: Int, expected: Double) {
        let inputs = HealthInputs(nowMs: ScoringTime.now, featuresUsedLast28Days: used, featuresAvailable: 20)
        #expect(value(.featureBreadth, inputs) == expected)
    }

    @Test("Breadth is unknown when the plan's features are not tracked")
    func noCatalogueIsUnknown() {
        #expect(value(.featureBreadth, HealthInputs(nowMs: ScoringTime.now, featuresUsedLast28Days: 3)) == nil)
    }

    @Test("Breadth never falls as more features are used")
    func breadthIsMonotone() {
        #expect(
            isMonotone(
                (0...30).map {
                    value(
                        .featureBreadth,
                        HealthInputs(nowMs: ScoringTime.now, featuresUsedLast28Days: $0, featuresAvailable: 20))
                }))
    }
}

@Suite("NPS: detractors poor, passives average, promoters good")
struct NPSTests {
    private func nps(_ answer: Int?) -> Double? {
        value(.nps, HealthInputs(nowMs: ScoringTime.now, latestNPS: answer))
    }

    @Test("Detractors (0–6) fall in the poor band", arguments: 0...6)
    func detractorsArePoor(answer: Int) throws {
        #expect(HealthModel.standard.band(for: try #require(nps(answer))) == .poor)
    }

    @Test("Passives (7–8) fall in the average band", arguments: 7...8)
    func passivesAreAverage(answer: Int) throws {
        #expect(HealthModel.standard.band(for: try #require(nps(answer))) == .average)
    }

    @Test("Promoters (9–10) fall in the good band", arguments: 9...10)
    func promotersAreGood(answer: Int) throws {
        #expect(HealthModel.standard.band(for: try #require(nps(answer))) == .good)
    }

    @Test("The scale runs from 0 at answer 0 to 100 at answer 10, rising with every answer")
    func scaleIsStrictlyIncreasing() {
        let values = (0...10).compactMap { nps($0) }
        #expect(values.first == 0)
        #expect(values.last == 100)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("Answers outside 0–10 are clamped into the scale")
    func outOfRangeAnswersAreClamped() {
        #expect(nps(-1) == 0)
        #expect(nps(11) == 100)
    }

    @Test("An account that has not answered has no NPS value")
    func noAnswerIsUnknown() {
        #expect(nps(nil) == nil)
    }
}

@Suite("Support burden: 100 with nothing open, minus 15 per open case and 20 per SLA breach")
struct SupportBurdenTests {
    @Test(
        "Support burden by open cases and SLA breaches",
        arguments: [
            (openCases: 0, breaches: 0, expected: 100.0), (1, 0, 85), (0, 1, 80), (1, 1, 65), (2, 2, 30), (10, 0, 0),
            (0, 10, 0),
        ])
    func supportBurden(openCases: Int, breaches: Int, expected: Double) {
        let inputs = HealthInputs(nowMs: ScoringTime.now, openCases: openCases, slaBreachesLast90Days: breaches)
        #expect(value(.supportBurden, inputs) == expected)
    }

    @Test("Support burden never rises with more open cases or more breaches")
    func supportBurdenIsMonotone() {
        let byCases = (0...10).map { value(.supportBurden, HealthInputs(nowMs: ScoringTime.now, openCases: $0)) }
        let byBreaches = (0...10).map {
            value(.supportBurden, HealthInputs(nowMs: ScoringTime.now, openCases: 1, slaBreachesLast90Days: $0))
        }
        #expect(isMonotone(byCases, rising: false))
        #expect(isMonotone(byBreaches, rising: false))
    }
}

@Suite("Loyalty engagement: tier from 40 to 80 plus 10 per redemption, bonus capped at 20")
struct LoyaltyEngagementTests {
    private func loyalty(rank: Int?, of count: Int = 4, redemptions: Int = 0) -> Double? {
        value(
            .loyaltyEngagement,
            HealthInputs(
                nowMs: ScoringTime.now, loyaltyTierRank: rank, loyaltyTierCount: count,
                redemptionsLast90Days: redemptions))
    }

    @Test("The lowest tier without redemptions scores 40, the top tier 80")
    func tierEnds() {
        #expect(loyalty(rank: 0) == 40)
        #expect(loyalty(rank: 3) == 80)
    }

    @Test("Tiers in between are evenly spaced")
    func middleTier() {
        #expect(loyalty(rank: 1, of: 3) == 60)
    }

    @Test("The top tier with two recent redemptions scores 100")
    func topTierWithRedemptionsScoresFull() {
        #expect(loyalty(rank: 3, redemptions: 2) == 100)
    }

    @Test("The redemption bonus stops at 20 points")
    func redemptionBonusIsCapped() {
        #expect(loyalty(rank: 0, redemptions: 5) == 60)
    }

    @Test("The only tier of a one-tier program counts as the top tier")
    func singleTierIsTop() {
        #expect(loyalty(rank: 0, of: 1) == 80)
    }

    @Test("A rank beyond the program's tiers counts as the top tier")
    func rankBeyondTopIsClamped() {
        #expect(loyalty(rank: 9) == 80)
    }

    @Test("Loyalty is unknown for a non-member or when there is no program")
    func nonMemberIsUnknown() {
        #expect(loyalty(rank: nil, redemptions: 2) == nil)
        #expect(loyalty(rank: 0, of: 0) == nil)
    }

    @Test("Loyalty never falls with a higher tier or more redemptions")
    func loyaltyIsMonotone() {
        #expect(isMonotone((0...3).map { loyalty(rank: $0) }))
        #expect(isMonotone((0...6).map { loyalty(rank: 1, redemptions: $0) }))
    }
}

@Suite("Advocacy: 80 at the lowest level up to 100 at the top")
struct AdvocacyTests {
    private func advocacy(level: Int?, of count: Int = 3) -> Double? {
        value(.advocacy, HealthInputs(nowMs: ScoringTime.now, advocacyLevelRank: level, advocacyLevelCount: count))
    }

    @Test("Advocacy by level", arguments: [(level: 0, expected: 80.0), (1, 90), (2, 100)])
    func advocacyByLevel(level: Int, expected: Double) {
        #expect(advocacy(level: level) == expected)
    }

    @Test("The only level of a one-level program scores 100")
    func singleLevelIsTop() {
        #expect(advocacy(level: 0, of: 1) == 100)
    }

    @Test("Advocacy is unknown for an account that is not an advocate, or with no program")
    func nonAdvocateIsUnknown() {
        #expect(advocacy(level: nil) == nil)
        #expect(advocacy(level: 0, of: 0) == nil)
    }
}

@Suite("Onboarding: the share completed")
struct OnboardingTests {
    @Test(
        "Onboarding is the completed share, clamped to 0…1",
        arguments: [(completion: 0.0, expected: 0.0), (0.5, 50), (1, 100), (1.5, 100), (-0.2, 0)])
    func onboardingIsShare(completion: Double, expected: Double) {
        #expect(value(.onboarding, HealthInputs(nowMs: ScoringTime.now, onboardingCompletion: completion)) == expected)
    }

    @Test("Onboarding is unknown when not tracked or not a number")
    func untrackedIsUnknown() {
        #expect(value(.onboarding, HealthInputs(nowMs: ScoringTime.now, onboardingCompletion: nil)) == nil)
        #expect(value(.onboarding, HealthInputs(nowMs: ScoringTime.now, onboardingCompletion: .nan)) == nil)
    }
}

@Suite("All factors")
struct AllFactorsTests {
    @Test("Every factor value stays within 0…100 for random inputs")
    func valuesAreBounded() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let inputs = HealthInputs.random(using: &random)
            for factor in HealthFactor.allCases {
                if let value = factor.value(for: inputs) {
                    #expect((0...100).contains(value), "\(factor) is \(value) for \(inputs)")
                }
            }
        }
    }

    @Test("Raw values are the snake_case names used on the wire")
    func rawValuesAreSnakeCase() {
        #expect(
            HealthFactor.allCases.map(\.rawValue) == [
                "usage_recency", "usage_trend", "feature_breadth", "nps", "support_burden", "loyalty_engagement",
                "advocacy", "onboarding",
            ])
    }
}
