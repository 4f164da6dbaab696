import Advocacy
import Models
import ServiceKit
import TestKit
import Testing

@Suite("advocacy field checks")
struct FieldCheckTests {
    @Test("every other write names its bad field, and nothing changes")
    func badFields() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme", code: "SAIL")
        let eventsBefore = try await svc.events().count
        let acme = CustomerId(value: "acme")
        let cases: [(String, any ProtoMessage, String)] = [
            ("InviteAdvocate", InviteAdvocateRequest(), "customer"),
            ("EnrollAdvocate", EnrollAdvocateRequest(customer: CustomerId(value: "bad\u{7}id")), "customer"),
            ("EnrollAdvocate", EnrollAdvocateRequest(customer: acme, referralCode: "AB"), "referral_code"),
            ("SpendAdvocacyPoints", SpendAdvocacyPointsRequest(advocate: acme, points: 1, reason: "x"), "spend_id"),
            ("SpendAdvocacyPoints", SpendAdvocacyPointsRequest(spendId: "s", advocate: acme, reason: "x"), "points"),
            ("SpendAdvocacyPoints", SpendAdvocacyPointsRequest(spendId: "s", advocate: acme, points: 1), "reason"),
            (
                "SpendAdvocacyPoints",
                SpendAdvocacyPointsRequest(spendId: "s", advocate: CustomerId(value: "nobody"), points: 1, reason: "x"),
                "advocate"
            ),
            ("ReviewContribution", ReviewContributionRequest(approve: true), "contribution_id"),
            ("ReviewReferral", ReviewReferralRequest(referralCode: "SAIL", approve: true), "referred"),
            ("ReviewReferral", ReviewReferralRequest(referred: acme, approve: true), "referral_code"),
            ("PickSpotlight", PickSpotlightRequest(month: "2025-13"), "month"),
            ("SetAdvocacyProgram", SetAdvocacyProgramRequest(), "program"),
        ]
        for (method, request, field) in cases {
            let error = await svc.failure(method, request)
            #expect(
                error?.code == .invalidArgument && error?.field == field,
                "\(method) \(field): \(String(describing: error))")
        }
        #expect(try await svc.events().count == eventsBefore)
        let after = try await svc.advocate("acme")
        #expect(after.currentPoints == 0 && after.referralCode == "SAIL" && after.status == .active)
    }

    @Test("readers may read but not write")
    func readerRole() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        let read: AdvocateResponse = try await svc.call(
            "GetAdvocate", GetAdvocateRequest(customer: CustomerId(value: "acme")), token: InProcessService.reader)
        #expect(read.advocate?.status == .active)
        let error = await #expect(throws: RPCError.self) {
            let _: AdvocateResponse = try await svc.call(
                "NominateAdvocate", NominateAdvocateRequest(customer: CustomerId(value: "acme"), reason: "x"),
                token: InProcessService.reader)
        }
        #expect(error?.code == .permissionDenied)
    }
}
