import Foundation
import GRDB
import Models
import Projections
import ServiceKit

/// Makes invitations: asks the policy, and when it says send, records the invitation with its
/// event "feedback.invitation.created" in the caller's transaction. Both the API and the
/// subscription to escalation go through here, so the throttles hold whoever asks.
enum InvitationIssuer {
    /// - Returns: the verdict, and the invitation when it was made.
    @discardableResult
    static func offer(
        _ survey: Survey, to account: ProjectedAccount, origin: String, nowMs: Int64, in db: Database
    ) throws -> (InvitationPolicy.Verdict, Invitation?) {
        let verdict = try InvitationPolicy.decide(survey: survey, account: account, nowMs: nowMs, in: db)
        guard verdict.decision == .send else { return (verdict, nil) }
        let invitation = Invitation(
            invitationId: UUID().uuidString.lowercased(), surveyId: survey.surveyId,
            customer: CustomerId(value: account.customerID), invitedAtMs: nowMs, origin: origin)
        try db.execute(
            sql: """
                INSERT INTO invitations (invitation_id, survey_id, customer_id, invited_at_ms, origin)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [invitation.invitationId, survey.surveyId, account.customerID, nowMs, origin])
        try EventLog().append(
            "invitation.created", customerID: account.customerID, occurredAtMs: nowMs,
            InvitationCreated(invitation: invitation, kind: survey.kind, touchpoint: survey.touchpoint), in: db)
        return (verdict, invitation)
    }
}
