import Models

/// advocacy.proto's messages and their round-trip samples.
extension Samples {
    static var advocacyMessageTypes: [any ProtoMessage.Type] {
        [
            AdvocacyIncentives.self, AdvocacyLevelChanged.self, ReferralConverted.self, ChannelPoints.self,
            AdvocacyLevel.self, AdvocacyProgram.self, Advocate.self, AdvocateResponse.self,
            NominateAdvocateRequest.self, InviteAdvocateRequest.self, EnrollAdvocateRequest.self,
            GetAdvocateRequest.self, ListAdvocatesRequest.self, ListAdvocatesResponse.self,
            GetAdvocacyIncentivesRequest.self, GetAdvocacyIncentivesResponse.self, Contribution.self,
            RecordContributionRequest.self, ContributionResponse.self, ReviewContributionRequest.self,
            ListContributionsRequest.self, ListContributionsResponse.self, SpendAdvocacyPointsRequest.self,
            SpendAdvocacyPointsResponse.self, GetAdvocacyProgramRequest.self, SetAdvocacyProgramRequest.self,
            AdvocacyProgramResponse.self, Referral.self, ReferralFlagged.self, ListReferralsRequest.self,
            ListReferralsResponse.self, ReviewReferralRequest.self, ReferralResponse.self,
            AdvocateCandidateAdded.self, AdvocateLapsed.self, AnniversaryGift.self, SpotlightPick.self,
            PickSpotlightRequest.self, GetSpotlightRequest.self, Spotlight.self,
        ]
    }

    static let fullIncentives = AdvocacyIncentives(
        freeSupport: true, prioritySupport: true, freeHostingMonths: .min, managedServices: true,
        earlyPromotionNotice: true)

    static let fullAdvocate = Advocate(
        customer: CustomerId(value: unicode), status: .unrecognized(99), origin: combiningMark, reason: longText,
        candidateSinceMs: .min, invitedAtMs: .max, enrolledAtMs: -1, referralCode: "ACME-1F2E",
        lifetimePoints: .max, currentPoints: .min, pointsLast12Months: 0, level: unicode, levelRank: -1,
        incentives: fullIncentives, lastContributionMs: .max, lapsedAtMs: .min, anniversaryGifts: .max)

    static let fullContribution = Contribution(
        contributionId: unicode, advocate: CustomerId(value: "a"), channel: .eventTalk, state: .rejected,
        points: .max, description: longText, occurredAtMs: .min, recordedAtMs: .max, reviewedAtMs: -1,
        rejectionReason: combiningMark)

    static let fullReferral = Referral(
        referralCode: unicode, advocate: CustomerId(value: "a"), referred: CustomerId(value: combiningMark),
        state: .held, reason: longText, signupMs: .min, receivedAtMs: .max, decidedAtMs: 0)

    static let fullProgram = AdvocacyProgram(
        channelPoints: ContributionChannel.allCases.map { ChannelPoints(channel: $0, points: .max) },
        levels: [
            AdvocacyLevel(name: unicode, minPoints: .min, incentives: fullIncentives),
            AdvocacyLevel(name: "", minPoints: .max),
        ],
        candidateMinTenureDays: .max, lapseAfterMonths: .min, maxReferralsPerMonth: -1, referralSignupWindowDays: 0,
        spotlightSize: .max, spotlightCooldownMonths: .min)

