import ArgumentParser
import Client
import Foundation
import Models

/// `cxctl feedback …`: surveys, invitations, answers, and the reports built on them.
struct FeedbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback", abstract: "Surveys, answers, NPS/CSAT/CES reports, top issues, offboarding.",
        subcommands: [
            SurveysCommand.self, DefineSurveyCommand.self, InviteCommand.self, LimitsCommand.self, RespondCommand.self,
            FeedbackReportCommand.self, IssuesCommand.self, OffboardingCommand.self,
        ])
}

struct SurveysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "surveys", abstract: "List the surveys with their invitations, answers and response rate.")
    @Flag(help: "Print JSON (field names as in feedback.proto).") var json = false

    func run() async throws {
        let reply: ListSurveysResponse = try await Remote.call("feedback", "ListSurveys", ListSurveysRequest())
        if json { return Output.json(reply) }
        var rows = [["SURVEY", "KIND", "TOUCHPOINT", "RECONTACT", "INVITED", "ANSWERED", "RATE", "QUESTION"]]
        for summary in reply.surveys {
            let survey = summary.survey ?? Survey()
            rows.append([
                survey.surveyId, Names.name(survey.kind), Names.name(survey.touchpoint), "\(survey.recontactDays)d",
                "\(summary.invitations)", "\(summary.responses)",
                summary.invitations == 0 ? "-" : String(format: "%.0f%%", summary.responseRate * 100), survey.question,
            ])
        }
        print(Output.table(rows))
    }
}

struct DefineSurveyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "define", abstract: "Define a survey, or replace its definition.")
    @Argument(help: "The survey id.") var survey: String
    @Option(help: "nps, csat or ces.") var kind: String
    @Option(
        help: "onboarding, support-case-resolved, business-review, offboarding, relationship or in-app.")
    var touchpoint: String
    @Option(help: "The question as the customer reads it.") var question: String
    @Option(help: "Days before a customer may be asked again (default 30, 90 for relationship NPS).")
    var recontactDays: UInt32 = 0

    func run() async throws {
        let reply: DefineSurveyResponse = try await Remote.call(
            "feedback",
            "DefineSurvey",
            DefineSurveyRequest(
                survey: Survey(
                    surveyId: survey, kind: try Names.kind(kind), touchpoint: try Names.touchpoint(touchpoint),
                    question: question, recontactDays: recontactDays)))
        print(
            "\(reply.created ? "defined" : "redefined") \(survey); recontact every \(reply.survey?.recontactDays ?? 0) days"
        )
    }
}

struct InviteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite", abstract: "Ask whether a customer may be sent a survey now (records it if so).")
    @Argument(help: "The customer id.") var customer: String
    @Argument(help: "The survey id.") var survey: String

    func run() async throws {
        let reply: RequestInvitationResponse = try await Remote.call(
            "feedback",
            "RequestInvitation", RequestInvitationRequest(customer: CustomerId(value: customer), surveyId: survey))
        let next = reply.nextEligibleAtMs > 0 ? "; eligible again \(Names.time(reply.nextEligibleAtMs))" : ""
        print("\(reply.send ? "send" : "don't send"): \(reply.reason)\(next)")
    }
}

struct LimitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limits",
        abstract: "Show the cap on invitations per customer, or set it (with both options; needs an admin token).")
    @Option(help: "At most this many invitations per customer, all surveys together.") var cap: UInt32?
    @Option(help: "… in any window of this many days.") var windowDays: UInt32?

    func run() async throws {
        let reply: InvitationLimitsResponse
        switch (cap, windowDays) {
        case (let cap?, let windowDays?):
            reply = try await Remote.call(
                "feedback",
                "SetInvitationLimits",
                SetInvitationLimitsRequest(limits: InvitationLimits(customerCap: cap, capWindowDays: windowDays)))
        case (nil, nil):
            reply = try await Remote.call("feedback", "GetInvitationLimits", GetInvitationLimitsRequest())
        default:
            throw CommandError("give both --cap and --window-days to change the limits")
        }
        let limits = reply.limits ?? InvitationLimits()
        let since = limits.updatedAtMs == 0 ? "the default" : "set \(Names.time(limits.updatedAtMs))"
        print("at most \(limits.customerCap) invitations per customer in any \(limits.capWindowDays) days (\(since))")
    }
}

