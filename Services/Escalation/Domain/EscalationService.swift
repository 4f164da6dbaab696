import Projections
public import ServiceKit

/// The escalation service: support cases, the escalation ladder, and SLAs that follow account health.
///
/// It keeps a projection of health's accounts (see `AccountProjection`); its domain methods land
/// with its issue.
public enum EscalationService {
    public static let definition = ServiceDefinition(
        name: "escalation", migrations: [AccountProjection.migration],
        subscriptions: [AccountProjection.subscription()])
}
