import Projections
public import ServiceKit

/// The feedback service: the voice of the customer. Surveys (NPS, CSAT, CES) at each touchpoint,
/// throttled invitations, answers with comments, and honest reports: scores with their margin of
/// error, "too few" where there are too few answers, who is not being heard, what detractors say.
///
/// It keeps a projection of health's accounts (segment, stage) and records when accounts come
/// back; it follows escalation's resolved cases to ask for a CSAT answer.
public enum FeedbackService {
    public static let definition = ServiceDefinition(
        name: "feedback", migrations: [AccountProjection.migration] + FeedbackSchema.migrations,
        subscriptions: [
            AccountProjection.subscription(then: { event, db in
                try LifecycleLog.record(event, in: db)
                try CaseResolvedInvitations.accountArrived(event, in: db)
            }),
            CaseResolvedInvitations.subscription,
        ],
        registerMethods: { router in
            SurveyMethods.register(on: router)
            InvitationMethods.register(on: router)
            ResponseMethods.register(on: router)
            ResponseListMethods.register(on: router)
            ReportMethods.register(on: router)
            TopIssuesMethods.register(on: router)
            OffboardingMethods.register(on: router)
        })
}