struct RespondCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "respond", abstract: "Record one answer.")
    @Argument(help: "The answer's own id (a repeat changes nothing).") var responseID: String
    @Option(help: "The survey id.") var survey: String
    @Option(help: "The customer id.") var customer: String
    @Option(help: "The score on the survey's scale.") var score: Int32
    @Option(help: "A comment.") var comment = ""
    @Option(help: "Where it was answered, e.g. email.") var channel = "cxctl"
    @Option(help: "For an exit survey: why the customer left.") var reason = ""

    func run() async throws {
        let reply: RecordResponseResponse = try await Remote.call(
            "feedback",
            "RecordResponse",
            RecordResponseRequest(
                responseId: responseID, surveyId: survey, customer: CustomerId(value: customer), score: score,
                comment: comment, channel: channel, cancellationReason: reason))
        let response = reply.response ?? SurveyResponse()
        let category = response.npsCategory == .unspecified ? "" : " (\(Names.name(response.npsCategory)))"
        print("\(reply.recorded ? "recorded" : "already recorded") \(responseID): \(response.score)\(category)")
    }
}

struct FeedbackReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "NPS, CSAT or CES by segment or touchpoint, as a trend by period.")
    @Argument(help: "nps, csat or ces.") var kind: String
    @OptionGroup var options: ScoreReportOptions
    @Flag(help: "Print JSON (field names as in feedback.proto).") var json = false

    func run() async throws {
        let request = try options.request(kind: try Names.kind(kind))
        let reply = try await ReportData.scoreReport(request)
        if json { return Output.json(Names.json(reply)) }
        print(Names.describe(reply, grouping: request.by, period: request.period))
    }
}

struct IssuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issues", abstract: "What detractors say that promoters do not: what to fix first.")
    @Option(help: "Days back from now.") var days: Int = 365
    @Option(help: "A term must be in at least this many detractor comments (default 3).") var minCount: UInt32 = 0
    @Option(help: "How many terms.") var limit: UInt32 = 10
    @Flag(help: "Print JSON (field names as in feedback.proto).") var json = false

    func run() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let reply: TopIssuesResponse = try await Remote.call(
            "feedback",
            "TopIssues",
            TopIssuesRequest(
                window: TimeRange(fromMs: now - Int64(days) * 86_400_000, untilMs: now + 1), minCount: minCount,
                limit: limit))
        if json {
            return Output.json(reply)
        }
        var rows = [["TERM", "DETRACTORS", "PROMOTERS", "LIFT", "EXAMPLE"]]
        for issue in reply.issues {
            rows.append([
                issue.term, "\(issue.detractorComments)", "\(issue.promoterComments)",
                String(format: "%.1f", issue.lift),
                String((issue.examples.first ?? "").prefix(60)),
            ])
        }
        print(reply.issues.isEmpty ? "no term stands out yet" : Output.table(rows))
        print("from \(reply.detractorComments) detractor and \(reply.promoterComments) promoter comments")
    }
}

struct OffboardingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offboarding", abstract: "Why customers leave, and how many come back.")
    @Option(help: "Days back from now for the exit answers.") var days: Int = 365
    @Flag(help: "Print JSON (field names as in feedback.proto).") var json = false

    func run() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let reply: OffboardingReportResponse = try await Remote.call(
            "feedback",
            "OffboardingReport",
            OffboardingReportRequest(window: TimeRange(fromMs: now - Int64(days) * 86_400_000, untilMs: now + 1)))
        let revenue = reply.revenueAfterReturn.map { Names.money($0) }
        if json {
            return Output.json(reply)
        }
        let reasons =
            [["REASON", "EXIT ANSWERS", "CAME BACK"]]
            + reply.reasons.map { [$0.reason, "\($0.answers)", "\($0.cameBack)"] }
        print(reply.reasons.isEmpty ? "no exit answers in the window" : Output.table(reasons))
        print(
            String(
                format: "%u of %u cancelled accounts came back (%.0f%%); revenue since their return: %@",
                reply.resurrected, reply.everCancelled, reply.resurrectionRate * 100,
                revenue.isEmpty ? "none" : revenue.joined(separator: ", ")))
    }
}

extension Names {
    static func name(_ kind: SurveyKind) -> String {
        switch kind {
        case .nps: "nps"
        case .csat: "csat"
        case .ces: "ces"
        default: "-"
        }
    }

    static func name(_ touchpoint: Touchpoint) -> String {
        switch touchpoint {
        case .onboarding: "onboarding"
        case .supportCaseResolved: "support-case-resolved"
        case .businessReview: "business-review"
        case .offboarding: "offboarding"
        case .relationship: "relationship"
        case .inApp: "in-app"
        default: "-"
        }
    }

    static func name(_ category: NpsCategory) -> String {
        switch category {
        case .promoter: "promoter"
        case .passive: "passive"
        case .detractor: "detractor"
        default: "-"
        }
    }

