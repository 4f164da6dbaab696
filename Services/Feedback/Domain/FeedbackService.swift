import Projections
public import ServiceKit

/// The feedback service: the voice of the customer: surveys, NPS/CSAT/CES answers and comments, and honest reports.
///
/// It keeps a projection of health's accounts (see `AccountProjection`); its domain methods land
/// with its issue.
public enum FeedbackService {
    public static let definition = ServiceDefinition(
        name: "feedback", migrations: [AccountProjection.migration],
        subscriptions: [AccountProjection.subscription()])
}
