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

    /// The four services of these flows, up and answering.
    private struct Suite {
        let dataDirectory: String
        let processes: [ServiceProcess]
        let clients: [String: ServiceClient]

        init(_ services: [String]) async throws {
            dataDirectory = try makeTemporaryDirectory("cx-cross")
            var processes: [ServiceProcess] = []
            var clients: [String: ServiceClient] = [:]
            for service in services {
                processes.append(
                    try ServiceProcess(
                        "cx-\(service)", environment: ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting]))
                clients[service] = try ServiceClient(
                    service: service,
                    endpoints: [Endpoint(LocalSuite.requestURL(service: service, dataDirectory: dataDirectory))],
                    token: TestTokens.admin)
            }
            self.processes = processes
            self.clients = clients
            for (service, client) in clients {
                let up = try await eventually(.seconds(30)) {
                    (try? await client.ping(timeout: .milliseconds(500))) != nil
                }
                try #require(up, "cx-\(service) did not come up")
            }
        }

        func stop() {
            for process in processes { process.send(SIGKILL) }
            for client in clients.values { client.close() }
        }

        /// Waits until `follower` has applied every event `source` has published so far.
        func caughtUp(_ follower: String, with source: String) async throws {
            let latest = try await clients[source]!.status().latestSeq
            let done = try await eventually(.seconds(30)) {
                let status = try? await clients[follower]!.status()
                return (status?.subscriptions.first { $0.source == source }?.appliedSeq ?? 0) >= latest
            }
            try #require(done, "\(follower) did not catch up with \(source)'s seq \(latest)")
        }
    }

    /// An account that has used three features every day for four weeks: its band is good.
    private func healthyAccount(_ id: String, in suite: Suite) async throws {
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

    private func answer(_ id: String, _ customer: String, score: Int32, in suite: Suite) async throws {
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
        let suite = try await Suite(["health", "feedback", "escalation", "advocacy"])
        defer { suite.stop() }
        try await healthyAccount("acme", in: suite)
        try await healthyAccount("globex", in: suite)
        for follower in ["feedback", "escalation", "advocacy"] { try await suite.caughtUp(follower, with: "health") }
        let _: DefineSurveyResponse = try await suite.clients["feedback"]!.call(
            "DefineSurvey",
            DefineSurveyRequest(
                survey: Survey(
                    surveyId: "relationship", kind: .nps, touchpoint: .relationship,
                    question: "How likely are you to recommend us?")))

        try await answer("r-1", "acme", score: 2, in: suite)
        try await answer("r-2", "globex", score: 10, in: suite)
        try await suite.caughtUp("escalation", with: "feedback")
        try await suite.caughtUp("advocacy", with: "feedback")
        let cases: ListCasesResponse = try await suite.clients["escalation"]!.call(
            "ListCases", ListCasesRequest(customer: .init(value: "acme")))
        #expect(cases.cases.map(\.origin) == [.detractorFollowUp])
        let candidate: AdvocateResponse = try await suite.clients["advocacy"]!.call(
            "GetAdvocate", GetAdvocateRequest(customer: .init(value: "globex")))
        #expect(candidate.advocate?.status == .candidate, "\(candidate)")

        try await answer("r-3", "acme", score: 1, in: suite)
        try await suite.caughtUp("escalation", with: "feedback")
        let still: ListCasesResponse = try await suite.clients["escalation"]!.call(
            "ListCases", ListCasesRequest(customer: .init(value: "acme")))
        #expect(still.cases.count == 1, "a second detractor within 30 days opens no second case")
        let noCandidate = await #expect(throws: ClientError.self) {
            let _: AdvocateResponse = try await suite.clients["advocacy"]!.call(
                "GetAdvocate", GetAdvocateRequest(customer: .init(value: "acme")))
        }
        #expect(noCandidate?.code == .notFound)

        // Health heard both: the answers and the case are in the account's value report.
        try await suite.caughtUp("health", with: "feedback")
        try await suite.caughtUp("health", with: "escalation")
        let report: GetValueReportResponse = try await suite.clients["health"]!.call(
            "GetValueReport", GetValueReportRequest(customer: .init(value: "acme")))
        #expect(report.report?.npsAnswers == 2 && report.report?.latestNps == 1 && report.report?.casesOpened == 1)
    }
}
