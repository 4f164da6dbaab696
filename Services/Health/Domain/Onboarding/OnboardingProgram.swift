import Foundation
import GRDB
public import Models
import ServiceKit

/// The checklist every new account goes through in its first 90 days. Steps are completed by hand
/// (health.CompleteOnboardingStep) or by the account's first use of a matching feature; when the
/// last one is done, `onboarding.completed` is published.
public struct OnboardingProgram: Sendable {
    public var steps: [OnboardingStep]

    /// Provisioning, a welcome call, first login, the key feature, training.
    public static let standard = OnboardingProgram(steps: [
        OnboardingStep(
            key: "account_provisioned", title: "Account provisioned", dueDay: 1, usageFeature: "account.provisioned"),
        OnboardingStep(key: "welcome_call", title: "Welcome call", dueDay: 3),
        OnboardingStep(key: "first_login", title: "First login", dueDay: 7, usageFeature: "login"),
        OnboardingStep(key: "key_feature_used", title: "Key feature used", dueDay: 14, usageFeature: "backups.restore"),
        OnboardingStep(key: "training_completed", title: "Training completed", dueDay: 30),
    ])

    /// Usage after this many days from signup no longer completes steps.
    public static let trackedDays: Int64 = 90

    public init(steps: [OnboardingStep]) { self.steps = steps }

    /// The steps a first use of `feature` completes.
    func steps(completedBy feature: String) -> [OnboardingStep] {
        steps.filter { !$0.usageFeature.isEmpty && $0.usageFeature == feature }
    }

    /// Records `step` as done at `atMs` unless it already is; publishes `onboarding.completed` when it
    /// was the last open step.
    /// - Returns: whether anything changed.
    @discardableResult
    func complete(_ step: String, customer: String, signupMs: Int64, atMs: Int64, write: WriteContext) throws -> Bool {
        try write.db.execute(
            sql:
                "INSERT INTO onboarding_steps (customer_id, step, completed_at_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            arguments: [customer, step, atMs])
        guard write.db.changesCount > 0 else { return false }
        let keys = steps.map(\.key)
        let done =
            try Int.fetchOne(
                write.db,
                sql:
                    "SELECT COUNT(*) FROM onboarding_steps WHERE customer_id = ? AND step IN (\(keys.map { _ in "?" }.joined(separator: ",")))",
                arguments: StatementArguments([customer] + keys)) ?? 0
        let alreadyDone =
            try Bool.fetchOne(
                write.db, sql: "SELECT 1 FROM onboarding_done WHERE customer_id = ?", arguments: [customer])
            ?? false
        if done == steps.count && !alreadyDone {
            try write.db.execute(
                sql: "INSERT INTO onboarding_done (customer_id, completed_at_ms) VALUES (?, ?)",
                arguments: [customer, atMs])
            try write.emit(
                "onboarding.completed", customerID: customer,
                OnboardingCompleted(
                    customer: CustomerId(value: customer), completedAtMs: atMs,
                    days: UInt32(clamping: max(0, (atMs - signupMs) / dayMs))))
        }
        return true
    }

    /// One account's steps, due dates and completion.
    func status(customer: String, signupMs: Int64, nowMs: Int64, in db: Database) throws -> GetOnboardingResponse {
        var completed: [String: Int64] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT step, completed_at_ms FROM onboarding_steps WHERE customer_id = ?", arguments: [customer])
        {
            completed[row["step"]] = row["completed_at_ms"]
        }
        let statuses = steps.map { step in
            let due = signupMs + Int64(step.dueDay) * dayMs
            let doneAt = completed[step.key] ?? 0
            return OnboardingStepStatus(
                step: step, dueMs: due, completedAtMs: doneAt, overdue: doneAt == 0 && nowMs > due)
        }
        let doneCount = statuses.filter { $0.completedAtMs > 0 }.count
        let finished =
            try Int64.fetchOne(
                db, sql: "SELECT completed_at_ms FROM onboarding_done WHERE customer_id = ?", arguments: [customer])
            ?? 0
        return GetOnboardingResponse(
            customer: CustomerId(value: customer), steps: statuses,
            completion: steps.isEmpty ? 1 : Double(doneCount) / Double(steps.count), completedAtMs: finished)
    }

    /// Share of the program each account has completed, for the health score's onboarding factor.
    func completionByAccount(in db: Database) throws -> [String: Double] {
        guard !steps.isEmpty else { return [:] }
        let keys = steps.map(\.key)
        var shares: [String: Double] = [:]
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT customer_id, COUNT(*) AS done FROM onboarding_steps WHERE step IN (\(keys.map { _ in "?" }.joined(separator: ","))) GROUP BY customer_id",
            arguments: StatementArguments(keys))
        {
            shares[row["customer_id"]] = Double(row["done"] as Int) / Double(steps.count)
        }
        return shares
    }
}
