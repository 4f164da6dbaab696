import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

/// The suite as separate processes on one data directory, each following the others' events over
/// real sockets: what one service hears changes what another does.
@Suite("the services follow each other across processes")
struct CrossServiceTests {
    static let dayMs: Int64 = 86_400_000

    /// An account that has used three features every day for four weeks: its band is good.
    private func healthyAccount(_ id: String, in suite: SuiteHarness) async throws {
        let health = suite.clients["health"]!
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let account = Account(
            customer: .init(value: id), name: id.capitalized, segment: .enterprise, signupMs: now - 200 * Self.dayMs)
        let _: UpsertAccountResponse = try await health.call("UpsertAccount", UpsertAccountRequest(account: account))
        let usage: [UsageEvent] = (0..<28).flatMap { day in
            ["login", "dns", "backups"].map { feature -> UsageEvent in
                UsageEvent(
                    usageId: "\(id)-\(day)-\(feature)", customer: .init(value: id), feature: feature, count: 3,
                    occurredAtMs: now - Int64(day) * Self.dayMs)
            }
        }
        let _: RecordUsageResponse = try await health.call("RecordUsage", RecordUsageRequest(events: usage))
        let _: RescoreAccountsResponse = try await health.call(
            "RescoreAccounts", RescoreAccountsRequest(customers: [.init(value: id)]))
    }

    private func answer(_ id: String, _ customer: String, score: Int32, in suite: SuiteHarness) async throws {
        let _: RecordResponseResponse = try await suite.clients["feedback"]!.call(
            "RecordResponse",
            RecordResponseRequest(
                responseId: id, surveyId: "relationship", customer: .init(value: customer), score: score,
                comment: score < 7 ? "the control panel is slow" : "great support"))
    }

    @Test(
        "a detractor opens one follow-up case (a second within 30 days none), a promoter becomes a candidate, health hears both"
    )
    func feedbackDrivesEscalationAndAdvocacy() async throws {
        let suite = try await SuiteHarness(["health", "feedback", "escalation", "advocacy"], separate: true)
        defer { suite.stop() }
        try await healthyAccount("acme", in: suite)
        try await healthyAccount("globex", in: suite)
        try await suite.caughtUp(with: "health")
        let _: DefineSurveyResponse = try await suite.clients["feedback"]!.call(
            "DefineSurvey",
            DefineSurveyRequest(
                survey: Survey(
                    surveyId: "relationship", kind: .nps, touchpoint: .relationship,
                    question: "How likely are you to recommend us?")))

        try await answer("r-1", "acme", score: 2, in: suite)
        try await answer("r-2", "globex", score: 10, in: suite)
        try await suite.caughtUp(with: "feedback")
        let cases: ListCasesResponse = try await suite.clients["escalation"]!.call(
            "ListCases", ListCasesRequest(customer: .init(value: "acme")))
        #expect(cases.cases.map(\.origin) == [.detractorFollowUp])
        let candidate: AdvocateResponse = try await suite.clients["advocacy"]!.call(
            "GetAdvocate", GetAdvocateRequest(customer: .init(value: "globex")))
        #expect(candidate.advocate?.status == .candidate, "\(candidate)")

        try await answer("r-3", "acme", score: 1, in: suite)
        try await suite.caughtUp(with: "feedback")
        let still: ListCasesResponse = try await suite.clients["escalation"]!.call(
            "ListCases", ListCasesRequest(customer: .init(value: "acme")))
        #expect(still.cases.count == 1, "a second detractor within 30 days opens no second case")
        let noCandidate = await #expect(throws: ClientError.self) {
            let _: AdvocateResponse = try await suite.clients["advocacy"]!.call(
                "GetAdvocate", GetAdvocateRequest(customer: .init(value: "acme")))
        }
        #expect(noCandidate?.code == .notFound)

        // Health heard both: the answers and the case are in the account's value report.
        try await suite.caughtUp(with: "feedback")
        try await suite.caughtUp(with: "escalation")
        let report: GetValueReportResponse = try await suite.clients["health"]!.call(
            "GetValueReport", GetValueReportRequest(customer: .init(value: "acme")))
        #expect(report.report?.npsAnswers == 2 && report.report?.latestNps == 1 && report.report?.casesOpened == 1)
    }
}
