import GRDB
import Models
import Projections

/// The throttles that keep a customer from being surveyed to death: each survey's recontact
/// period, a cap on invitations per customer across all surveys (``InvitationLimits``), and no
/// survey but the exit survey for a cancelled account.
enum InvitationPolicy {
    /// Whether to invite, and why.
    struct Verdict: Equatable {
        var decision: InvitationDecision
        var reason: String
        /// When the throttle that said no lets go; 0 when it never does.
        var nextEligibleAtMs: Int64 = 0
    }

    /// Decides whether `account` may be invited to `survey` at `nowMs`, from the invitations and
    /// answers recorded so far and the limits in force.
    static func decide(survey: Survey, account: ProjectedAccount, nowMs: Int64, in db: Database) throws -> Verdict {
        if account.isCancelled && survey.touchpoint != .offboarding {
            return Verdict(
                decision: .accountCancelled,
                reason: "\(account.customerID) is cancelled; only the offboarding survey may be sent")
        }
        let recontactMs = Int64(survey.recontactDays) * dayMs
        let lastInvited = try Int64.fetchOne(
            db, sql: "SELECT MAX(invited_at_ms) FROM invitations WHERE customer_id = ? AND survey_id = ?",
            arguments: [account.customerID, survey.surveyId])
        let lastAnswered = try ResponseStore.lastAnsweredMs(
            customer: account.customerID, survey: survey.surveyId, in: db)
        if let lastContact = [lastInvited, lastAnswered].compactMap({ $0 }).max(), nowMs - lastContact < recontactMs {
            return Verdict(
                decision: .recontactPeriod,
                reason:
                    "\(account.customerID) was last asked \(survey.surveyId) \((nowMs - lastContact) / dayMs) days ago; "
                    + "its recontact period is \(survey.recontactDays) days",
                nextEligibleAtMs: lastContact + recontactMs)
        }
        let limits = try InvitationLimitsStore.current(in: db)
        let cap = Int(limits.customerCap)
        let windowMs = Int64(limits.capWindowDays) * dayMs
        let recent = try Int64.fetchAll(
            db,
            sql: """
                SELECT invited_at_ms FROM invitations WHERE customer_id = ? AND invited_at_ms > ?
                ORDER BY invited_at_ms DESC
                """,
            arguments: [account.customerID, nowMs - windowMs])
        if recent.count >= cap {
            return Verdict(
                decision: .customerCap,
                reason:
                    "\(account.customerID) already has \(recent.count) invitations in the last "
                    + "\(limits.capWindowDays) days (at most \(cap) across all surveys)",
                nextEligibleAtMs: recent[cap - 1] + windowMs)
        }
        return Verdict(decision: .send, reason: "no throttle holds it back")
    }
}
