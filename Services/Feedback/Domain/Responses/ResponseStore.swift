import GRDB
import Models

/// The responses table: every answer, with the survey's kind and touchpoint and the account's
/// segment as they were when it was recorded.
enum ResponseStore {
    static func fetch(_ responseID: String, in db: Database) throws -> SurveyResponse? {
        try Row.fetchOne(db, sql: "SELECT * FROM responses WHERE response_id = ?", arguments: [responseID])
            .map(response(from:))
    }

    static func count(survey surveyID: String, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM responses WHERE survey_id = ?", arguments: [surveyID]) ?? 0
    }

    /// NPS answers with a comment answered in [fromMs, untilMs), newest first.
    static func npsComments(fromMs: Int64, untilMs: Int64, in db: Database) throws -> [(NpsCategory, String)] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT nps_category, comment FROM responses
                WHERE kind = ? AND answered_at_ms >= ? AND answered_at_ms < ? AND comment != ''
                ORDER BY answered_at_ms DESC, response_id DESC
                """,
            arguments: [SurveyKind.nps.rawValue, fromMs, untilMs]
        ).map { (NpsCategory(rawValue: $0[0]), $0[1]) }
    }

    /// What a score report needs of answers of `kind` answered in [fromMs, untilMs), oldest first (only
    /// `surveyID`'s when it is not empty): a few columns, not the comments.
    static func scoredAnswers(
        kind: SurveyKind, fromMs: Int64, untilMs: Int64, surveyID: String, in db: Database
    ) throws -> [ScoredAnswer] {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT customer_id, score, segment, touchpoint, answered_at_ms FROM responses
                WHERE kind = ? AND answered_at_ms >= ? AND answered_at_ms < ? AND (? = '' OR survey_id = ?)
                ORDER BY answered_at_ms, response_id
                """,
            arguments: [kind.rawValue, fromMs, untilMs, surveyID, surveyID])
        var answers: [ScoredAnswer] = []
        while let row = try rows.next() {
            answers.append(
                ScoredAnswer(
                    customerID: row[0], score: row[1], segment: Segment(rawValue: row[2]),
                    touchpoint: Touchpoint(rawValue: row[3]), answeredAtMs: row[4]))
        }
        return answers
    }

    /// Exit-survey answers in [fromMs, untilMs), oldest first.
    static func offboardingAnswers(fromMs: Int64, untilMs: Int64, in db: Database) throws -> [SurveyResponse] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM responses WHERE touchpoint = ? AND answered_at_ms >= ? AND answered_at_ms < ?
                ORDER BY answered_at_ms, response_id
                """,
            arguments: [Touchpoint.offboarding.rawValue, fromMs, untilMs]
        ).map(response(from:))
    }

    /// The newest answer of `customerID` to `surveyID`, Unix epoch ms, or nil.
    static func lastAnsweredMs(customer customerID: String, survey surveyID: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(
            db, sql: "SELECT MAX(answered_at_ms) FROM responses WHERE customer_id = ? AND survey_id = ?",
            arguments: [customerID, surveyID])
    }

    /// `customerID`'s answers (of `kind` unless unspecified) older than `after` in (answered_at_ms,
    /// response_id) order, newest first, at most `limit`; and how many there are in all.
    static func customerPage(
        customer customerID: String, kind: SurveyKind, after: (answeredAtMs: Int64, responseID: String)?, limit: Int,
        in db: Database
    ) throws -> (responses: [SurveyResponse], total: Int) {
        let filter = "customer_id = ? AND (? = 0 OR kind = ?)"
        let filterArguments: StatementArguments = [customerID, kind.rawValue, kind.rawValue]
        let start = after ?? (Int64.max, "")
        let responses = try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM responses WHERE \(filter)
                    AND (answered_at_ms < ? OR (answered_at_ms = ? AND response_id < ?) OR ?)
                ORDER BY answered_at_ms DESC, response_id DESC LIMIT ?
                """,
            arguments: filterArguments + [start.0, start.0, start.1, after == nil, limit]
        ).map(response(from:))
        let total = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM responses WHERE \(filter)", arguments: filterArguments)
        return (responses, total ?? 0)
    }

    static func insert(_ response: SurveyResponse, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO responses (response_id, survey_id, customer_id, kind, touchpoint, score, comment, channel,
                    segment, nps_category, answered_at_ms, cancellation_reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                response.responseId, response.surveyId, response.customer?.value ?? "", response.kind.rawValue,
                response.touchpoint.rawValue, Int(response.score), response.comment, response.channel,
                response.segment.rawValue, response.npsCategory.rawValue, response.answeredAtMs,
                response.cancellationReason,
            ])
    }

    private static func response(from row: Row) -> SurveyResponse {
        SurveyResponse(
            responseId: row["response_id"], surveyId: row["survey_id"], kind: SurveyKind(rawValue: row["kind"]),
            touchpoint: Touchpoint(rawValue: row["touchpoint"]), customer: CustomerId(value: row["customer_id"]),
            score: row["score"], comment: row["comment"], channel: row["channel"],
            segment: Segment(rawValue: row["segment"]), npsCategory: NpsCategory(rawValue: row["nps_category"]),
            answeredAtMs: row["answered_at_ms"], cancellationReason: row["cancellation_reason"])
    }
}
