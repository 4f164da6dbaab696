import Escalation
import Models
import ServiceKit
import TestKit
import Testing

@Suite("SLA targets that follow the account's health and priority-support entitlement")
struct RetargetingTests {
    @Test("a health band change re-targets the account's active cases, with the audit of each")
    func bandChange() async throws {
        let service = try await makeService(accounts: ["acme", "globex"])
        let start = service.clock.nowMs
        _ = try await service.openCase("a-1", customer: "acme", severity: .s2)
        _ = try await service.openCase("a-2", customer: "acme", severity: .s3)
        _ = try await service.openCase("a-3", customer: "acme", severity: .s2)
        _ = try await service.openCase("g-1", customer: "globex", severity: .s2)
        _ = try await service.setStatus("C3", .resolved)

        service.clock.set(nowMs: start + 1 * hourMs)
        try await service.deliverScore("acme", band: .poor, score: 38)

        let first = try await service.getCase("C1")
        // S2 poor: 2 h / 12 h; 1 h already used.
        #expect(first.supportCase?.firstResponseDueMs == start + 2 * hourMs)
        #expect(first.supportCase?.resolutionDueMs == start + 12 * hourMs)
        #expect(first.slaAudit.map(\.reason) == ["opened", "health band unscored → poor"])
        let applied = first.slaAudit.last!
        #expect(applied.policy == "S2/poor/standard" && applied.band == .poor && applied.appliedAtMs == start + hourMs)
        #expect(applied.firstResponseTargetDurationMs == 2 * hourMs && applied.firstResponseDueMs == start + 2 * hourMs)
        #expect(try await service.getCase("C2").slaAudit.last?.policy == "S3/poor/standard")
        #expect(try await service.getCase("C3").slaAudit.count == 1, "a resolved case keeps its targets")
        #expect(try await service.getCase("C4").slaAudit.count == 1, "another account's case is untouched")

        service.clock.set(nowMs: start + 2 * hourMs)
        try await service.deliverScore("acme", band: .good, score: 82)
        let improved = try await service.getCase("C1")
        #expect(improved.slaAudit.map(\.reason).last == "health band poor → good")
        #expect(improved.supportCase?.firstResponseDueMs == start + 6 * hourMs)  // S2 good: 6 h

        try await service.deliverScore("acme", band: .good, score: 90)  // same band: nothing to re-target
        #expect(try await service.getCase("C1").slaAudit.count == 3)
    }

    @Test("a band change to targets already used up makes the target fall due now")
    func tighterThanElapsed() async throws {
        let service = try await makeService()
        let start = service.clock.nowMs
        _ = try await service.openCase(severity: .s2)
        service.clock.set(nowMs: start + 3 * hourMs - 1)  // 3 h of the 4 h used, poor allows 2 h
        try await service.deliverScore("acme", band: .poor, score: 30)
        #expect(try await service.getCase("C1").supportCase?.firstResponseDueMs == start + 3 * hourMs - 1)
        try await service.watch(atOffset: 3 * hourMs - 1, from: start)
        #expect(try await service.events("sla.breached", as: SlaBreached.self).map(\.target) == [.firstResponse])
        let alarms = try await service.eventTypes().filter { $0.hasPrefix("sla.") }
        #expect(alarms == ["sla.warning", "sla.breached"], "the warning goes first when both fall due at once")
        #expect(try await service.getCase("C1").supportCase?.level == .accountManager)
    }

    @Test("priority support from loyalty or advocacy halves the targets; the case keeps it while either grants it")
    func entitlements() async throws {
        let service = try await makeService()
        _ = try await service.openCase(severity: .s2)
        let start = service.clock.nowMs
        func tier(_ name: String, priority: Bool) async throws {
            try await service.deliver(
                "tier.changed", from: "loyalty", customerID: "acme",
                body: TierChanged(
                    customer: CustomerId(value: "acme"), toTier: name,
                    benefits: TierBenefits(prioritySupport: priority)))
        }
        func level(_ name: String, priority: Bool) async throws {
            try await service.deliver(
                "level.changed", from: "advocacy", customerID: "acme",
                body: AdvocacyLevelChanged(
                    customer: CustomerId(value: "acme"), toLevel: name,
                    incentives: AdvocacyIncentives(prioritySupport: priority)))
        }
        try await tier("Gold", priority: true)
        var detail = try await service.getCase("C1")
        #expect(detail.supportCase?.firstResponseDueMs == start + 2 * hourMs)
        #expect(detail.slaAudit.last?.reason == "priority support granted (loyalty tier Gold)")
        #expect(detail.slaAudit.last?.prioritySupport == true)

        try await level("Champion", priority: true)
        try await tier("Silver", priority: false)  // advocacy still grants it
        #expect(try await service.getCase("C1").slaAudit.count == 2)

        try await level("", priority: false)
        detail = try await service.getCase("C1")
        #expect(detail.slaAudit.last?.reason == "priority support withdrawn (advocacy level none)")
        #expect(detail.supportCase?.firstResponseDueMs == start + 4 * hourMs)

        _ = try await service.openCase("zd-2", severity: .s2)
        try await tier("Gold", priority: true)
        #expect(try await service.getCase("C2").slaAudit.last?.policy == "S2/average/priority")
        _ = try await service.openCase("zd-3", severity: .s2)
        #expect(try await service.getCase("C3").slaAudit.map(\.policy) == ["S2/average/priority"])
    }

    @Test("events the service does not act on change nothing")
    func ignoredEvents() async throws {
        let service = try await makeService()
        _ = try await service.openCase()
        try await service.deliver("points.posted", from: "loyalty", customerID: "acme", body: PointsPosted())
        try await service.deliver("referral.converted", from: "advocacy", body: ReferralConverted())
        try await service.deliver("survey.sent", from: "feedback", customerID: "acme", body: ResponseRecorded())
        #expect(try await service.getCase("C1").slaAudit.count == 1)
        #expect(try await service.eventTypes() == ["case.opened"])
    }
}
