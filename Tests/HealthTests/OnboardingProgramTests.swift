import Health
import Models
import ServiceKit
import TestKit
import Testing

@Suite("health onboarding program")
struct OnboardingProgramTests {
    static let dayMs: Int64 = 86_400_000

    private func usage(_ id: String, _ customer: String, _ feature: String, at ms: Int64) -> RecordUsageRequest {
        RecordUsageRequest(events: [
            UsageEvent(usageId: id, customer: .init(value: customer), feature: feature, count: 1, occurredAtMs: ms)
        ])
    }

    @Test("steps complete by usage and by hand; the last one publishes onboarding.completed once")
    func stepsAndCompletion() async throws {
        let health = try InProcessService(HealthService.definition)
        let now = health.clock.nowMs
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account("new", signupMs: now)))
        let fresh: GetOnboardingResponse = try await health.call(
            "GetOnboarding", GetOnboardingRequest(customer: .init(value: "new")))
        #expect(fresh.steps.count == 5 && fresh.completion == 0 && fresh.completedAtMs == 0)

        let _: RecordUsageResponse = try await health.call(
            "RecordUsage", usage("u1", "new", "account.provisioned", at: now))
        let _: RecordUsageResponse = try await health.call("RecordUsage", usage("u2", "new", "login", at: now + 1))
        for step in ["welcome_call", "training_completed"] {
            let _: GetOnboardingResponse = try await health.call(
                "CompleteOnboardingStep", CompleteOnboardingStepRequest(customer: .init(value: "new"), step: step))
        }
        let almost: GetOnboardingResponse = try await health.call(
            "GetOnboarding", GetOnboardingRequest(customer: .init(value: "new")))
        #expect(almost.completion == 0.8 && almost.completedAtMs == 0)

        health.clock.advance(byMs: 2 * Self.dayMs)
        let at = health.clock.nowMs
        let _: RecordUsageResponse = try await health.call("RecordUsage", usage("u3", "new", "backups.restore", at: at))
        let _: RecordUsageResponse = try await health.call("RecordUsage", usage("u4", "new", "backups.restore", at: at))
        let done: GetOnboardingResponse = try await health.call(
            "GetOnboarding", GetOnboardingRequest(customer: .init(value: "new")))
        #expect(done.completion == 1 && done.completedAtMs == at)
        let completions = try await health.events().filter { $0.type == "onboarding.completed" }
        #expect(completions.count == 1)
        #expect(try OnboardingCompleted(serializedBytes: completions[0].body).days == 2)

        let unknown = await #expect(throws: RPCError.self) {
            let _: GetOnboardingResponse = try await health.call(
                "CompleteOnboardingStep", CompleteOnboardingStepRequest(customer: .init(value: "new"), step: "party"))
        }
        #expect(unknown?.field == "step" && unknown?.message.contains("welcome_call") == true)
    }

    @Test("the report gives completion by segment and signup month, and every overdue step")
    func report() async throws {
        let health = try InProcessService(HealthService.definition)
        let now = health.clock.nowMs
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount",
            UpsertAccountRequest(account: AccountMethodsTests.account("keen", segment: .key, signupMs: now)))
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount",
            UpsertAccountRequest(account: AccountMethodsTests.account("slow", segment: .small, signupMs: now)))
        let _: RecordUsageResponse = try await health.call("RecordUsage", usage("k1", "keen", "login", at: now))
        health.clock.advance(byMs: 10 * Self.dayMs)
        let report: OnboardingReportResponse = try await health.call(
            "OnboardingReport",
            OnboardingReportRequest(signups: TimeRange(fromMs: now - Self.dayMs, untilMs: now + Self.dayMs)))
        #expect(report.bySegment.map(\.name) == ["key", "small"])
        #expect(report.bySegment.map(\.completionRate) == [0.2, 0])
        #expect(report.byCohort.count == 1 && report.byCohort[0].accounts == 2)
        // Due by day 10: provisioned (1), welcome call (3), first login (7); "keen" logged in.
        #expect(
            report.overdue.filter { $0.customer?.value == "keen" }.map(\.step) == [
                "account_provisioned", "welcome_call",
            ])
        #expect(report.overdue.filter { $0.customer?.value == "slow" }.count == 3)
    }
}
