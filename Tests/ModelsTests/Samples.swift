import Models
import Testing

/// A message to round-trip, named for test output.
struct MessageSample: Sendable, CustomTestStringConvertible {
    let name: String
    let message: any ProtoMessage

    var testDescription: String { name }

    init(_ name: String, _ message: any ProtoMessage) {
        self.name = name
        self.message = message
    }
}

/// Field values that stress the conversion: multi-scalar text, extreme numbers, empty and long
/// collections.
enum Samples {
    /// Emoji (with ZWJ sequences and flags), combining marks, CJK, right-to-left text.
    static let unicode = "👩‍👩‍👧‍👦🇪🇺 e\u{301} Å 日本語テキスト 한국어 עברית"
    static let combiningMark = "e\u{301}"  // not normalized to U+00E9 anywhere on the way
    static let longText = String(repeating: "long text ✓ ", count: 2_000)
    static let allBytes = (0...255).map { UInt8($0) }
    static let extremeInt64s: [Int64] = [.min, -1, 0, 1, .max]

    /// Every message type the .proto files declare, for tests that must cover all of them.
    static var allMessageTypes: [any ProtoMessage.Type] {
        coreMessageTypes + feedbackMessageTypes + loyaltyMessageTypes + advocacyMessageTypes
            + escalationMessageTypes
    }

    /// The envelope, common, conformance, service, testing and health messages; each other service's
    /// live beside its samples in <Service>Samples.swift.
    static var coreMessageTypes: [any ProtoMessage.Type] {
        [
            Request.self, Response.self, Event.self, Heartbeat.self, CustomerId.self, Money.self,
            TimeRange.self, PageRequest.self, PageInfo.self, OptionalInt64.self, OptionalString.self,
            OptionalBool.self, ConformanceSample.self, ConformanceSample.Inner.self, PingRequest.self,
            PingResponse.self, StatusRequest.self, SubscriptionStatus.self, StatusResponse.self,
            ReplayEventsRequest.self, ReplayEventsResponse.self, BackupRequest.self, SubscriptionCursor.self,
            BackupResponse.self, PauseSubscriptionsRequest.self, PauseSubscriptionsResponse.self,
            LedgerAppendRequest.self, LedgerAppendResponse.self,
            LedgerBalanceRequest.self, LedgerBalanceResponse.self, LedgerEntryAppended.self, LedgerMirrorRequest.self,
            LedgerMirrorResponse.self, Account.self, UpsertAccountRequest.self, UpsertAccountResponse.self,
            UpsertAccountsRequest.self, UpsertAccountsResponse.self,
            GetAccountRequest.self, GetAccountResponse.self, ListAccountsRequest.self, ListAccountsResponse.self,
            CancelAccountRequest.self, AccountLifecycleResponse.self, ReactivateAccountRequest.self, UsageEvent.self,
            RecordUsageRequest.self, RecordUsageResponse.self, GetUsageRequest.self, DailyUsage.self,
            GetUsageResponse.self, AccountChanged.self, InactivityAlert.self, FactorContribution.self,
            HealthScoreRecord.self, GetHealthScoreRequest.self, GetHealthScoreResponse.self,
            RescoreAccountsRequest.self, RescoreAccountsResponse.self, ScoreChanged.self, BacktestRequest.self,
            BacktestResponse.self, FitChurnModelRequest.self, FactorCoefficient.self, FitChurnModelResponse.self,
            OnboardingStep.self, CompleteOnboardingStepRequest.self, OnboardingStepStatus.self,
            GetOnboardingRequest.self,
            GetOnboardingResponse.self, OnboardingReportRequest.self, OnboardingCohort.self, OverdueStep.self,
            OnboardingReportResponse.self, OnboardingCompleted.self, RecordBusinessReviewRequest.self,
            RecordBusinessReviewResponse.self, ListReviewsDueRequest.self, ReviewDue.self, ListReviewsDueResponse.self,
            FactorWeight.self, ScoringModel.self, GetScoringModelRequest.self, ScoringModelResponse.self,
            SetScoringModelRequest.self, GetValueReportRequest.self, FeatureUse.self, ValueReport.self,
            GetValueReportResponse.self, GetOnboardingProgramRequest.self, OnboardingProgramResponse.self,
            SetOnboardingProgramRequest.self, SegmentThreshold.self, GetInactivityThresholdsRequest.self,
            InactivityThresholdsResponse.self, SetInactivityThresholdsRequest.self,
            HealthReportRequest.self, SegmentHealth.self, ChurnRiskBucket.self, HealthReportResponse.self,
        ]
    }

