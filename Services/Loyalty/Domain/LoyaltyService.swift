import Projections
public import ServiceKit

/// The loyalty service: membership tiers, a points ledger that never loses a point, and rewards.
///
/// It keeps a projection of health's accounts (see `AccountProjection`); its domain methods land
/// with its issue.
public enum LoyaltyService {
    public static let definition = ServiceDefinition(
        name: "loyalty", migrations: [AccountProjection.migration],
        subscriptions: [AccountProjection.subscription()])
}
