import GRDB
import Models
import Projections
import ServiceKit

/// The rewards catalog (loyalty.UpsertReward, ListRewards) and redemption (Redeem, CancelRedemption,
/// UseVoucher): points spent on a reward give a voucher; an unused voucher can be cancelled for the
/// points back.
enum RewardMethods {
    static func register(on router: Router, program: LoyaltyProgram) {
        router.write(
            "UpsertReward", role: .admin,
            validate: { (request: UpsertRewardRequest, _) in try validate(request.reward) }
        ) { request, write in
            let created = try RewardStore.fetch(request.reward!.rewardId, in: write.db) == nil
            try RewardStore.save(request.reward!, in: write.db)
            return UpsertRewardResponse(
                reward: try RewardStore.fetch(request.reward!.rewardId, in: write.db), created: created)
        }

        router.read("ListRewards", role: .reader) { (request: ListRewardsRequest, _) in
            try await router.database.read { db in
                ListRewardsResponse(rewards: try RewardStore.all(includingInactive: request.includeInactive, in: db))
            }
        }

        router.write(
            "Redeem", naturalKey: { (request: RedeemRequest) in request.redemptionId },
            validate: { request, _ in
                try Check.text(request.redemptionId, field: "redemption_id", min: 1, max: 128)
                _ = try Check.customer(request.customer, field: "customer")
                try Check.text(request.rewardId, field: "reward_id", min: 1, max: 64)
            }
        ) { request, write in
            try redeem(request, program: program, nowMs: write.nowMs, in: write.db)
        }

        router.write(
            "CancelRedemption",
            validate: { (request: CancelRedemptionRequest, _) in
                try Check.text(request.redemptionId, field: "redemption_id", min: 1, max: 128)
                try Check.text(request.reason, field: "reason", min: 1, max: 500)
            }
        ) { request, write in
            try cancel(request, nowMs: write.nowMs, in: write.db)
        }

        router.write(
            "UseVoucher",
            validate: { (request: UseVoucherRequest, _) in
                try Check.text(request.voucherCode, field: "voucher_code", min: 1, max: 64)
            }
        ) { request, write in
            guard var redemption = try RewardStore.redemption(voucherCode: request.voucherCode, in: write.db) else {
                throw RPCError.invalidArgument("voucher_code", "unknown voucher \"\(request.voucherCode)\"")
            }
            guard redemption.status != .cancelled else {
                throw RPCError.failedPrecondition("voucher \(request.voucherCode) was cancelled")
            }
            redemption.status = .used
            try RewardStore.setStatus(.used, of: redemption.redemptionId, in: write.db)
            return UseVoucherResponse(redemption: redemption)
        }
    }

    static func validate(_ reward: Reward?) throws {
        guard let reward else { throw RPCError.invalidArgument("reward", "is required") }
        try Check.text(reward.rewardId, field: "reward.reward_id", min: 1, max: 64)
        try Check.text(reward.name, field: "reward.name", min: 1, max: 200)
        switch reward.kind {
        case .discount, .accountCredit, .freeMonth, .freeProduct: break
        default:
            throw RPCError.invalidArgument(
                "reward.kind", "must be discount, account credit, free month or free product")
        }
        guard reward.pointCost > 0 else {
            throw RPCError.invalidArgument("reward.point_cost", "must be above zero, got \(reward.pointCost)")
        }
        if let stock = reward.stock, stock.value < 0 {
            throw RPCError.invalidArgument("reward.stock", "must not be negative, got \(stock.value)")
        }
        try Check.money(reward.value, field: "reward.value")
        try Check.text(reward.product, field: "reward.product", max: 200)
        if reward.kind == .freeProduct && reward.product.isEmpty {
            throw RPCError.invalidArgument("reward.product", "is required for a free product")
        }
    }

