import Health
import Models
import ServiceKit
import TestKit
import Testing

@Suite("health value report")
struct ValueReportTests {
    static let dayMs: Int64 = 86_400_000

    @Test("a period's usage, NPS, cases, points and advocacy add up to the report, and nothing outside it counts")
    func reportAddsUp() async throws {
        let health = try InProcessService(HealthService.definition)
        let now = health.clock.nowMs
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount",
            UpsertAccountRequest(account: AccountMethodsTests.account("acme", signupMs: now - 400 * Self.dayMs)))
        var usage: [UsageEvent] = []
        for day in 1...10 {
            usage.append(
                UsageEvent(
                    usageId: "dns-\(day)", customer: .init(value: "acme"), feature: "dns", count: 3,
                    occurredAtMs: now - Int64(day) * Self.dayMs))
        }
        usage.append(
            UsageEvent(
                usageId: "backup-1", customer: .init(value: "acme"), feature: "backups", count: 2,
                occurredAtMs: now - 2 * Self.dayMs))
        usage.append(
            UsageEvent(
                usageId: "old", customer: .init(value: "acme"), feature: "dns", count: 1000,
                occurredAtMs: now - 200 * Self.dayMs))
        let _: RecordUsageResponse = try await health.call("RecordUsage", RecordUsageRequest(events: usage))
        let acme = CustomerId(value: "acme")
        for (id, score, daysAgo) in [("r-old", Int32(3), Int64(150)), ("r1", 6, 30), ("r2", 9, 5)] {
            try await health.deliver(
                "response.recorded", from: "feedback",
                body: ResponseRecorded(
                    response: SurveyResponse(
                        responseId: id, kind: .nps, customer: acme, score: score,
                        answeredAtMs: now - daysAgo * Self.dayMs)))
        }
        for (id, met) in [("c1", true), ("c2", false)] {
            let opened = now - 20 * Self.dayMs
            try await health.deliver(
                "case.opened", from: "escalation",
                body: CaseChanged(
                    supportCase: SupportCase(caseId: id, customer: acme, status: .open, openedAtMs: opened)))
            try await health.deliver(
                "case.resolved", from: "escalation",
                body: CaseChanged(
                    supportCase: SupportCase(
                        caseId: id, customer: acme, status: .resolved, openedAtMs: opened,
                        resolvedAtMs: opened + Self.dayMs, slaMet: met)))
        }
        try await health.deliver(
            "sla.breached", from: "escalation",
            body: SlaBreached(caseId: "c2", customer: acme, target: .resolution, breachedAtMs: now - 19 * Self.dayMs))
        // e4 is a redemption cancelled by e5 (a REVERSE naming its reward); e6 takes back points of a
        // refunded purchase (a REVERSE without a reward): neither counts as redeemed.
        let entries: [(String, LedgerEntryKind, Int64, String)] = [
            ("e1", .earn, 500, ""), ("e2", .bonus, 100, ""), ("e3", .redeem, -250, "free-month"),
            ("e4", .redeem, -100, "t-shirt"), ("e5", .reverse, 100, "t-shirt"), ("e6", .reverse, -50, ""),
        ]
        for (id, kind, points, reward) in entries {
            try await health.deliver(
                "points.posted", from: "loyalty",
                body: PointsPosted(
                    customer: acme, entryId: id, kind: kind, points: points, rewardId: reward,
                    postedAtMs: now - Self.dayMs))
        }
        try await health.deliver(
            "tier.changed", from: "loyalty",
            body: TierChanged(customer: acme, toTier: "gold", tierRank: 2, tierCount: 4))
        try await health.deliver(
            "level.changed", from: "advocacy",
            body: AdvocacyLevelChanged(customer: acme, toLevel: "evangelist", levelRank: 2, levelCount: 4))
        try await health.deliver(
            "referral.converted", from: "advocacy",
            body: ReferralConverted(advocate: acme, referred: .init(value: "new-co"), convertedAtMs: now - Self.dayMs))
        try await health.runJob("rescore")

        let reply: GetValueReportResponse = try await health.call(
            "GetValueReport", GetValueReportRequest(customer: acme))
        let report = try #require(reply.report)
        #expect(report.window == TimeRange(fromMs: now - 90 * Self.dayMs, untilMs: now))
        #expect(report.usageEvents == 32 && report.activeDays == 10)
        #expect(
            report.topFeatures == [FeatureUse(feature: "dns", count: 30), FeatureUse(feature: "backups", count: 2)])
        #expect(report.npsAnswers == 2 && report.latestNps == 9)
        #expect(report.casesOpened == 2 && report.casesResolved == 2 && report.casesResolvedWithinSla == 1)
        #expect(report.slaBreaches == 1)
        #expect(report.pointsEarned == 600 && report.pointsRedeemed == 250 && report.loyaltyTier == "gold")
        #expect(report.advocacyLevel == "evangelist" && report.referralsConverted == 1)
        #expect(report.score != nil && report.account?.customer == acme && report.generatedAtMs == now)
        #expect(report.onboardingStepsTotal == UInt32(OnboardingProgram.standard.steps.count))
    }

    @Test("bad windows and unknown accounts are refused")
    func badRequests() async throws {
        let health = try InProcessService(HealthService.definition)
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account("acme")))
        let inverted = await #expect(throws: RPCError.self) {
            let _: GetValueReportResponse = try await health.call(
                "GetValueReport",
                GetValueReportRequest(customer: .init(value: "acme"), window: .init(fromMs: 10, untilMs: 5)))
        }
        #expect(inverted?.field == "window.until_ms")
        let long = await #expect(throws: RPCError.self) {
            let _: GetValueReportResponse = try await health.call(
                "GetValueReport",
                GetValueReportRequest(
                    customer: .init(value: "acme"), window: .init(fromMs: 0, untilMs: 500 * Self.dayMs)))
        }
        #expect(long?.field == "window")
        let unknown = await #expect(throws: RPCError.self) {
            let _: GetValueReportResponse = try await health.call(
                "GetValueReport", GetValueReportRequest(customer: .init(value: "nobody")))
        }
        #expect(unknown?.code == .notFound)
    }
}
