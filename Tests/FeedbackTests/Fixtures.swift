import Feedback
import Models
import ServiceKit
import TestKit

/// The surveys most tests use, and short ways to define them, add accounts and answer.
extension InProcessService {
    static let dayMs: Int64 = 86_400_000

    /// A feedback service with the relationship NPS ("nps"), support CSAT ("csat"), in-app CES
    /// ("ces") and exit NPS ("exit") surveys, and the accounts given.
    static func feedback(accounts: [(String, Segment)] = [("acme", .key)]) async throws -> InProcessService {
        let feedback = try InProcessService(FeedbackService.definition)
        for (id, kind, touchpoint) in [
            ("nps", SurveyKind.nps, Touchpoint.relationship), ("csat", .csat, .supportCaseResolved),
            ("ces", .ces, .inApp), ("exit", .nps, .offboarding),
        ] {
            try await feedback.define(id, kind, touchpoint)
        }
        for (id, segment) in accounts { try await feedback.deliverAccount(account(id, segment: segment)) }
        return feedback
    }

    @discardableResult
    func define(_ id: String, _ kind: SurveyKind, _ touchpoint: Touchpoint, recontactDays: UInt32 = 0) async throws
        -> DefineSurveyResponse
    {
        try await call(
            "DefineSurvey",
            DefineSurveyRequest(
                survey: Survey(
                    surveyId: id, kind: kind, touchpoint: touchpoint, question: "How did we do?",
                    recontactDays: recontactDays)))
    }

    @discardableResult
    func answer(
        _ responseID: String, survey: String = "nps", customer: String = "acme", score: Int32, comment: String = "",
        answeredAtMs: Int64 = 0, cancellationReason: String = ""
    ) async throws -> RecordResponseResponse {
        try await call(
            "RecordResponse",
            RecordResponseRequest(
                responseId: responseID, surveyId: survey, customer: CustomerId(value: customer), score: score,
                comment: comment, channel: "email", answeredAtMs: answeredAtMs, cancellationReason: cancellationReason))
    }

    func invite(_ customer: String, to survey: String) async throws -> RequestInvitationResponse {
        try await call(
            "RequestInvitation", RequestInvitationRequest(customer: CustomerId(value: customer), surveyId: survey))
    }

    /// The events of `type` the service logged, decoded.
    func events<Body: ProtoMessage>(_ type: String, as body: Body.Type) async throws -> [Body] {
        try await events().filter { $0.type == type }.map { try Body(serializedBytes: $0.body) }
    }
}
