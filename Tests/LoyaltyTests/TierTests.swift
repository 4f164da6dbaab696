import Loyalty
import Models
import ServiceKit
import TestKit
import Testing

@Suite("loyalty tiers")
struct TierTests {
    @Test("a member joins on the lowest tier and moves up at once when qualifying spend reaches the next")
    func upgradeAtOnce() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.purchase("p-1", minorUnits: 400_00)
        var changes = try await loyalty.events("tier.changed", as: TierChanged.self)
        #expect(changes.map(\.toTier) == ["member"] && changes[0].fromTier == "" && changes[0].reason == "joined")
        #expect(changes[0].tierRank == 0 && changes[0].tierCount == 4)

        let upgraded = try await loyalty.purchase("p-2", minorUnits: 600_00)
        #expect(upgraded.tier == "silver")
        try await loyalty.purchase("p-3", minorUnits: 4_000_00)
        changes = try await loyalty.events("tier.changed", as: TierChanged.self)
        #expect(changes.map(\.toTier) == ["member", "silver", "gold"])
        let gold = try #require(changes.last)
        #expect(gold.fromTier == "silver" && gold.tierRank == 2 && gold.reason == "qualified")
        #expect(gold.benefits?.prioritySupport == true && gold.benefits?.discountPercent == 10)
        let statement = try await loyalty.statement()
        #expect(statement.tier?.name == "gold" && statement.qualifyingPoints == 5_000)
        #expect(statement.nextTier?.name == "platinum" && statement.pointsToNextTier == 15_000)
    }

    @Test("spending points never lowers qualifying spend")
    func spendingKeepsQualifyingSpend() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.purchase("p-1", minorUnits: 1_500_00)
        loyalty.advance(days: 30)
        try await loyalty.approvePending()
        try await loyalty.redeem("r-1", "discount-10")
        let statement = try await loyalty.statement()
        #expect(statement.balance == 500 && statement.qualifyingPoints == 1_500 && statement.tier?.name == "silver")
    }

    @Test("a downgrade waits for re-evaluation and its grace period, and requalifying in the grace cancels it")
    func downgradeAfterGrace() async throws {
        let loyalty = try await Loyalty(accounts: ["acme", "globex"])
        try await loyalty.purchase("p-1", minorUnits: 1_000_00)
        try await loyalty.purchase("g-1", "globex", minorUnits: 1_000_00)
        loyalty.advance(days: 366)  // both purchases leave the 12-month window
        try await loyalty.service.runJob("tier re-evaluation")
        #expect(try await loyalty.statement().tier?.name == "silver")
        #expect(try await loyalty.statement().qualifyingPoints == 0)

        loyalty.advance(days: 10)
        try await loyalty.purchase("g-2", "globex", minorUnits: 1_000_00)  // globex qualifies again
        loyalty.advance(days: 19)
        try await loyalty.service.runJob("tier re-evaluation")
        #expect(try await loyalty.statement().tier?.name == "silver")
        loyalty.advance(days: 1)
        try await loyalty.service.runJob("tier re-evaluation")
        #expect(try await loyalty.statement().tier?.name == "member")
        #expect(try await loyalty.statement("globex").tier?.name == "silver")
        let last = try #require(try await loyalty.events("tier.changed", as: TierChanged.self).last)
        #expect(last.customer?.value == "acme" && last.fromTier == "silver" && last.toTier == "member")
        #expect(last.reason == "re-evaluation" && last.tierRank == 0 && last.benefits?.prioritySupport == false)
    }

    @Test("an admin's floor lifts the member at once and holds at re-evaluation until removed")
    func floor() async throws {
        let loyalty = try await Loyalty()
        let set: SetTierFloorResponse = try await loyalty.service.call(
            "SetTierFloor", SetTierFloorRequest(customer: .init(value: "acme"), tier: "gold", reason: "strategic"))
        #expect(set.tier == "gold" && set.floor == "gold")
        let changes = try await loyalty.events("tier.changed", as: TierChanged.self)
        #expect(changes.map(\.toTier) == ["member", "gold"] && changes.last?.reason == "floor set by admin")
        loyalty.advance(days: 100)
        try await loyalty.service.runJob("tier re-evaluation")
        loyalty.advance(days: 100)
        try await loyalty.service.runJob("tier re-evaluation")
        #expect(try await loyalty.statement().tier?.name == "gold")

        let removed: SetTierFloorResponse = try await loyalty.service.call(
            "SetTierFloor", SetTierFloorRequest(customer: .init(value: "acme"), tier: "", reason: "contract ended"))
        #expect(removed.tier == "gold" && removed.floor == "")
        try await loyalty.service.runJob("tier re-evaluation")
        loyalty.advance(days: 30)
        try await loyalty.service.runJob("tier re-evaluation")
        #expect(try await loyalty.statement().tier?.name == "member")
    }

    @Test("unknown tiers and customers are refused; only admins set floors; tiers and benefits are readable")
    func floorValidation() async throws {
        let loyalty = try await Loyalty()
        let before = try await loyalty.snapshot()
        await expectFailure(.invalidArgument, field: "tier") {
            let _: SetTierFloorResponse = try await loyalty.service.call(
                "SetTierFloor", SetTierFloorRequest(customer: .init(value: "acme"), tier: "diamond", reason: "x"))
        }
        await expectFailure(.invalidArgument, field: "customer") {
            let _: SetTierFloorResponse = try await loyalty.service.call(
                "SetTierFloor", SetTierFloorRequest(customer: .init(value: "nobody"), tier: "gold", reason: "x"))
        }
        await expectFailure(.permissionDenied) {
            let _: SetTierFloorResponse = try await loyalty.service.call(
                "SetTierFloor", SetTierFloorRequest(customer: .init(value: "acme"), tier: "gold", reason: "x"),
                token: InProcessService.writer)
        }
        #expect(try await loyalty.snapshot() == before)
        let tiers: ListTiersResponse = try await loyalty.service.call(
            "ListTiers", ListTiersRequest(), token: InProcessService.reader)
        #expect(tiers.tiers.map(\.name) == ["member", "silver", "gold", "platinum"])
        #expect(tiers.tiers.map { $0.benefits?.prioritySupport ?? false } == [false, false, true, true])
    }
}
