import Health
import Models
import ServiceKit
import TestKit
import Testing

/// The other services' events reach the score: each is stored once (replays change nothing) and
/// the account is rescored with the fact as a known factor.
@Suite("health signals from the other services")
struct SignalTests {
    private func service(with id: String) async throws -> InProcessService {
        let health = try InProcessService(HealthService.definition)
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account(id)))
        return health
    }

    private func factor(_ name: String, of id: String, in health: InProcessService) async throws
        -> Models.FactorContribution
    {
        let _: RescoreAccountsResponse = try await health.call(
            "RescoreAccounts", RescoreAccountsRequest(customers: [.init(value: id)]))
        let score: GetHealthScoreResponse = try await health.call(
            "GetHealthScore", GetHealthScoreRequest(customer: .init(value: id)))
        return try #require(score.current?.factors.first { $0.factor == name })
    }

    private func nps(_ id: String, _ responseID: String, score: Int32, atMs: Int64, kind: SurveyKind = .nps)
        -> ResponseRecorded
    {
        ResponseRecorded(
            response: SurveyResponse(
                responseId: responseID, surveyId: "rel", kind: kind, customer: .init(value: id), score: score,
                answeredAtMs: atMs))
    }

    @Test("the latest NPS answer sets the nps factor; CSAT answers and replays do not")
    func npsFromFeedback() async throws {
        let health = try await service(with: "acme")
        #expect(try await factor("nps", of: "acme", in: health).known == false)
        let now = health.clock.nowMs
        try await health.deliver(
            "response.recorded", from: "feedback", body: nps("acme", "r1", score: 10, atMs: now - 9))
        try await health.deliver(
            "response.recorded", from: "feedback", body: nps("acme", "r2", score: 2, atMs: now - 1))
        try await health.deliver(
            "response.recorded", from: "feedback", body: nps("acme", "r3", score: 5, atMs: now, kind: .csat))
        // A replay of the first answer (same response id) must not become the latest again.
        try await health.deliver("response.recorded", from: "feedback", body: nps("acme", "r1", score: 10, atMs: now))
        let factor = try await factor("nps", of: "acme", in: health)
        #expect(factor.known)
        let detractorValue = try #require(HealthFactor.nps.value(for: HealthInputs(nowMs: now, latestNPS: 2)))
        #expect(factor.value == detractorValue)
    }

    @Test("open cases and breaches weigh on support burden; resolving the cases lifts it again")
    func supportBurdenFromEscalation() async throws {
        let health = try await service(with: "acme")
        let calm = try await factor("support_burden", of: "acme", in: health).value
        let now = health.clock.nowMs
        for id in ["c1", "c2", "c3"] {
            try await health.deliver(
                "case.opened", from: "escalation",
                body: CaseChanged(
                    supportCase: SupportCase(caseId: id, customer: .init(value: "acme"), status: .open, openedAtMs: now)
                ))
        }
        try await health.deliver(
            "sla.breached", from: "escalation",
            body: SlaBreached(caseId: "c1", customer: .init(value: "acme"), target: .resolution, breachedAtMs: now))
        let burdened = try await factor("support_burden", of: "acme", in: health).value
        #expect(burdened < calm)
        let expected = HealthFactor.supportBurden.value(
            for: HealthInputs(nowMs: now, openCases: 3, slaBreachesLast90Days: 1))
        #expect(burdened == expected)

        for id in ["c1", "c2", "c3"] {
            try await health.deliver(
                "case.resolved", from: "escalation",
                body: CaseChanged(
                    supportCase: SupportCase(
                        caseId: id, customer: .init(value: "acme"), status: .resolved, openedAtMs: now,
                        resolvedAtMs: now, slaMet: id != "c1")))
        }
        let resolved = try await factor("support_burden", of: "acme", in: health).value
        #expect(resolved > burdened && resolved < calm, "the breach still counts for 90 days")
    }

    @Test("loyalty tier and redemptions, and the advocacy level, become known factors")
    func loyaltyAndAdvocacy() async throws {
        let health = try await service(with: "acme")
        #expect(try await factor("loyalty_engagement", of: "acme", in: health).known == false)
        #expect(try await factor("advocacy", of: "acme", in: health).known == false)
        let now = health.clock.nowMs
        try await health.deliver(
            "tier.changed", from: "loyalty",
            body: TierChanged(customer: .init(value: "acme"), toTier: "gold", tierRank: 2, tierCount: 4))
        try await health.deliver(
            "points.posted", from: "loyalty",
            body: PointsPosted(
                customer: .init(value: "acme"), entryId: "e1", kind: .redeem, points: -500, postedAtMs: now))
        try await health.deliver(
            "level.changed", from: "advocacy",
            body: AdvocacyLevelChanged(customer: .init(value: "acme"), toLevel: "champion", levelRank: 3, levelCount: 4)
        )

        // A second redemption, cancelled: a REVERSE naming its reward takes it back out of the count.
        for (id, kind, points) in [("e2", LedgerEntryKind.redeem, Int64(-100)), ("e3", .reverse, 100)] {
            try await health.deliver(
                "points.posted", from: "loyalty",
                body: PointsPosted(
                    customer: .init(value: "acme"), entryId: id, kind: kind, points: points, rewardId: "t-shirt",
                    postedAtMs: now))
        }
        let loyalty = try await factor("loyalty_engagement", of: "acme", in: health)
        let expectedLoyalty = HealthFactor.loyaltyEngagement.value(
            for: HealthInputs(nowMs: now, loyaltyTierRank: 2, loyaltyTierCount: 4, redemptionsLast90Days: 1))
        #expect(loyalty.known && loyalty.value == expectedLoyalty)
        let advocacy = try await factor("advocacy", of: "acme", in: health)
        #expect(advocacy.known && advocacy.value == 100)

        // Falling out of every level (rank -1) makes the factor unknown again, not zero.
        try await health.deliver(
            "level.changed", from: "advocacy",
            body: AdvocacyLevelChanged(
                customer: .init(value: "acme"), fromLevel: "champion", levelRank: -1, levelCount: 4))
        #expect(try await factor("advocacy", of: "acme", in: health).known == false)
    }

    @Test("a signal marks its account for the next scheduled rescoring")
    func signalsMarkDirty() async throws {
        let health = try await service(with: "acme")
        try await health.runJob("rescore")
        let before: GetHealthScoreResponse = try await health.call(
            "GetHealthScore", GetHealthScoreRequest(customer: .init(value: "acme")))
        try await health.deliver(
            "response.recorded", from: "feedback", body: nps("acme", "r1", score: 0, atMs: health.clock.nowMs))
        health.clock.advance(byMs: 60_000)
        try await health.runJob("rescore")
        let after: GetHealthScoreResponse = try await health.call(
            "GetHealthScore", GetHealthScoreRequest(customer: .init(value: "acme"), historyLimit: 5))
        #expect(after.history.count == 1, "rescored once more by the job")
        #expect(after.current!.score < before.current!.score)
    }
}
