import ArgumentParser
import Client
import Foundation
import Models

/// `cxctl escalation …`: support cases, the escalation ladder and the SLA report.
struct EscalationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalation", abstract: "Support cases, escalation and SLAs.",
        subcommands: [
            CasesCommand.self, OpenCaseCommand.self, CaseStatusCommand.self, EscalateCommand.self,
            DeescalateCommand.self, CaseSeverityCommand.self, SlaPoliciesCommand.self, SlaReportCommand.self,
        ])
}

struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases", abstract: "List and show cases.", subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cases, newest first, 50 per page.")
        @Option(help: "Only this customer's cases.") var customer: String?
        @Option(help: "Only this status: open, pending, escalated, resolved, closed.") var status: String?
        @Flag(help: "Only cases still being worked on (open, pending, escalated).") var active = false
        @Option(help: "Continue from a previous page's token.") var page = ""
        @Flag(help: "Print JSON (field names as in escalation.proto).") var json = false

        func run() async throws {
            var request = ListCasesRequest(activeOnly: active, page: PageRequest(pageSize: 50, pageToken: page))
            if let customer { request.customer = CustomerId(value: customer) }
            if let status { request.status = try Names.caseStatus(status) }
            let reply: ListCasesResponse = try await Remote.call("escalation", "ListCases", request)
            if json {
                return Output.json(reply)
            }
            var rows = [["CASE", "CUSTOMER", "SEV", "STATUS", "LEVEL", "OPENED", "RESOLUTION DUE", "TITLE"]]
            for item in reply.cases {
                rows.append([
                    item.caseId, item.customer?.value ?? "", item.severity.displayName, item.status.displayName,
                    item.level.displayName, Names.instant(item.openedAtMs), Names.instant(item.resolutionDueMs),
                    item.title,
                ])
            }
            print(Output.table(rows))
            print(Output.pageLine(shown: reply.cases.count, page: reply.page))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one case: its SLA, notes and policy audit.")
        @Argument(help: "The case id, e.g. C42.") var caseID: String
        @Flag(help: "Print JSON (field names as in escalation.proto).") var json = false

        func run() async throws {
            let reply: GetCaseResponse = try await Remote.call("escalation", "GetCase", GetCaseRequest(caseId: caseID))
            guard let item = reply.supportCase else { return }
            if json {
                return Output.json(reply)
            }
            print(
                Output.table([
                    ["case", "\(item.caseId) (\(item.externalId), \(item.origin.displayName))"],
                    ["customer", "\(item.customer?.value ?? "") (\(Names.name(reply.segment)))"],
                    ["title", item.title], ["severity", item.severity.displayName],
                    ["status", item.status.displayName], ["level", item.level.displayName],
                    ["assignee", item.assignee.isEmpty ? "-" : item.assignee],
                    ["opened", Names.instant(item.openedAtMs)],
                    [
                        "first response",
                        "\(Names.instant(item.firstResponseAtMs)) (due \(Names.instant(item.firstResponseDueMs)))",
                    ],
                    ["resolved", "\(Names.instant(item.resolvedAtMs)) (due \(Names.instant(item.resolutionDueMs)))"],
                    ["calendar", reply.calendar], ["paused", Names.duration(reply.pausedDurationMs)],
                    [
                        "breached",
                        reply.breached.isEmpty ? "-" : reply.breached.map(\.displayName).joined(separator: ", "),
                    ],
                    [
                        "sla met",
                        item.status == .resolved || item.status == .closed ? (item.slaMet ? "yes" : "no") : "-",
                    ],
                ]))
            print("\nSLA policy audit:")
            var audit = [["APPLIED", "POLICY", "FIRST RESPONSE", "RESOLUTION", "WHY"]]
            for entry in reply.slaAudit {
                audit.append([
                    Names.instant(entry.appliedAtMs), entry.policy,
                    Names.duration(entry.firstResponseTargetDurationMs),
                    Names.duration(entry.resolutionTargetDurationMs),
                    entry.reason,
                ])
            }
            print(Output.table(audit))
            if !reply.notes.isEmpty {
                print("\nNotes:")
                for note in reply.notes {
                    print(
                        "\(Names.instant(note.addedAtMs)) \(note.author)\(note.customerReply ? " (reply)" : ""): \(note.text)"
                    )
                }
            }
        }
    }
}

struct OpenCaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Open a case (idempotent by --external-id).")
    @Option(help: "The customer id.") var customer: String
    @Option(help: "S1 (mission-critical) … S4 (low).") var severity: String
    @Option(help: "A one-line summary.") var title: String
    @Option(help: "The support system's id of the case.") var externalId: String
    @Option(help: "Who works on it.") var assignee = ""
    @Option(help: "The problem as reported.") var details = ""

    func run() async throws {
        let reply: OpenCaseResponse = try await Remote.call(
            "escalation",
            "OpenCase",
            OpenCaseRequest(
                externalId: externalId, customer: CustomerId(value: customer), severity: try Names.severity(severity),
                title: title, assignee: assignee, details: details))
        guard let item = reply.supportCase else { return }
        print(
            "\(reply.created ? "opened" : "exists:") \(item.caseId) \(item.severity.displayName) for \(customer); "
                + "first response due \(Names.instant(item.firstResponseDueMs)), "
                + "resolution due \(Names.instant(item.resolutionDueMs))")
    }
}

