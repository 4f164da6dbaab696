public import ServiceKit

/// The escalation service: cases, the escalation ladder and SLAs that follow account health.
///
/// It runs on the shared runtime (Ping, Status, ReplayEvents, its own database and event log); its
/// domain methods land with the escalation issue.
public enum EscalationService {
    public static let definition = ServiceDefinition(name: "escalation")
}
