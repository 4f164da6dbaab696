import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

@Suite("cxctl events tail against a real service")
struct EventsTailTests {
    @Test("tail prints each event once as JSON with its body decoded, filtered by source and type")
    func tailsDecodedEvents() async throws {
        let suite = try await SuiteHarness(["health"], separate: true)
        defer { suite.stop() }
        let dataDirectory = suite.dataDirectory
        let client = suite.clients["health"]!

        let tail = try ServiceProcess(
            "cxctl",
            arguments: [
                "events", "tail", "--source", "health", "--type", "account.", "--heartbeats", "--json",
                "--count", "2",
            ],
            environment: ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.admin])
        defer { tail.send(SIGKILL) }
        // A heartbeat printed means the subscription is live: events from now on reach it.
        let live = try await eventually(.seconds(10)) { tail.log.contains("latest_seq") }
        try #require(live, "no heartbeat: \(tail.log)")

        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let account = Account(customer: .init(value: "acme"), name: "ACME \"Hosting\"", segment: .key, signupMs: now)
        let _: UpsertAccountResponse = try await client.call("UpsertAccount", UpsertAccountRequest(account: account))
        let _: AccountLifecycleResponse = try await client.call(
            "CancelAccount", CancelAccountRequest(customer: .init(value: "acme"), reason: "price"))
        #expect(try await tail.waitForExit() == 0, "\(tail.log)")

        let events = tail.log.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["type"] != nil }
        #expect(events.map { $0["type"] as? String } == ["account.upserted", "account.cancelled"], "\(tail.log)")
        let body = events.first?["body"] as? [String: Any]
        let decoded = body?["account"] as? [String: Any]
        #expect(decoded?["name"] as? String == "ACME \"Hosting\"" && decoded?["segment"] as? String == "SEGMENT_KEY")
        #expect(events.map { $0["customer_id"] as? String } == ["acme", "acme"])
    }
}
