import Foundation
import GRDB
import Models
import ServiceKit

/// health.CompleteOnboardingStep, GetOnboarding and OnboardingReport.
enum OnboardingMethods {
    static func register(on router: Router) {
        router.write(
            "CompleteOnboardingStep",
            validate: { (request: CompleteOnboardingStepRequest, context) in
                _ = try Check.customer(request.customer, field: "customer")
                try Check.notInFuture(request.completedAtMs, field: "completed_at_ms", nowMs: context.nowMs, slackMs: 0)
            }
        ) { request, write in
            let program = try OnboardingProgram.current(in: write.db)
            guard program.steps.contains(where: { $0.key == request.step }) else {
                throw RPCError.invalidArgument(
                    "step",
                    "unknown step \"\(request.step)\" (steps: \(program.steps.map(\.key).joined(separator: ", ")))")
            }
            let account = try AccountMethods.existingAccount(request.customer!.value, in: write.db)
            let id = request.customer!.value
            let at = request.completedAtMs == 0 ? write.nowMs : request.completedAtMs
            if try program.complete(request.step, customer: id, signupMs: account.signupMs, atMs: at, write: write) {
                try HealthScorer.markDirty(id, in: write.db)
            }
            return try program.status(customer: id, signupMs: account.signupMs, nowMs: write.nowMs, in: write.db)
        }

        router.read("GetOnboarding", role: .reader) { (request: GetOnboardingRequest, context) in
            let id = try Check.customer(request.customer, field: "customer")
            return try await router.database.read { db in
                let account = try AccountMethods.existingAccount(id, in: db)
                return try OnboardingProgram.current(in: db).status(
                    customer: id, signupMs: account.signupMs, nowMs: context.nowMs, in: db)
            }
        }

        router.read("OnboardingReport", role: .reader) { (request: OnboardingReportRequest, context) in
            let window = try Check.timeRange(request.signups, field: "signups", maximumDays: 400)
            return try await router.database.read { db in
                try report(window, program: OnboardingProgram.current(in: db), nowMs: context.nowMs, in: db)
            }
        }
    }

    static func report(_ window: TimeRange, program: OnboardingProgram, nowMs: Int64, in db: Database) throws
        -> OnboardingReportResponse
    {
        let accounts = try Row.fetchAll(
            db, sql: "SELECT customer_id, segment, signup_ms FROM accounts WHERE signup_ms >= ? AND signup_ms < ?",
            arguments: [window.fromMs, window.untilMs])
        var bySegment: [String: (accounts: Int, completed: Int, share: Double)] = [:]
        var byMonth: [String: (accounts: Int, completed: Int, share: Double)] = [:]
        var overdue: [OverdueStep] = []
        let month = DateFormatter()
        month.dateFormat = "yyyy-MM"
        month.timeZone = TimeZone(identifier: "UTC")
        for row in accounts {
            let id: String = row["customer_id"]
            let status = try program.status(customer: id, signupMs: row["signup_ms"], nowMs: nowMs, in: db)
            let complete = status.completedAtMs > 0 ? 1 : 0
            let segment = Segment(rawValue: row["segment"]).displayName
            let cohort = month.string(from: Date(timeIntervalSince1970: Double(row["signup_ms"] as Int64) / 1000))
            bySegment[segment] = add(bySegment[segment], complete, status.completion)
            byMonth[cohort] = add(byMonth[cohort], complete, status.completion)
            overdue += status.steps.filter(\.overdue).map {
                OverdueStep(customer: CustomerId(value: id), step: $0.step?.key ?? "", dueMs: $0.dueMs)
            }
        }
        func cohorts(_ groups: [String: (accounts: Int, completed: Int, share: Double)]) -> [OnboardingCohort] {
            groups.sorted { $0.key < $1.key }.map {
                OnboardingCohort(
                    name: $0.key, accounts: UInt32($0.value.accounts), completed: UInt32($0.value.completed),
                    completionRate: $0.value.share / Double($0.value.accounts))
            }
        }
        return OnboardingReportResponse(
            bySegment: cohorts(bySegment), byCohort: cohorts(byMonth),
            overdue: overdue.sorted { ($0.dueMs, $0.customer?.value ?? "") < ($1.dueMs, $1.customer?.value ?? "") })
    }

    private static func add(_ group: (accounts: Int, completed: Int, share: Double)?, _ complete: Int, _ share: Double)
        -> (accounts: Int, completed: Int, share: Double)
    {
        let group = group ?? (0, 0, 0)
        return (group.accounts + 1, group.completed + complete, group.share + share)
    }
}
