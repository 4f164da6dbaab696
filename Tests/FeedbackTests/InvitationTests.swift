import Feedback
import Models
import ServiceKit
import TestKit
import Testing

@Suite("feedback invitations and their throttles")
struct InvitationTests {
    static let day = InProcessService.dayMs

    @Test("a survey is not sent again within its recontact period: 29 days no, 31 days yes")
    func recontactPeriod() async throws {
        let feedback = try await InProcessService.feedback()
        try await feedback.define("onboarding", .csat, .onboarding)
        let first = try await feedback.invite("acme", to: "onboarding")
        #expect(first.send && first.decision == .send && first.invitation?.surveyId == "onboarding")

        feedback.clock.advance(byMs: 29 * Self.day)
        let early = try await feedback.invite("acme", to: "onboarding")
        #expect(!early.send && early.decision == .recontactPeriod && early.invitation == nil)
        #expect(early.nextEligibleAtMs == first.invitation!.invitedAtMs + 30 * Self.day)
        #expect(early.reason.contains("29 days ago"))

        feedback.clock.advance(byMs: 2 * Self.day)
        #expect(try await feedback.invite("acme", to: "onboarding").send)
        let created = try await feedback.events("invitation.created", as: InvitationCreated.self)
        #expect(created.count == 2 && created.allSatisfy { $0.kind == .csat && $0.touchpoint == .onboarding })
    }

    @Test("relationship NPS waits 90 days, and an answer counts as a contact too")
    func relationshipAndAnswers() async throws {
        let feedback = try await InProcessService.feedback()
        try await feedback.answer("r1", score: 8)
        feedback.clock.advance(byMs: 89 * Self.day)
        #expect(try await feedback.invite("acme", to: "nps").decision == .recontactPeriod)
        feedback.clock.advance(byMs: Self.day)
        #expect(try await feedback.invite("acme", to: "nps").send)
    }

    @Test("at most two invitations in 30 days across all surveys, per customer")
    func capAcrossSurveys() async throws {
        let feedback = try await InProcessService.feedback(accounts: [("acme", .key), ("beta", .small)])
        #expect(try await feedback.invite("acme", to: "nps").send)
        feedback.clock.advance(byMs: 10 * Self.day)
        #expect(try await feedback.invite("acme", to: "csat").send)
        let capped = try await feedback.invite("acme", to: "ces")
        #expect(!capped.send && capped.decision == .customerCap)
        #expect(capped.nextEligibleAtMs == feedback.clock.nowMs - 10 * Self.day + 30 * Self.day)
        #expect(try await feedback.invite("beta", to: "ces").send, "the cap is per customer")

        feedback.clock.advance(byMs: 20 * Self.day)
        #expect(try await feedback.invite("acme", to: "ces").send, "the first invitation left the window")
    }

    @Test("a case resolved before health's account reached feedback invites the customer once the account arrives")
    func caseWaitsForItsAccount() async throws {
        let feedback = try await InProcessService.feedback()
        try await feedback.deliver(
            "case.resolved", from: "escalation", customerID: "late",
            body: CaseChanged(supportCase: SupportCase(caseId: "c-9", customer: CustomerId(value: "late"))))
        #expect(try await feedback.events("invitation.created", as: InvitationCreated.self).isEmpty)

        try await feedback.deliverAccount(InProcessService.account("late"))
        try await feedback.deliverAccount(InProcessService.account("late"))  // a second change: nothing waits now
        let created = try await feedback.events("invitation.created", as: InvitationCreated.self)
        #expect(created.map { $0.invitation?.origin } == ["escalation case c-9 resolved"])
        #expect(created.first?.invitation?.customer?.value == "late" && created.first?.kind == .csat)
    }

