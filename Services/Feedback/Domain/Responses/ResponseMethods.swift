import GRDB
import Models
import Projections
import ServiceKit

/// feedback.RecordResponse: one answer, validated against its survey's scale, with the event
/// "feedback.response.recorded" in the same transaction.
enum ResponseMethods {
    /// The longest comment kept, in bytes of UTF-8.
    static let commentLimit = 2000

    static func register(on router: Router) {
        // No natural key for the router's idempotency record: a repeat of a response id must be
        // compared with the answer stored (same answer: nothing changes; another answer: refused),
        // which the responses table, keyed by response id, does itself.
        router.write(
            "RecordResponse",
            validate: { (request: RecordResponseRequest, context) in try validate(request, nowMs: context.nowMs) }
        ) { request, write in
            let survey = try SurveyStore.require(request.surveyId, field: "survey_id", in: write.db)
            let customerID = request.customer!.value
            let account = try AccountProjection.require(customerID, field: "customer", in: write.db)
            let scale = survey.kind.scale!
            guard scale.contains(request.score) else {
                throw RPCError.invalidArgument(
                    "score",
                    "\(survey.kind.acronym) scores are \(scale.lowerBound)–\(scale.upperBound), got \(request.score)")
            }
            if !request.cancellationReason.isEmpty && survey.touchpoint != .offboarding {
                throw RPCError.invalidArgument("cancellation_reason", "only an offboarding survey's answer has one")
            }
            if let first = try ResponseStore.fetch(request.responseId, in: write.db) {
                try requireSameAnswer(request, as: first)
                return RecordResponseResponse(response: first, recorded: false)
            }
            let response = SurveyResponse(
                responseId: request.responseId, surveyId: survey.surveyId, kind: survey.kind,
                touchpoint: survey.touchpoint, customer: CustomerId(value: customerID), score: request.score,
                comment: request.comment, channel: request.channel, segment: account.segment,
                npsCategory: NpsCategory(kind: survey.kind, score: request.score),
                answeredAtMs: request.answeredAtMs == 0 ? write.nowMs : request.answeredAtMs,
                cancellationReason: request.cancellationReason)
            try ResponseStore.insert(response, in: write.db)
            try write.emit("response.recorded", customerID: customerID, ResponseRecorded(response: response))
            return RecordResponseResponse(response: response, recorded: true)
        }
    }

    static func validate(_ request: RecordResponseRequest, nowMs: Int64) throws {
        try Check.text(request.responseId, field: "response_id", min: 1, max: 128)
        try Check.text(request.surveyId, field: "survey_id", min: 1, max: 64)
        _ = try Check.customer(request.customer, field: "customer")
        try Check.text(request.comment, field: "comment", max: commentLimit)
        // Invalid UTF-8 never reaches here (decoding repairs it); control characters other than line
        // breaks and tabs would garble every report and export that shows the comment.
        if request.comment.unicodeScalars.contains(where: {
            $0.properties.generalCategory == .control && !"\n\r\t".unicodeScalars.contains($0)
        }) {
            throw RPCError.invalidArgument(
                "comment", "must not contain control characters other than line breaks and tabs")
        }
        try Check.text(request.channel, field: "channel", max: 50)
        try Check.text(request.cancellationReason, field: "cancellation_reason", max: 500)
        try Check.notInFuture(request.answeredAtMs, field: "answered_at_ms", nowMs: nowMs)
    }

    /// A repeat of a recorded response id must carry the same answer; anything else is a second,
    /// different answer under one id, which is refused rather than silently dropped or overwritten.
    static func requireSameAnswer(_ request: RecordResponseRequest, as first: SurveyResponse) throws {
        let differences = [
            ("survey_id", request.surveyId != first.surveyId),
            ("customer", request.customer?.value != first.customer?.value),
            ("score", request.score != first.score),
            ("comment", request.comment != first.comment),
            ("channel", request.channel != first.channel),
            ("answered_at_ms", request.answeredAtMs != 0 && request.answeredAtMs != first.answeredAtMs),
            ("cancellation_reason", request.cancellationReason != first.cancellationReason),
        ]
        guard let field = differences.first(where: \.1)?.0 else { return }
        let detail = field == "score" ? " with score \(first.score), not \(request.score)" : " with another \(field)"
        throw RPCError(
            .alreadyExists, "\(field): response \"\(request.responseId)\" is already recorded\(detail)", field: field)
    }
}
