import Models
import Projections
import ServiceKit

/// feedback.RequestInvitation: may this customer be asked this survey now? Yes records the
/// invitation, so the answer counts for the next question.
enum InvitationMethods {
    static func register(on router: Router, issuer: InvitationIssuer) {
        router.write(
            "RequestInvitation",
            validate: { (request: RequestInvitationRequest, _) in
                _ = try Check.customer(request.customer, field: "customer")
                try Check.text(request.surveyId, field: "survey_id", min: 1, max: 64)
            }
        ) { request, write in
            let survey = try SurveyStore.require(request.surveyId, field: "survey_id", in: write.db)
            let account = try AccountProjection.require(request.customer!.value, field: "customer", in: write.db)
            let (verdict, invitation) = try issuer.offer(
                survey, to: account, origin: "api", nowMs: write.nowMs, in: write.db)
            return RequestInvitationResponse(
                send: invitation != nil, decision: verdict.decision, reason: verdict.reason, invitation: invitation,
                nextEligibleAtMs: verdict.nextEligibleAtMs)
        }
    }
}
