import Foundation
import GRDB
import Models
import ServiceKit

/// The scoring model in use: the one an admin set with health.SetScoringModel (or a fitted churn
/// model stored by health.FitChurnModel with apply), else the scorer's built-in standard.
struct ScoringSettings: Sendable, Hashable {
    var model: HealthModel
    var churn: ChurnModel
    /// When an admin last changed it; 0 for the built-in model.
    var updatedAtMs: Int64

    /// The stored settings, or `standard` when none were stored.
    static func current(standard: HealthScorer, in db: Database) throws -> ScoringSettings {
        guard let row = try Row.fetchOne(db, sql: "SELECT model, churn, updated_at_ms FROM scoring_model WHERE id = 1")
        else { return ScoringSettings(model: standard.model, churn: standard.churn, updatedAtMs: 0) }
        let decoder = JSONDecoder()
        return ScoringSettings(
            model: try decoder.decode(HealthModel.self, from: Data((row["model"] as String).utf8)),
            churn: try decoder.decode(ChurnModel.self, from: Data((row["churn"] as String).utf8)),
            updatedAtMs: row["updated_at_ms"])
    }

    /// Stores the settings and marks every active account for rescoring; returns how many.
    func save(in db: Database) throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.execute(
            sql: "INSERT OR REPLACE INTO scoring_model (id, model, churn, updated_at_ms) VALUES (1, ?, ?, ?)",
            arguments: [
                String(decoding: try encoder.encode(model), as: UTF8.self),
                String(decoding: try encoder.encode(churn), as: UTF8.self), updatedAtMs,
            ])
        let active: StatementArguments = [LifecycleStage.cancelled.rawValue]
        try db.execute(
            sql: "INSERT OR IGNORE INTO health_dirty (customer_id) SELECT customer_id FROM accounts WHERE stage != ?",
            arguments: active)
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts WHERE stage != ?", arguments: active) ?? 0
    }

    /// The wire form.
    var message: ScoringModel {
        ScoringModel(
            version: model.version,
            weights: HealthFactor.allCases.map {
                FactorWeight(factor: $0.rawValue, weight: UInt32(model.weights[$0] ?? 0))
            },
            goodAbove: UInt32(model.goodAbove), poorAtOrBelow: UInt32(model.poorAtOrBelow),
            poorFactorCapsBand: model.poorFactorCapsBand, churnIntercept: churn.intercept,
            churnCoefficients: HealthFactor.allCases.map {
                FactorCoefficient(factor: $0.rawValue, coefficient: churn.coefficients[$0] ?? 0)
            }, updatedAtMs: updatedAtMs)
    }

    /// Reads a model from the wire, keeping `current`'s churn model when the message has no
    /// coefficients. - Throws: INVALID_ARGUMENT naming the field and the reason.
    static func parse(_ message: ScoringModel?, keepingChurnOf current: ChurnModel, nowMs: Int64) throws
        -> ScoringSettings
    {
        guard let message else { throw RPCError.invalidArgument("model", "is required") }
        try Check.text(message.version, field: "model.version", min: 1, max: 50)
        var weights: [HealthFactor: Int] = [:]
        for (index, weight) in message.weights.enumerated() {
            let field = "model.weights[\(index)]"
            guard let factor = HealthFactor(rawValue: weight.factor) else {
                throw RPCError.invalidArgument(
                    "\(field).factor", "unknown factor \"\(weight.factor)\"; known: \(known)")
            }
            guard weights[factor] == nil else {
                throw RPCError.invalidArgument("\(field).factor", "\(factor.rawValue) is weighted twice")
            }
            weights[factor] = Int(clamping: weight.weight)
        }
        let model = HealthModel(
            version: message.version, weights: weights, goodAbove: Int(clamping: message.goodAbove),
            poorAtOrBelow: Int(clamping: message.poorAtOrBelow), poorFactorCapsBand: message.poorFactorCapsBand)
        do {
            try model.validate()
        } catch {
            let field = error.code == .inconsistentBands ? "model.good_above" : "model.weights"
            throw RPCError.invalidArgument(field, error.reason)
        }
        var churn = current
        if !message.churnCoefficients.isEmpty {
            var coefficients: [HealthFactor: Double] = [:]
            for (index, coefficient) in message.churnCoefficients.enumerated() {
                let field = "model.churn_coefficients[\(index)]"
                guard let factor = HealthFactor(rawValue: coefficient.factor) else {
                    throw RPCError.invalidArgument("\(field).factor", "unknown factor \"\(coefficient.factor)\"")
                }
                guard coefficient.coefficient.isFinite else {
                    throw RPCError.invalidArgument("\(field).coefficient", "must be a finite number")
                }
                coefficients[factor] = coefficient.coefficient
            }
            guard message.churnIntercept.isFinite else {
                throw RPCError.invalidArgument("model.churn_intercept", "must be a finite number")
            }
            churn = ChurnModel(intercept: message.churnIntercept, coefficients: coefficients)
        }
        return ScoringSettings(model: model, churn: churn, updatedAtMs: nowMs)
    }

    private static let known = HealthFactor.allCases.map(\.rawValue).joined(separator: ", ")
}
