import Models

/// advocacy.proto's messages and their round-trip samples.
extension Samples {
    static var advocacyMessageTypes: [any ProtoMessage.Type] {
        [AdvocacyIncentives.self, AdvocacyLevelChanged.self, ReferralConverted.self]
    }

    static let advocacySamples = [
        MessageSample("AdvocacyIncentives/default", AdvocacyIncentives()),
        MessageSample(
            "AdvocacyLevelChanged/full",
            AdvocacyLevelChanged(
                customer: CustomerId(value: unicode), fromLevel: "fan", toLevel: "champion", levelRank: -1,
                levelCount: .max,
                incentives: AdvocacyIncentives(
                    freeSupport: true, prioritySupport: true, freeHostingMonths: .min, managedServices: true,
                    earlyPromotionNotice: true),
                pointsLast12Months: .max, changedAtMs: .min)),
        MessageSample(
            "ReferralConverted/full",
            ReferralConverted(
                advocate: CustomerId(value: "a"), referred: CustomerId(value: combiningMark), referralCode: longText,
                convertedAtMs: 0)),
    ]
}
