import Models

/// Which message each event type carries, as the .proto files' comments fix them: enough for
/// `cxctl events tail` to show an event's body instead of its bytes.
enum EventCatalog {
    static let bodies: [String: any ProtoMessage.Type] = [
        "health.account.upserted": AccountChanged.self,
        "health.account.cancelled": AccountChanged.self,
        "health.account.reactivated": AccountChanged.self,
        "health.inactivity.alert": InactivityAlert.self,
        "health.score.changed": ScoreChanged.self,
        "health.onboarding.completed": OnboardingCompleted.self,
        "feedback.response.recorded": ResponseRecorded.self,
        "loyalty.points.posted": PointsPosted.self,
        "loyalty.tier.changed": TierChanged.self,
        "advocacy.level.changed": AdvocacyLevelChanged.self,
        "advocacy.referral.converted": ReferralConverted.self,
        "escalation.case.opened": CaseChanged.self,
        "escalation.case.escalated": CaseChanged.self,
        "escalation.case.resolved": CaseChanged.self,
        "escalation.case.closed": CaseChanged.self,
        "escalation.sla.breached": SlaBreached.self,
    ]

    /// The event's body as JSON: decoded when the type is known, else its bytes (base64).
    static func body(of event: Event) -> JSONValue {
        guard let type = bodies["\(event.source).\(event.type)"],
            let message = try? type.init(serializedBytes: event.body)
        else { return JSONValue(event.body) }
        return message.jsonValue
    }
}
