import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

@Suite("cx-loyalty against a real process")
struct LoyaltyServiceTests {
    @Test("1,000 concurrent redemptions through the socket never overdraw, and the balance is the sum of entries")
    func concurrentRedemptionsCannotOverdraw() async throws {
        let dataDirectory = try makeTemporaryDirectory("cx-loyalty")
        let environment = ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting]
        let health = try ServiceProcess("cx-health", environment: environment)
        defer { health.send(SIGKILL) }
        let loyaltyProcess = try ServiceProcess("cx-loyalty", environment: environment)
        defer { loyaltyProcess.send(SIGKILL) }
        let healthClient = try client("health", dataDirectory)
        defer { healthClient.close() }
        let loyalty = try client("loyalty", dataDirectory)
        defer { loyalty.close() }
        try #require(
            try await eventually(.seconds(30)) { (try? await healthClient.ping(timeout: .milliseconds(500))) != nil },
            "cx-health did not come up:\n\(health.log)")
        try #require(
            try await eventually(.seconds(30)) { (try? await loyalty.ping(timeout: .milliseconds(500))) != nil },
            "cx-loyalty did not come up:\n\(loyaltyProcess.log)")

        let subscriber = try Subscriber(
            dialing: [Endpoint(LocalSuite.eventsURL(service: "loyalty", dataDirectory: dataDirectory))],
            prefixes: ["loyalty.heartbeat", "loyalty.tier.", "loyalty.points."])
        defer { subscriber.close() }
        _ = try await subscriber.receive(timeout: .seconds(10))  // a heartbeat: the subscription is live

        // The account reaches loyalty only through health's events and loyalty's projection of them.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let account = Account(
            customer: .init(value: "acme"), name: "ACME", segment: .enterprise, signupMs: now - 100 * 86_400_000)
        let _: UpsertAccountResponse = try await healthClient.call(
            "UpsertAccount", UpsertAccountRequest(account: account))
        let known = try await eventually(.seconds(30)) {
            let _: GetStatementResponse = try await loyalty.call(
                "GetStatement", GetStatementRequest(customer: .init(value: "acme")))
            return true
        }
        try #require(known, "loyalty never learnt of acme:\n\(loyaltyProcess.log)")

        let _: AdjustPointsResponse = try await loyalty.call(
            "AdjustPoints",
            AdjustPointsRequest(adjustmentId: "welcome", customer: .init(value: "acme"), points: 10_500, reason: "test")
        )
        // The member's first tier and the adjustment reach subscribers as the contract's messages.
        var tierChange: TierChanged?
        var posted: PointsPosted?
        while tierChange == nil || posted == nil {
            let publication = try await subscriber.receive(timeout: .seconds(10))
            // A heartbeat (its own message, not an Event) comes every second, so one can fall in here.
            guard publication.topic != "loyalty.heartbeat" else { continue }
            let event = try Event(serializedBytes: publication.payload)
            if publication.topic == "loyalty.tier.changed" { tierChange = try TierChanged(serializedBytes: event.body) }
            if publication.topic == "loyalty.points.posted" { posted = try PointsPosted(serializedBytes: event.body) }
        }
        #expect(tierChange?.toTier == "member" && tierChange?.tierRank == 0 && tierChange?.tierCount == 4)
        #expect(posted?.kind == .adjust && posted?.points == 10_500 && posted?.balanceAfter == 10_500)

        let purchase: RecordPurchaseResponse = try await loyalty.call(
            "RecordPurchase",
            RecordPurchaseRequest(
                purchaseId: "p-1", customer: .init(value: "acme"), amount: Money(minorUnits: 250_00, currency: "EUR")))
        #expect(purchase.points == 250 && purchase.entries.first?.pending == true)

        // Ten redemptions of 1000 points fit in 10,500 (the pending 250 do not count yet).
        var outcomes: [StatusCode: Int] = [:]
        try await withThrowingTaskGroup(of: StatusCode.self) { group in
            for index in 0..<1_000 {
                group.addTask {
                    do {
                        let _: RedeemResponse = try await loyalty.call(
                            "Redeem",
                            RedeemRequest(
                                redemptionId: "c-\(index)", customer: .init(value: "acme"), rewardId: "discount-10"),
                            timeout: .seconds(120))
                        return .ok
                    } catch let error as ClientError {
                        return error.code
                    }
                }
            }
            for try await code in group { outcomes[code, default: 0] += 1 }
        }
        #expect(outcomes[.ok] == 10 && outcomes[.failedPrecondition] == 990, "\(outcomes)")

        var entries: [LedgerEntry] = []
        var token = ""
        var statement = GetStatementResponse()
        repeat {
            statement = try await loyalty.call(
                "GetStatement",
                GetStatementRequest(customer: .init(value: "acme"), page: PageRequest(pageSize: 7, pageToken: token)))
            entries += statement.entries
            token = statement.page?.nextPageToken ?? ""
        } while !token.isEmpty
        let counted = entries.filter { !$0.pending }
        #expect(statement.balance == 500 && statement.pending == 250)
        #expect(counted.map(\.points).reduce(0, +) == statement.balance)
        #expect(counted.filter { $0.kind == .redeem }.count == 10 && counted.allSatisfy { $0.balanceAfter >= 0 })
        let report: GetProgramReportResponse = try await loyalty.call("GetProgramReport", GetProgramReportRequest())
        #expect(report.pointsIssued == 10_500 && report.pointsRedeemed == 10_000 && report.liability == 500)
        #expect(report.redemptions == 10)

        let cxctl = try ServiceProcess(
            "cxctl", arguments: ["loyalty", "statement", "acme"],
            environment: ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.reader])
        #expect(try await cxctl.waitForExit() == 0, "\(cxctl.log)")
        #expect(cxctl.log.contains("acme: 500 points (250 pending), tier member"), "\(cxctl.log)")
        let reportCommand = try ServiceProcess(
            "cxctl", arguments: ["loyalty", "report", "--json"],
            environment: ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.reader])
        #expect(try await reportCommand.waitForExit() == 0, "\(reportCommand.log)")
        let object = try JSONSerialization.jsonObject(with: Data(reportCommand.log.utf8)) as? [String: Any]
        #expect(object?["liability"] as? Int == 500, "\(reportCommand.log)")

        let stock = try ServiceProcess(
            "cxctl", arguments: ["loyalty", "stock", "discount-10", "3"],
            environment: ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.admin])
        #expect(try await stock.waitForExit() == 0, "\(stock.log)")
        let catalog: ListRewardsResponse = try await loyalty.call("ListRewards", ListRewardsRequest())
        #expect(catalog.rewards.first { $0.rewardId == "discount-10" }?.stock?.value == 3)
    }

    private func client(_ service: String, _ dataDirectory: String) throws -> ServiceClient {
        try ServiceClient(
            service: service,
            endpoints: [Endpoint(LocalSuite.requestURL(service: service, dataDirectory: dataDirectory))],
            token: TestTokens.admin, maxInFlight: 1_000)
    }
}
