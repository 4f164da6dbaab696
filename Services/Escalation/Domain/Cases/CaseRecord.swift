import Models

/// The warnings and breaches already raised for a case: each is raised once, ever.
struct SlaAlarms: OptionSet, Hashable, Sendable {
    let rawValue: Int
    static let firstResponseWarning = SlaAlarms(rawValue: 1)
    static let firstResponseBreach = SlaAlarms(rawValue: 2)
    static let resolutionWarning = SlaAlarms(rawValue: 4)
    static let resolutionBreach = SlaAlarms(rawValue: 8)
}

/// A support case as the service keeps it: what `SupportCase` shows plus the state of its SLA clock.
///
/// The clock counts business time (of the segment's calendar) while the case is not pending:
/// `slaElapsedMs` is what had passed at `slaAsOfMs`; when pending, `pausedSinceMs` is set and
/// nothing accrues. Due and warning times are wall-clock instants derived from it.
struct CaseRecord: Hashable, Sendable {
    var id: Int64 = 0
    var externalID: String
    var customerID: String
    var segment: Segment
    var severity: Severity
    var status: CaseStatus = .open
    var level: EscalationLevel = .support
    var origin: CaseOrigin
    var title: String
    var assignee: String
    var openedAtMs: Int64
    var firstResponseAtMs: Int64 = 0
    var resolvedAtMs: Int64 = 0
    var closedAtMs: Int64 = 0
    /// The matrix cell applied now.
    var band: HealthScoreBand = .unspecified
    var prioritySupport = false
    var policy = ""
    var firstResponseTargetMs: Int64 = 0
    var resolutionTargetMs: Int64 = 0
    /// The SLA clock.
    var slaElapsedMs: Int64 = 0
    var slaAsOfMs: Int64
    var pausedSinceMs: Int64 = 0
    var pausedTotalMs: Int64 = 0
    var firstResponseWarnAtMs: Int64 = 0
    var firstResponseDueMs: Int64 = 0
    var resolutionWarnAtMs: Int64 = 0
    var resolutionDueMs: Int64 = 0
    var alarms: SlaAlarms = []
    var slaMet = false

    /// "C42": the service's id of case 42.
    var caseID: String { "C\(id)" }

    /// The id in a "C42" case id; nil for anything else.
    static func rowID(_ caseID: String) -> Int64? {
        guard caseID.first == "C", let id = Int64(caseID.dropFirst()), id > 0 else { return nil }
        return id
    }

    var isPaused: Bool { pausedSinceMs != 0 }
    /// Open, pending or escalated: the case still needs work.
    var isActive: Bool { status != .resolved && status != .closed }
    var isAwaitingFirstResponse: Bool { firstResponseAtMs == 0 && isActive }

    /// The status a working (not pending) case shows on its level.
    var workingStatus: CaseStatus { level == .support ? .open : .escalated }

    /// The next instant the SLA watch must look at the case; nil when nothing is due (pending, done,
    /// or every alarm raised).
    var nextDueMs: Int64? { pendingAlarms.map(\.atMs).min() }

    /// The warnings and breaches not raised yet, with when they fall due.
    var pendingAlarms: [(alarm: SlaAlarms, target: SlaTarget, atMs: Int64)] {
        guard isActive, !isPaused else { return [] }
        var due: [(SlaAlarms, SlaTarget, Int64)] = []
        if isAwaitingFirstResponse {
            due.append((.firstResponseWarning, .firstResponse, firstResponseWarnAtMs))
            due.append((.firstResponseBreach, .firstResponse, firstResponseDueMs))
        }
        due.append((.resolutionWarning, .resolution, resolutionWarnAtMs))
        due.append((.resolutionBreach, .resolution, resolutionDueMs))
        return due.filter { !alarms.contains($0.0) }.map { (alarm: $0.0, target: $0.1, atMs: $0.2) }
    }

    var supportCase: SupportCase {
        SupportCase(
            caseId: caseID, externalId: externalID, customer: CustomerId(value: customerID), severity: severity,
            status: status, level: level, origin: origin, title: title, assignee: assignee, openedAtMs: openedAtMs,
            firstResponseAtMs: firstResponseAtMs, resolvedAtMs: resolvedAtMs, firstResponseDueMs: firstResponseDueMs,
            resolutionDueMs: resolutionDueMs, slaMet: slaMet)
    }

    /// The targets missed so far.
    var breachedTargets: [SlaTarget] {
        (alarms.contains(.firstResponseBreach) ? [.firstResponse] : [])
            + (alarms.contains(.resolutionBreach) ? [.resolution] : [])
    }
}