    static let advocacySamples = [
        MessageSample("AdvocacyIncentives/default", AdvocacyIncentives()),
        MessageSample(
            "AdvocacyLevelChanged/full",
            AdvocacyLevelChanged(
                customer: CustomerId(value: unicode), fromLevel: "fan", toLevel: "champion", levelRank: -1,
                levelCount: .max, incentives: fullIncentives, pointsLast12Months: .max, changedAtMs: .min)),
        MessageSample(
            "ReferralConverted/full",
            ReferralConverted(
                advocate: CustomerId(value: "a"), referred: CustomerId(value: combiningMark), referralCode: longText,
                convertedAtMs: 0)),
        MessageSample("ChannelPoints/unknown channel", ChannelPoints(channel: .unrecognized(42), points: .min)),
        MessageSample("AdvocacyLevel/default", AdvocacyLevel()),
        MessageSample("AdvocacyProgram/full", fullProgram),
        MessageSample("AdvocacyProgram/default", AdvocacyProgram()),
        MessageSample("Advocate/full", fullAdvocate),
        MessageSample("Advocate/default", Advocate()),
        MessageSample("AdvocateResponse/full", AdvocateResponse(advocate: fullAdvocate, changed: true)),
        MessageSample(
            "NominateAdvocateRequest/full",
            NominateAdvocateRequest(customer: CustomerId(value: unicode), reason: longText)),
        MessageSample("InviteAdvocateRequest/default", InviteAdvocateRequest()),
        MessageSample(
            "EnrollAdvocateRequest/full",
            EnrollAdvocateRequest(customer: CustomerId(value: "a"), referralCode: combiningMark)),
        MessageSample("GetAdvocateRequest/full", GetAdvocateRequest(customer: CustomerId(value: unicode))),
        MessageSample(
            "ListAdvocatesRequest/full",
            ListAdvocatesRequest(status: .lapsed, page: PageRequest(pageSize: .max, pageToken: unicode))),
        MessageSample(
            "ListAdvocatesResponse/full",
            ListAdvocatesResponse(
                advocates: [fullAdvocate, Advocate()], page: PageInfo(nextPageToken: "x", totalCount: .max))),
        MessageSample("ListAdvocatesResponse/default", ListAdvocatesResponse()),
        MessageSample("GetAdvocacyIncentivesRequest/default", GetAdvocacyIncentivesRequest()),
        MessageSample(
            "GetAdvocacyIncentivesResponse/full",
            GetAdvocacyIncentivesResponse(level: unicode, levelRank: .min, levelCount: .max, incentives: fullIncentives)
        ),
        MessageSample("Contribution/full", fullContribution),
        MessageSample("RecordContributionRequest/full", RecordContributionRequest(contribution: fullContribution)),
        MessageSample(
            "ContributionResponse/full",
            ContributionResponse(contribution: fullContribution, duplicate: true, advocate: fullAdvocate)),
        MessageSample(
            "ReviewContributionRequest/full",
            ReviewContributionRequest(contributionId: unicode, approve: true, rejectionReason: longText)),
        MessageSample(
            "ListContributionsRequest/full",
            ListContributionsRequest(advocate: CustomerId(value: "a"), state: .pending, limit: .max)),
        MessageSample(
            "ListContributionsResponse/full",
            ListContributionsResponse(contributions: [fullContribution, Contribution()])),
        MessageSample(
            "SpendAdvocacyPointsRequest/full",
            SpendAdvocacyPointsRequest(
                spendId: combiningMark, advocate: CustomerId(value: unicode), points: .min, reason: longText)),
        MessageSample("SpendAdvocacyPointsResponse/full", SpendAdvocacyPointsResponse(advocate: fullAdvocate)),
        MessageSample("GetAdvocacyProgramRequest/default", GetAdvocacyProgramRequest()),
        MessageSample("SetAdvocacyProgramRequest/full", SetAdvocacyProgramRequest(program: fullProgram)),
        MessageSample("AdvocacyProgramResponse/full", AdvocacyProgramResponse(program: fullProgram)),
        MessageSample("Referral/full", fullReferral),
        MessageSample("ReferralFlagged/full", ReferralFlagged(referral: fullReferral)),
        MessageSample(
            "ListReferralsRequest/full",
            ListReferralsRequest(advocate: CustomerId(value: unicode), state: .unrecognized(-3), limit: 0)),
        MessageSample("ListReferralsResponse/full", ListReferralsResponse(referrals: [fullReferral, Referral()])),
        MessageSample(
            "ReviewReferralRequest/full",
            ReviewReferralRequest(
                referred: CustomerId(value: combiningMark), referralCode: unicode, approve: true, reason: longText)),
        MessageSample("ReferralResponse/full", ReferralResponse(referral: fullReferral, changed: true)),
        MessageSample("AdvocateCandidateAdded/full", AdvocateCandidateAdded(advocate: fullAdvocate)),
        MessageSample(
            "AdvocateLapsed/full",
            AdvocateLapsed(
                customer: CustomerId(value: unicode), lastActiveMs: .min, lapsedAtMs: .max, reason: longText)),
        MessageSample(
            "AnniversaryGift/full",
            AnniversaryGift(customer: CustomerId(value: "a"), years: .max, level: unicode, enrolledAtMs: .min)),
        MessageSample(
            "SpotlightPick/full", SpotlightPick(advocate: CustomerId(value: unicode), points: .max, reason: longText)),
        MessageSample("PickSpotlightRequest/full", PickSpotlightRequest(month: unicode)),
        MessageSample("GetSpotlightRequest/default", GetSpotlightRequest()),
        MessageSample(
            "Spotlight/full",
            Spotlight(
                month: "2026-10",
                picks: [
                    SpotlightPick(advocate: CustomerId(value: "a"), points: 1, reason: combiningMark), SpotlightPick(),
                ],
                pickedAtMs: .min)),
        MessageSample("Spotlight/default", Spotlight()),
    ]
}
