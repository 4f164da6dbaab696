import Models

/// feedback.proto's messages and their round-trip samples.
extension Samples {
    static var feedbackMessageTypes: [any ProtoMessage.Type] {
        [
            SurveyResponse.self, ResponseRecorded.self, Survey.self, DefineSurveyRequest.self,
            DefineSurveyResponse.self, ListSurveysRequest.self, SurveySummary.self, ListSurveysResponse.self,
            Invitation.self, RequestInvitationRequest.self, RequestInvitationResponse.self, InvitationCreated.self,
            RecordResponseRequest.self, RecordResponseResponse.self, ScoreReportRequest.self, ScoreCell.self,
            SegmentRepresentation.self, ScoreReportResponse.self, TopIssuesRequest.self, IssueTerm.self,
            TopIssuesResponse.self, OffboardingReportRequest.self, CancellationReasonCount.self,
            OffboardingReportResponse.self, InvitationLimits.self, SetInvitationLimitsRequest.self,
            InvitationLimitsResponse.self, GetInvitationLimitsRequest.self, ListResponsesRequest.self,
            ListResponsesResponse.self,
        ]
    }

    static let feedbackSurvey = Survey(
        surveyId: "nps-relationship", kind: .nps, touchpoint: .relationship, question: unicode, recontactDays: .max,
        createdAtMs: .min)
    static let feedbackInvitation = Invitation(
        invitationId: combiningMark, surveyId: "csat", customer: CustomerId(value: unicode), invitedAtMs: .max,
        origin: longText)

    static let feedbackSamples = [
        MessageSample("SurveyResponse/default", SurveyResponse()),
        MessageSample(
            "SurveyResponse/detractor with unicode comment",
            SurveyResponse(
                responseId: unicode, surveyId: "nps-relationship", kind: .nps, touchpoint: .relationship,
                customer: CustomerId(value: "acme"), score: 0, comment: longText, channel: "email", segment: .key,
                npsCategory: .detractor, answeredAtMs: .max, cancellationReason: combiningMark)),
        MessageSample(
            "ResponseRecorded/unknown enums",
            ResponseRecorded(response: SurveyResponse(kind: .unrecognized(99), touchpoint: .unrecognized(-1)))),
        MessageSample("Survey/full", feedbackSurvey),
        MessageSample("DefineSurveyRequest/full", DefineSurveyRequest(survey: feedbackSurvey)),
        MessageSample("DefineSurveyResponse/created", DefineSurveyResponse(survey: feedbackSurvey, created: true)),
        MessageSample("ListSurveysRequest/default", ListSurveysRequest()),
        MessageSample(
            "SurveySummary/full",
            SurveySummary(
                survey: feedbackSurvey, invitations: .max, responses: 1, responseRate: 0.5, answeredInvitations: 1)),
        MessageSample(
            "ListSurveysResponse/two",
            ListSurveysResponse(surveys: [
                SurveySummary(), SurveySummary(survey: feedbackSurvey, responseRate: .infinity),
            ])),
        MessageSample("Invitation/full", feedbackInvitation),
        MessageSample(
            "RequestInvitationRequest/full",
            RequestInvitationRequest(customer: CustomerId(value: "acme"), surveyId: "csat")),
        MessageSample(
            "RequestInvitationResponse/sent",
            RequestInvitationResponse(send: true, decision: .send, reason: unicode, invitation: feedbackInvitation)),
        MessageSample(
            "RequestInvitationResponse/capped",
            RequestInvitationResponse(decision: .customerCap, reason: "cap", nextEligibleAtMs: .max)),
        MessageSample(
            "InvitationCreated/full",
            InvitationCreated(invitation: feedbackInvitation, kind: .csat, touchpoint: .supportCaseResolved)),
        MessageSample(
            "RecordResponseRequest/full",
            RecordResponseRequest(
                responseId: unicode, surveyId: "exit", customer: CustomerId(value: "acme"), score: .min,
                comment: longText, channel: combiningMark, answeredAtMs: .max, cancellationReason: unicode)),
        MessageSample(
            "RecordResponseResponse/repeat",
            RecordResponseResponse(response: SurveyResponse(responseId: "r1", score: 10), recorded: false)),
        MessageSample(
            "ListResponsesRequest/full",
            ListResponsesRequest(
                customer: CustomerId(value: unicode), kind: .csat, page: PageRequest(pageSize: .max, pageToken: unicode)
            )),
        MessageSample(
            "ListResponsesResponse/page",
            ListResponsesResponse(
                responses: [SurveyResponse(responseId: "r1", score: 10), SurveyResponse()],
                page: PageInfo(nextPageToken: "x", totalCount: .max))),
        MessageSample(
            "ScoreReportRequest/full",
            ScoreReportRequest(
                kind: .ces, by: .touchpoint, period: .quarter, window: TimeRange(fromMs: .min, untilMs: .max),
                minAnswers: .max, latestPerCustomer: true, surveyId: unicode)),
        MessageSample(
            "ScoreCell/full",
            ScoreCell(
                segment: .key, touchpoint: .inApp, periodStartMs: .min, answers: .max, tooFew: true, score: -100,
                marginOfError: 12.5, promoters: 1, passives: 2, detractors: 3, favourable: 4,
                favourablePercent: 66.6)),
        MessageSample(
            "SegmentRepresentation/full",
            SegmentRepresentation(segment: .small, answers: 3, answerShare: 0.1, customers: 40, customerShare: 0.4)),
        MessageSample(
            "ScoreReportResponse/full",
            ScoreReportResponse(
                kind: .nps, minAnswers: 10, window: TimeRange(fromMs: 1, untilMs: 2),
                cells: [ScoreCell(), ScoreCell(score: 100)],
                representation: [SegmentRepresentation(segment: .unrecognized(42))])),
        MessageSample("TopIssuesRequest/default", TopIssuesRequest()),
        MessageSample(
            "IssueTerm/full",
            IssueTerm(
                term: "support response", detractorComments: 5, promoterComments: 0, lift: 7.5,
                examples: [longText, unicode, ""])),
        MessageSample(
            "TopIssuesResponse/one",
            TopIssuesResponse(issues: [IssueTerm(term: unicode)], detractorComments: .max, promoterComments: 0)),
        MessageSample(
            "OffboardingReportRequest/window", OffboardingReportRequest(window: TimeRange(fromMs: 0, untilMs: .max))),
        MessageSample(
            "CancellationReasonCount/full", CancellationReasonCount(reason: unicode, answers: .max, cameBack: 7)),
        MessageSample(
            "OffboardingReportResponse/full",
            OffboardingReportResponse(
                exitAnswers: 3, reasons: [CancellationReasonCount(reason: "price", answers: 2)], everCancelled: 4,
                resurrected: 1, resurrectionRate: 0.25,
                revenueAfterReturn: [Money(minorUnits: .max, currency: "EUR")])),
        MessageSample(
            "InvitationLimits/full", InvitationLimits(customerCap: .max, capWindowDays: 365, updatedAtMs: .min)),
        MessageSample(
            "SetInvitationLimitsRequest/full",
            SetInvitationLimitsRequest(limits: InvitationLimits(customerCap: 2, capWindowDays: 30))),
        MessageSample("InvitationLimitsResponse/default", InvitationLimitsResponse()),
        MessageSample("GetInvitationLimitsRequest/default", GetInvitationLimitsRequest()),
    ]
}