    /// A ConformanceSample with every field set, most of them to extreme values.
    static let fullConformance = ConformanceSample(
        int32Value: .min, int64Value: .min, uint32Value: .max, uint64Value: .max,
        sint32Value: .min, sint64Value: .max, fixed32Value: .max, fixed64Value: .max,
        sfixed32Value: .max, sfixed64Value: .min,
        floatValue: .greatestFiniteMagnitude, doubleValue: -.infinity, boolValue: true,
        stringValue: unicode, bytesValue: allBytes, colour: .green,
        money: Money(minorUnits: -1, currency: "EUR"),
        inner: .init(label: combiningMark, values: extremeInt64s),
        tags: ["", unicode, "tag"], numbers: extremeInt64s,
        inners: [.init(), .init(label: "second", values: [42])],
        blobs: [[], [0], allBytes], colours: [.unspecified, .red, .green, .unrecognized(99), .unrecognized(-1)],
        flags: [true, false, true],
        ratios: [0, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity, .pi],
        choice: .choiceInner(.init(label: "chosen", values: [-1]))
    )

    /// Samples of every message type: defaults, extremes, unicode, and long or empty collections.
    static let roundTrip =
        coreSamples + onboardingSamples + reviewSamples + scoringModelSamples + valueReportSamples + settingsSamples
        + healthReportSamples
        + feedbackSamples
        + loyaltySamples + advocacySamples
        + escalationSamples

