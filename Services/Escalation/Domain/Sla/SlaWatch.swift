import GRDB
public import ServiceKit

/// Raises SLA warnings and breaches promptly: every second it reads only the cases whose next
/// warning or due instant has passed (through the partial index on `cases.next_due_ms`), so a
/// quiet second costs one index probe, and raises each alarm once.
public struct SlaWatch: Sendable {
    public var policy: EscalationPolicy
    /// Cases handled per transaction; a backlog is worked off over consecutive runs.
    static let batch = 500

    public init(policy: EscalationPolicy) { self.policy = policy }

    public static let jobName = "sla watch"

    public var job: ScheduledJob {
        ScheduledJob(name: Self.jobName, every: .seconds(1)) { context in
            _ = try await scan(context.database, nowMs: context.clock.nowMs)
        }
    }

    /// The query the watch runs; tests check that it is answered from the index.
    static let dueCases = "next_due_ms IS NOT NULL AND next_due_ms <= ?"

    /// Raises what fell due up to `nowMs`.
    /// - Returns: how many cases it looked at.
    @discardableResult
    public func scan(_ database: ServiceDatabase, nowMs: Int64) async throws -> Int {
        let policy = self.policy
        return try await database.write { db in
            let due = try CaseStore.fetchAll(
                db, where: Self.dueCases, [nowMs], suffix: "ORDER BY next_due_ms LIMIT \(Self.batch)")
            let desk = CaseDesk(db: db, nowMs: nowMs, policy: policy)
            for var record in due {
                try desk.raiseDueAlarms(&record)
                try CaseStore.save(record, in: db)
            }
            return due.count
        }
    }
}
