public import ServiceKit

/// The health service: accounts, usage, onboarding and the health score.
///
/// It runs on the shared runtime (Ping, Status, ReplayEvents, its own database and event log); its
/// domain methods land with the health issue.
public enum HealthService {
    public static let definition = ServiceDefinition(name: "health")
}
