import Health
import Models
import ServiceKit
import TestKit
import Testing

@Suite("health settings: the onboarding checklist and inactivity thresholds")
struct SettingsMethodsTests {
    static let dayMs: Int64 = 86_400_000

    private func upsert(_ health: InProcessService, _ id: String, segment: Segment, signupDaysAgo: Int64) async throws {
        var account = AccountMethodsTests.account(id, signupMs: health.clock.nowMs - signupDaysAgo * Self.dayMs)
        account.segment = segment
        let _: UpsertAccountResponse = try await health.call("UpsertAccount", UpsertAccountRequest(account: account))
    }

    @Test("a new checklist is the one steps, usage and reports use; the built-in one until then")
    func checklist() async throws {
        let health = try InProcessService(HealthService.definition)
        let builtIn: OnboardingProgramResponse = try await health.call(
            "GetOnboardingProgram", GetOnboardingProgramRequest())
        #expect(builtIn.steps == OnboardingProgram.standard.steps && builtIn.updatedAtMs == 0)

        let steps = [
            OnboardingStep(key: "dns_moved", title: "DNS moved to us", dueDay: 5, usageFeature: "dns.zone_created"),
            OnboardingStep(key: "kickoff", title: "Kick-off meeting", dueDay: 2),
        ]
        let set: OnboardingProgramResponse = try await health.call(
            "SetOnboardingProgram", SetOnboardingProgramRequest(steps: steps))
        #expect(set.steps == steps && set.updatedAtMs == health.clock.nowMs)

        try await upsert(health, "acme", segment: .small, signupDaysAgo: 1)
        let _: RecordUsageResponse = try await health.call(
            "RecordUsage",
            RecordUsageRequest(events: [
                UsageEvent(
                    usageId: "u1", customer: .init(value: "acme"), feature: "dns.zone_created", count: 1,
                    occurredAtMs: health.clock.nowMs)
            ]))
        let _: GetOnboardingResponse = try await health.call(
            "CompleteOnboardingStep", CompleteOnboardingStepRequest(customer: .init(value: "acme"), step: "kickoff"))
        let status: GetOnboardingResponse = try await health.call(
            "GetOnboarding", GetOnboardingRequest(customer: .init(value: "acme")))
        #expect(status.steps.map { $0.step?.key } == ["dns_moved", "kickoff"] && status.completion == 1)
        #expect(try await health.events().contains { $0.type == "onboarding.completed" })

        let old = await #expect(throws: RPCError.self) {
            let _: GetOnboardingResponse = try await health.call(
                "CompleteOnboardingStep",
                CompleteOnboardingStepRequest(customer: .init(value: "acme"), step: "welcome_call"))
        }
        #expect(old?.field == "step", "a step of the old checklist is unknown now")
    }

    @Test("a checklist people cannot follow is refused naming the field, and the one in use stays")
    func badChecklists() async throws {
        let health = try InProcessService(HealthService.definition)
        let good = OnboardingStep(key: "kickoff", title: "Kick-off", dueDay: 2)
        var badKey = good
        badKey.key = "Kick Off"
        var late = good
        late.key = "late_step"
        late.dueDay = 91
        var untitled = good
        untitled.title = ""
        let cases: [([OnboardingStep], String)] = [
            ([], "steps"), (Array(repeating: good, count: 21), "steps"), ([good, good], "steps[1].key"),
            ([badKey], "steps[0].key"), ([good, late], "steps[1].due_day"), ([untitled], "steps[0].title"),
        ]
        for (steps, field) in cases {
            let error = await #expect(throws: RPCError.self) {
                let _: OnboardingProgramResponse = try await health.call(
                    "SetOnboardingProgram", SetOnboardingProgramRequest(steps: steps))
            }
            #expect(error?.code == .invalidArgument && error?.field == field, "\(field): \(String(describing: error))")
        }
        let writer = await #expect(throws: RPCError.self) {
            let _: OnboardingProgramResponse = try await health.call(
                "SetOnboardingProgram", SetOnboardingProgramRequest(steps: [good]), token: InProcessService.writer)
        }
        #expect(writer?.code == .permissionDenied)
        let inUse: OnboardingProgramResponse = try await health.call(
            "GetOnboardingProgram", GetOnboardingProgramRequest())
        #expect(inUse.steps == OnboardingProgram.standard.steps)
    }

    @Test("a shorter threshold for key accounts alerts them first; the other segments keep 14 days")
    func thresholds() async throws {
        let health = try InProcessService(HealthService.definition)
        let set: InactivityThresholdsResponse = try await health.call(
            "SetInactivityThresholds",
            SetInactivityThresholdsRequest(thresholds: [SegmentThreshold(segment: .key, days: 7)]))
        #expect(set.thresholds.first { $0.segment == .key }?.days == 7)
        #expect(set.thresholds.first { $0.segment == .small }?.days == 14)

        try await upsert(health, "key-co", segment: .key, signupDaysAgo: 60)
        try await upsert(health, "small-co", segment: .small, signupDaysAgo: 60)
        try await health.runJob("inactivity scan")
        let alerts = try await health.events().filter { $0.type == "inactivity.alert" }.map(\.customerID)
        #expect(alerts.sorted() == ["key-co", "small-co"], "60 days silent: both past their thresholds")

        let fresh = try InProcessService(HealthService.definition)
        let _: InactivityThresholdsResponse = try await fresh.call(
            "SetInactivityThresholds",
            SetInactivityThresholdsRequest(thresholds: [SegmentThreshold(segment: .key, days: 7)]))
        try await upsert(fresh, "key-co", segment: .key, signupDaysAgo: 10)
        try await upsert(fresh, "small-co", segment: .small, signupDaysAgo: 10)
        try await fresh.runJob("inactivity scan")
        #expect(try await fresh.events().filter { $0.type == "inactivity.alert" }.map(\.customerID) == ["key-co"])

        for (threshold, field) in [
            (SegmentThreshold(segment: .unspecified, days: 7), "thresholds[0].segment"),
            (SegmentThreshold(segment: .small, days: 0), "thresholds[0].days"),
            (SegmentThreshold(segment: .small, days: 366), "thresholds[0].days"),
        ] {
            let error = await #expect(throws: RPCError.self) {
                let _: InactivityThresholdsResponse = try await fresh.call(
                    "SetInactivityThresholds", SetInactivityThresholdsRequest(thresholds: [threshold]))
            }
            #expect(error?.field == field)
        }
        let kept: InactivityThresholdsResponse = try await fresh.call(
            "GetInactivityThresholds", GetInactivityThresholdsRequest())
        #expect(kept.thresholds.map(\.days) == [14, 14, 14, 7])
    }
}
