import Loyalty
import Models
import ServiceKit
import TestKit
import Testing

@Suite("loyalty rewards and redemption")
struct RewardTests {
    @Test("redeeming spends the points, issues a voucher and posts a REDEEM entry; a repeat changes nothing")
    func redeemIssuesVoucher() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.adjust("a-1", 3_000)
        let redeemed = try await loyalty.redeem("red-1", "credit-25")
        let redemption = try #require(redeemed.redemption)
        #expect(redeemed.balanceAfter == 500 && redemption.points == 2_500 && redemption.status == .issued)
        #expect(redemption.voucherCode.hasPrefix("LOY-") && redemption.voucherCode.count == 18)
        let posted = try await loyalty.events("points.posted", as: PointsPosted.self).last
        #expect(posted?.kind == .redeem && posted?.points == -2_500 && posted?.rewardId == "credit-25")
        #expect(posted?.balanceAfter == 500)

        let before = try await loyalty.snapshot()
        let again = try await loyalty.redeem("red-1", "credit-25")
        #expect(again.redemption == redemption)
        #expect(try await loyalty.snapshot() == before)
        try await loyalty.expectLedgerConsistent()
    }

    @Test("cancelling an unused redemption gives the points and the stock back; a used voucher cannot be cancelled")
    func cancellation() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.adjust("a-1", 3_000)
        let first = try await loyalty.redeem("red-1", "ssl-certificate")
        #expect(try await stock("ssl-certificate", loyalty) == 499)
        let cancelled: CancelRedemptionResponse = try await loyalty.service.call(
            "CancelRedemption", CancelRedemptionRequest(redemptionId: "red-1", reason: "changed mind"))
        #expect(cancelled.redemption?.status == .cancelled && cancelled.balanceAfter == 3_000)
        #expect(try await stock("ssl-certificate", loyalty) == 500)
        let posted = try await loyalty.events("points.posted", as: PointsPosted.self).last
        #expect(posted?.kind == .reverse && posted?.points == 1_500)
        let cancelledAgain: CancelRedemptionResponse = try await loyalty.service.call(
            "CancelRedemption", CancelRedemptionRequest(redemptionId: "red-1", reason: "again"))
        #expect(cancelledAgain.balanceAfter == 3_000)
        await expectFailure(.failedPrecondition) {
            let _: UseVoucherResponse = try await loyalty.service.call(
                "UseVoucher", UseVoucherRequest(voucherCode: first.redemption!.voucherCode))
        }

        let second = try await loyalty.redeem("red-2", "ssl-certificate")
        let used: UseVoucherResponse = try await loyalty.service.call(
            "UseVoucher", UseVoucherRequest(voucherCode: second.redemption!.voucherCode))
        #expect(used.redemption?.status == .used)
        await expectFailure(.failedPrecondition) {
            let _: CancelRedemptionResponse = try await loyalty.service.call(
                "CancelRedemption", CancelRedemptionRequest(redemptionId: "red-2", reason: "too late"))
        }
        #expect(try await loyalty.statement().balance == 1_500)
        try await loyalty.expectLedgerConsistent()
    }

    @Test("insufficient points, unknown rewards, out of stock and unknown customers are refused and change nothing")
    func refusedRedemptions() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.adjust("a-1", 999)
        let _: UpsertRewardResponse = try await loyalty.service.call(
            "UpsertReward",
            UpsertRewardRequest(
                reward: Reward(
                    rewardId: "mug", name: "A mug", kind: .freeProduct, pointCost: 10, stock: .init(value: 0),
                    active: true, product: "mug")))
        let before = try await loyalty.snapshot()
        let poor = await expectFailure(.failedPrecondition) { try await loyalty.redeem("r-1", "discount-10") }
        #expect(poor?.message.contains("insufficient points") == true)
        await expectFailure(.invalidArgument, field: "reward_id") { try await loyalty.redeem("r-2", "yacht") }
        let empty = await expectFailure(.failedPrecondition) { try await loyalty.redeem("r-3", "mug") }
        #expect(empty?.message.contains("out of stock") == true)
        await expectFailure(.invalidArgument, field: "customer") {
            try await loyalty.redeem("r-4", "discount-10", customer: "nobody")
        }
        await expectFailure(.invalidArgument, field: "redemption_id") { try await loyalty.redeem("", "discount-10") }
        await expectFailure(.invalidArgument, field: "redemption_id") {
            let _: CancelRedemptionResponse = try await loyalty.service.call(
                "CancelRedemption", CancelRedemptionRequest(redemptionId: "never", reason: "x"))
        }
        #expect(try await loyalty.snapshot() == before)
    }

    @Test("admins change the catalog and its stock; bad items are refused naming the field; writers may not")
    func catalog() async throws {
        let loyalty = try await Loyalty()
        let listed: ListRewardsResponse = try await loyalty.service.call("ListRewards", ListRewardsRequest())
        #expect(listed.rewards.map(\.rewardId) == ["discount-10", "ssl-certificate", "credit-25", "free-month"])
        var month = try #require(listed.rewards.last)
        month.stock = OptionalInt64(value: 3)
        month.pointCost = 3_500
        let updated: UpsertRewardResponse = try await loyalty.service.call(
            "UpsertReward", UpsertRewardRequest(reward: month))
        #expect(!updated.created && updated.reward == month)
        month.active = false
        let _: UpsertRewardResponse = try await loyalty.service.call("UpsertReward", UpsertRewardRequest(reward: month))
        let active: ListRewardsResponse = try await loyalty.service.call("ListRewards", ListRewardsRequest())
        #expect(!active.rewards.contains { $0.rewardId == "free-month" })

        let bad: [(Reward, String)] = [
            (Reward(rewardId: "", name: "n", kind: .freeMonth, pointCost: 1), "reward.reward_id"),
            (Reward(rewardId: "x", name: "n", kind: .unspecified, pointCost: 1), "reward.kind"),
            (Reward(rewardId: "x", name: "n", kind: .freeMonth, pointCost: 0), "reward.point_cost"),
            (Reward(rewardId: "x", name: "n", kind: .freeMonth, pointCost: 1, stock: .init(value: -1)), "reward.stock"),
            (Reward(rewardId: "x", name: "n", kind: .freeProduct, pointCost: 1), "reward.product"),
        ]
        for (reward, field) in bad {
            await expectFailure(.invalidArgument, field: field) {
                let _: UpsertRewardResponse = try await loyalty.service.call(
                    "UpsertReward", UpsertRewardRequest(reward: reward))
            }
        }
        await expectFailure(.permissionDenied) {
            let _: UpsertRewardResponse = try await loyalty.service.call(
                "UpsertReward", UpsertRewardRequest(reward: month), token: InProcessService.writer)
        }
    }

    @Test("concurrent redemptions never overdraw: exactly as many succeed as the balance pays for")
    func concurrentRedemptions() async throws {
        let loyalty = try await Loyalty()
        try await loyalty.adjust("a-1", 10_500)  // pays for 10 redemptions of 1000
        let outcomes = try await withThrowingTaskGroup(of: StatusCode.self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        try await loyalty.redeem("c-\(index)", "discount-10")
                        return .ok
                    } catch let error as RPCError {
                        return error.code
                    }
                }
            }
            return try await group.reduce(into: [StatusCode: Int]()) { $0[$1, default: 0] += 1 }
        }
        #expect(outcomes[.ok] == 10 && outcomes[.failedPrecondition] == 190)
        #expect(try await loyalty.statement().balance == 500)
        try await loyalty.expectLedgerConsistent()
    }

    private func stock(_ rewardID: String, _ loyalty: Loyalty) async throws -> Int64? {
        let listed: ListRewardsResponse = try await loyalty.service.call("ListRewards", ListRewardsRequest())
        return listed.rewards.first { $0.rewardId == rewardID }?.stock?.value
    }
}
