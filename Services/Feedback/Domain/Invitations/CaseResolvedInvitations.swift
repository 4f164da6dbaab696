import GRDB
import Models
import Projections
import ServiceKit

/// Closing the loop: a support case resolved in escalation invites its customer to the
/// support-case survey (CSAT first), subject to the same throttles as any invitation.
///
/// Escalation's and health's events arrive on separate subscriptions, so a case can be resolved
/// for an account this service has not heard of yet; such a case waits, and its invitation is
/// offered when health's account arrives.
enum CaseResolvedInvitations {
    static let subscription = SubscriptionDefinition(source: "escalation") { event, db in
        guard event.type == "case.resolved",
            let supportCase = try? CaseChanged(serializedBytes: event.body).supportCase,
            let customerID = supportCase.customer?.value, !customerID.isEmpty
        else { return }
        guard let account = try AccountProjection.fetch(customerID, in: db) else {
            try db.execute(
                sql: """
                    INSERT INTO cases_awaiting_account (case_id, customer_id, resolved_at_ms) VALUES (?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """,
                arguments: [supportCase.caseId, customerID, event.occurredAtMs])
            return
        }
        try invite(account, after: supportCase.caseId, nowMs: event.occurredAtMs, in: db)
    }

    /// Offers the invitations of the cases that waited for `event`'s account (a health event, after
    /// the projection applied it).
    @Sendable static func accountArrived(_ event: Event, in db: Database) throws {
        guard event.type == "account.upserted" || event.type == "account.cancelled",
            let customerID = try? AccountChanged(serializedBytes: event.body).account?.customer?.value,
            let account = try AccountProjection.fetch(customerID, in: db)
        else { return }
        let waiting = try String.fetchAll(
            db, sql: "SELECT case_id FROM cases_awaiting_account WHERE customer_id = ? ORDER BY resolved_at_ms",
            arguments: [account.customerID])
        guard !waiting.isEmpty else { return }
        try db.execute(sql: "DELETE FROM cases_awaiting_account WHERE customer_id = ?", arguments: [account.customerID])
        for caseID in waiting { try invite(account, after: caseID, nowMs: event.occurredAtMs, in: db) }
    }

    private static func invite(_ account: ProjectedAccount, after caseID: String, nowMs: Int64, in db: Database) throws
    {
        guard let survey = try SurveyStore.supportCaseSurvey(in: db) else { return }  // none defined: nobody asked
        try InvitationIssuer.offer(
            survey, to: account, origin: "escalation case \(caseID) resolved", nowMs: nowMs, in: db)
    }
}
