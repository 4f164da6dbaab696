/// The names people read and type for advocacy's enum values (cxctl, spotlight reasons), kept beside
/// DisplayNames.swift so that the service and cxctl say the same words.
extension AdvocateStatus {
    /// "candidate", "invited", "active", "lapsed"; "unspecified" otherwise.
    public var displayName: String {
        switch self {
        case .candidate: "candidate"
        case .invited: "invited"
        case .active: "active"
        case .lapsed: "lapsed"
        default: "unspecified"
        }
    }
}

extension ContributionChannel {
    /// Every channel, in the proto's order.
    public static let all: [ContributionChannel] = [
        .referral, .review, .caseStudy, .socialMention, .communityAnswer, .referenceCall, .eventTalk,
    ]

    /// "referral", "review", "case-study", "social-mention", "community-answer", "reference-call",
    /// "event-talk"; "unspecified" otherwise.
    public var displayName: String {
        switch self {
        case .referral: "referral"
        case .review: "review"
        case .caseStudy: "case-study"
        case .socialMention: "social-mention"
        case .communityAnswer: "community-answer"
        case .referenceCall: "reference-call"
        case .eventTalk: "event-talk"
        default: "unspecified"
        }
    }
}

extension ContributionState {
    /// "pending", "approved", "rejected"; "unspecified" otherwise.
    public var displayName: String {
        switch self {
        case .pending: "pending"
        case .approved: "approved"
        case .rejected: "rejected"
        default: "unspecified"
        }
    }
}

extension ReferralState {
    /// "converted", "held", "refused"; "unspecified" otherwise.
    public var displayName: String {
        switch self {
        case .converted: "converted"
        case .held: "held"
        case .refused: "refused"
        default: "unspecified"
        }
    }
}
