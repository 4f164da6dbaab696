import Models

/// escalation.proto's messages and their round-trip samples.
extension Samples {
    static var escalationMessageTypes: [any ProtoMessage.Type] {
        [
            SupportCase.self, CaseChanged.self, SlaBreached.self, SlaWarning.self, OutreachRequested.self,
            SlaPolicyApplied.self, CaseNote.self, OpenCaseRequest.self, OpenCaseResponse.self, GetCaseRequest.self,
            GetCaseResponse.self, ListCasesRequest.self, ListCasesResponse.self, SetCaseStatusRequest.self,
            CaseResponse.self, AddCaseNoteRequest.self, AssignCaseRequest.self, ChangeLevelRequest.self,
            GetSlaReportRequest.self, BreachCount.self, GetSlaReportResponse.self, SetCaseSeverityRequest.self,
            GetSlaPoliciesRequest.self, SlaPolicyRow.self, SegmentCalendar.self, GetSlaPoliciesResponse.self,
        ]
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
        MessageSample(
            "SlaWarning/full",
            SlaWarning(
                caseId: "C7", customer: CustomerId(value: "acme"), severity: .s2, target: .resolution,
                dueAtMs: .max, warnedAtMs: 1, level: .engineering)),
        MessageSample(
            "OutreachRequested/full",
            OutreachRequested(
                caseId: "C7", customer: CustomerId(value: unicode), accountManager: combiningMark, severity: .s1,
                title: longText, reason: "first response breached", requestedAtMs: 42)),
        MessageSample(
            "SlaPolicyApplied/full",
            SlaPolicyApplied(
                appliedAtMs: 5, reason: "health band average → poor", severity: .s3, band: .poor, prioritySupport: true,
                policy: "S3/poor/priority", firstResponseTargetDurationMs: 3_600_000,
                resolutionTargetDurationMs: .max, firstResponseDueMs: 0, resolutionDueMs: -1)),
        MessageSample("CaseNote/reply", CaseNote(author: "ana", text: unicode, customerReply: true, addedAtMs: 9)),
        MessageSample(
            "OpenCaseRequest/full",
            OpenCaseRequest(
                externalId: "zd-1", customer: CustomerId(value: "acme"), severity: .s4, title: "Slow DNS",
                assignee: "bo", details: longText)),
        MessageSample(
            "OpenCaseResponse/created",
            OpenCaseResponse(supportCase: SupportCase(caseId: "C1", status: .open, level: .support), created: true)),
        MessageSample("GetCaseRequest/full", GetCaseRequest(caseId: "C1")),
        MessageSample(
            "GetCaseResponse/full",
            GetCaseResponse(
                supportCase: SupportCase(caseId: "C1", status: .pending), notes: [CaseNote(author: "x", text: "y")],
                slaAudit: [SlaPolicyApplied(reason: "opened", band: .unspecified)], segment: .key, calendar: "24x7",
                pausedDurationMs: 1000, breached: [.firstResponse, .resolution, .unrecognized(9)])),
        MessageSample(
            "ListCasesRequest/full",
            ListCasesRequest(
                customer: CustomerId(value: "acme"), status: .escalated, activeOnly: true,
                page: PageRequest(pageSize: 10, pageToken: "abc"))),
        MessageSample(
            "ListCasesResponse/page",
            ListCasesResponse(
                cases: [SupportCase(caseId: "C1"), SupportCase(caseId: "C2")],
                page: PageInfo(nextPageToken: "n", totalCount: 2))),
        MessageSample(
            "SetCaseStatusRequest/full", SetCaseStatusRequest(caseId: "C1", status: .resolved, reason: "fixed")),
        MessageSample("CaseResponse/full", CaseResponse(supportCase: SupportCase(caseId: "C1", slaMet: true))),
        MessageSample(
            "AddCaseNoteRequest/full",
            AddCaseNoteRequest(caseId: "C1", noteId: "n-1", author: "ana", text: "Called", customerReply: true)),
        MessageSample("AssignCaseRequest/full", AssignCaseRequest(caseId: "C1", assignee: combiningMark)),
        MessageSample("ChangeLevelRequest/full", ChangeLevelRequest(caseId: "C1", reason: "customer is red")),
        MessageSample("GetSlaReportRequest/window", GetSlaReportRequest(window: TimeRange(fromMs: 1, untilMs: 2))),
        MessageSample("BreachCount/full", BreachCount(key: "S1", breaches: 3)),
        MessageSample(
            "GetSlaReportResponse/full",
            GetSlaReportResponse(
                resolved: 10, attainmentPercent: 87.5, medianFirstResponseDurationMs: 1,
                p90FirstResponseDurationMs: 2, medianResolutionDurationMs: 3, p90ResolutionDurationMs: .max,
                breachesBySeverity: [BreachCount(key: "S1", breaches: 1)],
                breachesBySegment: [BreachCount(key: "key", breaches: 1)],
                breachesByLevel: [BreachCount(key: "support", breaches: 1)], atRisk: [SupportCase(caseId: "C3")])),
        MessageSample(
            "SetCaseSeverityRequest/full", SetCaseSeverityRequest(caseId: "C1", severity: .s1, reason: "outage")),
        MessageSample("GetSlaPoliciesRequest/empty", GetSlaPoliciesRequest()),
        MessageSample(
            "SlaPolicyRow/full",
            SlaPolicyRow(
                policy: "S1/poor/priority", severity: .s1, band: .poor, prioritySupport: true,
                firstResponseTargetDurationMs: 900_000, resolutionTargetDurationMs: .max)),
        MessageSample("SegmentCalendar/full", SegmentCalendar(segment: .small, calendar: "Mon–Fri 08:00–18:00 UTC")),
        MessageSample(
            "GetSlaPoliciesResponse/full",
            GetSlaPoliciesResponse(
                policies: [SlaPolicyRow(policy: "S4/good/standard", severity: .s4, band: .good)],
                calendars: [SegmentCalendar(segment: .key, calendar: "24x7")], warningShare: 0.25,
                detractorFollowUpDays: 30)),
    ]
}
