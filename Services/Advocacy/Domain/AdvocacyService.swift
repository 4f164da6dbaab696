import Projections
public import ServiceKit

/// The advocacy service: advocates, their contributions and levels, referrals and the customer spotlight.
///
/// It keeps a projection of health's accounts (see `AccountProjection`); its domain methods land
/// with its issue.
public enum AdvocacyService {
    public static let definition = ServiceDefinition(
        name: "advocacy", migrations: [AccountProjection.migration],
        subscriptions: [AccountProjection.subscription()])
}
