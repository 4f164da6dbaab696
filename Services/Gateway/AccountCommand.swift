import ArgumentParser
import Foundation
import Models

/// `cxctl account report <id>`: what an account got in a period, ready to paste into a business
/// review or a renewal email.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "One account across the suite.", subcommands: [Report.self])

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What the account got in a period: usage, NPS, support and SLAs, points, advocacy, health.")
        @Argument(help: "The customer id.") var customer: String
        @Option(help: "The period: this many days up to today.") var days: Int = 90
        @Flag(help: "Print JSON (field names as in health.proto).") var json = false

        func run() async throws {
            guard (1...400).contains(days) else { throw ValidationError("--days must be 1…400") }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let reply: GetValueReportResponse = try await Health.call(
                "GetValueReport",
                GetValueReportRequest(
                    customer: CustomerId(value: customer),
                    window: TimeRange(fromMs: now - Int64(days) * 86_400_000, untilMs: now)))
            let report = reply.report ?? ValueReport()
            if json { return Output.json(report) }
            print(Names.describe(report))
        }
    }
}

extension Names {
    static func describe(_ report: ValueReport) -> String {
        let account = report.account ?? Account()
        let from = time(report.window?.fromMs ?? 0)
        let until = time(report.window?.untilMs ?? 0)
        let features = report.topFeatures.map { "\($0.feature) (\($0.count))" }.joined(separator: ", ")
        let nps =
            report.latestNps < 0
            ? "no NPS answer yet" : "latest NPS \(report.latestNps) (\(report.npsAnswers) answers in the period)"
        let score = report.score.map {
            String(format: "%.1f (%@), %+.1f over the period", $0.score, name($0.band), report.scoreChange)
        }
        let rows = [
            [
                "Usage",
                "\(report.usageEvents) uses on \(report.activeDays) active days"
                    + (features.isEmpty ? "" : "; most used: \(features)"),
            ],
            ["Voice", nps],
            [
                "Support",
                "\(report.casesOpened) cases opened, \(report.casesResolved) resolved (\(report.casesResolvedWithinSla) within SLA); "
                    + "\(report.slaBreaches) SLA breaches",
            ],
            [
                "Loyalty",
                "\(report.pointsEarned) points earned, \(report.pointsRedeemed) redeemed; tier \(report.loyaltyTier.isEmpty ? "-" : report.loyaltyTier)",
            ],
            [
                "Advocacy",
                "level \(report.advocacyLevel.isEmpty ? "-" : report.advocacyLevel); \(report.referralsConverted) referrals converted",
            ],
            ["Health", score ?? "not scored yet"],
            ["Onboarding", "\(report.onboardingStepsDone) of \(report.onboardingStepsTotal) steps done"],
        ]
        return """
            Value report: \(account.name) (\(account.customer?.value ?? "")), \(name(account.segment)), \(money(account.mrr)) a month
            Period: \(from) to \(until)

            \(Output.table(rows))
            """
    }

}
