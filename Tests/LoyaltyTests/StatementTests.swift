import Loyalty
import Models
import ServiceKit
import TestKit
import Testing

@Suite("loyalty statement and program report")
struct StatementTests {
    @Test("the statement pages through the history newest first")
    func historyPages() async throws {
        let loyalty = try await Loyalty()
        for index in 1...7 { try await loyalty.adjust("a-\(index)", Int64(index)) }
        var seen: [String] = []
        var token = ""
        repeat {
            let page = try await loyalty.statement(page: PageRequest(pageSize: 3, pageToken: token))
            #expect(page.page?.totalCount == 7 && page.entries.count <= 3)
            seen += page.entries.map(\.externalId)
            token = page.page?.nextPageToken ?? ""
        } while !token.isEmpty
        #expect(seen == (1...7).reversed().map { "a-\($0)" })
        let statement = try await loyalty.statement()
        #expect(statement.balance == 28 && statement.pointsExpireAtMs == loyalty.nowMs + 365 * dayMs)
        await expectFailure(.invalidArgument, field: "page.page_token") {
            _ = try await loyalty.statement(page: PageRequest(pageToken: "garbage"))
        }
        await expectFailure(.invalidArgument, field: "customer") { _ = try await loyalty.statement("nobody") }
    }

    @Test("the program report adds up: issued minus redeemed, expired and taken back is the liability")
    func programReport() async throws {
        let loyalty = try await Loyalty(accounts: ["acme", "globex", "initech"])
        try await loyalty.purchase("p-1", minorUnits: 6_000_00)  // acme: gold, 6000 pending
        try await loyalty.purchase("g-1", "globex", minorUnits: 1_200_00)  // globex: silver
        try await loyalty.adjust("a-1", 100, customer: "initech")
        loyalty.advance(days: 30)
        try await loyalty.approvePending()
        try await loyalty.redeem("r-1", "free-month")
        try await loyalty.redeem("r-2", "discount-10")
        let _: CancelRedemptionResponse = try await loyalty.service.call(
            "CancelRedemption", CancelRedemptionRequest(redemptionId: "r-2", reason: "test"))
        try await loyalty.refund("f-1", of: "g-1", minorUnits: 200_00)
        try await loyalty.adjust("a-2", -50, customer: "initech")
        try await loyalty.purchase("p-2", minorUnits: 10_00)  // 15 pending at gold

        let report: GetProgramReportResponse = try await loyalty.service.call(
            "GetProgramReport", GetProgramReportRequest(), token: InProcessService.reader)
        #expect(report.pointsIssued == 6_000 + 1_200 + 100)
        #expect(report.pointsRedeemed == 4_000 && report.pointsTakenBack == 200 + 50 && report.pointsExpired == 0)
        #expect(report.liability == report.pointsIssued - report.pointsRedeemed - report.pointsTakenBack)
        #expect(report.liability == 2_000 + 1_000 + 50 && report.pending == 15)
        #expect(report.members == 3 && report.redemptions == 1)
        #expect(report.tiers.map(\.tier) == ["member", "silver", "gold", "platinum"])
        #expect(report.tiers.map(\.members) == [1, 1, 1, 0])
        try await loyalty.expectLedgerConsistent()
    }

    @Test("adjustments of either sign; none takes the balance below zero; zero is refused")
    func adjustments() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.adjust("a-1", 100)
        let before = try await loyalty.snapshot()
        await expectFailure(.failedPrecondition) { try await loyalty.adjust("a-2", -101) }
        await expectFailure(.invalidArgument, field: "points") { try await loyalty.adjust("a-3", 0) }
        await expectFailure(.invalidArgument, field: "customer") {
            try await loyalty.adjust("a-4", 5, customer: "nobody")
        }
        await expectFailure(.permissionDenied) {
            let _: AdjustPointsResponse = try await loyalty.service.call(
                "AdjustPoints",
                AdjustPointsRequest(adjustmentId: "a-5", customer: .init(value: "acme"), points: 5, reason: "x"),
                token: InProcessService.writer)
        }
        #expect(try await loyalty.snapshot() == before)
        #expect(try await loyalty.adjust("a-6", -100).entry?.balanceAfter == 0)
    }
}
