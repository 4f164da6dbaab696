import Models
import ServiceKit

/// escalation.GetSlaPolicies: the SLA matrix and calendars in force, for people to read.
enum SlaPolicyMethods {
    static func register(on router: Router, policy: EscalationPolicy) {
        router.read("GetSlaPolicies", role: .reader) { (_: GetSlaPoliciesRequest, _) in
            var rows: [SlaPolicyRow] = []
            for severity in Severity.allCases where policy.knows(severity) {
                for band in [HealthScoreBand.good, .average, .poor] {
                    for priority in [false, true] {
                        let cell = policy.cell(severity, band: band, prioritySupport: priority)
                        rows.append(
                            SlaPolicyRow(
                                policy: cell.name, severity: severity, band: band, prioritySupport: priority,
                                firstResponseTargetDurationMs: cell.targets.firstResponseMs,
                                resolutionTargetDurationMs: cell.targets.resolutionMs))
                    }
                }
            }
            let calendars = Segment.allCases.filter { $0 != .unspecified }.map {
                SegmentCalendar(segment: $0, calendar: policy.calendar(for: $0).name)
            }
            return GetSlaPoliciesResponse(
                policies: rows, calendars: calendars, warningShare: policy.warningShare,
                detractorFollowUpDays: policy.detractorFollowUpDays)
        }
    }
}
