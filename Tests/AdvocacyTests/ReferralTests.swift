import Advocacy
import Models
import ServiceKit
import TestKit
import Testing

@Suite("advocacy referrals and their fraud checks")
struct ReferralTests {
    /// Health publishes a new account that signed up `daysAgo` days ago with `code`.
    func signUp(_ svc: InProcessService, _ id: String, code: String, daysAgo: Int64 = 0) async throws {
        try await svc.deliverAccount(
            InProcessService.account(id, signupMs: svc.clock.nowMs - daysAgo * Time.day, referralCode: code))
    }

    func referrals(_ svc: InProcessService, state: ReferralState = .unspecified) async throws -> [Referral] {
        let reply: ListReferralsResponse = try await svc.call("ListReferrals", ListReferralsRequest(state: state))
        return reply.referrals
    }

    @Test("a new account with an advocate's code converts the referral once: event, points and level")
    func conversion() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme", code: "SAIL")
        svc.clock.advance(byMs: Time.day)
        try await signUp(svc, "newco", code: " sail")  // as the customer typed it
        try await signUp(svc, "newco", code: "SAIL")  // health republishes the account on every change
        let converted = try await svc.events("referral.converted", as: ReferralConverted.self)
        #expect(converted.count == 1)
        #expect(converted.first?.advocate?.value == "acme" && converted.first?.referred?.value == "newco")
        #expect(converted.first?.referralCode == "SAIL" && converted.first?.convertedAtMs == svc.clock.nowMs)
        let acme = try await svc.advocate("acme")
        #expect(acme.lifetimePoints == 500 && acme.level == "advocate")
        let contributions: ListContributionsResponse = try await svc.call(
            "ListContributions", ListContributionsRequest(advocate: CustomerId(value: "acme")))
        #expect(contributions.contributions.map(\.channel) == [.referral])
        #expect(try await referrals(svc).map(\.state) == [.converted])
    }

    @Test("a code no advocate holds is not advocacy's and changes nothing")
    func foreignCode() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme", code: "SAIL")
        try await signUp(svc, "newco", code: "LOYALTY-42")
        #expect(try await referrals(svc).isEmpty)
        #expect(try await svc.events().map(\.type) == [])
    }

    @Test("a self-referral is refused with its reason")
    func selfReferral() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme", code: "SAIL")
        try await signUp(svc, "acme", code: "SAIL")
        let refused = try await svc.events("referral.refused", as: ReferralFlagged.self)
        #expect(refused.first?.referral?.reason.hasPrefix("self-referral") == true)
        #expect(try await referrals(svc, state: .refused).count == 1)
        #expect(try await svc.advocate("acme").lifetimePoints == 0)
    }

    @Test("a customer referred twice is refused the second time, naming the first advocate")
    func referredTwice() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme", code: "SAIL")
        try await svc.enroll("globex", code: "ANCHOR")
        try await signUp(svc, "newco", code: "SAIL")
        try await signUp(svc, "newco", code: "ANCHOR")
        let refused = try await svc.events("referral.refused", as: ReferralFlagged.self)
        #expect(refused.count == 1 && refused[0].referral!.advocate?.value == "globex")
        #expect(refused[0].referral!.reason.contains("referred twice") && refused[0].referral!.reason.contains("acme"))
        #expect(try await svc.advocate("globex").lifetimePoints == 0)
        #expect(try await svc.events("referral.converted", as: ReferralConverted.self).count == 1)
    }

    @Test("an existing customer is held: signed up before the code was issued, or long before the referral")
    func existingCustomersAreHeld() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme", code: "SAIL")
        try await signUp(svc, "older", code: "SAIL", daysAgo: 1)  // before acme's enrollment
        svc.clock.advance(byMs: 60 * Time.day)
        try await signUp(svc, "stale", code: "SAIL", daysAgo: 31)  // after enrollment, but 31 days ago
        try await svc.seedAccount("known")
        let _: AdvocateResponse = try await svc.call(
            "NominateAdvocate", NominateAdvocateRequest(customer: CustomerId(value: "known"), reason: "x"))
        try await signUp(svc, "known", code: "SAIL")
        let held = try await svc.events("referral.held", as: ReferralFlagged.self).map(\.referral!)
        #expect(held.map { $0.referred!.value } == ["older", "stale", "known"])
        #expect(held[0].reason == "existing customer: signed up before the code was issued")
        #expect(held[1].reason.contains("more than 30 days") && held[2].reason.contains("advocacy program"))
        #expect(held.allSatisfy { $0.state == .held && $0.decidedAtMs == 0 })
        #expect(try await svc.events("referral.converted", as: ReferralConverted.self).isEmpty)
    }

    @Test("more than the monthly limit of referrals by one advocate are held; a new month starts afresh")
    func monthlyLimit() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme", code: "SAIL")
        svc.clock.advance(byMs: 2 * Time.day)
        for index in 1...6 { try await signUp(svc, "new-\(index)", code: "SAIL") }
        #expect(try await svc.events("referral.converted", as: ReferralConverted.self).count == 5)
        let held = try await svc.events("referral.held", as: ReferralFlagged.self).map(\.referral!)
        #expect(held.map { $0.referred!.value } == ["new-6"])
        #expect(held[0].reason == "more than 5 referrals by \"acme\" this month")
        svc.clock.advance(byMs: 31 * Time.day)  // February
        try await signUp(svc, "new-7", code: "SAIL")
        #expect(try await svc.events("referral.converted", as: ReferralConverted.self).count == 6)
    }

    @Test("a held referral is approved once: one conversion, one award; a second decision changes nothing")
    func heldApprovedOnce() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme", code: "SAIL")
        try await signUp(svc, "older", code: "SAIL", daysAgo: 1)
        try await signUp(svc, "oldest", code: "SAIL", daysAgo: 2)
        let approve = ReviewReferralRequest(
            referred: CustomerId(value: "older"), referralCode: "SAIL", approve: true, reason: "checked the contract")
        let approved: ReferralResponse = try await svc.call("ReviewReferral", approve)
        #expect(approved.changed && approved.referral!.state == .converted)
        #expect(approved.referral!.reason.hasPrefix("approved after hold"))
        let again: ReferralResponse = try await svc.call("ReviewReferral", approve)
        #expect(!again.changed)
        var reject = approve
        reject.approve = false
        let reversal = await svc.failure("ReviewReferral", reject)
        #expect(reversal?.code == .failedPrecondition)
        #expect(try await svc.events("referral.converted", as: ReferralConverted.self).count == 1)
        #expect(try await svc.advocate("acme").lifetimePoints == 500)
        reject.referred = CustomerId(value: "oldest")
        let rejected: ReferralResponse = try await svc.call("ReviewReferral", reject)
        #expect(rejected.changed && rejected.referral!.state == .refused)
        #expect(try await svc.advocate("acme").lifetimePoints == 500)
        reject.referred = CustomerId(value: "nobody")
        #expect(await svc.failure("ReviewReferral", reject)?.code == .notFound)
    }
}
