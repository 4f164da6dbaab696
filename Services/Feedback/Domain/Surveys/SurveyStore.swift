import GRDB
import Models
import ServiceKit

/// The surveys table.
enum SurveyStore {
    /// Days between two invitations of one customer to one survey when its definition says 0.
    static func defaultRecontactDays(kind: SurveyKind, touchpoint: Touchpoint) -> UInt32 {
        kind == .nps && touchpoint == .relationship ? 90 : 30
    }

    static func fetch(_ surveyID: String, in db: Database) throws -> Survey? {
        try Row.fetchOne(db, sql: "SELECT * FROM surveys WHERE survey_id = ?", arguments: [surveyID])
            .map(survey(from:))
    }

    /// The defined survey, or INVALID_ARGUMENT naming `field`.
    static func require(_ surveyID: String, field: String, in db: Database) throws -> Survey {
        guard let survey = try fetch(surveyID, in: db) else {
            throw RPCError.invalidArgument(
                field, "unknown survey \"\(surveyID)\" (define it with feedback.DefineSurvey)")
        }
        return survey
    }

    static func all(in db: Database) throws -> [Survey] {
        try Row.fetchAll(db, sql: "SELECT * FROM surveys ORDER BY survey_id").map(survey(from:))
    }

    /// The survey asked after a resolved support case: CSAT first, then the lowest id.
    static func supportCaseSurvey(in db: Database) throws -> Survey? {
        try Row.fetchOne(
            db,
            sql: "SELECT * FROM surveys WHERE touchpoint = ? ORDER BY kind != ?, survey_id LIMIT 1",
            arguments: [Touchpoint.supportCaseResolved.rawValue, SurveyKind.csat.rawValue]
        ).map(survey(from:))
    }

    static func save(_ survey: Survey, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO surveys (survey_id, kind, touchpoint, question, recontact_days, created_at_ms)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (survey_id) DO UPDATE SET kind = excluded.kind, touchpoint = excluded.touchpoint,
                    question = excluded.question, recontact_days = excluded.recontact_days
                """,
            arguments: [
                survey.surveyId, survey.kind.rawValue, survey.touchpoint.rawValue, survey.question,
                Int(survey.recontactDays), survey.createdAtMs,
            ])
    }

    private static func survey(from row: Row) -> Survey {
        Survey(
            surveyId: row["survey_id"], kind: SurveyKind(rawValue: row["kind"]),
            touchpoint: Touchpoint(rawValue: row["touchpoint"]), question: row["question"],
            recontactDays: UInt32(row["recontact_days"] as Int), createdAtMs: row["created_at_ms"])
    }
}