    static let coreSamples: [MessageSample] = [
        MessageSample("Request/default", Request()),
        MessageSample(
            "Request/full",
            Request(
                method: "loyalty.RecordPurchase", requestId: unicode, idempotencyKey: combiningMark,
                authToken: longText, deadlineMs: .max, body: allBytes)),
        MessageSample("Request/negative deadline", Request(deadlineMs: .min)),
        MessageSample("Response/default", Response()),
        MessageSample(
            "Response/full",
            Response(
                code: .invalidArgument, message: unicode, body: allBytes, requestId: "r-1", field: "amount.currency",
                replayed: true)),
        MessageSample("Response/unrecognized code", Response(code: .unrecognized(4711))),
        MessageSample("Response/negative unrecognized code", Response(code: .unrecognized(.min))),
        MessageSample("Event/default", Event()),
        MessageSample(
            "Event/full",
            Event(
                source: "loyalty", seq: .max, eventId: unicode, type: "tier.changed", customerId: "acme-4711",
                occurredAtMs: .min, body: allBytes)),
        MessageSample("Heartbeat/default", Heartbeat()),
        MessageSample("Heartbeat/full", Heartbeat(source: "health", latestSeq: .max, sentAtMs: -1)),
        MessageSample("CustomerId/default", CustomerId()),
        MessageSample("CustomerId/unicode", CustomerId(value: unicode)),
        MessageSample("Money/default", Money()),
        MessageSample("Money/min", Money(minorUnits: .min, currency: "JPY")),
        MessageSample("Money/max", Money(minorUnits: .max, currency: "EUR")),
        MessageSample("TimeRange/default", TimeRange()),
        MessageSample("TimeRange/extremes", TimeRange(fromMs: .min, untilMs: .max)),
        MessageSample("PageRequest/default", PageRequest()),
        MessageSample("PageRequest/full", PageRequest(pageSize: .max, pageToken: longText)),
        MessageSample("PageInfo/default", PageInfo()),
        MessageSample("PageInfo/full", PageInfo(nextPageToken: unicode, totalCount: .max)),
        MessageSample("OptionalInt64/default", OptionalInt64()),
        MessageSample("OptionalInt64/min", OptionalInt64(value: .min)),
        MessageSample("OptionalInt64/minus one", OptionalInt64(value: -1)),
        MessageSample("OptionalString/default", OptionalString()),
        MessageSample("OptionalString/unicode", OptionalString(value: unicode)),
        MessageSample("OptionalBool/default", OptionalBool()),
        MessageSample("OptionalBool/true", OptionalBool(value: true)),
        MessageSample("ConformanceSample/default", ConformanceSample()),
        MessageSample("ConformanceSample/full", fullConformance),
        MessageSample(
            "ConformanceSample/other extremes",
            ConformanceSample(
                int32Value: .max, int64Value: .max, uint32Value: 0, uint64Value: 0, sint32Value: .max,
                sint64Value: .min, fixed32Value: 0, fixed64Value: 0, sfixed32Value: .min, sfixed64Value: .max,
                floatValue: -.infinity, doubleValue: .greatestFiniteMagnitude, colour: .unrecognized(-7))),
        MessageSample(
            "ConformanceSample/many elements",
            ConformanceSample(
                tags: (0..<1_000).map { "tag \($0) ✓" }, numbers: (-5_000..<5_000).map { Int64($0) * 1_000_003 },
                inners: (0..<500).map { .init(label: "\($0)", values: [Int64($0)]) },
                blobs: (0..<300).map { [UInt8(truncatingIfNeeded: $0)] },
                colours: (0..<1_000).map { .init(rawValue: $0 % 5) },
                flags: (0..<1_000).map { $0 % 3 == 0 }, ratios: (0..<1_000).map { Double($0) / 7 })),
        MessageSample("ConformanceSample.Inner/default", ConformanceSample.Inner()),
        MessageSample("ConformanceSample.Inner/full", ConformanceSample.Inner(label: unicode, values: extremeInt64s)),
        MessageSample("PingRequest/full", PingRequest(nonce: unicode)),
        MessageSample("PingResponse/full", PingResponse(nonce: "n", service: "loyalty", nowMs: .min)),
        MessageSample("StatusRequest/default", StatusRequest()),
        MessageSample(
            "SubscriptionStatus/full",
            SubscriptionStatus(source: "health", appliedSeq: .max, sourceLatestSeq: .max, lag: 0, lastHeardMs: .max)),
        MessageSample(
            "StatusResponse/full",
            StatusResponse(
                service: "health", version: "0.1.0", startedAtMs: 1, uptimeMs: .max, latestSeq: .max,
                subscriptions: [
                    .init(source: "feedback", appliedSeq: 3, sourceLatestSeq: 9, lag: 6, lastHeardMs: 2), .init(),
                ],
                databaseBytes: .max, requestsServed: 0, listen: ["ipc:///tmp/a", unicode], publish: [])),
        MessageSample("ReplayEventsRequest/full", ReplayEventsRequest(afterSeq: .max, limit: .max)),
        MessageSample(
            "ReplayEventsResponse/full",
            ReplayEventsResponse(
                events: [Event(source: "loyalty", seq: 1, type: "tier.changed", body: allBytes), Event()], latestSeq: 2)
        ),
        MessageSample("BackupRequest/default", BackupRequest()),
        MessageSample(
            "BackupRequest/full", BackupRequest(snapshotId: unicode, offset: .min, maxChunkBytes: .max)),
        MessageSample("SubscriptionCursor/full", SubscriptionCursor(source: "health", appliedSeq: .max)),
        MessageSample(
            "BackupResponse/full",
            BackupResponse(
                snapshotId: "9f2c", service: "loyalty", totalBytes: .max, sha256: String(repeating: "ab", count: 32),
                takenAtMs: .min, latestSeq: .max, cursors: [.init(source: "health", appliedSeq: 7), .init()],
                offset: .max, chunk: allBytes, last: true)),
        MessageSample("PauseSubscriptionsRequest/full", PauseSubscriptionsRequest(pauseMs: .min)),
        MessageSample(
            "PauseSubscriptionsResponse/full",
            PauseSubscriptionsResponse(pausedUntilMs: .max, cursors: [.init(source: unicode, appliedSeq: 0)])),
        MessageSample(
            "LedgerAppendRequest/full",
            LedgerAppendRequest(entryId: unicode, account: "a", amount: .min, holdMs: .max, copies: .max)),
        MessageSample("LedgerAppendResponse/full", LedgerAppendResponse(entryId: "e", balance: .max, eventSeq: .max)),
        MessageSample("LedgerBalanceRequest/full", LedgerBalanceRequest(account: unicode)),
        MessageSample("LedgerBalanceResponse/full", LedgerBalanceResponse(account: "a", balance: .min, entries: .max)),
        MessageSample("LedgerEntryAppended/full", LedgerEntryAppended(entryId: "e", account: "a", amount: -1)),
        MessageSample("LedgerMirrorRequest/default", LedgerMirrorRequest()),
        MessageSample(
            "LedgerMirrorResponse/full",
            LedgerMirrorResponse(appliedEvents: .max, appliedTotal: .min, duplicates: 0, appliedSeq: .max)),
        MessageSample("Account/full", fullAccount),
        MessageSample("UpsertAccountRequest/full", UpsertAccountRequest(account: fullAccount)),
        MessageSample(
            "UpsertAccountResponse/full", UpsertAccountResponse(account: fullAccount, created: true, changed: true)),
        MessageSample(
            "UpsertAccountsRequest/full", UpsertAccountsRequest(accounts: [fullAccount, Account(), fullAccount])),
        MessageSample(
            "UpsertAccountsResponse/full", UpsertAccountsResponse(created: .max, changed: 1, unchanged: 0)),
        MessageSample("GetAccountRequest/full", GetAccountRequest(customer: .init(value: unicode))),
        MessageSample("GetAccountResponse/full", GetAccountResponse(account: fullAccount)),
        MessageSample(
            "ListAccountsRequest/full",
            ListAccountsRequest(segment: .key, stage: .unrecognized(42), page: .init(pageSize: 10, pageToken: "t"))),
        MessageSample(
            "ListAccountsResponse/full",
            ListAccountsResponse(accounts: [fullAccount, Account()], page: .init(nextPageToken: "n", totalCount: 2))),
        MessageSample(
            "CancelAccountRequest/full",
            CancelAccountRequest(customer: .init(value: "c"), reason: unicode, cancelledAtMs: .max)),
        MessageSample("AccountLifecycleResponse/full", AccountLifecycleResponse(account: fullAccount, changed: true)),
        MessageSample("ReactivateAccountRequest/full", ReactivateAccountRequest(customer: .init(value: "c"))),
        MessageSample("UsageEvent/full", fullUsage),
        MessageSample("RecordUsageRequest/full", RecordUsageRequest(events: [fullUsage, UsageEvent()])),
        MessageSample("RecordUsageResponse/full", RecordUsageResponse(recorded: .max, duplicates: 0)),
        MessageSample(
            "GetUsageRequest/full",
            GetUsageRequest(customer: .init(value: "c"), range: .init(fromMs: .min, untilMs: .max))),
        MessageSample("DailyUsage/full", DailyUsage(dayMs: .max, feature: unicode, count: .min)),
        MessageSample(
            "GetUsageResponse/full", GetUsageResponse(days: [.init(dayMs: 1, feature: "f", count: 2)], lastSeenMs: -1)),
        MessageSample("AccountChanged/full", AccountChanged(account: fullAccount)),
        MessageSample(
            "InactivityAlert/full",
            InactivityAlert(
                customer: .init(value: "quiet"), segment: .key, silentSinceMs: .min, daysSilent: .max, thresholdDays: 14
            )),
        MessageSample("FactorContribution/full", fullFactor),
        MessageSample("HealthScoreRecord/full", fullScore),
        MessageSample(
            "GetHealthScoreRequest/full", GetHealthScoreRequest(customer: .init(value: "c"), historyLimit: .max)),
        MessageSample(
            "GetHealthScoreResponse/full",
            GetHealthScoreResponse(
                current: fullScore, history: [fullScore, HealthScoreRecord()], changeSincePrevious: -2.5)),
        MessageSample(
            "RescoreAccountsRequest/full",
            RescoreAccountsRequest(customers: [.init(value: "a"), .init(value: unicode)])),
        MessageSample("RescoreAccountsResponse/full", RescoreAccountsResponse(scored: .max, bandChanges: 1)),
        MessageSample("ScoreChanged/full", ScoreChanged(score: fullScore, previousBand: .good, previousScore: 80.25)),
        MessageSample("BacktestRequest/full", BacktestRequest(window: .init(fromMs: 1, untilMs: .max))),
        MessageSample("BacktestResponse/full", fullBacktest),
        MessageSample("FitChurnModelRequest/default", FitChurnModelRequest()),
        MessageSample(
            "FactorCoefficient/full", FactorCoefficient(factor: "nps", coefficient: -.greatestFiniteMagnitude)),
        MessageSample(
            "FitChurnModelResponse/full",
            FitChurnModelResponse(
                intercept: 3, coefficients: [.init(factor: "usage_trend", coefficient: -2.5), .init()], samples: .max,
                inSample: fullBacktest)),
    ]

