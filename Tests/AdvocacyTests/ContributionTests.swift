import Advocacy
import Models
import ServiceKit
import TestKit
import Testing

@Suite("advocacy contributions")
struct ContributionTests {
    static func contribution(
        _ id: String, advocate: String = "acme", channel: ContributionChannel = .review, description: String = "g2"
    ) -> RecordContributionRequest {
        RecordContributionRequest(
            contribution: Contribution(
                contributionId: id, advocate: CustomerId(value: advocate), channel: channel, description: description))
    }

    @Test("a contribution is pending until approved; approval earns the channel's points, lifetime and current")
    func pendingThenApproved() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        let recorded: ContributionResponse = try await svc.call("RecordContribution", Self.contribution("c-1"))
        #expect(recorded.contribution!.state == .pending && recorded.contribution!.points == 100)
        #expect(try await svc.advocate("acme").lifetimePoints == 0)
        let approved: ContributionResponse = try await svc.call(
            "ReviewContribution", ReviewContributionRequest(contributionId: "c-1", approve: true))
        #expect(approved.contribution!.state == .approved && !approved.duplicate)
        #expect(approved.advocate!.lifetimePoints == 100 && approved.advocate!.currentPoints == 100)
        #expect(approved.advocate!.pointsLast12Months == 100)
        let twice: ContributionResponse = try await svc.call(
            "ReviewContribution", ReviewContributionRequest(contributionId: "c-1", approve: true))
        #expect(twice.duplicate && twice.advocate!.lifetimePoints == 100)
        let reversal = await svc.failure(
            "ReviewContribution", ReviewContributionRequest(contributionId: "c-1", approve: false, rejectionReason: "x")
        )
        #expect(reversal?.code == .failedPrecondition)
    }

    @Test("a rejected contribution earns nothing and keeps its reason")
    func rejected() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        let _: ContributionResponse = try await svc.call("RecordContribution", Self.contribution("c-1"))
        let noReason = await svc.failure(
            "ReviewContribution", ReviewContributionRequest(contributionId: "c-1", approve: false))
        #expect(noReason?.field == "rejection_reason")
        let rejected: ContributionResponse = try await svc.call(
            "ReviewContribution",
            ReviewContributionRequest(contributionId: "c-1", approve: false, rejectionReason: "not public"))
        #expect(rejected.contribution!.state == .rejected && rejected.contribution!.rejectionReason == "not public")
        #expect(rejected.advocate!.lifetimePoints == 0)
    }

    @Test("spending lowers current points, never lifetime points; a repeated spend id spends once")
    func spendingKeepsStanding() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        try await svc.contribute("acme", .caseStudy, contributionID: "cs-1")
        let spend = SpendAdvocacyPointsRequest(
            spendId: "s-1", advocate: CustomerId(value: "acme"), points: 150, reason: "conference ticket")
        let spent: SpendAdvocacyPointsResponse = try await svc.call("SpendAdvocacyPoints", spend)
        #expect(spent.advocate!.currentPoints == 250 && spent.advocate!.lifetimePoints == 400)
        let repeated: SpendAdvocacyPointsResponse = try await svc.call("SpendAdvocacyPoints", spend)
        #expect(repeated.advocate!.currentPoints == 250)
        #expect(try await svc.advocate("acme").currentPoints == 250)
        let tooMuch = await svc.failure(
            "SpendAdvocacyPoints",
            SpendAdvocacyPointsRequest(spendId: "s-2", advocate: CustomerId(value: "acme"), points: 251, reason: "x"))
        #expect(tooMuch?.code == .failedPrecondition)
        #expect(try await svc.advocate("acme").level == "advocate")
    }

    @Test("a spend id used before under another idempotency key spends once; another spend under it is ALREADY_EXISTS")
    func spendIDUnderAnotherKey() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        try await svc.contribute("acme", .caseStudy, contributionID: "cs-1")
        let spend = SpendAdvocacyPointsRequest(
            spendId: "s-1", advocate: CustomerId(value: "acme"), points: 150, reason: "conference ticket")
        let _: SpendAdvocacyPointsResponse = try await svc.call("SpendAdvocacyPoints", spend, idempotencyKey: "k-1")
        let again: SpendAdvocacyPointsResponse = try await svc.call(
            "SpendAdvocacyPoints", spend, idempotencyKey: "k-2")
        #expect(again.advocate!.currentPoints == 250, "spent twice: \(again)")
        var other = spend
        other.points = 10
        let clash = await svc.failure("SpendAdvocacyPoints", other)
        #expect(clash?.code == .alreadyExists, "\(String(describing: clash))")
        #expect(try await svc.advocate("acme").currentPoints == 250)
    }

    @Test("the same contribution again is a duplicate; another one under a used id is ALREADY_EXISTS")
    func duplicateIDs() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        try await svc.enroll("globex")
        let first: ContributionResponse = try await svc.call("RecordContribution", Self.contribution("c-1"))
        let repeated: ContributionResponse = try await svc.call("RecordContribution", Self.contribution("c-1"))
        #expect(repeated.duplicate && repeated.contribution == first.contribution)
        let other = await svc.failure("RecordContribution", Self.contribution("c-1", advocate: "globex"))
        #expect(other?.code == .alreadyExists && other?.field == "contribution.contribution_id")
        let list: ListContributionsResponse = try await svc.call("ListContributions", ListContributionsRequest())
        #expect(list.contributions.count == 1 && list.contributions[0].advocate?.value == "acme")
    }

    @Test("unknown advocate, unknown channel and other bad fields are refused naming the field; nothing is stored")
    func badContributions() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        try await svc.seedAccount("candidate")
        let _: AdvocateResponse = try await svc.call(
            "NominateAdvocate", NominateAdvocateRequest(customer: CustomerId(value: "candidate"), reason: "x"))
        var future = Self.contribution("c-4")
        future.contribution!.occurredAtMs = Time.start + Time.day
        let cases: [(RecordContributionRequest, String)] = [
            (Self.contribution("c-1", advocate: "nobody"), "contribution.advocate"),
            (Self.contribution("c-2", channel: .unrecognized(42)), "contribution.channel"),
            (Self.contribution("c-3", channel: .referral), "contribution.channel"),
            (Self.contribution("c-3", channel: .unspecified), "contribution.channel"),
            (future, "contribution.occurred_at_ms"),
            (Self.contribution(""), "contribution.contribution_id"),
            (Self.contribution("c-5", description: String(repeating: "x", count: 501)), "contribution.description"),
            (RecordContributionRequest(), "contribution"),
        ]
        for (request, field) in cases {
            let error = await svc.failure("RecordContribution", request)
            #expect(error?.code == .invalidArgument && error?.field == field, "\(field): \(String(describing: error))")
        }
        let notEnrolled = await svc.failure("RecordContribution", Self.contribution("c-6", advocate: "candidate"))
        #expect(notEnrolled?.code == .failedPrecondition)
        let missing = await svc.failure(
            "ReviewContribution", ReviewContributionRequest(contributionId: "c-1", approve: true))
        #expect(missing?.code == .notFound)
        let list: ListContributionsResponse = try await svc.call("ListContributions", ListContributionsRequest())
        #expect(list.contributions.isEmpty)
        #expect(try await svc.advocate("acme").lifetimePoints == 0)
    }
}
