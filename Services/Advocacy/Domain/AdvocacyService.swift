public import ServiceKit

/// The advocacy service: advocates, their contributions, levels, referrals and spotlight.
///
/// It runs on the shared runtime (Ping, Status, ReplayEvents, its own database and event log); its
/// domain methods land with the advocacy issue.
public enum AdvocacyService {
    public static let definition = ServiceDefinition(name: "advocacy")
}