    static let fullStep = OnboardingStep(key: "first_login", title: unicode, dueDay: 90, usageFeature: "login")

    static let onboardingSamples = [
        MessageSample("OnboardingStep/full", fullStep),
        MessageSample(
            "CompleteOnboardingStepRequest/full",
            CompleteOnboardingStepRequest(customer: .init(value: "c"), step: "welcome_call", completedAtMs: .max)),
        MessageSample(
            "OnboardingStepStatus/full",
            OnboardingStepStatus(step: fullStep, dueMs: .min, completedAtMs: 1, overdue: true)),
        MessageSample("GetOnboardingRequest/full", GetOnboardingRequest(customer: .init(value: "c"))),
        MessageSample(
            "GetOnboardingResponse/full",
            GetOnboardingResponse(
                customer: .init(value: "c"), steps: [.init(step: fullStep), .init()], completion: 0.8, completedAtMs: 2)
        ),
        MessageSample("OnboardingReportRequest/full", OnboardingReportRequest(signups: .init(fromMs: 1, untilMs: 2))),
        MessageSample(
            "OnboardingCohort/full", OnboardingCohort(name: "2026-11", accounts: 3, completed: 1, completionRate: 0.5)),
        MessageSample("OverdueStep/full", OverdueStep(customer: .init(value: "c"), step: "s", dueMs: .min)),
        MessageSample(
            "OnboardingReportResponse/full",
            OnboardingReportResponse(
                bySegment: [.init(name: "key")], byCohort: [.init(name: "2026-11"), .init()],
                overdue: [.init(step: "s")])),
        MessageSample(
            "OnboardingCompleted/full", OnboardingCompleted(customer: .init(value: "c"), completedAtMs: 9, days: 2)),
    ]

