import Feedback
import GRDB
import Models
import ServiceKit
import TestKit
import Testing

@Suite("feedback surveys and answers")
struct ResponseMethodsTests {
    @Test("an answer is stored with its survey's kind and touchpoint, the account's segment and its NPS category, once")
    func recordsOnceWithEvent() async throws {
        let feedback = try await InProcessService.feedback()
        let first = try await feedback.answer("r1", score: 3, comment: "Support is slow ✉️\nreally")
        #expect(first.recorded && first.response?.comment == "Support is slow ✉️\nreally")
        let stored = try #require(first.response)
        #expect(stored.kind == .nps && stored.touchpoint == .relationship && stored.segment == .key)
        #expect(stored.npsCategory == .detractor && stored.answeredAtMs == feedback.clock.nowMs)

        let repeated = try await feedback.answer("r1", score: 3, comment: "Support is slow ✉️\nreally")
        #expect(!repeated.recorded && repeated.response == stored)
        let recorded = try await feedback.events("response.recorded", as: ResponseRecorded.self)
        #expect(recorded.map(\.response) == [stored], "exactly one event per response id")
    }

    @Test("NPS answers are promoters from 9, passives at 7–8, detractors to 6; CSAT and CES have no category")
    func categories() async throws {
        let feedback = try await InProcessService.feedback()
        var categories: [NpsCategory] = []
        for score: Int32 in [0, 6, 7, 8, 9, 10] {
            categories.append(try await feedback.answer("n\(score)", score: score).response!.npsCategory)
        }
        #expect(categories == [.detractor, .detractor, .passive, .passive, .promoter, .promoter])
        #expect(try await feedback.answer("c", survey: "csat", score: 5).response?.npsCategory == .unspecified)
    }

    @Test("a bad answer is refused naming its field, and nothing is stored or emitted")
    func refusals() async throws {
        let feedback = try await InProcessService.feedback()
        try await feedback.answer("kept", score: 9)
        let before = try await feedback.events()
        let cases: [(RecordResponseRequest, String)] = [
            (.init(responseId: "x", surveyId: "nps", customer: .init(value: "acme"), score: 11), "score"),
            (.init(responseId: "x", surveyId: "csat", customer: .init(value: "acme"), score: 0), "score"),
            (.init(responseId: "x", surveyId: "ces", customer: .init(value: "acme"), score: 8), "score"),
            (.init(responseId: "x", surveyId: "nope", customer: .init(value: "acme"), score: 5), "survey_id"),
            (.init(responseId: "x", surveyId: "nps", customer: .init(value: "nobody"), score: 5), "customer"),
            (
                .init(
                    responseId: "x", surveyId: "nps", customer: .init(value: "acme"), score: 5,
                    comment: String(repeating: "é", count: 1001)),
                "comment"
            ),
            (.init(responseId: "", surveyId: "nps", customer: .init(value: "acme"), score: 5), "response_id"),
            (
                .init(responseId: "x", surveyId: "nps", customer: .init(value: "acme"), score: 5, comment: "bell\u{7}"),
                "comment"
            ),
            (
                .init(
                    responseId: "x", surveyId: "nps", customer: .init(value: "acme"), score: 5,
                    answeredAtMs: feedback.clock.nowMs + InProcessService.dayMs),
                "answered_at_ms"
            ),
            (
                .init(
                    responseId: "x", surveyId: "nps", customer: .init(value: "acme"), score: 5,
                    cancellationReason: "price"),
                "cancellation_reason"
            ),
        ]
        for (request, field) in cases {
            let error = await #expect(throws: RPCError.self) {
                let _: RecordResponseResponse = try await feedback.call("RecordResponse", request)
            }
            #expect(error?.code == .invalidArgument && error?.field == field, "\(String(describing: error))")
        }
        let different = await #expect(throws: RPCError.self) { try await feedback.answer("kept", score: 2) }
        #expect(different?.code == .alreadyExists && different?.field == "score")
        #expect(different?.message.contains("already recorded with score 9, not 2") == true)

        #expect(try await feedback.events() == before)
        let stored = try await feedback.database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM responses") }
        #expect(stored == 1)
    }

    @Test("a survey is validated, gets its default recontact period, and cannot change kind once answered")
    func surveyDefinitions() async throws {
        let feedback = try await InProcessService.feedback()
        let relationship = try await feedback.define("nps-2", .nps, .relationship)
        let inApp = try await feedback.define("nps-3", .nps, .inApp)
        #expect(relationship.created && relationship.survey?.recontactDays == 90)
        #expect(inApp.survey?.recontactDays == 30)
        #expect(try await feedback.define("nps-3", .nps, .inApp, recontactDays: 14).survey?.recontactDays == 14)

        try await feedback.answer("r1", score: 9)
        let changed = await #expect(throws: RPCError.self) { try await feedback.define("nps", .csat, .relationship) }
        #expect(changed?.field == "survey.kind")
        let unnamed = await #expect(throws: RPCError.self) { try await feedback.define("bad id!", .nps, .inApp) }
        #expect(unnamed?.field == "survey.survey_id")
        let noTouchpoint = await #expect(throws: RPCError.self) { try await feedback.define("t", .nps, .unspecified) }
        #expect(noTouchpoint?.field == "survey.touchpoint")

        let listed: ListSurveysResponse = try await feedback.call("ListSurveys", ListSurveysRequest())
        #expect(listed.surveys.map { $0.survey!.surveyId } == ["ces", "csat", "exit", "nps", "nps-2", "nps-3"])
    }
}
