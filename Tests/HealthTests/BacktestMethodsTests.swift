import Health
import SeededRandom
import Models
import ServiceKit
import TestKit
import Testing

@Suite("health backtest and fit on the service's own history")
struct BacktestMethodsTests {
    static let dayMs: Int64 = 86_400_000

    /// 300 accounts, each with a hidden engagement from 0 to 1 that sets how many of the last 28 days
    /// it used the product and how many features; scored at `start`, then 30 days pass in which some
    /// cancel — with a probability that falls with engagement, or the same for all.
    private func history(churnDependsOnHealth: Bool, seed: UInt64) async throws -> (InProcessService, TimeRange) {
        let health = try InProcessService(HealthService.definition)
        var random = SplitMix64(seed: seed)
        let start = health.clock.nowMs
        let features = ["login", "dns", "backups", "mail", "ssl", "billing"]
        var engagement: [String: Double] = [:]
        var usage: [UsageEvent] = []
        for index in 0..<300 {
            let id = "acct-\(index)"
            let level = Double.random(in: 0...1, using: &random)
            engagement[id] = level
            let _: UpsertAccountResponse = try await health.call(
                "UpsertAccount",
                UpsertAccountRequest(
                    account: Account(
                        customer: .init(value: id), name: id, segment: .small, signupMs: start - 120 * Self.dayMs)))
            let activeDays = Int(level * 28)
            let featureCount = max(1, Int(level * Double(features.count)))
            for day in 0..<activeDays {
                for feature in features.prefix(featureCount) {
                    usage.append(
                        UsageEvent(
                            usageId: "\(id)-\(day)-\(feature)", customer: .init(value: id), feature: feature, count: 1,
                            occurredAtMs: start - Int64(28 - activeDays + day) * Self.dayMs))
                }
            }
        }
        for batch in stride(from: 0, to: usage.count, by: 5000) {
            let _: RecordUsageResponse = try await health.call(
                "RecordUsage", RecordUsageRequest(events: Array(usage[batch..<min(batch + 5000, usage.count)])))
        }
        let _: RescoreAccountsResponse = try await health.call("RescoreAccounts", RescoreAccountsRequest())
        health.clock.advance(byMs: 10 * Self.dayMs)
        for (id, level) in engagement.sorted(by: { $0.key < $1.key }) {
            let churnProbability = churnDependsOnHealth ? 0.6 * (1 - level) * (1 - level) : 0.2
            guard Double.random(in: 0..<1, using: &random) < churnProbability else { continue }
            let _: AccountLifecycleResponse = try await health.call(
                "CancelAccount", CancelAccountRequest(customer: .init(value: id), reason: "left"))
        }
        health.clock.advance(byMs: 20 * Self.dayMs)
        return (health, TimeRange(fromMs: start, untilMs: start + 30 * Self.dayMs))
    }

    @Test("when churn follows health, the score ranks the churners well and the fitted model too")
    func healthDrivenChurn() async throws {
        let (health, window) = try await history(churnDependsOnHealth: true, seed: 7)
        let backtest: BacktestResponse = try await health.call("Backtest", BacktestRequest(window: window))
        #expect(backtest.accounts == 300 && backtest.churners > 20)
        #expect(backtest.auc > 0.7, "AUC \(backtest.auc)")
        #expect(backtest.liftWorstDecile > 1.5, "lift \(backtest.liftWorstDecile)")
        let fitted: FitChurnModelResponse = try await health.call("FitChurnModel", FitChurnModelRequest(window: window))
        #expect(fitted.samples == 300 && fitted.coefficients.count == 8)
        #expect(fitted.inSample!.auc > 0.7, "fitted AUC \(fitted.inSample!.auc)")
        let before: ScoringModelResponse = try await health.call("GetScoringModel", GetScoringModelRequest())
        #expect(before.model?.churnIntercept != fitted.intercept, "a fit without apply only reports")
        let applied: FitChurnModelResponse = try await health.call(
            "FitChurnModel", FitChurnModelRequest(window: window, apply: true))
        let inUse: ScoringModelResponse = try await health.call("GetScoringModel", GetScoringModelRequest())
        #expect(
            inUse.model?.churnIntercept == applied.intercept && inUse.model?.churnCoefficients == applied.coefficients)
        print(
            "backtest, churn follows health: AUC \(backtest.auc), lift \(backtest.liftWorstDecile), fitted AUC \(fitted.inSample!.auc)"
        )
    }

    @Test("when churn is random, the backtest says the score is no better than chance")
    func randomChurn() async throws {
        let (health, window) = try await history(churnDependsOnHealth: false, seed: 11)
        let backtest: BacktestResponse = try await health.call("Backtest", BacktestRequest(window: window))
        #expect(backtest.churners > 20)
        #expect(abs(backtest.auc - 0.5) < 0.12, "AUC \(backtest.auc)")
        print(
            "backtest, random churn: AUC \(backtest.auc) over \(backtest.accounts) accounts, \(backtest.churners) churners"
        )
    }

    @Test("a window that has not started, or is empty, is INVALID_ARGUMENT")
    func badWindows() async throws {
        let health = try InProcessService(HealthService.definition)
        let now = health.clock.nowMs
        for (window, field) in [
            (TimeRange(fromMs: now + 1, untilMs: now + 2), "window.from_ms"),
            (TimeRange(fromMs: now - 10, untilMs: now - 10), "window"),
        ] {
            let error = await #expect(throws: RPCError.self) {
                let _: BacktestResponse = try await health.call("Backtest", BacktestRequest(window: window))
            }
            #expect(error?.field == field)
        }
    }
}
