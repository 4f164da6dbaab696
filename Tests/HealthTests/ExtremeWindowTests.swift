import Health
import Models
import ServiceKit
import TestKit
import Testing

/// Found by cx-fuzz: a window from Int64.min to Int64.max made `until_ms - from_ms` overflow, a trap
/// that stopped the service. Such a window is too long, and says so.
@Suite("health time windows at the limits of Int64")
struct ExtremeWindowTests {
    static let widest = TimeRange(fromMs: .min, untilMs: .max)

    private func refusal(_ call: () async throws -> Void) async -> RPCError? {
        await #expect(throws: RPCError.self) { try await call() }
    }

    @Test("GetUsage, OnboardingReport and GetValueReport refuse the widest window as too long")
    func widestWindowIsTooLong() async throws {
        let health = try InProcessService(HealthService.definition)
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account("acme")))
        let acme = CustomerId(value: "acme")

        let usage = await refusal {
            let _: GetUsageResponse = try await health.call(
                "GetUsage", GetUsageRequest(customer: acme, range: Self.widest))
        }
        #expect(usage?.code == .invalidArgument && usage?.field == "range", "\(String(describing: usage))")
        let onboarding = await refusal {
            let _: OnboardingReportResponse = try await health.call(
                "OnboardingReport", OnboardingReportRequest(signups: Self.widest))
        }
        #expect(onboarding?.field == "signups", "\(String(describing: onboarding))")
        let value = await refusal {
            let _: GetValueReportResponse = try await health.call(
                "GetValueReport", GetValueReportRequest(customer: acme, window: Self.widest))
        }
        #expect(value?.field == "window", "\(String(describing: value))")
    }
}
