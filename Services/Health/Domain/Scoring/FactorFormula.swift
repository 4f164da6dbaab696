/// The formulas that turn ``HealthInputs`` into factor values, and their constants.
///
/// Every formula returns 0–100, higher is healthier, and is monotone in each input it reads. Inputs out of their
/// range (a negative count, an NPS answer of 11, a completion of 1.2) are clamped into it rather than rejected: a
/// score is an observation, and one odd fact from another service should not stop the account being scored.
public enum FactorFormula {
    /// Milliseconds in a day; recency is measured in elapsed 24-hour days, with no time zone involved.
    public static let millisecondsPerDay: Double = 86_400_000

    /// Recency scores 100 while the account was seen at most this many days ago ("seen today")…
    public static let recencyFullMarksDays: Double = 1
    /// …then falls linearly to 0 at this many days, where it stays.
    public static let recencyZeroDays: Double = 30

    /// Trend scores 50 when usage is flat and moves 50 points per this relative change: +50 % or more scores 100,
    /// −50 % or less scores 0. With no usage in the previous 28 days it is 100 if there is usage now, else 50.
    public static let trendChangeForFullSwing: Double = 0.5

    /// The value of each NPS answer, indexed by the answer 0…10. Detractors (0–6) land in the poor range (0–48),
    /// passives (7–8) in the average range (60, 70) and promoters (9–10) in the good range (90, 100); the larger
    /// steps at 6→7 and 8→9 mark the category boundaries NPS itself draws.
    public static let npsValues: [Double] = [0, 8, 16, 24, 32, 40, 48, 60, 70, 90, 100]

    /// Support burden starts at 100 and loses this many points per open case…
    public static let supportPointsPerOpenCase: Double = 15
    /// …and this many per SLA breach in the last 90 days (a breach hurts more than a case: it is a broken promise),
    /// down to 0.
    public static let supportPointsPerSLABreach: Double = 20

    /// A loyalty member in the lowest tier starts here: membership alone shows little engagement.
    public static let loyaltyLowestTierValue: Double = 40
    /// A member in the top tier starts here; tiers in between are spaced evenly.
    public static let loyaltyTopTierValue: Double = 80
    /// Each redemption in the last 90 days adds this many points…
    public static let loyaltyPointsPerRedemption: Double = 10
    /// …up to this many, so that the top tier with recent redemptions reaches 100.
    public static let loyaltyMaxRedemptionBonus: Double = 20

    /// An advocate at the lowest level scores this, the top level 100, levels in between evenly spaced. Being an
    /// advocate at all is a strong sign of health, so even the lowest level is in the good range.
    public static let advocacyLowestLevelValue: Double = 80

    static func usageRecency(nowMs: Int64, lastSeenMs: Int64?) -> Double {
        guard let lastSeenMs else { return 0 }
        // Doubles, so that absurd timestamps cannot overflow the subtraction.
        let days = (Double(nowMs) - Double(lastSeenMs)) / millisecondsPerDay
        guard days > recencyFullMarksDays else { return 100 }
        return clamped(100 * (recencyZeroDays - days) / (recencyZeroDays - recencyFullMarksDays))
    }

    static func usageTrend(last: Int, previous: Int) -> Double {
        let last = max(0, last)
        let previous = max(0, previous)
        guard previous > 0 else { return last > 0 ? 100 : 50 }
        let change = Double(last - previous) / Double(previous)
        return clamped(50 + 50 * change / trendChangeForFullSwing)
    }

    static func featureBreadth(used: Int, available: Int) -> Double? {
        guard available > 0 else { return nil }
        return 100 * Double(min(max(0, used), available)) / Double(available)
    }

    static func nps(_ answer: Int) -> Double {
        npsValues[min(max(answer, 0), npsValues.count - 1)]
    }

    static func supportBurden(openCases: Int, slaBreaches: Int) -> Double {
        let lostToCases = supportPointsPerOpenCase * Double(max(0, openCases))
        let lostToBreaches = supportPointsPerSLABreach * Double(max(0, slaBreaches))
        return clamped(100 - lostToCases - lostToBreaches)
    }

    static func loyaltyEngagement(tierRank: Int?, tierCount: Int, redemptions: Int) -> Double? {
        guard let share = rankShare(tierRank, of: tierCount) else { return nil }
        let bonus = min(loyaltyMaxRedemptionBonus, loyaltyPointsPerRedemption * Double(max(0, redemptions)))
        return min(100, loyaltyLowestTierValue + (loyaltyTopTierValue - loyaltyLowestTierValue) * share + bonus)
    }

    static func advocacy(levelRank: Int?, levelCount: Int) -> Double? {
        rankShare(levelRank, of: levelCount).map { advocacyLowestLevelValue + (100 - advocacyLowestLevelValue) * $0 }
    }

    static func onboarding(_ completion: Double) -> Double? {
        guard !completion.isNaN else { return nil }
        return 100 * min(max(completion, 0), 1)
    }

    /// Where `rank` sits among `count` ranks: 0 for the lowest, 1 for the highest (and for the only one), or nil
    /// when there is no rank or no program.
    private static func rankShare(_ rank: Int?, of count: Int) -> Double? {
        guard let rank, count > 0 else { return nil }
        guard count > 1 else { return 1 }
        return Double(min(max(rank, 0), count - 1)) / Double(count - 1)
    }

    private static func clamped(_ value: Double) -> Double {
        min(max(value, 0), 100)
    }
}
