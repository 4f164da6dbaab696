import ArgumentParser
import Client
import Foundation
import Models

/// `cxctl loyalty …`: member statements, the rewards catalog, the tiers and the program report.
struct LoyaltyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loyalty", abstract: "Points, tiers and rewards.",
        subcommands: [
            LoyaltyStatementCommand.self, LoyaltyRewardsCommand.self, LoyaltyStockCommand.self,
            LoyaltyTiersCommand.self, LoyaltyFloorCommand.self, LoyaltyReportCommand.self,
        ])
}

struct LoyaltyStatementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statement", abstract: "A member's balance, tier, progress and history (20 entries a page).")
    @Argument(help: "The customer id.") var customer: String
    @Option(help: "Continue from a previous page's token.") var page = ""
    @Flag(help: "Print JSON (field names as in loyalty.proto).") var json = false

    func run() async throws {
        let reply: GetStatementResponse = try await Remote.call(
            "loyalty",
            "GetStatement",
            GetStatementRequest(customer: CustomerId(value: customer), page: PageRequest(pageSize: 20, pageToken: page))
        )
        if json {
            return Output.json(reply)
        }
        let next = reply.nextTier.map { "\($0.name) in \(reply.pointsToNextTier) qualifying points" } ?? "top tier"
        print(
            "\(customer): \(reply.balance) points (\(reply.pending) pending), tier \(reply.tier?.name ?? "-")"
                + (reply.tierFloor.isEmpty ? "" : " (floor \(reply.tierFloor))")
                + "; \(reply.qualifyingPoints) qualifying points, next: \(next)"
                + (reply.pointsExpireAtMs > 0 ? "; expires \(Names.time(reply.pointsExpireAtMs)) without activity" : "")
        )
        var rows = [["WHEN", "KIND", "POINTS", "BALANCE", "REASON"]]
        for entry in reply.entries {
            rows.append([
                Names.time(entry.createdAtMs), Names.name(entry.kind), String(format: "%+lld", entry.points),
                entry.pending ? "pending until \(Names.time(entry.countsFromMs))" : "\(entry.balanceAfter)",
                entry.reason,
            ])
        }
        print(Output.table(rows))
        print(Output.pageLine(shown: reply.entries.count, page: reply.page, noun: "entries"))
    }
}

struct LoyaltyRewardsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rewards", abstract: "The rewards catalog.")
    @Flag(help: "Also list inactive rewards.") var all = false
    @Flag(help: "Print JSON (field names as in loyalty.proto).") var json = false

    func run() async throws {
        let reply: ListRewardsResponse = try await Remote.call(
            "loyalty",
            "ListRewards", ListRewardsRequest(includeInactive: all))
        if json { return Output.json(reply) }
        var rows = [["REWARD", "NAME", "KIND", "POINTS", "STOCK", "ACTIVE"]]
        for reward in reply.rewards {
            rows.append([
                reward.rewardId, reward.name, Names.name(reward.kind), "\(reward.pointCost)",
                reward.stock.map { "\($0.value)" } ?? "unlimited", reward.active ? "yes" : "no",
            ])
        }
        print(Output.table(rows))
    }
}

struct LoyaltyStockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stock", abstract: "Set how many of a reward are left (needs an admin token).")
    @Argument(help: "The reward id.") var reward: String
    @Argument(help: "How many are left, or \"unlimited\".") var stock: String

    func run() async throws {
        guard stock == "unlimited" || (Int64(stock) ?? -1) >= 0 else {
            throw ValidationError("stock: expected a count of 0 or more, or \"unlimited\", got \"\(stock)\"")
        }
        let catalog: ListRewardsResponse = try await Remote.call(
            "loyalty",
            "ListRewards", ListRewardsRequest(includeInactive: true))
        guard var item = catalog.rewards.first(where: { $0.rewardId == reward }) else {
            throw ValidationError("no reward \"\(reward)\" in the catalog")
        }
        item.stock = Int64(stock).map { OptionalInt64(value: $0) }
        let reply: UpsertRewardResponse = try await Remote.call(
            "loyalty", "UpsertReward", UpsertRewardRequest(reward: item))
        print("\(reward): stock \(reply.reward?.stock.map { "\($0.value)" } ?? "unlimited")")
    }
}

struct LoyaltyFloorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor", abstract: "Keep a member at least on a tier; \"none\" removes it (needs an admin token).")
    @Argument(help: "The customer id.") var customer: String
    @Argument(help: "A tier's name, or \"none\".") var tier: String
    @Option(help: "Why (recorded with the tier change).") var reason: String

    func run() async throws {
        let reply: SetTierFloorResponse = try await Remote.call(
            "loyalty",
            "SetTierFloor",
            SetTierFloorRequest(customer: CustomerId(value: customer), tier: tier == "none" ? "" : tier, reason: reason)
        )
        print("\(customer): tier \(reply.tier), floor \(reply.floor.isEmpty ? "none" : reply.floor)")
    }
}

struct LoyaltyTiersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tiers", abstract: "The tiers and their benefits.")

    func run() async throws {
        let reply: ListTiersResponse = try await Remote.call("loyalty", "ListTiers", ListTiersRequest())
        var rows = [["TIER", "QUALIFYING POINTS", "EARN", "DISCOUNT", "PRIORITY SUPPORT", "FREE PRODUCTS"]]
        for tier in reply.tiers {
            let benefits = tier.benefits ?? TierBenefits()
            rows.append([
                tier.name, "\(tier.qualifyingPoints)", "\(tier.earnMultiplierPercent)%", "\(benefits.discountPercent)%",
                benefits.prioritySupport ? "yes" : "no", benefits.freeProducts.joined(separator: ", "),
            ])
        }
        print(Output.table(rows))
    }
}

struct LoyaltyReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Points issued against redeemed (the liability) and members per tier.")
    @Flag(help: "Print JSON (field names as in loyalty.proto).") var json = false

    func run() async throws {
        let reply = try await ReportData.programReport()
        if json {
            return Output.json(reply)
        }
        print(Names.describe(reply))
    }
}

extension Names {
    static func name(_ kind: LedgerEntryKind) -> String {
        switch kind {
        case .earn: "earn"
        case .bonus: "bonus"
        case .redeem: "redeem"
        case .expire: "expire"
        case .adjust: "adjust"
        case .reverse: "reverse"
        default: "-"
        }
    }

    static func name(_ kind: RewardKind) -> String {
        switch kind {
        case .discount: "discount"
        case .accountCredit: "account credit"
        case .freeMonth: "free month"
        case .freeProduct: "free product"
        default: "-"
        }
    }

}
