import ArgumentParser
import Client
import Foundation
import Models

/// `cxctl health …`: accounts and health scores.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Accounts, usage and health scores.",
        subcommands: [
            AccountsCommand.self, ScoreCommand.self, BacktestCommand.self, FitCommand.self, ModelCommand.self,
            SettingsCommand.self,
        ])
}

struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "List and show accounts.", subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts, 50 per page.")
        @Option(help: "Only this segment: small, mid-market, enterprise, key.") var segment: String?
        @Option(help: "Only this stage: onboarding, adopting, mature, at-renewal, cancelled.") var stage: String?
        @Option(help: "Continue from a previous page's token.") var page = ""
        @Flag(help: "Print JSON (field names as in health.proto).") var json = false

        func run() async throws {
            var request = ListAccountsRequest(page: PageRequest(pageSize: 50, pageToken: page))
            if let segment { request.segment = try Names.segment(segment) }
            if let stage { request.stage = try Names.stage(stage) }
            let reply: ListAccountsResponse = try await Health.call("ListAccounts", request)
            if json {
                return Output.json(reply)
            }
            var rows = [["CUSTOMER", "NAME", "SEGMENT", "STAGE", "MRR", "LAST SEEN"]]
            for account in reply.accounts {
                rows.append([
                    account.customer?.value ?? "", account.name, Names.name(account.segment), Names.name(account.stage),
                    Names.money(account.mrr), Names.time(account.lastSeenMs),
                ])
            }
            print(Output.table(rows))
            print(Output.pageLine(shown: reply.accounts.count, page: reply.page))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one account.")
        @Argument(help: "The customer id.") var customer: String
        @Flag(help: "Print JSON (field names as in health.proto).") var json = false

        func run() async throws {
            let reply: GetAccountResponse = try await Health.call(
                "GetAccount", GetAccountRequest(customer: CustomerId(value: customer)))
            guard let account = reply.account else { return }
            if json { return Output.json(account) }
            print(
                Output.table([
                    ["customer", account.customer?.value ?? ""], ["name", account.name],
                    ["segment", Names.name(account.segment)], ["stage", Names.name(account.stage)],
                    ["plan", account.plan], ["mrr", Names.money(account.mrr)],
                    ["signed up", Names.time(account.signupMs)],
                    ["account manager", account.accountManager], ["referral code", account.referralCode],
                    ["last seen", Names.time(account.lastSeenMs)],
                    [
                        "cancelled",
                        account.cancelledAtMs == 0
                            ? "-" : "\(Names.time(account.cancelledAtMs)) (\(account.cancellationReason))",
                    ],
                    ["reactivations", "\(account.reactivations)"],
                ]))
        }
    }
}

struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Show an account's health score, what made it, and its trend.")
    @Argument(help: "The customer id.") var customer: String
    @Option(help: "How many earlier scores to show.") var history: UInt32 = 5
    @Flag(help: "Print JSON (field names as in health.proto).") var json = false

    func run() async throws {
        let reply: GetHealthScoreResponse = try await Health.call(
            "GetHealthScore", GetHealthScoreRequest(customer: CustomerId(value: customer), historyLimit: history))
        guard let current = reply.current else { return }
        if json { return Output.json(reply) }
        print(
            String(
                format: "%@: %.1f (%@), %+.1f since last time; churn risk %.0f%%; model %@", customer, current.score,
                Names.name(current.band), reply.changeSincePrevious, current.churnProbability * 100,
                current.modelVersion))
        var rows = [["FACTOR", "VALUE", "WEIGHT", "POINTS", ""]]
        for factor in current.factors {
            rows.append([
                factor.factor, factor.known ? String(format: "%.0f", factor.value) : "unknown", "\(factor.weight)",
                String(format: "%.1f", factor.contribution),
                String(repeating: "█", count: Int((factor.contribution / 2).rounded())),
            ])
        }
        print(Output.table(rows))
        if !reply.history.isEmpty {
            print(
                "history: " + reply.history.map { String(format: "%.0f", $0.score) }.reversed().joined(separator: " → ")
            )
        }
    }
}

/// Calls to the health service with the resolved connection; failures become one line and exit 1.
enum Health {
    static func call<Request: ProtoMessage, Reply: ProtoMessage>(_ method: String, _ request: Request) async throws
        -> Reply
    {
        try await Remote.call("health", method, request)
    }
}

/// `cxctl health backtest` and `cxctl health fit`: how good the health score is on this business's
/// own history, and a churn model fitted to it.
struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "How well the health score ranked the accounts that cancelled (AUC, worst-decile lift).")
    @OptionGroup var window: WindowOptions
    @Flag(help: "Print JSON (field names as in health.proto).") var json = false

    func run() async throws {
        let reply: BacktestResponse = try await Health.call("Backtest", BacktestRequest(window: window.range))
        if json { return Output.json(reply) }
        print(Names.describe(reply))
    }
}

struct FitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit", abstract: "Fit the churn model to the accounts that cancelled (needs an admin token).")
    @OptionGroup var window: WindowOptions
    @Flag(help: "Use the fitted coefficients for every churn probability from now on.") var apply = false
    @Flag(help: "Print JSON (field names as in health.proto).") var json = false

    func run() async throws {
        let reply: FitChurnModelResponse = try await Health.call(
            "FitChurnModel", FitChurnModelRequest(window: window.range, apply: apply))
        if json { return Output.json(reply) }
        var rows = [["FACTOR", "COEFFICIENT"], ["(intercept)", String(format: "%+.3f", reply.intercept)]]
        rows += reply.coefficients.map { [$0.factor, String(format: "%+.3f", $0.coefficient)] }
        print(Output.table(rows))
        print("fitted on \(reply.samples) accounts; in-sample " + Names.describe(reply.inSample ?? BacktestResponse()))
        print(
            apply ? "applied: churn probabilities use these coefficients from now on" : "not applied (--apply to use)")
    }
}

/// The history window of backtest and fit: scores as they were `fromDaysAgo` days back, and the
/// cancellations of the `days` days after (clipped to now).
struct WindowOptions: ParsableArguments {
    @Option(help: "Days back the window starts (scores as they were then).") var fromDaysAgo: Int = 90
    @Option(help: "Days the window lasts.") var days: Int = 90
    @Option(help: "The window's start as a time (2026-11-23T23:40:05Z or epoch ms), instead of --from-days-ago.")
    var from: String?

    func validate() throws {
        if let from { _ = try startMs(from) }
    }

    private func startMs(_ text: String) throws -> Int64 {
        do { return try ImportValues.time(text, field: "--from") } catch { throw ValidationError(error.reason) }
    }

    var range: TimeRange {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let from = (try? from.map(startMs)) ?? now - Int64(fromDaysAgo) * 86_400_000
        return TimeRange(fromMs: from, untilMs: min(now, from + Int64(days) * 86_400_000))
    }
}

extension Names {
    static func describe(_ result: BacktestResponse) -> String {
        let verdict =
            result.auc >= 0.8
            ? "strong" : result.auc >= 0.7 ? "useful" : result.auc > 0.55 ? "weak" : "no better than chance"
        return String(
            format:
                "AUC %.3f (%@) over %u accounts, %u cancelled; worst 10%% churned at %.1f%% vs %.1f%% overall (lift %.1fx)",
            result.auc, verdict, result.accounts, result.churners, result.worstDecileChurnRate * 100,
            result.overallChurnRate * 100, result.liftWorstDecile)
    }
}
