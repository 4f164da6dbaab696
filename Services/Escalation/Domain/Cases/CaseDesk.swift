import GRDB
import Models
import Projections
import ServiceKit

/// Every change to cases, whoever asks for it (a method, the SLA watch, another service's event),
/// inside the caller's write transaction and with its events, at one instant `nowMs`.
struct CaseDesk {
    let db: Database
    let nowMs: Int64
    let policy: EscalationPolicy

    /// What a new case is made of.
    struct NewCase {
        var externalID: String
        var customerID: String
        var severity: Severity
        var origin: CaseOrigin
        var title: String
        var assignee: String
        var description: String
    }

    /// Opens a case, or returns the one opened before with the same external id.
    /// - Returns: the case, and whether it was opened now.
    func open(_ new: NewCase) throws -> (record: CaseRecord, created: Bool) {
        if let existing = try CaseStore.fetch(externalID: new.externalID, in: db) { return (existing, false) }
        let account = try AccountProjection.fetch(new.customerID, in: db)
        var record = CaseRecord(
            externalID: new.externalID, customerID: new.customerID, segment: account?.segment ?? .unspecified,
            severity: new.severity, origin: new.origin, title: new.title, assignee: new.assignee, openedAtMs: nowMs,
            slaAsOfMs: nowMs)
        let cell = policy.cell(
            new.severity, band: account?.band ?? .unspecified,
            prioritySupport: try SupportEntitlements.hasPriority(new.customerID, in: db))
        record.apply(cell, at: nowMs, on: calendar(of: record), policy: policy)
        try CaseStore.insert(&record, in: db)
        try audit(record, reason: "opened")
        if !new.description.isEmpty {
            try note(record, author: new.origin == .api ? "reporter" : "escalation", text: new.description)
        }
        try emit("case.opened", record.customerID, CaseChanged(supportCase: record.supportCase))
        return (record, true)
    }

    /// Loads a case, raises what fell due up to now, applies `change` and stores the result.
    /// - Throws: NOT_FOUND for an unknown case; whatever `change` throws (then nothing is stored).
    func change(_ caseID: String, _ change: (inout CaseRecord) throws -> Void) throws -> CaseRecord {
        var record = try CaseStore.require(caseID: caseID, in: db)
        try raiseDueAlarms(&record)
        try change(&record)
        try CaseStore.save(record, in: db)
        return record
    }

