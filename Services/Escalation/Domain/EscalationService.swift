public import ServiceKit
import Projections

/// The escalation service: support cases, the escalation ladder, and SLAs that follow account health.
///
/// It keeps a projection of health's accounts (see `AccountProjection`) and reacts to health's band
/// changes and inactivity alerts, feedback's detractors, and the priority support loyalty tiers and
/// advocacy levels grant.
public enum EscalationService {
    public static let definition = definition(policy: .standard)

    /// The service with another SLA matrix, calendars or follow-up window (tests, other businesses).
    public static func definition(policy: EscalationPolicy) -> ServiceDefinition {
        ServiceDefinition(
            name: "escalation", migrations: [AccountProjection.migration] + EscalationSchema.migrations,
            subscriptions: [
                AccountProjection.subscription(then: AutomaticCases.healthEvents(policy: policy)),
                AutomaticCases.feedbackSubscription(policy: policy),
            ] + SupportEntitlements.subscriptions(policy: policy),
            jobs: [SlaWatch(policy: policy).job],
            registerMethods: { router in
                CaseMethods.register(on: router, policy: policy)
                CaseLifecycleMethods.register(on: router, policy: policy)
                SlaReportMethods.register(on: router, policy: policy)
                SlaPolicyMethods.register(on: router, policy: policy)
            })
    }
}
