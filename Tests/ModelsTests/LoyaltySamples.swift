import Models

/// loyalty.proto's messages and their round-trip samples.
extension Samples {
    static var loyaltyMessageTypes: [any ProtoMessage.Type] {
        [TierBenefits.self, PointsPosted.self, TierChanged.self]
    }

    static let loyaltySamples = [
        MessageSample("TierBenefits/default", TierBenefits()),
        MessageSample(
            "TierBenefits/full",
            TierBenefits(discountPercent: 100, prioritySupport: true, freeProducts: ["", unicode, longText])),
        MessageSample(
            "PointsPosted/redemption",
            PointsPosted(
                customer: CustomerId(value: unicode), entryId: "e-1", kind: .redeem, points: .min,
                balanceAfter: .max, rewardId: combiningMark, postedAtMs: -1)),
        MessageSample(
            "TierChanged/full",
            TierChanged(
                customer: CustomerId(value: "acme"), fromTier: "", toTier: "platinum", tierRank: 3, tierCount: 4,
                benefits: TierBenefits(prioritySupport: true), reason: unicode, changedAtMs: 1)),
    ]
}
