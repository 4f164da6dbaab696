import Advocacy
import Models
import ServiceKit
import TestKit
import Testing

@Suite("advocacy candidates from feedback and health")
struct CandidateTests {
    static func answer(
        _ id: String, score: Int32, category: NpsCategory, answeredAtMs: Int64, kind: SurveyKind = .nps
    ) -> ResponseRecorded {
        ResponseRecorded(
            response: SurveyResponse(
                responseId: "r-\(id)-\(answeredAtMs)", surveyId: "relationship", kind: kind, touchpoint: .relationship,
                customer: CustomerId(value: id), score: score, npsCategory: category, answeredAtMs: answeredAtMs))
    }

    func recorded(_ svc: InProcessService, _ id: String, score: Int32 = 10, category: NpsCategory = .promoter)
        async throws
    {
        try await svc.deliver(
            "response.recorded", from: "feedback", customerID: id,
            body: Self.answer(id, score: score, category: category, answeredAtMs: svc.clock.nowMs))
    }

    @Test("a promoter in good health with enough tenure becomes a candidate, with candidate.added")
    func promoterBecomesCandidate() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.seedAccount("acme", tenureDays: 120)
        try await recorded(svc, "acme")
        let acme = try await svc.advocate("acme")
        #expect(acme.status == .candidate && acme.origin == "promoter" && acme.candidateSinceMs == Time.start)
        #expect(acme.reason.contains("NPS 10"), "\(acme.reason)")
        let added = try await svc.events("candidate.added", as: AdvocateCandidateAdded.self)
        #expect(added.map { $0.advocate!.customer!.value } == ["acme"])
        try await recorded(svc, "acme", score: 9)  // already a candidate: nothing more
        #expect(try await svc.events().count == 1)
    }

    @Test("passives, detractors, short tenure, CSAT answers and unknown accounts make no candidate")
    func nonCandidates() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.seedAccount("passive")
        try await recorded(svc, "passive", score: 8, category: .passive)
        try await svc.seedAccount("detractor")
        try await recorded(svc, "detractor", score: 3, category: .detractor)
        try await svc.seedAccount("new", tenureDays: 89)
        try await recorded(svc, "new")
        try await svc.seedAccount("csat")
        try await svc.deliver(
            "response.recorded", from: "feedback", customerID: "csat",
            body: Self.answer("csat", score: 5, category: .unspecified, answeredAtMs: Time.start, kind: .csat))
        try await recorded(svc, "unknown")
        let list: ListAdvocatesResponse = try await svc.call("ListAdvocates", ListAdvocatesRequest())
        #expect(list.advocates.isEmpty)
        #expect(try await svc.events().isEmpty)
    }

    @Test("a promoter not in good health yet becomes a candidate when health's score makes the band good")
    func promoterWaitsForGoodHealth() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.seedAccount("acme", band: .average)
        try await recorded(svc, "acme")
        #expect(
            await svc.failure("GetAdvocate", GetAdvocateRequest(customer: CustomerId(value: "acme")))?.code == .notFound
        )
        svc.clock.advance(byMs: 10 * Time.day)
        try await svc.deliverScore("acme", band: .poor, score: 30)
        #expect(try await svc.events().isEmpty)
        try await svc.deliverScore("acme", band: .good, score: 80)
        let acme = try await svc.advocate("acme")
        #expect(acme.status == .candidate && acme.candidateSinceMs == Time.start + 10 * Time.day)
        #expect(try await svc.events("candidate.added", as: AdvocateCandidateAdded.self).count == 1)
    }

    @Test("tenure too short at the answer counts up to the moment health's band turns good")
    func tenureGrowsWhileWaiting() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.seedAccount("acme", tenureDays: 60, band: .good)
        try await recorded(svc, "acme")
        #expect(try await svc.events().isEmpty)
        svc.clock.advance(byMs: 31 * Time.day)
        try await svc.deliverScore("acme", band: .good, score: 88)
        #expect(try await svc.advocate("acme").status == .candidate)
    }

    @Test("a remembered promoter answer is forgotten after a detractor answer or after 180 days")
    func rememberedAnswersExpire() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.seedAccount("turned", band: .average)
        try await recorded(svc, "turned")
        try await recorded(svc, "turned", score: 2, category: .detractor)
        try await svc.deliverScore("turned", band: .good, score: 80)
        try await svc.seedAccount("slow", band: .average)
        try await recorded(svc, "slow")
        svc.clock.advance(byMs: 181 * Time.day)
        try await svc.deliverScore("slow", band: .good, score: 80)
        #expect(try await svc.events().isEmpty)
    }

    @Test("an older detractor answer imported late does not forget a newer promoter answer")
    func lateOlderAnswer() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.seedAccount("acme", band: .average)
        try await recorded(svc, "acme")
        try await svc.deliver(
            "response.recorded", from: "feedback", customerID: "acme",
            body: Self.answer("acme", score: 4, category: .detractor, answeredAtMs: Time.start - 30 * Time.day))
        try await svc.deliverScore("acme", band: .good, score: 80)
        #expect(try await svc.advocate("acme").status == .candidate)
    }
}