    static let fullReview = ReviewDue(
        customer: .init(value: "key-a"), segment: .key, lastReviewMs: .min, dueMs: .max, overdue: true,
        accountManager: unicode)

    static let reviewSamples = [
        MessageSample(
            "RecordBusinessReviewRequest/full",
            RecordBusinessReviewRequest(customer: .init(value: "c"), heldAtMs: 1, notes: longText)),
        MessageSample("RecordBusinessReviewResponse/full", RecordBusinessReviewResponse(nextDueMs: .max)),
        MessageSample("ListReviewsDueRequest/full", ListReviewsDueRequest(dueBeforeMs: .max, segment: .key)),
        MessageSample("ReviewDue/full", fullReview),
        MessageSample("ListReviewsDueResponse/full", ListReviewsDueResponse(reviews: [fullReview, ReviewDue()])),
    ]

    static let fullModel = ScoringModel(
        version: unicode, weights: [.init(factor: "nps", weight: 100), .init()], goodAbove: .max, poorAtOrBelow: 0,
        poorFactorCapsBand: true, churnIntercept: -.infinity,
        churnCoefficients: [.init(factor: "advocacy", coefficient: .leastNonzeroMagnitude)], updatedAtMs: .min)

    static let scoringModelSamples = [
        MessageSample("FactorWeight/full", FactorWeight(factor: "usage_trend", weight: .max)),
        MessageSample("ScoringModel/full", fullModel),
        MessageSample("GetScoringModelRequest/default", GetScoringModelRequest()),
        MessageSample("ScoringModelResponse/full", ScoringModelResponse(model: fullModel, accountsToRescore: .max)),
        MessageSample("SetScoringModelRequest/full", SetScoringModelRequest(model: fullModel)),
        MessageSample(
            "FitChurnModelRequest/apply", FitChurnModelRequest(window: .init(fromMs: 1, untilMs: 2), apply: true)),
    ]

