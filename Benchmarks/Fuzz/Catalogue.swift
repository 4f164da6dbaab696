import Models

/// One method of one service: the message its body must decode as, and the one its reply body is.
struct MethodEntry: Sendable {
    let service: String
    /// Without the service, e.g. "RecordPurchase".
    let name: String
    let request: any ProtoMessage.Type
    let reply: any ProtoMessage.Type

    var fullName: String { "\(service).\(name)" }
}

/// Every method of every service with its request and reply types, written out because the router
/// erases them. The driver checks this table against the running services before it fuzzes: each
/// service's list of methods (its NOT_FOUND answer) must match it, and each method must name the
/// same request type when sent a malformed body, so a method added to a service without an entry
/// here stops the run instead of going unfuzzed.
enum Catalogue {
    static let services = ["health", "feedback", "loyalty", "advocacy", "escalation"]

    static func methods(of service: String) -> [MethodEntry] {
        let standard: [(String, any ProtoMessage.Type, any ProtoMessage.Type)] = [
            ("Ping", PingRequest.self, PingResponse.self),
            ("Status", StatusRequest.self, StatusResponse.self),
            ("ReplayEvents", ReplayEventsRequest.self, ReplayEventsResponse.self),
            ("Backup", BackupRequest.self, BackupResponse.self),
            // Fuzzed inputs may pause delivery for up to 10 minutes; `afterwards` resumes it first.
            ("PauseSubscriptions", PauseSubscriptionsRequest.self, PauseSubscriptionsResponse.self),
        ]
        let own = ownMethods[service] ?? []
        return (standard + own).map { MethodEntry(service: service, name: $0.0, request: $0.1, reply: $0.2) }
            .sorted { $0.name < $1.name }
    }

