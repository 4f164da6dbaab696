import GRDB
import Models
import Projections
import ServiceKit

/// Closing the loop: a support case resolved in escalation invites its customer to the
/// support-case survey (CSAT), subject to the same throttles as any invitation.
enum CaseResolvedInvitations {
    static let subscription = SubscriptionDefinition(source: "escalation") { event, db in
        guard event.type == "case.resolved",
            let supportCase = try? CaseChanged(serializedBytes: event.body).supportCase,
            let customerID = supportCase.customer?.value,
            let survey = try SurveyStore.supportCaseSurvey(in: db),
            let account = try AccountProjection.fetch(customerID, in: db)
        else { return }  // another event, no such survey, or an account health has not published
        try InvitationIssuer.offer(
            survey, to: account, origin: "escalation case \(supportCase.caseId) resolved",
            nowMs: event.occurredAtMs, in: db)
    }
}