    static func kind(_ text: String) throws -> SurveyKind {
        guard let match = SurveyKind.allCases.first(where: { name($0) == text.lowercased() }) else {
            throw CommandError("kind: expected nps, csat or ces, got \"\(text)\"")
        }
        return match
    }

    static func touchpoint(_ text: String) throws -> Touchpoint {
        guard let match = Touchpoint.allCases.first(where: { name($0) == text }) else {
            throw CommandError(
                "--touchpoint: expected onboarding, support-case-resolved, business-review, offboarding, relationship "
                    + "or in-app, got \"\(text)\"")
        }
        return match
    }

    static func grouping(_ text: String) throws -> ReportGrouping {
        switch text {
        case "segment": .segment
        case "touchpoint": .touchpoint
        default: throw CommandError("--by: expected segment or touchpoint, got \"\(text)\"")
        }
    }

    static func period(_ text: String) throws -> ReportPeriod {
        switch text {
        case "week": .week
        case "month": .month
        case "quarter": .quarter
        default: throw CommandError("--period: expected week, month or quarter, got \"\(text)\"")
        }
    }

    /// "2025-12-29" for a week (its Monday), "2025-12" for a month, "2025-Q4" for a quarter.
    static func periodLabel(_ startMs: Int64, _ period: ReportPeriod) -> String {
        let day = time(startMs)
        switch period {
        case .week: return day
        case .month: return String(day.prefix(7))
        case .quarter:
            let month = Int(day.dropFirst(5).prefix(2)) ?? 1
            return "\(day.prefix(4))-Q\((month - 1) / 3 + 1)"
        default: return "all"
        }
    }

    /// The report's message JSON, except that a cell with too few answers has no score: null, never
    /// a 0 someone could read as one.
    static func json(_ report: ScoreReportResponse) -> JSONValue {
        guard case .object(var members) = report.jsonValue,
            let index = members.firstIndex(where: { $0.name == "cells" }), case .array(let cells) = members[index].value
        else { return report.jsonValue }
        let withheld: Set = ["score", "margin_of_error", "favourable_percent"]
        members[index].value = .array(
            cells.map { cell in
                guard case .object(var fields) = cell, cell["too_few"] == .bool(true) else { return cell }
                for field in fields.indices where withheld.contains(fields[field].name) { fields[field].value = .null }
                return .object(fields)
            })
        return .object(members)
    }

    /// The report as two tables: the scores, then whom the answers come from.
    static func describe(_ report: ScoreReportResponse, grouping: ReportGrouping, period: ReportPeriod) -> String {
        let kind = report.kind
        let group = grouping == .segment ? "SEGMENT" : grouping == .touchpoint ? "TOUCHPOINT" : ""
        var header = group.isEmpty ? [] : [group]
        header += ["PERIOD", "ANSWERS", name(kind).uppercased(), "±95%"]
        header += kind == .nps ? ["PROMOTERS", "PASSIVES", "DETRACTORS"] : kind == .csat ? ["SATISFIED"] : ["EASY 5–7"]
        var rows = [header]
        for cell in report.cells {
            var row = group.isEmpty ? [] : [grouping == .segment ? name(cell.segment) : name(cell.touchpoint)]
            row += [periodLabel(cell.periodStartMs, period), "\(cell.answers)"]
            if cell.tooFew {
                row += ["too few", "-"]
            } else {
                let format = kind == .nps ? "%+.0f" : kind == .csat ? "%.0f%%" : "%.2f"
                row += [
                    String(format: format, cell.score),
                    String(format: kind == .ces ? "%.2f" : "%.1f", cell.marginOfError),
                ]
            }
            switch kind {
            case .nps: row += ["\(cell.promoters)", "\(cell.passives)", "\(cell.detractors)"]
            case .csat: row += ["\(cell.favourable)"]
            default: row += [cell.tooFew ? "-" : String(format: "%.0f%%", cell.favourablePercent)]
            }
            rows.append(row)
        }
        var text = report.cells.isEmpty ? "no \(name(kind).uppercased()) answers in the window" : Output.table(rows)
        text += "\ncells with fewer than \(report.minAnswers) answers say \"too few\"\n\n"
        var heard = [["SEGMENT", "ANSWERS", "SHARE OF ANSWERS", "CUSTOMERS", "SHARE OF CUSTOMERS"]]
        for segment in report.representation {
            heard.append([
                name(segment.segment), "\(segment.answers)", String(format: "%.0f%%", segment.answerShare * 100),
                "\(segment.customers)", String(format: "%.0f%%", segment.customerShare * 100),
            ])
        }
        if report.representation.isEmpty { return text + "no accounts known yet (they come from health)" }
        return text + Output.table(heard)
    }
}