    static let settingsSamples = [
        MessageSample("GetOnboardingProgramRequest/default", GetOnboardingProgramRequest()),
        MessageSample(
            "OnboardingProgramResponse/full", OnboardingProgramResponse(steps: [fullStep, .init()], updatedAtMs: .max)),
        MessageSample("SetOnboardingProgramRequest/full", SetOnboardingProgramRequest(steps: [fullStep])),
        MessageSample("SegmentThreshold/unknown segment", SegmentThreshold(segment: .unrecognized(9), days: .max)),
        MessageSample("GetInactivityThresholdsRequest/default", GetInactivityThresholdsRequest()),
        MessageSample(
            "InactivityThresholdsResponse/full",
            InactivityThresholdsResponse(thresholds: [.init(segment: .key, days: 7), .init()], updatedAtMs: -1)),
        MessageSample(
            "SetInactivityThresholdsRequest/full",
            SetInactivityThresholdsRequest(thresholds: [.init(segment: .small, days: 30)])),
    ]

    static let fullValueReport = ValueReport(
        account: fullAccount, window: .init(fromMs: .min, untilMs: .max), usageEvents: .max, activeDays: 90,
        topFeatures: [.init(feature: unicode, count: .max), .init()], npsAnswers: 2, latestNps: -1, casesOpened: 3,
        casesResolved: 2, casesResolvedWithinSla: 1, slaBreaches: .max, pointsEarned: .min, pointsRedeemed: .max,
        loyaltyTier: "gold", advocacyLevel: combiningMark, referralsConverted: 1, score: fullScore, scoreChange: -12.5,
        onboardingStepsDone: 4, onboardingStepsTotal: 5, generatedAtMs: 7)

    static let valueReportSamples = [
        MessageSample(
            "GetValueReportRequest/full",
            GetValueReportRequest(customer: .init(value: "acme"), window: .init(fromMs: 0, untilMs: .max))),
        MessageSample("FeatureUse/full", FeatureUse(feature: "dns", count: -1)),
        MessageSample("ValueReport/full", fullValueReport),
        MessageSample("GetValueReportResponse/full", GetValueReportResponse(report: fullValueReport)),
    ]

    static let fullSegmentHealth = SegmentHealth(
        segment: .key, accounts: .max, good: 1, average: 2, poor: .max, unscored: 0, averageScore: 99.5)

    static let healthReportSamples = [
        MessageSample("HealthReportRequest/default", HealthReportRequest()),
        MessageSample("SegmentHealth/full", fullSegmentHealth),
        MessageSample("ChurnRiskBucket/full", ChurnRiskBucket(fromProbability: 0.8, untilProbability: 1, accounts: 3)),
        MessageSample(
            "HealthReportResponse/full",
            HealthReportResponse(
                segments: [fullSegmentHealth, .init()], total: fullSegmentHealth,
                churnRisk: [.init(fromProbability: 0, untilProbability: 0.2, accounts: .max)], cancelled: 7,
                generatedAtMs: .min)),
    ]

    static let fullBacktest = BacktestResponse(
        accounts: .max, churners: 1, auc: 0.85, worstDecileChurnRate: 0.5, overallChurnRate: 0.125,
        liftWorstDecile: 4)

    static let fullFactor = FactorContribution(
        factor: "usage_recency", value: 100, weight: 20, contribution: 20, known: true)

    static let fullScore = HealthScoreRecord(
        customer: .init(value: "acme"), score: 42.125, band: .poor, factors: [fullFactor, FactorContribution()],
        modelVersion: "2026.1", computedAtMs: .max, churnProbability: 0.75)

    static let fullAccount = Account(
        customer: .init(value: "acme-4711"), name: unicode, segment: .enterprise, plan: "pro",
        mrr: Money(minorUnits: .max, currency: "EUR"), signupMs: .min, accountManager: combiningMark,
        referralCode: "REF", stage: .atRenewal, cancelledAtMs: .max, cancellationReason: longText,
        reactivations: .max, lastSeenMs: 1, updatedAtMs: -1)

    static let fullUsage = UsageEvent(
        usageId: "u-1", customer: .init(value: "acme"), feature: "backups.restore", count: .max, occurredAtMs: .min)
}
