public import ServiceKit

/// The loyalty service: membership tiers, the points ledger and rewards.
///
/// It runs on the shared runtime (Ping, Status, ReplayEvents, its own database and event log); its
/// domain methods land with the loyalty issue.
public enum LoyaltyService {
    public static let definition = ServiceDefinition(name: "loyalty")
}