    private static let ownMethods: [String: [(String, any ProtoMessage.Type, any ProtoMessage.Type)]] = [
        "health": [
            ("UpsertAccount", UpsertAccountRequest.self, UpsertAccountResponse.self),
            ("UpsertAccounts", UpsertAccountsRequest.self, UpsertAccountsResponse.self),
            ("GetAccount", GetAccountRequest.self, GetAccountResponse.self),
            ("ListAccounts", ListAccountsRequest.self, ListAccountsResponse.self),
            ("CancelAccount", CancelAccountRequest.self, AccountLifecycleResponse.self),
            ("ReactivateAccount", ReactivateAccountRequest.self, AccountLifecycleResponse.self),
            ("RecordUsage", RecordUsageRequest.self, RecordUsageResponse.self),
            ("GetUsage", GetUsageRequest.self, GetUsageResponse.self),
            ("GetHealthScore", GetHealthScoreRequest.self, GetHealthScoreResponse.self),
            ("RescoreAccounts", RescoreAccountsRequest.self, RescoreAccountsResponse.self),
            ("Backtest", BacktestRequest.self, BacktestResponse.self),
            ("FitChurnModel", FitChurnModelRequest.self, FitChurnModelResponse.self),
            ("CompleteOnboardingStep", CompleteOnboardingStepRequest.self, GetOnboardingResponse.self),
            ("GetOnboarding", GetOnboardingRequest.self, GetOnboardingResponse.self),
            ("OnboardingReport", OnboardingReportRequest.self, OnboardingReportResponse.self),
            ("RecordBusinessReview", RecordBusinessReviewRequest.self, RecordBusinessReviewResponse.self),
            ("ListReviewsDue", ListReviewsDueRequest.self, ListReviewsDueResponse.self),
            ("GetScoringModel", GetScoringModelRequest.self, ScoringModelResponse.self),
            ("SetScoringModel", SetScoringModelRequest.self, ScoringModelResponse.self),
            ("GetValueReport", GetValueReportRequest.self, GetValueReportResponse.self),
            ("GetOnboardingProgram", GetOnboardingProgramRequest.self, OnboardingProgramResponse.self),
            ("SetOnboardingProgram", SetOnboardingProgramRequest.self, OnboardingProgramResponse.self),
            ("GetInactivityThresholds", GetInactivityThresholdsRequest.self, InactivityThresholdsResponse.self),
            ("SetInactivityThresholds", SetInactivityThresholdsRequest.self, InactivityThresholdsResponse.self),
            ("HealthReport", HealthReportRequest.self, HealthReportResponse.self),
        ],
        "feedback": [
            ("DefineSurvey", DefineSurveyRequest.self, DefineSurveyResponse.self),
            ("ListSurveys", ListSurveysRequest.self, ListSurveysResponse.self),
            ("SetInvitationLimits", SetInvitationLimitsRequest.self, InvitationLimitsResponse.self),
            ("GetInvitationLimits", GetInvitationLimitsRequest.self, InvitationLimitsResponse.self),
            ("RequestInvitation", RequestInvitationRequest.self, RequestInvitationResponse.self),
            ("RecordResponse", RecordResponseRequest.self, RecordResponseResponse.self),
            ("ListResponses", ListResponsesRequest.self, ListResponsesResponse.self),
            ("ScoreReport", ScoreReportRequest.self, ScoreReportResponse.self),
            ("TopIssues", TopIssuesRequest.self, TopIssuesResponse.self),
            ("OffboardingReport", OffboardingReportRequest.self, OffboardingReportResponse.self),
        ],
        "loyalty": [
            ("RecordPurchase", RecordPurchaseRequest.self, RecordPurchaseResponse.self),
            ("RecordRefund", RecordRefundRequest.self, RecordRefundResponse.self),
            ("ListTiers", ListTiersRequest.self, ListTiersResponse.self),
            ("SetTierFloor", SetTierFloorRequest.self, SetTierFloorResponse.self),
            ("UpsertReward", UpsertRewardRequest.self, UpsertRewardResponse.self),
            ("ListRewards", ListRewardsRequest.self, ListRewardsResponse.self),
            ("Redeem", RedeemRequest.self, RedeemResponse.self),
            ("CancelRedemption", CancelRedemptionRequest.self, CancelRedemptionResponse.self),
            ("UseVoucher", UseVoucherRequest.self, UseVoucherResponse.self),
            ("AdjustPoints", AdjustPointsRequest.self, AdjustPointsResponse.self),
            ("GetStatement", GetStatementRequest.self, GetStatementResponse.self),
            ("GetProgramReport", GetProgramReportRequest.self, GetProgramReportResponse.self),
        ],
        "advocacy": [
            ("NominateAdvocate", NominateAdvocateRequest.self, AdvocateResponse.self),
            ("InviteAdvocate", InviteAdvocateRequest.self, AdvocateResponse.self),
            ("EnrollAdvocate", EnrollAdvocateRequest.self, AdvocateResponse.self),
            ("GetAdvocate", GetAdvocateRequest.self, AdvocateResponse.self),
            ("ListAdvocates", ListAdvocatesRequest.self, ListAdvocatesResponse.self),
            ("GetAdvocacyIncentives", GetAdvocacyIncentivesRequest.self, GetAdvocacyIncentivesResponse.self),
            ("RecordContribution", RecordContributionRequest.self, ContributionResponse.self),
            ("ReviewContribution", ReviewContributionRequest.self, ContributionResponse.self),
            ("ListContributions", ListContributionsRequest.self, ListContributionsResponse.self),
            ("SpendAdvocacyPoints", SpendAdvocacyPointsRequest.self, SpendAdvocacyPointsResponse.self),
            ("GetAdvocacyProgram", GetAdvocacyProgramRequest.self, AdvocacyProgramResponse.self),
            ("SetAdvocacyProgram", SetAdvocacyProgramRequest.self, AdvocacyProgramResponse.self),
            ("ListReferrals", ListReferralsRequest.self, ListReferralsResponse.self),
            ("ReviewReferral", ReviewReferralRequest.self, ReferralResponse.self),
            ("PickSpotlight", PickSpotlightRequest.self, Spotlight.self),
            ("GetSpotlight", GetSpotlightRequest.self, Spotlight.self),
        ],
        "escalation": [
            ("OpenCase", OpenCaseRequest.self, OpenCaseResponse.self),
            ("GetCase", GetCaseRequest.self, GetCaseResponse.self),
            ("ListCases", ListCasesRequest.self, ListCasesResponse.self),
            ("SetCaseStatus", SetCaseStatusRequest.self, CaseResponse.self),
            ("SetCaseSeverity", SetCaseSeverityRequest.self, CaseResponse.self),
            ("AddCaseNote", AddCaseNoteRequest.self, CaseResponse.self),
            ("AssignCase", AssignCaseRequest.self, CaseResponse.self),
            ("EscalateCase", ChangeLevelRequest.self, CaseResponse.self),
            ("DeescalateCase", ChangeLevelRequest.self, CaseResponse.self),
            ("GetSlaReport", GetSlaReportRequest.self, GetSlaReportResponse.self),
            ("GetSlaPolicies", GetSlaPoliciesRequest.self, GetSlaPoliciesResponse.self),
        ],
    ]
}
