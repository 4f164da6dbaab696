import Escalation
import Models
import ServiceKit
import TestKit
import Testing

@Suite("Cases opened automatically from feedback and health")
struct AutomaticCasesTests {
    func answer(_ id: String, score: Int32, category: NpsCategory, on service: InProcessService) async throws {
        try await service.deliver(
            "response.recorded", from: "feedback", customerID: "acme",
            body: ResponseRecorded(
                response: SurveyResponse(
                    responseId: id, surveyId: "nps-q1", kind: .nps, customer: CustomerId(value: "acme"),
                    score: score, comment: "Too slow", npsCategory: category, answeredAtMs: service.clock.nowMs)))
    }

    @Test("a detractor opens one follow-up case per customer per 30 days; promoters open none")
    func detractorFollowUp() async throws {
        let service = try await makeService()
        try await answer("r-1", score: 10, category: .promoter, on: service)
        #expect(try await service.eventTypes().isEmpty)

        try await answer("r-2", score: 3, category: .detractor, on: service)
        let opened = try await service.events("case.opened", as: CaseChanged.self)
        #expect(opened.count == 1)
        let followUp = opened.first!.supportCase!
        #expect(followUp.origin == .detractorFollowUp && followUp.externalId == "detractor:r-2")
        #expect(followUp.assignee == "ana@example.com" && followUp.severity == .s3)
        #expect(try await service.getCase(followUp.caseId).notes.first?.text.contains("Too slow") == true)

        service.clock.advance(byMs: 29 * dayMs)
        try await answer("r-3", score: 2, category: .detractor, on: service)
        #expect(try await service.events("case.opened", as: CaseChanged.self).count == 1)

        service.clock.advance(byMs: 2 * dayMs)
        try await answer("r-4", score: 5, category: .detractor, on: service)
        #expect(try await service.events("case.opened", as: CaseChanged.self).count == 2)
    }

    @Test("an inactivity alert opens a proactive outreach case for the account manager, once per silence")
    func inactivityOutreach() async throws {
        let service = try await makeService()
        let alert = InactivityAlert(
            customer: CustomerId(value: "acme"), segment: .midMarket, silentSinceMs: 1_765_000_000_000, daysSilent: 15,
            thresholdDays: 14)
        try await service.deliver("inactivity.alert", from: "health", customerID: "acme", body: alert)
        try await service.deliver("inactivity.alert", from: "health", customerID: "acme", body: alert)
        let opened = try await service.events("case.opened", as: CaseChanged.self).map { $0.supportCase! }
        #expect(opened.count == 1)
        #expect(opened.first?.origin == .inactivityOutreach && opened.first?.assignee == "ana@example.com")
        #expect(opened.first?.title == "Proactive outreach: no use for 15 days")
    }
}
