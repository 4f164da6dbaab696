/// Everything known about one account at one moment, as plain values.
///
/// The scorer reads no clock, database or other service: the caller's injected clock supplies ``nowMs`` and the
/// other services' facts arrive here, so the same inputs always give the same ``HealthScore``.
///
/// Facts that are not known are `nil` (or, for the size of a catalogue or program, `0`). The factor they feed is
/// then unknown and left out of the score rather than guessed; see ``HealthModel/score(_:)`` for why.
public struct HealthInputs: Sendable, Hashable, Codable {
    /// The moment being scored, in milliseconds since 1970-01-01 UTC.
    public var nowMs: Int64
    /// When the account last used the product, or nil if it never has. Never having used the product is a known
    /// fact, not an unknown one: it scores 0 for recency.
    public var lastSeenMs: Int64?
    /// Usage events in the 28 days up to ``nowMs``.
    public var usageLast28Days: Int
    /// Usage events in the 28 days before those.
    public var usagePrevious28Days: Int
    /// Distinct features used in the last 28 days.
    public var featuresUsedLast28Days: Int
    /// Features the account's plan offers; 0 when not tracked, which leaves feature breadth unknown.
    public var featuresAvailable: Int
    /// The latest Net Promoter Score answer (0–10) from feedback, or nil if the account has not answered.
    public var latestNPS: Int?
    /// Support cases open at ``nowMs``, from escalation.
    public var openCases: Int
    /// SLA breaches on the account's cases in the last 90 days, from escalation.
    public var slaBreachesLast90Days: Int
    /// The account's loyalty tier, 0 being the lowest, or nil if it is not a loyalty member.
    public var loyaltyTierRank: Int?
    /// How many tiers the loyalty program has; 0 when there is no program.
    public var loyaltyTierCount: Int
    /// Loyalty rewards redeemed in the last 90 days.
    public var redemptionsLast90Days: Int
    /// The account's advocacy level, 0 being the lowest, or nil if it is not an advocate.
    public var advocacyLevelRank: Int?
    /// How many levels the advocacy program has; 0 when there is no program.
    public var advocacyLevelCount: Int
    /// The share of onboarding completed, 0…1, or nil if onboarding is not tracked for the account.
    public var onboardingCompletion: Double?

    /// Creates the inputs for one account at `nowMs`; every other fact defaults to "none" or "unknown".
    public init(
        nowMs: Int64,
        lastSeenMs: Int64? = nil,
        usageLast28Days: Int = 0,
        usagePrevious28Days: Int = 0,
        featuresUsedLast28Days: Int = 0,
        featuresAvailable: Int = 0,
        latestNPS: Int? = nil,
        openCases: Int = 0,
        slaBreachesLast90Days: Int = 0,
        loyaltyTierRank: Int? = nil,
        loyaltyTierCount: Int = 0,
        redemptionsLast90Days: Int = 0,
        advocacyLevelRank: Int? = nil,
        advocacyLevelCount: Int = 0,
        onboardingCompletion: Double? = nil
    ) {
        self.nowMs = nowMs
        self.lastSeenMs = lastSeenMs
        self.usageLast28Days = usageLast28Days
        self.usagePrevious28Days = usagePrevious28Days
        self.featuresUsedLast28Days = featuresUsedLast28Days
        self.featuresAvailable = featuresAvailable
        self.latestNPS = latestNPS
        self.openCases = openCases
        self.slaBreachesLast90Days = slaBreachesLast90Days
        self.loyaltyTierRank = loyaltyTierRank
        self.loyaltyTierCount = loyaltyTierCount
        self.redemptionsLast90Days = redemptionsLast90Days
        self.advocacyLevelRank = advocacyLevelRank
        self.advocacyLevelCount = advocacyLevelCount
        self.onboardingCompletion = onboardingCompletion
    }
}