struct CaseStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Move a case to open, pending, resolved or closed.")
    @Argument(help: "The case id.") var caseID: String
    @Argument(help: "open, pending, resolved or closed.") var status: String
    @Option(help: "Why (kept as a note).") var reason = ""

    func run() async throws {
        let reply: CaseResponse = try await Remote.call(
            "escalation",
            "SetCaseStatus",
            SetCaseStatusRequest(caseId: caseID, status: try Names.caseStatus(status), reason: reason))
        print(Names.summary(reply.supportCase))
    }
}

struct EscalateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "escalate", abstract: "Move a case one rung up.")
    @Argument(help: "The case id.") var caseID: String
    @Option(help: "Why.") var reason: String

    func run() async throws {
        let reply: CaseResponse = try await Remote.call(
            "escalation",
            "EscalateCase", ChangeLevelRequest(caseId: caseID, reason: reason))
        print(Names.summary(reply.supportCase))
    }
}

struct DeescalateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deescalate", abstract: "Move a case one rung down.")
    @Argument(help: "The case id.") var caseID: String
    @Option(help: "Why.") var reason: String

    func run() async throws {
        let reply: CaseResponse = try await Remote.call(
            "escalation",
            "DeescalateCase", ChangeLevelRequest(caseId: caseID, reason: reason))
        print(Names.summary(reply.supportCase))
    }
}

struct CaseSeverityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "severity", abstract: "Give a case another severity (its SLA targets follow).")
    @Argument(help: "The case id.") var caseID: String
    @Argument(help: "S1, S2, S3 or S4.") var severity: String
    @Option(help: "Why.") var reason: String

    func run() async throws {
        let reply: CaseResponse = try await Remote.call(
            "escalation",
            "SetCaseSeverity",
            SetCaseSeverityRequest(caseId: caseID, severity: try Names.severity(severity), reason: reason))
        print(Names.summary(reply.supportCase))
    }
}

struct SlaPoliciesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies", abstract: "The SLA matrix (severity × health band × priority) and calendars.")

    func run() async throws {
        let reply: GetSlaPoliciesResponse = try await Remote.call(
            "escalation", "GetSlaPolicies", GetSlaPoliciesRequest())
        var rows = [["POLICY", "FIRST RESPONSE", "RESOLUTION"]]
        for row in reply.policies {
            rows.append([
                row.policy, Names.duration(row.firstResponseTargetDurationMs),
                Names.duration(row.resolutionTargetDurationMs),
            ])
        }
        print(Output.table(rows))
        print(
            "\nbusiness hours: "
                + reply.calendars.map { "\(Names.name($0.segment)) \($0.calendar)" }.joined(separator: "; "))
        print(
            String(
                format: "warning when %.0f%% of a target's time is left; one detractor follow-up per %d days",
                reply.warningShare * 100, Int(reply.detractorFollowUpDays)))
    }
}

struct SlaReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "SLA attainment, reply and resolution times, breaches, cases at risk.")
    @Option(help: "Days back the window starts.") var days: Int = 30
    @Flag(help: "Print JSON (field names as in escalation.proto).") var json = false

    func run() async throws {
        let reply = try await ReportData.slaReport(ReportData.lastDays(days))
        if json {
            return Output.json(reply)
        }
        print(Names.describe(reply, days: days))
    }
}

extension Names {
    static func severity(_ text: String) throws -> Severity {
        guard let match = Severity.allCases.first(where: { $0 != .unspecified && $0.displayName == text.uppercased() })
        else { throw CommandError("--severity: expected S1, S2, S3 or S4, got \"\(text)\"") }
        return match
    }

    static func caseStatus(_ text: String) throws -> CaseStatus {
        guard let match = CaseStatus.allCases.first(where: { $0 != .unspecified && $0.displayName == text }) else {
            throw CommandError("status: expected open, pending, escalated, resolved or closed, got \"\(text)\"")
        }
        return match
    }

    /// Date and time to the minute, UTC; "-" for 0.
    static func instant(_ ms: Int64) -> String {
        guard ms > 0 else { return "-" }
        return String(timestamp(ms).prefix(16))
    }

    /// "2h30m", "45m", "3d4h".
    static func duration(_ ms: Int64) -> String {
        let minutes = ms / 60_000
        let (days, hours, rest) = (minutes / 1440, minutes % 1440 / 60, minutes % 60)
        if days > 0 { return "\(days)d\(hours)h" }
        if hours > 0 { return rest == 0 ? "\(hours)h" : "\(hours)h\(rest)m" }
        return "\(rest)m"
    }

    static func summary(_ item: SupportCase?) -> String {
        guard let item else { return "-" }
        return "\(item.caseId) \(item.customer?.value ?? "") \(item.severity.displayName) \(item.status.displayName) "
            + "at \(item.level.displayName): \(item.title)"
    }

}
