import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

@Suite("cx-health against a real process")
struct HealthServiceTests {
    @Test("usage through the socket changes the score and band, and a subscriber receives score.changed")
    func usageToScoreEvent() async throws {
        let dataDirectory = try makeTemporaryDirectory("cx-health")
        let health = try ServiceProcess(
            "cx-health", environment: ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting])
        defer { health.send(SIGKILL) }
        let client = try ServiceClient(
            service: "health",
            endpoints: [Endpoint(LocalSuite.requestURL(service: "health", dataDirectory: dataDirectory))],
            token: TestTokens.admin)
        defer { client.close() }
        let up = try await eventually(.seconds(30)) { (try? await client.ping(timeout: .milliseconds(500))) != nil }
        try #require(up, "cx-health did not come up:\n\(health.log)")

        let subscriber = try Subscriber(
            dialing: [Endpoint(LocalSuite.eventsURL(service: "health", dataDirectory: dataDirectory))],
            prefixes: ["health.heartbeat", "health.score."])
        defer { subscriber.close() }
        _ = try await subscriber.receive(timeout: .seconds(10))  // a heartbeat: the subscription is live

        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let account = Account(
            customer: .init(value: "acme"), name: "ACME", segment: .enterprise, signupMs: now - 90 * 86_400_000)
        let _: UpsertAccountResponse = try await client.call("UpsertAccount", UpsertAccountRequest(account: account))
        let events: [UsageEvent] = (0..<28).flatMap { day in
            ["login", "dns", "backups"].map { feature -> UsageEvent in
                UsageEvent(
                    usageId: "u-\(day)-\(feature)", customer: .init(value: "acme"), feature: feature, count: 3,
                    occurredAtMs: now - Int64(day) * 86_400_000)
            }
        }
        let recorded: RecordUsageResponse = try await client.call("RecordUsage", RecordUsageRequest(events: events))
        #expect(recorded.recorded == 84)
        let rescored: RescoreAccountsResponse = try await client.call("RescoreAccounts", RescoreAccountsRequest())
        #expect(rescored.scored == 1 && rescored.bandChanges == 1)

        var change: ScoreChanged?
        while change == nil {
            let publication = try await subscriber.receive(timeout: .seconds(10))
            guard publication.topic == "health.score.changed" else { continue }
            let event = try Event(serializedBytes: publication.payload)
            change = try ScoreChanged(serializedBytes: event.body)
        }
        #expect(change?.score?.customer?.value == "acme")
        #expect(change?.previousBand == .unspecified && change?.score?.band == .good)

        let cxctl = try ServiceProcess(
            "cxctl", arguments: ["health", "score", "acme"],
            environment: ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.admin])
        #expect(try await cxctl.waitForExit() == 0, "\(cxctl.log)")
        #expect(cxctl.log.contains("(good)") && cxctl.log.contains("usage_recency"), "\(cxctl.log)")
        let list = try ServiceProcess(
            "cxctl", arguments: ["health", "accounts", "list", "--json"],
            environment: ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.admin])
        #expect(try await list.waitForExit() == 0, "\(list.log)")
        let object = try JSONSerialization.jsonObject(with: Data(list.log.utf8)) as? [String: Any]
        #expect((object?["accounts"] as? [[String: Any]])?.first?["name"] as? String == "ACME")

        let report = try ServiceProcess(
            "cxctl", arguments: ["account", "report", "acme"],
            environment: ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.admin])
        #expect(try await report.waitForExit() == 0, "\(report.log)")
        #expect(report.log.contains("252 uses on 28 active days") && report.log.contains("(good)"), "\(report.log)")

        let model = try ServiceProcess(
            "cxctl", arguments: ["health", "model", "set", "--version", "ops-2", "--weight", "nps=30"],
            environment: ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.admin])
        #expect(try await model.waitForExit() == 1, "weights summing to 115 are refused: \(model.log)")
        #expect(model.log.contains("model.weights: weights sum to 115"), "\(model.log)")
    }
}
