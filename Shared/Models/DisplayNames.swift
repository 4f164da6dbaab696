/// The names people read and type for enum values (reports, cxctl options), one place for all.
extension Segment {
    /// "small", "mid-market", "enterprise", "key"; "unspecified" otherwise.
    public var displayName: String {
        switch self {
        case .small: "small"
        case .midMarket: "mid-market"
        case .enterprise: "enterprise"
        case .key: "key"
        default: "unspecified"
        }
    }
}

extension LifecycleStage {
    /// "onboarding", "adopting", "mature", "at-renewal", "cancelled"; "unspecified" otherwise.
    public var displayName: String {
        switch self {
        case .onboarding: "onboarding"
        case .adopting: "adopting"
        case .mature: "mature"
        case .atRenewal: "at-renewal"
        case .cancelled: "cancelled"
        default: "unspecified"
        }
    }
}

extension HealthScoreBand {
    /// "good", "average", "poor"; "unspecified" otherwise.
    public var displayName: String {
        switch self {
        case .good: "good"
        case .average: "average"
        case .poor: "poor"
        default: "unspecified"
        }
    }
}

extension Severity {
    /// "S1" … "S4"; "unspecified" otherwise.
    public var displayName: String {
        switch self {
        case .s1: "S1"
        case .s2: "S2"
        case .s3: "S3"
        case .s4: "S4"
        default: "unspecified"
        }
    }
}

extension CaseStatus {
    /// "open", "pending", "escalated", "resolved", "closed"; "unspecified" otherwise.
    public var displayName: String {
        switch self {
        case .open: "open"
        case .pending: "pending"
        case .escalated: "escalated"
        case .resolved: "resolved"
        case .closed: "closed"
        default: "unspecified"
        }
    }
}

extension EscalationLevel {
    /// "support", "engineering", "account-manager", "executive"; "unspecified" otherwise.
    public var displayName: String {
        switch self {
        case .support: "support"
        case .engineering: "engineering"
        case .accountManager: "account-manager"
        case .executive: "executive"
        default: "unspecified"
        }
    }
}

extension SlaTarget {
    /// "first-response", "resolution"; "unspecified" otherwise.
    public var displayName: String {
        switch self {
        case .firstResponse: "first-response"
        case .resolution: "resolution"
        default: "unspecified"
        }
    }
}

extension CaseOrigin {
    /// "api", "detractor-follow-up", "inactivity-outreach"; "unspecified" otherwise.
    public var displayName: String {
        switch self {
        case .api: "api"
        case .detractorFollowUp: "detractor-follow-up"
        case .inactivityOutreach: "inactivity-outreach"
        default: "unspecified"
        }
    }
}
