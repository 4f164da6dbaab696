import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

@Suite("cx-advocacy with cx-health, real processes")
struct AdvocacyServiceTests {
    @Test("an account signing up in health with an advocate's code converts the referral in advocacy")
    func referralThroughHealth() async throws {
        let dataDirectory = try makeTemporaryDirectory("cx-adv")
        let environment = ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting]
        let health = try ServiceProcess("cx-health", environment: environment)
        defer { health.send(SIGKILL) }
        let advocacy = try ServiceProcess("cx-advocacy", environment: environment)
        defer { advocacy.send(SIGKILL) }
        let healthClient = try client("health", dataDirectory)
        defer { healthClient.close() }
        let advocacyClient = try client("advocacy", dataDirectory)
        defer { advocacyClient.close() }
        for (name, process, client) in [("health", health, healthClient), ("advocacy", advocacy, advocacyClient)] {
            let up = try await eventually(.seconds(30)) { (try? await client.ping(timeout: .milliseconds(500))) != nil }
            try #require(up, "cx-\(name) did not come up:\n\(process.log)")
        }
        let subscriber = try Subscriber(
            dialing: [Endpoint(LocalSuite.eventsURL(service: "advocacy", dataDirectory: dataDirectory))],
            prefixes: ["advocacy.heartbeat", "advocacy.referral."])
        defer { subscriber.close() }
        _ = try await subscriber.receive(timeout: .seconds(10))  // a heartbeat: the subscription is live

        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let acme = Account(
            customer: CustomerId(value: "acme"), name: "ACME", segment: .enterprise, signupMs: now - 400 * 86_400_000)
        let _: UpsertAccountResponse = try await healthClient.call("UpsertAccount", UpsertAccountRequest(account: acme))
        // Advocacy knows acme once its projection has applied health's event.
        var enrolled: AdvocateResponse?
        let enroll = EnrollAdvocateRequest(customer: CustomerId(value: "acme"), referralCode: "SAIL-AWAY")
        _ = try await eventually(.seconds(20)) {
            enrolled = try await advocacyClient.call("EnrollAdvocate", enroll)
            return true
        }
        try #require(enrolled?.advocate?.status == .active, "enrollment failed:\n\(advocacy.log)")

        let newco = Account(
            customer: CustomerId(value: "newco"), name: "NewCo", segment: .small,
            signupMs: Int64(Date().timeIntervalSince1970 * 1000), referralCode: "SAIL-AWAY")
        let _: UpsertAccountResponse = try await healthClient.call(
            "UpsertAccount", UpsertAccountRequest(account: newco))

        var converted: ReferralConverted?
        while converted == nil {
            let publication = try await subscriber.receive(timeout: .seconds(15))
            guard publication.topic == "advocacy.referral.converted" else { continue }
            converted = try ReferralConverted(serializedBytes: Event(serializedBytes: publication.payload).body)
        }
        #expect(converted?.advocate?.value == "acme" && converted?.referred?.value == "newco")
        #expect(converted?.referralCode == "SAIL-AWAY")
        let referrals: ListReferralsResponse = try await advocacyClient.call(
            "ListReferrals", ListReferralsRequest(advocate: CustomerId(value: "acme")))
        #expect(referrals.referrals.map(\.state) == [.converted])
        let advocate: AdvocateResponse = try await advocacyClient.call(
            "GetAdvocate", GetAdvocateRequest(customer: CustomerId(value: "acme")))
        #expect(advocate.advocate?.lifetimePoints == 500 && advocate.advocate?.level == "advocate")

        let cxctl = try ServiceProcess(
            "cxctl", arguments: ["advocacy", "advocates", "show", "acme"],
            environment: ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.admin])
        #expect(try await cxctl.waitForExit() == 0, "\(cxctl.log)")
        #expect(cxctl.log.contains("SAIL-AWAY") && cxctl.log.contains("advocate (rank 1)"), "\(cxctl.log)")
    }

    private func client(_ service: String, _ dataDirectory: String) throws -> ServiceClient {
        try ServiceClient(
            service: service,
            endpoints: [Endpoint(LocalSuite.requestURL(service: service, dataDirectory: dataDirectory))],
            token: TestTokens.admin)
    }
}
