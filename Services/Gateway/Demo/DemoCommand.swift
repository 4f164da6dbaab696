import ArgumentParser
import Client
import Foundation
import Models

/// `cxctl demo seed`: a made-up company's history, so that every report has something to show on
/// a fresh install.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Load a demo company's history.", subcommands: [Seed.self])

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a reproducible demo history through the services' public methods.",
            discussion: """
                Accounts across segments signed up over the past 18 months, their usage, survey answers \
                (NPS, CSAT, CES, with comments), purchases, support cases, advocates with contributions and \
                referrals, and cancellations — the accounts that cancel go quiet first, so the health score \
                foresees them. The same seed gives the same history; running it again applies nothing. \
                Needs an admin token (it has the health service rescore every account).
                Cases are opened now (the escalation service stamps them itself), so SLA breaches appear \
                only as their targets pass (the first within the hour).
                """)
        @Option(help: "How many accounts.") var accounts = 300
        @Option(help: "The generator's seed: the same seed gives the same history.") var seed: UInt64 = 1

        func validate() throws {
            guard (1...5_000).contains(accounts) else { throw ValidationError("--accounts: 1 to 5000") }
        }

        func run() async throws {
            let connection = try Connection.resolveOrExit()
            var clients: [String: ServiceClient] = [:]
            for service in Connection.services { clients[service] = try connection.client(for: service) }
            defer { for client in clients.values { client.close() } }
            let started = ContinuousClock.now
            var seeder = DemoSeeder(clients: clients, seed: seed, accounts: accounts)
            do {
                try await seeder.run()
            } catch {
                FileHandle.standardError.write(
                    Data("cxctl: demo seed stopped: \(error)\nwhat was applied stays; run it again to finish\n".utf8))
                throw ExitCode(1)
            }
            print(Output.table(seeder.tally.rows))
            let seconds = Double((ContinuousClock.now - started).components.seconds)
            print("\(seeder.tally.totalApplied) records applied in \(Int(seconds)) s")
            print("an account to look at: cxctl account report \(seeder.showcase)")
            guard seeder.scoredAtMs > 0 else { return }
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            let window = TimeRange(fromMs: seeder.scoredAtMs, untilMs: nowMs + 1)
            let reply: BacktestResponse = try await clients["health"]!.call("Backtest", BacktestRequest(window: window))
            print("health score backtest over the seeded history: " + Names.describe(reply))
            // Rounded up to the second, so that the window starts at or after the scores.
            let from = Date(timeIntervalSince1970: (Double(seeder.scoredAtMs) / 1000).rounded(.up))
            print("again later: cxctl health backtest --from \(ISO8601DateFormatter().string(from: from))")
        }
    }
}
