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
