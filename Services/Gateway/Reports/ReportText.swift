import Foundation
import Models

/// The tables of the SLA, loyalty, health and advocacy reports, printed by the per-service commands
/// and by `cxctl report`, so both read the same.
extension Names {
    static func describe(_ report: GetSlaReportResponse, days: Int) -> String {
        var lines = [
            String(
                format: "last %d days: %u cases resolved, %.1f%% within SLA", days, report.resolved,
                report.attainmentPercent),
            "first reply: median \(duration(report.medianFirstResponseDurationMs)), "
                + "p90 \(duration(report.p90FirstResponseDurationMs))",
            "resolution:  median \(duration(report.medianResolutionDurationMs)), "
                + "p90 \(duration(report.p90ResolutionDurationMs))",
        ]
        for (title, list) in [
            ("severity", report.breachesBySeverity), ("segment", report.breachesBySegment),
            ("level", report.breachesByLevel),
        ] {
            lines.append(
                "breaches by \(title): "
                    + (list.isEmpty ? "none" : list.map { "\($0.key) \($0.breaches)" }.joined(separator: ", ")))
        }
        lines.append(
            "at risk now: " + (report.atRisk.isEmpty ? "none" : report.atRisk.map(summary).joined(separator: "\n  ")))
        return lines.joined(separator: "\n")
    }

    static func describe(_ report: GetProgramReportResponse) -> String {
        Output.table([
            ["issued", "\(report.pointsIssued)"], ["redeemed", "\(report.pointsRedeemed)"],
            ["expired", "\(report.pointsExpired)"], ["taken back", "\(report.pointsTakenBack)"],
            ["liability", "\(report.liability)"], ["pending", "\(report.pending)"],
            ["members", "\(report.members)"], ["redemptions", "\(report.redemptions)"],
        ]) + "\n" + Output.table([["TIER", "MEMBERS"]] + report.tiers.map { [$0.tier, "\($0.members)"] })
    }

    static func describe(_ report: HealthReportResponse) -> String {
        var rows = [["SEGMENT", "ACCOUNTS", "GOOD", "AVERAGE", "POOR", "UNSCORED", "AVG SCORE"]]
        for segment in report.segments + [report.total ?? SegmentHealth()] {
            rows.append([
                segment.segment == .unspecified ? "all" : name(segment.segment), "\(segment.accounts)",
                "\(segment.good)", "\(segment.average)", "\(segment.poor)", "\(segment.unscored)",
                segment.accounts == segment.unscored ? "-" : String(format: "%.1f", segment.averageScore),
            ])
        }
        let risk =
            [["CHURN RISK", "ACCOUNTS"]] + report.churnRisk.map { [riskLabel($0), "\($0.accounts)"] }
        return Output.table(rows) + "\n\n" + Output.table(risk) + "\n\(report.cancelled) cancelled accounts not counted"
    }

    /// "20–40%".
    static func riskLabel(_ bucket: ChurnRiskBucket) -> String {
        String(format: "%.0f–%.0f%%", bucket.fromProbability * 100, bucket.untilProbability * 100)
    }

    /// Advocates by status, then by level (those with one), in the order met.
    static func describe(advocates: [Advocate]) -> String {
        let statuses = tally(advocates.map(\.status.displayName))
        let levels = tally(advocates.filter { !$0.level.isEmpty }.map(\.level))
        return Output.table([["STATUS", "ADVOCATES"]] + statuses.map { [$0.key, "\($0.count)"] }) + "\n\n"
            + (levels.isEmpty
                ? "no advocate has a level yet"
                : Output.table([["LEVEL", "ADVOCATES"]] + levels.map { [$0.key, "\($0.count)"] }))
            + "\n\(advocates.count) advocates in all"
    }

    /// Counts of each value, in the order values first appear.
    static func tally(_ values: [String]) -> [(key: String, count: Int)] {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for value in values {
            if counts[value] == nil { order.append(value) }
            counts[value, default: 0] += 1
        }
        return order.map { ($0, counts[$0]!) }
    }
}
