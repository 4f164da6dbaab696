import Foundation
import GRDB
import Models
import ServiceKit

/// health.Backtest and health.FitChurnModel: how good the health score is, measured on the suite's
/// own history of cancellations — and a churn model fitted to it.
enum BacktestMethods {
    static func register(on router: Router, scorer: HealthScorer) {
        router.read("Backtest", role: .reader) { (request: BacktestRequest, context) in
            let history = try await samples(in: request.window, nowMs: context.nowMs, database: router.database)
            let result = BacktestResult(
                ranking: history.map { (riskScore: 100 - $0.record.score, churned: $0.churned) })
            return response(result)
        }

        // A read that may store its result: the fit takes seconds and must not hold the single writer;
        // only the coefficients are written, after it.
        router.read("FitChurnModel", role: .admin) { (request: FitChurnModelRequest, context) in
            let history = try await samples(in: request.window, nowMs: context.nowMs, database: router.database)
            guard history.contains(where: \.churned), history.contains(where: { !$0.churned }) else {
                throw RPCError.failedPrecondition(
                    "the window needs both accounts that cancelled and accounts that stayed (\(history.count) scored)")
            }
            let churnSamples = history.map { ChurnSample(factors: factorValues($0.record), churned: $0.churned) }
            let model = ChurnModel.fit(churnSamples)
            if request.apply {
                let nowMs = context.nowMs
                _ = try await router.database.write { db in
                    var settings = try ScoringSettings.current(standard: scorer, in: db)
                    settings.churn = model
                    settings.updatedAtMs = nowMs
                    return try settings.save(in: db)
                }
            }
            return FitChurnModelResponse(
                intercept: model.intercept,
                coefficients: HealthFactor.allCases.map {
                    FactorCoefficient(factor: $0.rawValue, coefficient: model.coefficients[$0] ?? 0)
                }, samples: UInt32(history.count), inSample: response(model.backtest(churnSamples)))
        }
    }

    /// Accounts active at the window's start with their score then, and whether they cancelled within it.
    static func samples(in window: TimeRange?, nowMs: Int64, database: ServiceDatabase) async throws
        -> [(record: HealthScoreRecord, churned: Bool)]
    {
        guard let window, window.untilMs > window.fromMs else {
            throw RPCError.invalidArgument("window", "until_ms must be after from_ms")
        }
        guard window.fromMs < nowMs else { throw RPCError.invalidArgument("window.from_ms", "must be in the past") }
        return try await database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.cancelled_at_ms, a.stage,
                        (SELECT record FROM health_scores s WHERE s.customer_id = a.customer_id AND s.computed_at_ms <= ?
                         ORDER BY s.id DESC LIMIT 1) AS record
                    FROM accounts a
                    WHERE a.signup_ms <= ? AND (a.stage != ? OR a.cancelled_at_ms >= ?)
                    """,
                arguments: [window.fromMs, window.fromMs, LifecycleStage.cancelled.rawValue, window.fromMs])
            return try rows.compactMap { row in
                guard let data = row["record"] as Data? else { return nil }
                let cancelledAt: Int64 = row["cancelled_at_ms"]
                let churned =
                    LifecycleStage(rawValue: row["stage"]) == .cancelled && cancelledAt >= window.fromMs
                    && cancelledAt < window.untilMs
                return (try HealthScoreRecord(serializedBytes: [UInt8](data)), churned)
            }
        }
    }

    /// The known factors' values of a stored score, for the churn model.
    static func factorValues(_ record: HealthScoreRecord) -> [HealthFactor: Double] {
        var values: [HealthFactor: Double] = [:]
        for factor in record.factors where factor.known {
            if let name = HealthFactor(rawValue: factor.factor) { values[name] = factor.value }
        }
        return values
    }

    static func response(_ result: BacktestResult) -> BacktestResponse {
        BacktestResponse(
            accounts: UInt32(result.accounts), churners: UInt32(result.churners), auc: result.auc,
            worstDecileChurnRate: result.worstDecileChurnRate, overallChurnRate: result.overallChurnRate,
            liftWorstDecile: result.liftWorstDecile)
    }
}
