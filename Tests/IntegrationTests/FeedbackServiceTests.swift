import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

@Suite("cx-feedback against real processes")
struct FeedbackServiceTests {
    @Test("an account from cx-health reaches cx-feedback; a detractor answer reaches a subscriber; cxctl reports it")
    func detractorAnswerToEvent() async throws {
        let dataDirectory = try makeTemporaryDirectory("cx-feedback")
        let environment = ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting]
        let health = try ServiceProcess("cx-health", environment: environment)
        defer { health.send(SIGKILL) }
        let feedback = try ServiceProcess("cx-feedback", environment: environment)
        defer { feedback.send(SIGKILL) }
        let healthClient = try client("health", dataDirectory)
        defer { healthClient.close() }
        let feedbackClient = try client("feedback", dataDirectory)
        defer { feedbackClient.close() }
        for (name, client, process) in [("cx-health", healthClient, health), ("cx-feedback", feedbackClient, feedback)]
        {
            let up = try await eventually(.seconds(30)) { (try? await client.ping(timeout: .milliseconds(500))) != nil }
            try #require(up, "\(name) did not come up:\n\(process.log)")
        }

        let subscriber = try Subscriber(
            dialing: [Endpoint(LocalSuite.eventsURL(service: "feedback", dataDirectory: dataDirectory))],
            prefixes: ["feedback.heartbeat", "feedback.response."])
        defer { subscriber.close() }
        _ = try await subscriber.receive(timeout: .seconds(10))  // a heartbeat: the subscription is live

        let _: DefineSurveyResponse = try await feedbackClient.call(
            "DefineSurvey",
            DefineSurveyRequest(
                survey: Survey(
                    surveyId: "nps", kind: .nps, touchpoint: .relationship, question: "Would you recommend us?")))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let _: UpsertAccountResponse = try await healthClient.call(
            "UpsertAccount",
            UpsertAccountRequest(
                account: Account(
                    customer: .init(value: "acme"), name: "ACME", segment: .enterprise, signupMs: now - 86_400_000)))
        let known = try await eventually(.seconds(30)) {
            let report: ScoreReportResponse = try await feedbackClient.call(
                "ScoreReport", ScoreReportRequest(kind: .nps))
            return report.representation.contains { $0.segment == .enterprise && $0.customers == 1 }
        }
        try #require(known, "cx-feedback never learnt of acme from cx-health:\n\(feedback.log)")

        let recorded: RecordResponseResponse = try await feedbackClient.call(
            "RecordResponse",
            RecordResponseRequest(
                responseId: "r-1", surveyId: "nps", customer: .init(value: "acme"), score: 3,
                comment: "Support is slow", channel: "email"))
        #expect(recorded.recorded)

        var published: ResponseRecorded?
        while published == nil {
            let publication = try await subscriber.receive(timeout: .seconds(10))
            guard publication.topic == "feedback.response.recorded" else { continue }
            let event = try Event(serializedBytes: publication.payload)
            #expect(event.customerId == "acme")
            published = try ResponseRecorded(serializedBytes: event.body)
        }
        let response = try #require(published?.response)
        #expect(response.responseId == "r-1" && response.npsCategory == .detractor && response.score == 3)
        #expect(response.kind == .nps && response.touchpoint == .relationship && response.segment == .enterprise)

        let cxctlEnvironment = ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.admin]
        let table = try ServiceProcess(
            "cxctl", arguments: ["feedback", "report", "nps", "--by", "segment", "--period", "month"],
            environment: cxctlEnvironment)
        #expect(try await table.waitForExit() == 0, "\(table.log)")
        #expect(table.log.contains("SEGMENT") && table.log.contains("enterprise") && table.log.contains("too few"))
        let json = try ServiceProcess(
            "cxctl",
            arguments: [
                "feedback", "report", "nps", "--by", "segment", "--period", "month", "--min-answers", "1", "--json",
            ],
            environment: cxctlEnvironment)
        #expect(try await json.waitForExit() == 0, "\(json.log)")
        let object = try JSONSerialization.jsonObject(with: Data(json.log.utf8)) as? [String: Any]
        let cells = object?["cells"] as? [[String: Any]] ?? []
        // Every month the last 365 days touch, silent ones included: 13, or 12 when today is 29 February.
        #expect((12...13).contains(cells.count), "\(cells.count) months")
        let cell = cells.first { $0["answers"] as? Int == 1 }
        #expect(cell?["segment"] as? String == "SEGMENT_ENTERPRISE" && cell?["score"] as? Double == -100)
        #expect(cell?["detractors"] as? Int == 1)
    }

    private func client(_ service: String, _ dataDirectory: String) throws -> ServiceClient {
        try ServiceClient(
            service: service,
            endpoints: [Endpoint(LocalSuite.requestURL(service: service, dataDirectory: dataDirectory))],
            token: TestTokens.admin)
    }
}
