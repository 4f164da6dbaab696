import Foundation
import Models

/// `cxctl customer show` for people: a section per service, each either what the service knows or
/// why it shows nothing ("escalation: down (no answer)", "advocacy: not an advocate").
extension CustomerPage {
    func text(nowMs: Int64) -> String {
        [accountSection, healthSection, feedbackSection, loyaltySection, advocacySection, escalationSection(nowMs)]
            .joined(separator: "\n\n")
    }

    private var accountSection: String {
        guard let account = account.reply?.account else {
            if case .noRecord = self.account { return "customer \(customer): no such account in health" }
            return "customer \(customer)\naccount: \(self.account.absence)"
        }
        let cancelled =
            account.cancelledAtMs == 0
            ? "" : "\ncancelled \(Names.time(account.cancelledAtMs)): \(account.cancellationReason)"
        let facts = Output.table([
            ["segment", Names.name(account.segment), "stage", Names.name(account.stage)],
            ["plan", account.plan.isEmpty ? "-" : account.plan, "MRR", Names.money(account.mrr)],
            ["signed up", Names.time(account.signupMs), "last seen", Names.time(account.lastSeenMs)],
            [
                "manager", account.accountManager.isEmpty ? "-" : account.accountManager, "reactivations",
                "\(account.reactivations)",
            ],
        ])
        return "customer \(customer): \(account.name)\n\(facts)\(cancelled)"
    }

    private var healthSection: String {
        guard let reply = score.reply, let current = reply.current else {
            if case .noRecord = score { return "health: not scored yet" }
            return "health: \(score.absence)"
        }
        let trend = ([current] + reply.history).reversed().map { String(format: "%.0f", $0.score) }
        var lines = [
            String(
                format: "health: %.1f (%@), %+.1f since the previous score; churn risk %.0f%%; model %@, %@",
                current.score, Names.name(current.band), reply.changeSincePrevious, current.churnProbability * 100,
                current.modelVersion, Names.time(current.computedAtMs)),
            "trend: " + trend.joined(separator: " → "),
        ]
        let factors = current.factors.map { factor in
            [
                factor.factor, String(format: "%.0f", factor.value), "\(factor.weight)",
                String(format: "%.1f", factor.contribution), factor.known ? "" : "(no data: neutral)",
            ]
        }
        lines.append(Output.table([["FACTOR", "VALUE", "WEIGHT", "POINTS", ""]] + factors))
        return lines.joined(separator: "\n")
    }

    private var feedbackSection: String {
        let kinds: [(String, Answer<ListResponsesResponse>)] = [("NPS", nps), ("CSAT", csat), ("CES", ces)]
        if let failure = kinds.first(where: { $0.1.failed })?.1 { return "feedback: \(failure.absence)" }
        var rows: [[String]] = []
        for (name, answers) in kinds {
            let responses = answers.reply?.responses ?? []
            if responses.isEmpty { rows.append([name, "no answer"]) }
            for response in responses {
                let category = response.npsCategory == .unspecified ? "" : " (\(Names.name(response.npsCategory)))"
                rows.append([
                    name, "\(response.score)\(category)", Names.time(response.answeredAtMs),
                    response.channel.isEmpty ? "-" : response.channel,
                    response.comment.isEmpty ? "" : "\"\(response.comment.replacingOccurrences(of: "\n", with: " "))\"",
                ])
            }
        }
        return "feedback: latest answers\n" + Output.table(rows)
    }

    private var loyaltySection: String {
        guard let statement = statement.reply else {
            if case .noRecord = statement { return "loyalty: not a member" }
            return "loyalty: \(statement.absence)"
        }
        let tier = statement.tier?.name ?? "-"
        let next =
            statement.nextTier.map { "\(statement.pointsToNextTier) qualifying points to \($0.name)" } ?? "top tier"
        var lines = [
            "loyalty: tier \(tier), balance \(statement.balance) points (\(statement.pending) pending)",
            "progress: \(statement.qualifyingPoints) qualifying points in 12 months; \(next)",
        ]
        if !statement.entries.isEmpty {
            lines.append(
                Output.table(
                    statement.entries.map { [Names.name($0.kind), String(format: "%+lld", $0.points), $0.reason] }))
        }
        return lines.joined(separator: "\n")
    }

    private var advocacySection: String {
        guard let advocate = advocate.reply?.advocate else {
            if case .noRecord = advocate { return "advocacy: not an advocate" }
            return "advocacy: \(advocate.absence)"
        }
        let level = advocate.level.isEmpty ? "no level" : "level \(advocate.level)"
        var lines = [
            "advocacy: \(advocate.status.displayName), \(level); \(advocate.pointsLast12Months) points in 12 months, "
                + "\(advocate.currentPoints) to spend"
        ]
        switch contributions {
        case .reply(let reply) where !reply.contributions.isEmpty:
            lines.append(
                Output.table(
                    reply.contributions.map {
                        [
                            $0.channel.displayName, $0.state.displayName, "\($0.points)", Names.time($0.occurredAtMs),
                            $0.description,
                        ]
                    }))
        case .reply: lines.append("no contributions")
        default: lines.append("contributions: \(contributions.absence)")
        }
        return lines.joined(separator: "\n")
    }

    private func escalationSection(_ nowMs: Int64) -> String {
        guard let reply = cases.reply else { return "escalation: \(cases.absence)" }
        guard !reply.cases.isEmpty else { return "escalation: no open cases" }
        let rows = reply.cases.map { item in
            [
                item.caseId, item.severity.displayName, item.status.displayName, item.level.displayName,
                Self.slaState(item, nowMs: nowMs), item.title,
            ]
        }
        let open = reply.page?.totalCount ?? UInt64(reply.cases.count)
        return "escalation: \(open) open case\(open == 1 ? "" : "s")\n"
            + Output.table([["CASE", "SEV", "STATUS", "LEVEL", "SLA", "TITLE"]] + rows)
    }

    /// Where an active case stands against its SLA targets now: which one is breached, or the next due.
    static func slaState(_ item: SupportCase, nowMs: Int64) -> String {
        if item.status == .pending { return "paused (pending)" }
        let waitingForResponse = item.firstResponseAtMs == 0 && item.firstResponseDueMs > 0
        if waitingForResponse && nowMs > item.firstResponseDueMs {
            return "first response overdue by \(Names.duration(nowMs - item.firstResponseDueMs))"
        }
        if item.resolutionDueMs > 0 && nowMs > item.resolutionDueMs {
            return "resolution overdue by \(Names.duration(nowMs - item.resolutionDueMs))"
        }
        if waitingForResponse { return "first response due in \(Names.duration(item.firstResponseDueMs - nowMs))" }
        if item.resolutionDueMs > 0 { return "resolution due in \(Names.duration(item.resolutionDueMs - nowMs))" }
        return "-"
    }
}
