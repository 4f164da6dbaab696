/// One measured aspect of an account's health, scored 0–100 (higher is healthier) and weighted by a
/// ``HealthModel``.
///
/// The raw values are the snake_case names used on the wire and as keys in configuration files.
public enum HealthFactor: String, Sendable, Hashable, CaseIterable, Codable, CodingKeyRepresentable {
    /// How recently the account last used the product.
    case usageRecency = "usage_recency"
    /// Usage in the last 28 days against the 28 days before.
    case usageTrend = "usage_trend"
    /// The share of the plan's features used in the last 28 days.
    case featureBreadth = "feature_breadth"
    /// The latest Net Promoter Score answer, from feedback.
    case nps
    /// Open support cases and SLA breaches, from escalation.
    case supportBurden = "support_burden"
    /// Loyalty tier and recent redemptions.
    case loyaltyEngagement = "loyalty_engagement"
    /// Level in the advocacy program.
    case advocacy
    /// How much of onboarding the account has completed.
    case onboarding
}

extension HealthFactor {
    /// This factor's value for `inputs`: 0–100, higher is healthier, or nil when the inputs say nothing about it.
    ///
    /// Each formula is bounded and monotone: improving the input it reads never lowers the value. The constants are
    /// in ``FactorFormula``.
    public func value(for inputs: HealthInputs) -> Double? {
        switch self {
        case .usageRecency:
            FactorFormula.usageRecency(nowMs: inputs.nowMs, lastSeenMs: inputs.lastSeenMs)
        case .usageTrend:
            FactorFormula.usageTrend(last: inputs.usageLast28Days, previous: inputs.usagePrevious28Days)
        case .featureBreadth:
            FactorFormula.featureBreadth(used: inputs.featuresUsedLast28Days, available: inputs.featuresAvailable)
        case .nps:
            inputs.latestNPS.map(FactorFormula.nps)
        case .supportBurden:
            FactorFormula.supportBurden(openCases: inputs.openCases, slaBreaches: inputs.slaBreachesLast90Days)
        case .loyaltyEngagement:
            FactorFormula.loyaltyEngagement(
                tierRank: inputs.loyaltyTierRank, tierCount: inputs.loyaltyTierCount,
                redemptions: inputs.redemptionsLast90Days)
        case .advocacy:
            FactorFormula.advocacy(levelRank: inputs.advocacyLevelRank, levelCount: inputs.advocacyLevelCount)
        case .onboarding:
            inputs.onboardingCompletion.flatMap(FactorFormula.onboarding)
        }
    }
}
