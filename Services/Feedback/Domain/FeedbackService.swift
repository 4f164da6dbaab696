public import ServiceKit

/// The feedback service: the voice of the customer: surveys, NPS/CSAT/CES answers and comments.
///
/// It runs on the shared runtime (Ping, Status, ReplayEvents, its own database and event log); its
/// domain methods land with the feedback issue.
public enum FeedbackService {
    public static let definition = ServiceDefinition(name: "feedback")
}