    /// Spends the reward's points, takes one from its stock and issues a voucher; the balance check and
    /// the spending are in the one write transaction, so concurrent redemptions cannot overdraw.
    static func redeem(
        _ request: RedeemRequest, program: LoyaltyProgram, nowMs: Int64, in db: Database
    ) throws -> RedeemResponse {
        if let earlier = try RewardStore.redemption(request.redemptionId, in: db) {
            return RedeemResponse(
                redemption: earlier, balanceAfter: try Ledger.balance(of: earlier.customer!.value, in: db))
        }
        let customerID = try AccountProjection.require(request.customer!.value, field: "customer", in: db).customerID
        guard let reward = try RewardStore.fetch(request.rewardId, in: db) else {
            throw RPCError.invalidArgument("reward_id", "unknown reward \"\(request.rewardId)\"")
        }
        guard reward.active else { throw RPCError.failedPrecondition("reward \(reward.rewardId) is not available") }
        if let stock = reward.stock, stock.value <= 0 {
            throw RPCError.failedPrecondition("reward \(reward.rewardId) is out of stock")
        }
        let member = try Membership.ensure(customerID, program: program, nowMs: nowMs, in: db)
        guard member.balance >= reward.pointCost else {
            throw RPCError.failedPrecondition(
                "insufficient points: the balance is \(member.balance), \(reward.rewardId) costs \(reward.pointCost)")
        }
        let entry = try Ledger.append(
            LedgerPosting(
                customerID: customerID, kind: .redeem, points: -reward.pointCost,
                reason: "reward \(reward.rewardId)", cause: "redemption", externalID: request.redemptionId,
                rewardID: reward.rewardId, countsFromMs: nowMs),
            nowMs: nowMs, in: db)
        try db.cachedStatement(sql: "UPDATE rewards SET stock = stock - 1 WHERE reward_id = ? AND stock IS NOT NULL")
            .execute(arguments: [reward.rewardId])
        let redemption = Redemption(
            redemptionId: request.redemptionId, customer: CustomerId(value: customerID), rewardId: reward.rewardId,
            points: reward.pointCost, voucherCode: voucherCode(), status: .issued, redeemedAtMs: nowMs)
        try db.cachedStatement(
            sql: """
                INSERT INTO redemptions (redemption_id, customer_id, reward_id, points, voucher_code, status,
                    redeemed_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            redemption.redemptionId, customerID, reward.rewardId, reward.pointCost, redemption.voucherCode,
            redemption.status.rawValue, nowMs,
        ])
        try db.cachedStatement(
            sql: "UPDATE loyalty_members SET last_activity_ms = MAX(last_activity_ms, ?) WHERE customer_id = ?"
        ).execute(arguments: [nowMs, customerID])
        return RedeemResponse(redemption: redemption, balanceAfter: entry.balanceAfter)
    }

    /// Gives the points of an unused voucher back and returns the reward to its stock; cancelling a
    /// cancelled redemption changes nothing.
    static func cancel(_ request: CancelRedemptionRequest, nowMs: Int64, in db: Database) throws
        -> CancelRedemptionResponse
    {
        guard var redemption = try RewardStore.redemption(request.redemptionId, in: db) else {
            throw RPCError.invalidArgument("redemption_id", "unknown redemption \"\(request.redemptionId)\"")
        }
        let customerID = redemption.customer!.value
        switch redemption.status {
        case .used:
            throw RPCError.failedPrecondition("redemption \(request.redemptionId) was used; it cannot be cancelled")
        case .cancelled:
            return CancelRedemptionResponse(
                redemption: redemption, balanceAfter: try Ledger.balance(of: customerID, in: db))
        default:
            break
        }
        let entry = try Ledger.append(
            LedgerPosting(
                customerID: customerID, kind: .reverse, points: redemption.points,
                reason: "cancelled reward \(redemption.rewardId): \(request.reason)", cause: "cancellation",
                externalID: request.redemptionId, rewardID: redemption.rewardId, countsFromMs: nowMs),
            nowMs: nowMs, in: db)
        try db.cachedStatement(sql: "UPDATE rewards SET stock = stock + 1 WHERE reward_id = ? AND stock IS NOT NULL")
            .execute(arguments: [redemption.rewardId])
        try RewardStore.setStatus(.cancelled, of: request.redemptionId, in: db)
        redemption.status = .cancelled
        return CancelRedemptionResponse(redemption: redemption, balanceAfter: entry.balanceAfter)
    }

    /// "LOY-" and 12 characters of an alphabet without look-alikes (0/O, 1/I): about 60 bits, so codes
    /// cannot be guessed; the column is UNIQUE besides.
    static func voucherCode() -> String {
        let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }
        return "LOY-" + String(characters[0..<4]) + "-" + String(characters[4..<8]) + "-" + String(characters[8..<12])
    }
}
