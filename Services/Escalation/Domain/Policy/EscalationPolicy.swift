public import Models

/// The SLA targets of one cell of the matrix, in business time.
public struct SlaTargets: Sendable, Hashable {
    public var firstResponseMs: Int64
    public var resolutionMs: Int64

    public init(firstResponseMs: Int64, resolutionMs: Int64) {
        self.firstResponseMs = firstResponseMs
        self.resolutionMs = resolutionMs
    }
}

/// How the escalation service treats cases: the SLA matrix (severity × the account's health band ×
/// priority-support entitlement), when to warn, the business-hours calendar of each segment, and
/// how often automatic cases may be opened.
public struct EscalationPolicy: Sendable {
    /// Targets for an account of average health without priority support.
    public var baseTargets: [Severity: SlaTargets]
    /// Targets are multiplied by the band's factor: unhealthy accounts get faster answers ("if a
    /// customer is a Red or At Risk account, support them in a way that matches their expectations").
    /// An account not scored yet is treated as average.
    public var bandFactors: [HealthScoreBand: Double]
    /// Targets are multiplied by this when the customer is entitled to priority support.
    public var priorityFactor: Double
    /// A warning is raised when this share of a target is left (0.25: at 75 % of the time).
    public var warningShare: Double
    /// The calendar of each segment; segments not listed run around the clock.
    public var calendars: [Segment: BusinessCalendar]
    /// At most one detractor follow-up case per customer in this many days.
    public var detractorFollowUpDays: Int64

    public init(
        baseTargets: [Severity: SlaTargets], bandFactors: [HealthScoreBand: Double], priorityFactor: Double,
        warningShare: Double, calendars: [Segment: BusinessCalendar], detractorFollowUpDays: Int64
    ) {
        self.baseTargets = baseTargets
        self.bandFactors = bandFactors
        self.priorityFactor = priorityFactor
        self.warningShare = warningShare
        self.calendars = calendars
        self.detractorFollowUpDays = detractorFollowUpDays
    }

    private static let hourMs: Int64 = 3_600_000

    /// S1 1 h / 8 h, S2 4 h / 24 h, S3 8 h / 72 h, S4 24 h / 120 h for an average account; good ×1.5,
    /// poor ×0.5; priority support ×0.5; warn at 75 %; small accounts on weekday office hours
    /// (08:00–18:00 UTC), the other segments around the clock; one detractor follow-up per 30 days.
    public static let standard = EscalationPolicy(
        baseTargets: [
            .s1: SlaTargets(firstResponseMs: 1 * hourMs, resolutionMs: 8 * hourMs),
            .s2: SlaTargets(firstResponseMs: 4 * hourMs, resolutionMs: 24 * hourMs),
            .s3: SlaTargets(firstResponseMs: 8 * hourMs, resolutionMs: 72 * hourMs),
            .s4: SlaTargets(firstResponseMs: 24 * hourMs, resolutionMs: 120 * hourMs),
        ],
        bandFactors: [.good: 1.5, .average: 1.0, .poor: 0.5], priorityFactor: 0.5, warningShare: 0.25,
        calendars: [.small: .weekdays(from: 8, to: 18)], detractorFollowUpDays: 30)

    /// Whether the matrix has targets for `severity` (S1–S4).
    public func knows(_ severity: Severity) -> Bool { baseTargets[severity] != nil }

    /// The matrix cell for a case.
    /// - Important: `severity` must be one the matrix ``knows(_:)``.
    public func cell(_ severity: Severity, band: HealthScoreBand, prioritySupport: Bool) -> SlaPolicyCell {
        guard let base = baseTargets[severity] else {
            preconditionFailure("no SLA targets for \(severity); methods refuse such a severity before this")
        }
        let effectiveBand = band == .unspecified ? HealthScoreBand.average : band
        let factor = (bandFactors[effectiveBand] ?? 1) * (prioritySupport ? priorityFactor : 1)
        let targets = SlaTargets(
            firstResponseMs: Int64((Double(base.firstResponseMs) * factor).rounded()),
            resolutionMs: Int64((Double(base.resolutionMs) * factor).rounded()))
        let name = "\(severity.displayName)/\(effectiveBand.displayName)/\(prioritySupport ? "priority" : "standard")"
        return SlaPolicyCell(
            name: name, severity: severity, band: band, prioritySupport: prioritySupport, targets: targets)
    }

    /// The calendar a segment's cases run on.
    public func calendar(for segment: Segment) -> BusinessCalendar { calendars[segment] ?? .allDay }

    /// How long before a target's due time its warning is raised, in business time.
    func warningLead(_ targetMs: Int64) -> Int64 { Int64((Double(targetMs) * warningShare).rounded()) }
}

/// One cell of the SLA matrix, with the inputs that chose it.
public struct SlaPolicyCell: Sendable, Hashable {
    /// "S2/poor/priority".
    public var name: String
    public var severity: Severity
    /// The account's band as known (unspecified before the first score).
    public var band: HealthScoreBand
    public var prioritySupport: Bool
    public var targets: SlaTargets
}
