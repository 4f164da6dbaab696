import Models

/// escalation.proto's messages and their round-trip samples.
extension Samples {
    static var escalationMessageTypes: [any ProtoMessage.Type] {
        [SupportCase.self, CaseChanged.self, SlaBreached.self]
    }

    static let escalationSamples = [
        MessageSample("SupportCase/default", SupportCase()),
        MessageSample(
            "CaseChanged/full",
            CaseChanged(
                supportCase: SupportCase(
                    caseId: "c-1", externalId: unicode, customer: CustomerId(value: "acme"), severity: .s1,
                    status: .escalated, level: .executive, origin: .detractorFollowUp, title: longText,
                    assignee: combiningMark, openedAtMs: 1, firstResponseAtMs: 2, resolvedAtMs: .max,
                    firstResponseDueMs: .min, resolutionDueMs: -1, slaMet: true))),
        MessageSample(
            "SlaBreached/unknown enums",
            SlaBreached(
                caseId: unicode, customer: CustomerId(value: "x"), severity: .unrecognized(7),
                target: .unrecognized(-3), dueAtMs: .min, breachedAtMs: .max, level: .unrecognized(42))),
    ]
}
