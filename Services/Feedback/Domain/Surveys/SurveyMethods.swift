import GRDB
import Models
import ServiceKit

/// feedback.DefineSurvey and feedback.ListSurveys.
enum SurveyMethods {
    static func register(on router: Router) {
        router.write(
            "DefineSurvey",
            validate: { (request: DefineSurveyRequest, _) in try validate(request.survey) }
        ) { request, write in
            var survey = request.survey!
            let existing = try SurveyStore.fetch(survey.surveyId, in: write.db)
            if let existing, existing.kind != survey.kind,
                try ResponseStore.count(survey: survey.surveyId, in: write.db) > 0
            {
                throw RPCError.invalidArgument(
                    "survey.kind",
                    "survey \"\(survey.surveyId)\" already has \(existing.kind.acronym) answers; define a new survey instead"
                )
            }
            if survey.recontactDays == 0 {
                survey.recontactDays = SurveyStore.defaultRecontactDays(
                    kind: survey.kind, touchpoint: survey.touchpoint)
            }
            survey.createdAtMs = existing?.createdAtMs ?? write.nowMs
            try SurveyStore.save(survey, in: write.db)
            return DefineSurveyResponse(survey: survey, created: existing == nil)
        }

        router.read("ListSurveys", role: .reader) { (_: ListSurveysRequest, _) in
            try await router.database.read { db in
                let invitations = try counts(
                    sql: "SELECT survey_id, COUNT(*) AS n FROM invitations GROUP BY survey_id", db)
                let responses = try counts(sql: "SELECT survey_id, COUNT(*) AS n FROM responses GROUP BY survey_id", db)
                let answered = try counts(sql: answeredInvitationsSQL, db)
                let summaries = try SurveyStore.all(in: db).map { survey in
                    let invited = invitations[survey.surveyId] ?? 0
                    let answeredInvitations = answered[survey.surveyId] ?? 0
                    return SurveySummary(
                        survey: survey, invitations: UInt32(invited),
                        responses: UInt32(responses[survey.surveyId] ?? 0),
                        responseRate: invited == 0 ? 0 : Double(answeredInvitations) / Double(invited),
                        answeredInvitations: UInt32(answeredInvitations))
                }
                return ListSurveysResponse(surveys: summaries)
            }
        }
    }

    /// Invitations answered, by survey: an answer by the same customer to the same survey at or after
    /// the invitation and before that customer's next invitation to it.
    static let answeredInvitationsSQL = """
        SELECT i.survey_id, COUNT(*) AS n FROM invitations i
        WHERE EXISTS (
            SELECT 1 FROM responses r
            WHERE r.customer_id = i.customer_id AND r.survey_id = i.survey_id AND r.answered_at_ms >= i.invited_at_ms
                AND r.answered_at_ms < COALESCE(
                    (SELECT MIN(j.invited_at_ms) FROM invitations j
                     WHERE j.customer_id = i.customer_id AND j.survey_id = i.survey_id
                        AND j.invited_at_ms > i.invited_at_ms),
                    9223372036854775807))
        GROUP BY i.survey_id
        """

    static func validate(_ survey: Survey?) throws {
        guard let survey else { throw RPCError.invalidArgument("survey", "is required") }
        try Check.text(survey.surveyId, field: "survey.survey_id", min: 1, max: 64)
        guard
            survey.surveyId.unicodeScalars.allSatisfy({
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0))
            })
        else {
            throw RPCError.invalidArgument("survey.survey_id", "only letters, digits, '-', '_' and '.'")
        }
        guard survey.kind.scale != nil else {
            throw RPCError.invalidArgument("survey.kind", "must be NPS, CSAT or CES")
        }
        switch survey.touchpoint {
        case .onboarding, .supportCaseResolved, .businessReview, .offboarding, .relationship, .inApp: break
        default:
            throw RPCError.invalidArgument(
                "survey.touchpoint",
                "must be onboarding, support-case-resolved, business-review, offboarding, relationship or in-app")
        }
        try Check.text(survey.question, field: "survey.question", min: 1, max: 500)
        guard survey.recontactDays <= 730 else {
            throw RPCError.invalidArgument("survey.recontact_days", "at most 730 days")
        }
    }

    private static func counts(sql: String, _ db: Database) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: sql) { counts[row["survey_id"]] = row["n"] }
        return counts
    }
}
