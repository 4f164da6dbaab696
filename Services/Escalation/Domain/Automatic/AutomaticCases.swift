import GRDB
import Models
import Projections
import ServiceKit

/// Cases nobody has to open by hand: a follow-up after a detractor answer (feedback) and a
/// proactive outreach after an inactivity alert (health). Each uses its source's event time as now,
/// and an external id made from the event's own facts, so a replayed event opens nothing twice.
enum AutomaticCases {
    /// The subscription to feedback: a detractor answer opens a follow-up case, at most one per
    /// customer per `policy.detractorFollowUpDays`.
    static func feedbackSubscription(policy: EscalationPolicy) -> SubscriptionDefinition {
        SubscriptionDefinition(source: "feedback") { event, db in
            guard event.type == "response.recorded",
                let response = try? ResponseRecorded(serializedBytes: event.body).response,
                response.npsCategory == .detractor, let customer = response.customer?.value, !customer.isEmpty
            else { return }
            let nowMs = event.occurredAtMs
            let windowStart = nowMs - policy.detractorFollowUpDays * 86_400_000
            let recent = try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM cases WHERE customer_id = ? AND origin = ? AND opened_at_ms > ?)",
                arguments: [customer, CaseOrigin.detractorFollowUp.rawValue, windowStart])
            guard recent != true else { return }
            let comment = response.comment.isEmpty ? "" : "\nComment: \(response.comment)"
            _ = try CaseDesk(db: db, nowMs: nowMs, policy: policy).open(
                .init(
                    externalID: "detractor:\(response.responseId)", customerID: customer, severity: .s3,
                    origin: .detractorFollowUp, title: "Follow up on NPS \(response.score) (detractor)",
                    assignee: try accountManager(customer, in: db),
                    description: "Survey \(response.surveyId) answered with \(response.score).\(comment)"))
        }
    }

    /// Health's events this service reacts to beyond the projection: a band change re-targets the
    /// account's active cases; an inactivity alert opens a proactive outreach case.
    static func healthEvents(policy: EscalationPolicy) -> @Sendable (Event, Database) throws -> Void {
        { event, db in
            let desk = CaseDesk(db: db, nowMs: event.occurredAtMs, policy: policy)
            switch event.type {
            case "score.changed":
                // The projection holds the new band already; cases whose band differs are re-targeted.
                guard let change = try? ScoreChanged(serializedBytes: event.body),
                    let customer = change.score?.customer?.value
                else { return }
                try desk.retarget(customerID: customer)
            case "inactivity.alert":
                guard let alert = try? InactivityAlert(serializedBytes: event.body),
                    let customer = alert.customer?.value, !customer.isEmpty
                else { return }
                _ = try desk.open(
                    .init(
                        externalID: "inactivity:\(customer):\(alert.silentSinceMs)", customerID: customer,
                        severity: .s3, origin: .inactivityOutreach,
                        title: "Proactive outreach: no use for \(alert.daysSilent) days",
                        assignee: try accountManager(customer, in: db),
                        description:
                            "Silent for \(alert.daysSilent) days (threshold \(alert.thresholdDays)); reach out before it cancels."
                    ))
            default:
                return
            }
        }
    }

    private static func accountManager(_ customerID: String, in db: Database) throws -> String {
        try AccountProjection.fetch(customerID, in: db)?.accountManager ?? ""
    }
}
