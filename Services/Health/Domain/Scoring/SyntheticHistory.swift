import Foundation
public import SeededRandom

/// Generated account histories whose churners are known, for tests, benchmarks and demos of the health score, the
/// churn fit and the backtest.
///
/// Each account has a hidden engagement, uniform in 0…1, that drives its facts: engaged accounts are seen recently,
/// grow their usage, use more features, answer NPS higher, open fewer cases, climb loyalty tiers, become advocates
/// and finish onboarding — each with noise, and with some facts unknown (NPS unanswered, not a loyalty member,
/// onboarding untracked). The same seed gives the same accounts in both modes; only who churns differs.
public enum SyntheticHistory {
    /// The default moment the history is generated at: 2026-01-01T00:00:00Z.
    public static let referenceNowMs: Int64 = 1_767_225_600_000
    /// Features every generated plan offers.
    public static let featuresAvailable = 20
    /// Tiers of the generated loyalty program.
    public static let loyaltyTierCount = 4
    /// Levels of the generated advocacy program.
    public static let advocacyLevelCount = 3
    /// The churn rate of every account when churn does not depend on health.
    public static let randomChurnRate = 0.12

    /// Generates `accounts` accounts at `nowMs` and whether each churned.
    ///
    /// - Parameters:
    ///   - accounts: How many accounts.
    ///   - seed: The generator's seed; the same seed always gives the same history.
    ///   - churnDependsOnHealth: When true, an account churns with probability `1 / (1 + e^(6·engagement − 1))`,
    ///     from 73 % for the least engaged to 0.7 % for the most (about 22 % overall), so poor usage and NPS go with
    ///     much more churn. When false, every account churns with probability ``randomChurnRate``, whatever its facts.
    ///   - nowMs: The moment the accounts are observed at.
    public static func generate(
        accounts: Int, seed: UInt64, churnDependsOnHealth: Bool, nowMs: Int64 = referenceNowMs
    ) -> [(inputs: HealthInputs, churned: Bool)] {
        var random = SplitMix64(seed: seed)
        return (0..<max(0, accounts)).map { _ in
            let engagement = random.nextUnit()
            let inputs = account(engagement: engagement, nowMs: nowMs, random: &random)
            let churnProbability =
                churnDependsOnHealth ? 1 / (1 + exp(6 * engagement - 1)) : randomChurnRate
            return (inputs, random.nextUnit() < churnProbability)
        }
    }

    private static func account(engagement: Double, nowMs: Int64, random: inout SplitMix64) -> HealthInputs {
        let disengagement = 1 - engagement
        let neverUsed = random.nextUnit() < 0.05 * disengagement
        let daysSinceSeen = 40 * disengagement * random.nextUnit()
        // Volume is about the account's size, not its health; the change between the periods is about health.
        let previousUsage = neverUsed ? 0 : 20 + Int(180 * random.nextUnit())
        let usageChange = 0.8 * (engagement - 0.5) + 0.4 * (random.nextUnit() - 0.5)
        let featureShare = (0.2 + 0.8 * engagement) * (0.6 + 0.4 * random.nextUnit())

        let answeredNPS = random.nextUnit() < 0.6
        let npsAnswer = Int((10 * engagement + 3 * (random.nextUnit() - 0.5)).rounded())

        let openCases = Int(4 * disengagement * random.nextUnit())
        let slaBreaches = random.nextUnit() < 0.5 * disengagement ? 1 + Int(2 * random.nextUnit()) : 0

        let loyaltyMember = random.nextUnit() < 0.7
        let tierRank = Int(Double(loyaltyTierCount) * (0.5 * engagement + 0.5 * random.nextUnit()))
        let redemptions = Int(3 * engagement * random.nextUnit())

        let advocate = random.nextUnit() < 0.3 * engagement
        let advocacyLevel = Int(Double(advocacyLevelCount) * random.nextUnit())

        let onboardingTracked = random.nextUnit() < 0.8
        let onboarding = 0.3 + 0.7 * engagement + 0.3 * (random.nextUnit() - 0.5)

        return HealthInputs(
            nowMs: nowMs,
            lastSeenMs: neverUsed ? nil : nowMs - Int64(daysSinceSeen * FactorFormula.millisecondsPerDay),
            usageLast28Days: neverUsed ? 0 : Int((Double(previousUsage) * (1 + usageChange)).rounded()),
            usagePrevious28Days: previousUsage,
            featuresUsedLast28Days: neverUsed ? 0 : Int((Double(featuresAvailable) * featureShare).rounded()),
            featuresAvailable: featuresAvailable,
            latestNPS: answeredNPS ? min(max(npsAnswer, 0), 10) : nil,
            openCases: openCases,
            slaBreachesLast90Days: slaBreaches,
            loyaltyTierRank: loyaltyMember ? min(tierRank, loyaltyTierCount - 1) : nil,
            loyaltyTierCount: loyaltyTierCount,
            redemptionsLast90Days: loyaltyMember ? redemptions : 0,
            advocacyLevelRank: advocate ? min(advocacyLevel, advocacyLevelCount - 1) : nil,
            advocacyLevelCount: advocacyLevelCount,
            onboardingCompletion: onboardingTracked ? min(max(onboarding, 0), 1) : nil)
    }
}
