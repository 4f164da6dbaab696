import Models

/// feedback.proto's messages and their round-trip samples.
extension Samples {
    static var feedbackMessageTypes: [any ProtoMessage.Type] {
        [SurveyResponse.self, ResponseRecorded.self]
    }

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
    ]
}
