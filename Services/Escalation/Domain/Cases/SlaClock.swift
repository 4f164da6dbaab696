import Models

/// The SLA clock of a case: business time accrues while the case is worked on, stops while it is
/// pending, and gives the wall-clock warning and due times of its targets.
extension CaseRecord {
    /// Counts the business time since the clock was last read, up to `nowMs` (nothing while paused).
    mutating func accrue(to nowMs: Int64, on calendar: BusinessCalendar) {
        guard !isPaused, nowMs > slaAsOfMs else { return }
        slaElapsedMs += calendar.businessTime(from: slaAsOfMs, to: nowMs)
        slaAsOfMs = nowMs
    }

    /// Stops the clock (pending: waiting for the customer).
    mutating func pause(at nowMs: Int64, on calendar: BusinessCalendar) {
        guard !isPaused else { return }
        accrue(to: nowMs, on: calendar)
        pausedSinceMs = nowMs
    }

    /// Starts the clock again; the targets' due times move out by the business time it stood still.
    mutating func resume(at nowMs: Int64, on calendar: BusinessCalendar, policy: EscalationPolicy) {
        guard isPaused else { return }
        pausedTotalMs += max(0, nowMs - pausedSinceMs)
        pausedSinceMs = 0
        slaAsOfMs = nowMs
        scheduleTargets(at: nowMs, on: calendar, policy: policy)
    }

    /// Applies a cell of the SLA matrix: new targets, and due times from the time already used.
    mutating func apply(_ cell: SlaPolicyCell, at nowMs: Int64, on calendar: BusinessCalendar, policy: EscalationPolicy)
    {
        accrue(to: nowMs, on: calendar)
        band = cell.band
        prioritySupport = cell.prioritySupport
        self.policy = cell.name
        firstResponseTargetMs = cell.targets.firstResponseMs
        resolutionTargetMs = cell.targets.resolutionMs
        scheduleTargets(at: nowMs, on: calendar, policy: policy)
    }

    /// Sets the warning and due instants of the targets still open from the business time left on
    /// each, counted from `nowMs` (the clock's reading). A target whose time is already used up
    /// falls due now, unless it fell due earlier.
    private mutating func scheduleTargets(at nowMs: Int64, on calendar: BusinessCalendar, policy: EscalationPolicy) {
        func instant(after target: Int64, current: Int64) -> Int64 {
            let left = target - slaElapsedMs
            if left > 0 { return calendar.advance(from: nowMs, by: left) }
            return current != 0 && current <= nowMs ? current : nowMs
        }
        if firstResponseAtMs == 0 {
            firstResponseDueMs = instant(after: firstResponseTargetMs, current: firstResponseDueMs)
            firstResponseWarnAtMs = instant(
                after: firstResponseTargetMs - policy.warningLead(firstResponseTargetMs), current: firstResponseWarnAtMs
            )
        }
        if resolvedAtMs == 0 {
            resolutionDueMs = instant(after: resolutionTargetMs, current: resolutionDueMs)
            resolutionWarnAtMs = instant(
                after: resolutionTargetMs - policy.warningLead(resolutionTargetMs), current: resolutionWarnAtMs)
        }
    }
}