    /// Raises the warnings and breaches that fell due up to now, in time order, each once; each one
    /// escalates the case one rung (unless it is at the top already).
    func raiseDueAlarms(_ record: inout CaseRecord) throws {
        // A warning and its breach can fall due at the same instant (a target used up by a re-target):
        // the warning goes first.
        let due = record.pendingAlarms.filter { $0.atMs <= nowMs }
            .sorted { ($0.atMs, $0.alarm.rawValue) < ($1.atMs, $1.alarm.rawValue) }
        for alarm in due {
            record.alarms.insert(alarm.alarm)
            let dueAtMs = alarm.target == .firstResponse ? record.firstResponseDueMs : record.resolutionDueMs
            let isBreach = alarm.alarm == .firstResponseBreach || alarm.alarm == .resolutionBreach
            if isBreach {
                try db.execute(
                    sql: """
                        INSERT INTO sla_breaches (case_id, target, due_at_ms, breached_at_ms, severity, segment, level)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        record.id, alarm.target.rawValue, dueAtMs, nowMs, record.severity.rawValue,
                        record.segment.rawValue, record.level.rawValue,
                    ])
                try emit(
                    "sla.breached", record.customerID,
                    SlaBreached(
                        caseId: record.caseID, customer: CustomerId(value: record.customerID),
                        severity: record.severity, target: alarm.target, dueAtMs: dueAtMs, breachedAtMs: nowMs,
                        level: record.level))
            } else {
                try emit(
                    "sla.warning", record.customerID,
                    SlaWarning(
                        caseId: record.caseID, customer: CustomerId(value: record.customerID),
                        severity: record.severity, target: alarm.target, dueAtMs: dueAtMs, warnedAtMs: nowMs,
                        level: record.level))
            }
            if record.level != .executive {
                try raiseLevel(&record, reason: "\(alarm.target.displayName) \(isBreach ? "breached" : "at risk")")
            }
        }
    }

    /// One rung up; reaching the account manager asks them to contact the customer.
    /// - Important: the caller checks that the case is active and below the top.
    func raiseLevel(_ record: inout CaseRecord, reason: String) throws {
        record.level = EscalationLevel(rawValue: record.level.rawValue + 1)
        if record.status != .pending { record.status = record.workingStatus }
        try note(record, author: "escalation", text: "Escalated to \(record.level.displayName): \(reason)")
        try emit("case.escalated", record.customerID, CaseChanged(supportCase: record.supportCase))
        if record.level == .accountManager {
            let account = try AccountProjection.fetch(record.customerID, in: db)
            try emit(
                "outreach.requested", record.customerID,
                OutreachRequested(
                    caseId: record.caseID, customer: CustomerId(value: record.customerID),
                    accountManager: account?.accountManager ?? "", severity: record.severity, title: record.title,
                    reason: reason, requestedAtMs: nowMs))
        }
    }

    /// One rung down, by hand.
    /// - Important: the caller checks that the case is active and above the bottom.
    func lowerLevel(_ record: inout CaseRecord, reason: String) throws {
        record.level = EscalationLevel(rawValue: record.level.rawValue - 1)
        if record.status != .pending { record.status = record.workingStatus }
        try note(record, author: "escalation", text: "De-escalated to \(record.level.displayName): \(reason)")
        try emit("case.deescalated", record.customerID, CaseChanged(supportCase: record.supportCase))
    }

    /// Records the first reply to the customer (later replies change nothing).
    func recordFirstResponse(_ record: inout CaseRecord) {
        guard record.isAwaitingFirstResponse else { return }
        record.firstResponseAtMs = nowMs
    }

    /// Pending: the clock stops until the customer answers.
    func pause(_ record: inout CaseRecord) {
        record.pause(at: nowMs, on: calendar(of: record))
        record.status = .pending
    }

    /// Back to work: the clock runs again and the due times move out.
    func resume(_ record: inout CaseRecord) {
        record.resume(at: nowMs, on: calendar(of: record), policy: policy)
        record.status = record.workingStatus
    }

    /// Resolved: the clocks stop; the SLA was met when no target was breached.
    func resolve(_ record: inout CaseRecord) throws {
        if record.isPaused { resume(&record) }
        try raiseDueAlarms(&record)
        record.accrue(to: nowMs, on: calendar(of: record))
        recordFirstResponse(&record)
        record.resolvedAtMs = nowMs
        record.status = .resolved
        record.slaMet = record.breachedTargets.isEmpty
        try emit("case.resolved", record.customerID, CaseChanged(supportCase: record.supportCase))
    }

    func close(_ record: inout CaseRecord) throws {
        record.closedAtMs = nowMs
        record.status = .closed
        try emit("case.closed", record.customerID, CaseChanged(supportCase: record.supportCase))
    }

    /// Applies the matrix cell the customer's current health band and entitlement choose to each of
    /// its active cases whose cell inputs changed, and writes what changed in each case's audit.
    /// - Parameter entitlementSource: what granted or withdrew priority support, for the audit.
    /// - Returns: how many cases were re-targeted.
    @discardableResult
    func retarget(customerID: String, entitlementSource: String = "") throws -> Int {
        let band = try AccountProjection.fetch(customerID, in: db)?.band ?? .unspecified
        let priority = try SupportEntitlements.hasPriority(customerID, in: db)
        let active = try CaseStore.fetchAll(
            db, where: "customer_id = ? AND status IN (?, ?, ?)",
            [customerID, CaseStatus.open.rawValue, CaseStatus.pending.rawValue, CaseStatus.escalated.rawValue])
        var retargeted = 0
        for var record in active where record.band != band || record.prioritySupport != priority {
            var changes: [String] = []
            if record.band != band {
                changes.append("health band \(Self.name(record.band)) → \(Self.name(band))")
            }
            if record.prioritySupport != priority {
                let source = entitlementSource.isEmpty ? "" : " (\(entitlementSource))"
                changes.append("priority support \(priority ? "granted" : "withdrawn")\(source)")
            }
            try reapplyPolicy(
                &record, severity: record.severity, band: band, prioritySupport: priority,
                reason: changes.joined(separator: "; "))
            try CaseStore.save(record, in: db)
            retargeted += 1
        }
        return retargeted
    }

    /// The case turned out more or less severe: the matrix's targets for the new severity apply.
    func changeSeverity(_ record: inout CaseRecord, to severity: Severity, reason: String) throws {
        let from = record.severity
        try reapplyPolicy(
            &record, severity: severity, band: record.band, prioritySupport: record.prioritySupport,
            reason: "severity \(from.displayName) → \(severity.displayName): \(reason)")
    }

    /// Applies the matrix cell of the inputs and writes why in the audit; what fell due under the old
    /// targets is raised first, so it counts under them.
    private func reapplyPolicy(
        _ record: inout CaseRecord, severity: Severity, band: HealthScoreBand, prioritySupport: Bool, reason: String
    ) throws {
        try raiseDueAlarms(&record)
        record.severity = severity
        record.apply(
            policy.cell(severity, band: band, prioritySupport: prioritySupport), at: nowMs, on: calendar(of: record),
            policy: policy)
        try audit(record, reason: reason)
    }

    private static func name(_ band: HealthScoreBand) -> String {
        band == .unspecified ? "unscored" : band.displayName
    }

    func note(_ record: CaseRecord, author: String, text: String, customerReply: Bool = false, key: String? = nil)
        throws
    {
        try CaseStore.addNote(
            CaseNote(author: author, text: text, customerReply: customerReply, addedAtMs: nowMs), key: key,
            to: record.id, in: db)
    }

    func calendar(of record: CaseRecord) -> BusinessCalendar { policy.calendar(for: record.segment) }

    private func audit(_ record: CaseRecord, reason: String) throws {
        try CaseStore.appendAudit(
            SlaPolicyApplied(
                appliedAtMs: nowMs, reason: reason, severity: record.severity, band: record.band,
                prioritySupport: record.prioritySupport, policy: record.policy,
                firstResponseTargetDurationMs: record.firstResponseTargetMs,
                resolutionTargetDurationMs: record.resolutionTargetMs,
                firstResponseDueMs: record.firstResponseAtMs == 0 ? record.firstResponseDueMs : 0,
                resolutionDueMs: record.resolutionDueMs),
            to: record.id, in: db)
    }

    private func emit<Body: ProtoMessage>(_ type: String, _ customerID: String, _ body: Body) throws {
        try EventLog().append(type, customerID: customerID, occurredAtMs: nowMs, body, in: db)
    }
}