    @Test("an admin can change the cap; readers see it; a cap out of range is refused and nothing changes")
    func limitsSetting() async throws {
        let feedback = try await InProcessService.feedback()
        let standard: InvitationLimitsResponse = try await feedback.call(
            "GetInvitationLimits", GetInvitationLimitsRequest(), token: InProcessService.reader)
        #expect(standard.limits == InvitationLimits(customerCap: 2, capWindowDays: 30))

        let denied = await #expect(throws: RPCError.self) {
            let _: InvitationLimitsResponse = try await feedback.call(
                "SetInvitationLimits",
                SetInvitationLimitsRequest(limits: InvitationLimits(customerCap: 1, capWindowDays: 7)),
                token: InProcessService.writer)
        }
        #expect(denied?.code == .permissionDenied)
        let outOfRange = await #expect(throws: RPCError.self) {
            let _: InvitationLimitsResponse = try await feedback.call(
                "SetInvitationLimits",
                SetInvitationLimitsRequest(limits: InvitationLimits(customerCap: 0, capWindowDays: 7)))
        }
        #expect(outOfRange?.field == "limits.customer_cap")
        let unchanged: InvitationLimitsResponse = try await feedback.call(
            "GetInvitationLimits", GetInvitationLimitsRequest())
        #expect(unchanged.limits == standard.limits)

        let set: InvitationLimitsResponse = try await feedback.call(
            "SetInvitationLimits",
            SetInvitationLimitsRequest(limits: InvitationLimits(customerCap: 1, capWindowDays: 7)))
        #expect(set.limits?.updatedAtMs == feedback.clock.nowMs)
        #expect(try await feedback.invite("acme", to: "nps").send)
        #expect(try await feedback.invite("acme", to: "csat").decision == .customerCap)
        feedback.clock.advance(byMs: 7 * Self.day)
        #expect(try await feedback.invite("acme", to: "csat").send)
    }

    @Test("a cancelled account gets only the offboarding survey")
    func cancelledAccounts() async throws {
        let feedback = try await InProcessService.feedback()
        var gone = InProcessService.account("acme", segment: .key)
        gone.stage = .cancelled
        gone.cancelledAtMs = feedback.clock.nowMs
        try await feedback.deliverAccount(gone, change: "cancelled")
        let refused = try await feedback.invite("acme", to: "nps")
        #expect(!refused.send && refused.decision == .accountCancelled && refused.nextEligibleAtMs == 0)
        #expect(try await feedback.invite("acme", to: "exit").send)
    }

    @Test("an unknown survey or customer is refused by field name, and nothing is recorded")
    func refusals() async throws {
        let feedback = try await InProcessService.feedback()
        let survey = await #expect(throws: RPCError.self) { try await feedback.invite("acme", to: "nope") }
        #expect(survey?.code == .invalidArgument && survey?.field == "survey_id")
        let customer = await #expect(throws: RPCError.self) { try await feedback.invite("nobody", to: "nps") }
        #expect(customer?.code == .invalidArgument && customer?.field == "customer")
        #expect(try await feedback.events().isEmpty)
    }

    @Test("a resolved escalation case invites its customer to the support CSAT survey, within the throttles")
    func closingTheLoop() async throws {
        let feedback = try await InProcessService.feedback()
        func resolve(_ caseID: String, customer: String = "acme") async throws {
            try await feedback.deliver(
                "case.resolved", from: "escalation", customerID: customer,
                body: CaseChanged(
                    supportCase: SupportCase(
                        caseId: caseID, customer: CustomerId(value: customer), status: .resolved,
                        resolvedAtMs: feedback.clock.nowMs)))
        }
        try await resolve("c-1")
        try await feedback.deliver(
            "case.opened", from: "escalation", customerID: "acme",
            body: CaseChanged(supportCase: SupportCase(caseId: "c-2", customer: CustomerId(value: "acme"))))
        feedback.clock.advance(byMs: 5 * Self.day)
        try await resolve("c-4")  // within the CSAT survey's 30 days: throttled

        let created = try await feedback.events("invitation.created", as: InvitationCreated.self)
        #expect(created.count == 1)
        #expect(created.first?.invitation?.surveyId == "csat" && created.first?.invitation?.customer?.value == "acme")
        #expect(created.first?.invitation?.origin == "escalation case c-1 resolved")

        let listed: ListSurveysResponse = try await feedback.call("ListSurveys", ListSurveysRequest())
        let csat = try #require(listed.surveys.first { $0.survey?.surveyId == "csat" })
        #expect(csat.invitations == 1 && csat.responses == 0 && csat.responseRate == 0)
        try await feedback.answer("a1", survey: "csat", score: 5)
        try await feedback.answer("a2", survey: "csat", score: 4)  // a second answer to one invitation
        try await feedback.answer("a3", survey: "ces", score: 6)  // in-app, never invited
        let after: ListSurveysResponse = try await feedback.call("ListSurveys", ListSurveysRequest())
        let csatAfter = try #require(after.surveys.first { $0.survey?.surveyId == "csat" })
        #expect(csatAfter.responses == 2 && csatAfter.answeredInvitations == 1 && csatAfter.responseRate == 1)
        let ces = try #require(after.surveys.first { $0.survey?.surveyId == "ces" })
        #expect(ces.responses == 1 && ces.invitations == 0 && ces.responseRate == 0, "no invitation: no rate")

        let beforeInvitation = try await feedback.call(
            "RecordResponse",
            RecordResponseRequest(
                responseId: "early", surveyId: "nps", customer: CustomerId(value: "acme"), score: 9,
                answeredAtMs: feedback.clock.nowMs - Self.day),
            returning: RecordResponseResponse.self)
        #expect(beforeInvitation.recorded)
        feedback.clock.advance(byMs: 100 * Self.day)
        #expect(try await feedback.invite("acme", to: "nps").send)
        let npsSummary: ListSurveysResponse = try await feedback.call("ListSurveys", ListSurveysRequest())
        let nps = try #require(npsSummary.surveys.first { $0.survey?.surveyId == "nps" })
        #expect(
            nps.invitations == 1 && nps.answeredInvitations == 0, "an answer before the invitation does not answer it")
    }
}
