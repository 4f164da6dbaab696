import Models

/// loyalty.proto's messages and their round-trip samples.
extension Samples {
    static var loyaltyMessageTypes: [any ProtoMessage.Type] {
        [
            TierBenefits.self, PointsPosted.self, TierChanged.self, PointsExpiring.self, LedgerEntry.self,
            RecordPurchaseRequest.self, RecordPurchaseResponse.self, RecordRefundRequest.self,
            RecordRefundResponse.self, Tier.self, ListTiersRequest.self, ListTiersResponse.self,
            SetTierFloorRequest.self, SetTierFloorResponse.self, Reward.self, UpsertRewardRequest.self,
            UpsertRewardResponse.self, ListRewardsRequest.self, ListRewardsResponse.self, Redemption.self,
            RedeemRequest.self, RedeemResponse.self, CancelRedemptionRequest.self, CancelRedemptionResponse.self,
            UseVoucherRequest.self, UseVoucherResponse.self, AdjustPointsRequest.self, AdjustPointsResponse.self,
            GetStatementRequest.self, GetStatementResponse.self, GetProgramReportRequest.self, TierMembers.self,
            GetProgramReportResponse.self,
        ]
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
        MessageSample(
            "PointsExpiring/full",
            PointsExpiring(customer: CustomerId(value: "acme"), points: .max, expiresAtMs: .min, lastActivityMs: -1)),
        MessageSample("LedgerEntry/default", LedgerEntry()),
        MessageSample("LedgerEntry/full", ledgerEntry),
        MessageSample(
            "RecordPurchaseRequest/full",
            RecordPurchaseRequest(
                purchaseId: unicode, customer: CustomerId(value: "acme"),
                amount: Money(minorUnits: .max, currency: "EUR"), purchasedAtMs: .min)),
        MessageSample(
            "RecordPurchaseResponse/full",
            RecordPurchaseResponse(
                entries: [ledgerEntry, LedgerEntry()], points: -1, countsFromMs: .max, tier: combiningMark,
                duplicate: true)),
        MessageSample(
            "RecordRefundRequest/full",
            RecordRefundRequest(refundId: "r", purchaseId: longText, amount: Money(minorUnits: 1, currency: "JPY"))),
        MessageSample(
            "RecordRefundResponse/full",
            RecordRefundResponse(
                entry: ledgerEntry, pointsUnrecoverable: .max, refundedTotal: Money(minorUnits: 0, currency: "EUR"),
                duplicate: true)),
        MessageSample("Tier/full", tier),
        MessageSample("ListTiersRequest/default", ListTiersRequest()),
        MessageSample("ListTiersResponse/full", ListTiersResponse(tiers: [tier, Tier()])),
        MessageSample(
            "SetTierFloorRequest/full",
            SetTierFloorRequest(customer: CustomerId(value: unicode), tier: "gold", reason: longText)),
        MessageSample("SetTierFloorResponse/full", SetTierFloorResponse(tier: "gold", floor: "")),
        MessageSample("Reward/default", Reward()),
        MessageSample("Reward/full", reward),
        MessageSample("UpsertRewardRequest/full", UpsertRewardRequest(reward: reward)),
        MessageSample("UpsertRewardResponse/full", UpsertRewardResponse(reward: reward, created: true)),
        MessageSample("ListRewardsRequest/full", ListRewardsRequest(includeInactive: true)),
        MessageSample("ListRewardsResponse/full", ListRewardsResponse(rewards: [reward, Reward()])),
        MessageSample("Redemption/full", redemption),
        MessageSample(
            "RedeemRequest/full",
            RedeemRequest(redemptionId: unicode, customer: CustomerId(value: "acme"), rewardId: combiningMark)),
        MessageSample("RedeemResponse/full", RedeemResponse(redemption: redemption, balanceAfter: .max)),
        MessageSample("CancelRedemptionRequest/full", CancelRedemptionRequest(redemptionId: "r", reason: unicode)),
        MessageSample(
            "CancelRedemptionResponse/full", CancelRedemptionResponse(redemption: redemption, balanceAfter: 0)),
        MessageSample("UseVoucherRequest/full", UseVoucherRequest(voucherCode: "LOY-2345-6789-ABCD")),
        MessageSample("UseVoucherResponse/full", UseVoucherResponse(redemption: redemption)),
        MessageSample(
            "AdjustPointsRequest/full",
            AdjustPointsRequest(
                adjustmentId: "a", customer: CustomerId(value: "acme"), points: .min, reason: longText)),
        MessageSample("AdjustPointsResponse/full", AdjustPointsResponse(entry: ledgerEntry)),
        MessageSample(
            "GetStatementRequest/full",
            GetStatementRequest(customer: CustomerId(value: "acme"), page: PageRequest(pageSize: 3, pageToken: "7"))),
        MessageSample(
            "GetStatementResponse/full",
            GetStatementResponse(
                customer: CustomerId(value: "acme"), balance: .max, pending: .min, tier: tier, tierFloor: "gold",
                qualifyingPoints: 1, nextTier: Tier(), pointsToNextTier: 2, pointsExpireAtMs: 3,
                entries: [ledgerEntry], page: PageInfo(nextPageToken: "9", totalCount: .max))),
        MessageSample("GetProgramReportRequest/default", GetProgramReportRequest()),
        MessageSample("TierMembers/full", TierMembers(tier: unicode, members: .max)),
        MessageSample(
            "GetProgramReportResponse/full",
            GetProgramReportResponse(
                pointsIssued: .max, pointsRedeemed: .min, pointsExpired: -1, pointsTakenBack: 1, liability: 2,
                pending: 3, tiers: [TierMembers(tier: "member", members: 1), TierMembers()], members: .max,
                redemptions: 4)),
    ]

    private static let ledgerEntry = LedgerEntry(
        entryId: "purchase:p-1", kind: .reverse, points: .min, reason: unicode, externalId: longText,
        rewardId: combiningMark, createdAtMs: .max, countsFromMs: -1, pending: true, balanceAfter: .max)

    private static let tier = Tier(
        name: "platinum", rank: .max, qualifyingPoints: .max, earnMultiplierPercent: .min,
        benefits: TierBenefits(discountPercent: 15, prioritySupport: true, freeProducts: [unicode]))

    private static let reward = Reward(
        rewardId: "r", name: unicode, kind: .unrecognized(99), pointCost: .max, stock: OptionalInt64(value: 0),
        active: true, value: Money(minorUnits: 1_000, currency: "EUR"), product: longText)

    private static let redemption = Redemption(
        redemptionId: unicode, customer: CustomerId(value: "acme"), rewardId: "r", points: .max,
        voucherCode: combiningMark, status: .cancelled, redeemedAtMs: .min)
}
