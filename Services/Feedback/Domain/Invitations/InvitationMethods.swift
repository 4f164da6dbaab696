import Models
import Projections
import ServiceKit

/// feedback.RequestInvitation (may this customer be asked this survey now? yes records the
/// invitation, so it counts for the next question), and the cap's setting.
enum InvitationMethods {
    static func register(on router: Router) {
        router.write(
            "RequestInvitation",
            validate: { (request: RequestInvitationRequest, _) in
                _ = try Check.customer(request.customer, field: "customer")
                try Check.text(request.surveyId, field: "survey_id", min: 1, max: 64)
            }
        ) { request, write in
            let survey = try SurveyStore.require(request.surveyId, field: "survey_id", in: write.db)
            let account = try AccountProjection.require(request.customer!.value, field: "customer", in: write.db)
            let (verdict, invitation) = try InvitationIssuer.offer(
                survey, to: account, origin: "api", nowMs: write.nowMs, in: write.db)
            return RequestInvitationResponse(
                send: invitation != nil, decision: verdict.decision, reason: verdict.reason, invitation: invitation,
                nextEligibleAtMs: verdict.nextEligibleAtMs)
        }

        router.write(
            "SetInvitationLimits", role: .admin,
            validate: { (request: SetInvitationLimitsRequest, _) in try InvitationLimitsStore.validate(request.limits) }
        ) { request, write in
            var limits = request.limits!
            limits.updatedAtMs = write.nowMs
            try InvitationLimitsStore.save(limits, in: write.db)
            return InvitationLimitsResponse(limits: limits)
        }

        router.read("GetInvitationLimits", role: .reader) { (_: GetInvitationLimitsRequest, _) in
            InvitationLimitsResponse(
                limits: try await router.database.read { try InvitationLimitsStore.current(in: $0) })
        }
    }
}
