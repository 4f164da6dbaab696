import Advocacy
import Models
import ServiceKit
import TestKit
import Testing

@Suite("advocacy enrollment")
struct AdvocateMethodsTests {
    @Test("nominate, invite and enroll move a customer through the statuses; repeats change nothing")
    func nominateInviteEnroll() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.seedAccount("acme")
        let customer = CustomerId(value: "acme")
        let nominated: AdvocateResponse = try await svc.call(
            "NominateAdvocate", NominateAdvocateRequest(customer: customer, reason: "spoke at our meetup"))
        #expect(nominated.changed && nominated.advocate!.status == .candidate)
        #expect(nominated.advocate!.origin == "nominated" && nominated.advocate!.levelRank == -1)
        let again: AdvocateResponse = try await svc.call(
            "NominateAdvocate", NominateAdvocateRequest(customer: customer, reason: "twice"))
        #expect(!again.changed && again.advocate!.reason == "spoke at our meetup")
        let invited: AdvocateResponse = try await svc.call("InviteAdvocate", InviteAdvocateRequest(customer: customer))
        #expect(invited.changed && invited.advocate!.status == .invited && invited.advocate!.invitedAtMs == Time.start)
        let enrolled: AdvocateResponse = try await svc.call(
            "EnrollAdvocate", EnrollAdvocateRequest(customer: customer, referralCode: "ACME-2026"))
        #expect(enrolled.changed && enrolled.advocate!.status == .active)
        #expect(enrolled.advocate!.referralCode == "ACME-2026" && enrolled.advocate!.enrolledAtMs == Time.start)
        let reEnrolled: AdvocateResponse = try await svc.call(
            "EnrollAdvocate", EnrollAdvocateRequest(customer: customer, referralCode: "OTHER"))
        #expect(!reEnrolled.changed && reEnrolled.advocate!.referralCode == "ACME-2026")
        #expect(try await svc.events().map(\.type) == ["candidate.added"])
    }

    @Test("an enrolled advocate without a requested code gets a unique one made from the customer id")
    func madeCodesAreUnique() async throws {
        let svc = try InProcessService.advocacy()
        let first = try await svc.enroll("acme")
        #expect(first.referralCode.hasPrefix("ACME-"))
        let second = try await svc.enroll("a.c.m.e")
        #expect(second.referralCode.hasPrefix("ACME-") && second.referralCode != first.referralCode)
    }

    @Test("a code another advocate holds is ALREADY_EXISTS and nothing is enrolled")
    func takenCodeIsRefused() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme", code: "SAIL-AWAY")
        try await svc.seedAccount("globex")
        let error = await svc.failure(
            "EnrollAdvocate", EnrollAdvocateRequest(customer: CustomerId(value: "globex"), referralCode: "SAIL-AWAY"))
        #expect(error?.code == .alreadyExists && error?.field == "referral_code")
        #expect(
            await svc.failure("GetAdvocate", GetAdvocateRequest(customer: CustomerId(value: "globex")))?.code
                == .notFound)
    }

    @Test("unknown, cancelled or malformed customers and codes are refused naming the field")
    func badEnrollments() async throws {
        let svc = try InProcessService.advocacy()
        var unknown = await svc.failure(
            "EnrollAdvocate", EnrollAdvocateRequest(customer: CustomerId(value: "nobody")))
        #expect(unknown?.code == .invalidArgument && unknown?.field == "customer")
        unknown = await svc.failure("InviteAdvocate", InviteAdvocateRequest(customer: CustomerId(value: "nobody")))
        #expect(unknown?.code == .invalidArgument && unknown?.field == "customer")
        try await svc.seedAccount("acme")
        let badCode = await svc.failure(
            "EnrollAdvocate", EnrollAdvocateRequest(customer: CustomerId(value: "acme"), referralCode: "no spaces"))
        #expect(badCode?.code == .invalidArgument && badCode?.field == "referral_code")
        let noReason = await svc.failure(
            "NominateAdvocate", NominateAdvocateRequest(customer: CustomerId(value: "acme")))
        #expect(noReason?.code == .invalidArgument && noReason?.field == "reason")
        var cancelled = InProcessService.account("gone")
        cancelled.stage = .cancelled
        try await svc.deliverAccount(cancelled, change: "cancelled")
        let gone = await svc.failure("EnrollAdvocate", EnrollAdvocateRequest(customer: CustomerId(value: "gone")))
        #expect(gone?.code == .failedPrecondition)
        let list: ListAdvocatesResponse = try await svc.call("ListAdvocates", ListAdvocatesRequest())
        #expect(list.advocates.isEmpty && list.page?.totalCount == 0)
        #expect(try await svc.events().isEmpty)
    }

    @Test("list filters by status and pages in customer order")
    func listPages() async throws {
        let svc = try InProcessService.advocacy()
        for id in ["a", "b", "c"] { try await svc.enroll(id) }
        try await svc.seedAccount("d")
        let _: AdvocateResponse = try await svc.call(
            "NominateAdvocate", NominateAdvocateRequest(customer: CustomerId(value: "d"), reason: "great reviews"))
        let first: ListAdvocatesResponse = try await svc.call(
            "ListAdvocates", ListAdvocatesRequest(status: .active, page: PageRequest(pageSize: 2)))
        #expect(first.advocates.map { $0.customer!.value } == ["a", "b"] && first.page?.totalCount == 3)
        let second: ListAdvocatesResponse = try await svc.call(
            "ListAdvocates",
            ListAdvocatesRequest(status: .active, page: PageRequest(pageSize: 2, pageToken: first.page!.nextPageToken)))
        #expect(second.advocates.map { $0.customer!.value } == ["c"] && second.page?.nextPageToken == "")
        let candidates: ListAdvocatesResponse = try await svc.call(
            "ListAdvocates", ListAdvocatesRequest(status: .candidate))
        #expect(candidates.advocates.map { $0.customer!.value } == ["d"])
    }
}
