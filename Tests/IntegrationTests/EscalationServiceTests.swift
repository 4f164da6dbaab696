import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

@Suite("cx-escalation with cx-health, real processes on one data directory")
struct EscalationServiceTests {
    @Test("a health band change re-targets an open case through real sockets, and cases publish their events")
    func bandChangeRetargetsCase() async throws {
        let dataDirectory = try makeTemporaryDirectory("cx-esc")
        let environment = ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting]
        let health = try ServiceProcess("cx-health", environment: environment)
        defer { health.send(SIGKILL) }
        let escalation = try ServiceProcess("cx-escalation", environment: environment)
        defer { escalation.send(SIGKILL) }
        func client(_ service: String) throws -> ServiceClient {
            try ServiceClient(
                service: service,
                endpoints: [Endpoint(LocalSuite.requestURL(service: service, dataDirectory: dataDirectory))],
                token: TestTokens.admin)
        }
        let healthClient = try client("health")
        defer { healthClient.close() }
        let cases = try client("escalation")
        defer { cases.close() }
        for (name, process, peer) in [("cx-health", health, healthClient), ("cx-escalation", escalation, cases)] {
            let up = try await eventually(.seconds(30)) { (try? await peer.ping(timeout: .milliseconds(500))) != nil }
            try #require(up, "\(name) did not come up:\n\(process.log)")
        }
        let subscriber = try Subscriber(
            dialing: [Endpoint(LocalSuite.eventsURL(service: "escalation", dataDirectory: dataDirectory))],
            prefixes: ["escalation.heartbeat", "escalation.case."])
        defer { subscriber.close() }
        _ = try await subscriber.receive(timeout: .seconds(10))  // a heartbeat: the subscription is live

        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let account = Account(
            customer: .init(value: "acme"), name: "ACME", segment: .enterprise, signupMs: now - 90 * 86_400_000,
            accountManager: "ana@example.com")
        let _: UpsertAccountResponse = try await healthClient.call(
            "UpsertAccount", UpsertAccountRequest(account: account))

        // escalation learns of the account from health's events; until then it refuses the customer.
        let request = OpenCaseRequest(
            externalId: "zd-4711", customer: .init(value: "acme"), severity: .s2, title: "Backups failing")
        var opened: SupportCase?
        let known = try await eventually(.seconds(20)) {
            opened = (try await cases.call("OpenCase", request, returning: OpenCaseResponse.self)).supportCase
            return opened != nil
        }
        try #require(known, "escalation never learned of acme:\n\(escalation.log)")
        let caseID = try #require(opened?.caseId)
        let firstDue = try #require(opened?.firstResponseDueMs)

        let published = try await nextEvent("escalation.case.opened", on: subscriber)
        #expect(try CaseChanged(serializedBytes: published.body).supportCase?.caseId == caseID)

        let usage: [UsageEvent] = (0..<28).flatMap { day in
            ["login", "dns", "backups"].map { feature -> UsageEvent in
                UsageEvent(
                    usageId: "u-\(day)-\(feature)", customer: .init(value: "acme"), feature: feature, count: 3,
                    occurredAtMs: now - Int64(day) * 86_400_000)
            }
        }
        let _: RecordUsageResponse = try await healthClient.call("RecordUsage", RecordUsageRequest(events: usage))
        let rescored: RescoreAccountsResponse = try await healthClient.call(
            "RescoreAccounts", RescoreAccountsRequest())
        #expect(rescored.bandChanges == 1)

        var detail: GetCaseResponse?
        let retargeted = try await eventually(.seconds(20)) {
            detail = try await cases.call("GetCase", GetCaseRequest(caseId: caseID))
            return detail?.slaAudit.count == 2
        }
        try #require(retargeted, "the case was not re-targeted:\n\(escalation.log)")
        #expect(detail?.slaAudit.map(\.reason) == ["opened", "health band unscored → good"])
        #expect(detail?.slaAudit.last?.policy == "S2/good/standard")
        #expect((detail?.supportCase?.firstResponseDueMs ?? 0) > firstDue, "a good account gets more time")

        let resolved: CaseResponse = try await cases.call(
            "SetCaseStatus", SetCaseStatusRequest(caseId: caseID, status: .resolved))
        #expect(resolved.supportCase?.slaMet == true)
        let resolvedEvent = try await nextEvent("escalation.case.resolved", on: subscriber)
        #expect(try CaseChanged(serializedBytes: resolvedEvent.body).supportCase?.slaMet == true)

        let show = try ServiceProcess(
            "cxctl", arguments: ["escalation", "cases", "show", caseID],
            environment: ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.admin])
        #expect(try await show.waitForExit() == 0, "\(show.log)")
        #expect(
            show.log.contains("health band unscored → good") && show.log.contains("S2/good/standard"), "\(show.log)")
        let report = try ServiceProcess(
            "cxctl", arguments: ["escalation", "report", "--json"],
            environment: ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.admin])
        #expect(try await report.waitForExit() == 0, "\(report.log)")
        let object = try JSONSerialization.jsonObject(with: Data(report.log.utf8)) as? [String: Any]
        #expect(object?["resolved"] as? Int == 1 && object?["attainment_percent"] as? Double == 100)
    }

    /// The next event of `topic`, skipping heartbeats and other topics.
    private func nextEvent(_ topic: String, on subscriber: Subscriber) async throws -> Event {
        while true {
            let publication = try await subscriber.receive(timeout: .seconds(10))
            if publication.topic == topic { return try Event(serializedBytes: publication.payload) }
        }
    }
}
