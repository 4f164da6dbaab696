import ArgumentParser
import Client
import Foundation
import Models

/// `cxctl advocacy …`: advocates, their contributions, referrals and the customer spotlight.
struct AdvocacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advocacy", abstract: "Advocates, contributions, referrals and the customer spotlight.",
        subcommands: [AdvocatesCommand.self, ContributionsCommand.self, ReferralsCommand.self, SpotlightCommand.self])
}

struct AdvocatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advocates", abstract: "List, show, nominate and enroll advocates.",
        subcommands: [List.self, Show.self, Nominate.self, Enroll.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List advocates, 50 per page.")
        @Option(help: "Only this status: candidate, invited, active, lapsed.") var status: String?
        @Option(help: "Continue from a previous page's token.") var page = ""
        @Flag(help: "Print JSON (field names as in advocacy.proto).") var json = false

        func run() async throws {
            var request = ListAdvocatesRequest(page: PageRequest(pageSize: 50, pageToken: page))
            if let status { request.status = try Names.advocateStatus(status) }
            let reply: ListAdvocatesResponse = try await Remote.call("advocacy", "ListAdvocates", request)
            if json {
                return Output.json(reply)
            }
            var rows = [["CUSTOMER", "STATUS", "LEVEL", "12-MONTH POINTS", "CURRENT", "LIFETIME", "CODE"]]
            for advocate in reply.advocates {
                rows.append([
                    advocate.customer?.value ?? "", advocate.status.displayName,
                    advocate.level.isEmpty ? "-" : advocate.level,
                    "\(advocate.pointsLast12Months)", "\(advocate.currentPoints)", "\(advocate.lifetimePoints)",
                    advocate.referralCode.isEmpty ? "-" : advocate.referralCode,
                ])
            }
            print(Output.table(rows))
            print(Output.pageLine(shown: reply.advocates.count, page: reply.page))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one advocate and their incentives.")
        @Argument(help: "The customer id.") var customer: String
        @Flag(help: "Print JSON (field names as in advocacy.proto).") var json = false

        func run() async throws {
            let reply: AdvocateResponse = try await Remote.call(
                "advocacy",
                "GetAdvocate", GetAdvocateRequest(customer: CustomerId(value: customer)))
            guard let advocate = reply.advocate else { return }
            if json { return Output.json(advocate) }
            print(Names.describe(advocate))
        }
    }

    struct Nominate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Nominate a customer as a candidate.")
        @Argument(help: "The customer id.") var customer: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            let reply: AdvocateResponse = try await Remote.call(
                "advocacy",
                "NominateAdvocate", NominateAdvocateRequest(customer: CustomerId(value: customer), reason: reason))
            print(
                reply.changed
                    ? "\(customer) is a candidate" : "\(customer) is \(reply.advocate!.status.displayName) already")
        }
    }

    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enroll a customer as an active advocate.")
        @Argument(help: "The customer id.") var customer: String
        @Option(help: "The referral code to issue (A–Z, 0–9, -); made from the id when not given.") var code = ""

        func run() async throws {
            let reply: AdvocateResponse = try await Remote.call(
                "advocacy",
                "EnrollAdvocate", EnrollAdvocateRequest(customer: CustomerId(value: customer), referralCode: code))
            print("\(customer) is active with referral code \(reply.advocate!.referralCode)")
        }
    }
}

struct ContributionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contributions", abstract: "List contributions; approve or reject pending ones.",
        subcommands: [List.self, Review.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List contributions, newest first.")
        @Option(help: "Only this advocate's.") var advocate: String?
        @Option(help: "Only this state: pending, approved, rejected.") var state: String?
        @Option(help: "How many at most.") var limit: UInt32 = 100
        @Flag(help: "Print JSON (field names as in advocacy.proto).") var json = false

        func run() async throws {
            var request = ListContributionsRequest(limit: limit)
            if let advocate { request.advocate = CustomerId(value: advocate) }
            if let state { request.state = try Names.contributionState(state) }
            let reply: ListContributionsResponse = try await Remote.call("advocacy", "ListContributions", request)
            if json { return Output.json(reply) }
            var rows = [["ID", "ADVOCATE", "CHANNEL", "STATE", "POINTS", "MADE", "DESCRIPTION"]]
            for contribution in reply.contributions {
                rows.append([
                    contribution.contributionId, contribution.advocate?.value ?? "", contribution.channel.displayName,
                    contribution.state.displayName, "\(contribution.points)", Names.time(contribution.occurredAtMs),
                    contribution.description,
                ])
            }
            print(Output.table(rows))
        }
    }

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve (or, with --reject, reject) a pending contribution.")
        @Argument(help: "The contribution id.") var contribution: String
        @Option(help: "Reject with this reason instead of approving.") var reject: String?

        func run() async throws {
            let reply: ContributionResponse = try await Remote.call(
                "advocacy",
                "ReviewContribution",
                ReviewContributionRequest(
                    contributionId: contribution, approve: reject == nil, rejectionReason: reject ?? ""))
            let advocate = reply.advocate?.customer?.value ?? ""
            print(
                "\(contribution) \(reply.contribution!.state.displayName)\(reply.duplicate ? " already" : ""); "
                    + "\(advocate) has \(reply.advocate?.pointsLast12Months ?? 0) points over 12 months, level "
                    + (reply.advocate?.level.isEmpty ?? true ? "none" : reply.advocate!.level))
        }
    }
}

struct ReferralsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referrals", abstract: "List referrals; approve or reject held ones.",
        subcommands: [List.self, Review.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List referrals, newest first.")
        @Option(help: "Only this advocate's.") var advocate: String?
        @Option(help: "Only this state: converted, held, refused.") var state: String?
        @Flag(help: "Print JSON (field names as in advocacy.proto).") var json = false

        func run() async throws {
            var request = ListReferralsRequest()
            if let advocate { request.advocate = CustomerId(value: advocate) }
            if let state { request.state = try Names.referralState(state) }
            let reply: ListReferralsResponse = try await Remote.call("advocacy", "ListReferrals", request)
            if json { return Output.json(reply) }
            var rows = [["REFERRED", "ADVOCATE", "CODE", "STATE", "RECEIVED", "REASON"]]
            for referral in reply.referrals {
                rows.append([
                    referral.referred?.value ?? "", referral.advocate?.value ?? "", referral.referralCode,
                    referral.state.displayName, Names.time(referral.receivedAtMs), referral.reason,
                ])
            }
            print(Output.table(rows))
        }
    }

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve (or, with --reject, refuse) a held referral.")
        @Argument(help: "The referred customer id.") var referred: String
        @Option(help: "The referral code it signed up with.") var code: String
        @Flag(help: "Refuse it instead of approving.") var reject = false
        @Option(help: "Why.") var reason = ""

        func run() async throws {
            let reply: ReferralResponse = try await Remote.call(
                "advocacy",
                "ReviewReferral",
                ReviewReferralRequest(
                    referred: CustomerId(value: referred), referralCode: code, approve: !reject, reason: reason))
            print("\(referred): \(reply.referral!.state.displayName)\(reply.changed ? "" : " already")")
        }
    }
}

struct SpotlightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spotlight", abstract: "Show (or, with --pick, pick) a month's customer spotlight.")
    @Argument(help: "The month, YYYY-MM.") var month: String
    @Flag(help: "Pick the spotlight if it was not picked yet (the month must have ended).") var pick = false
    @Flag(help: "Print JSON (field names as in advocacy.proto).") var json = false

    func run() async throws {
        let spotlight: Spotlight =
            pick
            ? try await Remote.call("advocacy", "PickSpotlight", PickSpotlightRequest(month: month))
            : try await Remote.call("advocacy", "GetSpotlight", GetSpotlightRequest(month: month))
        if json {
            return Output.json(spotlight)
        }
        guard spotlight.pickedAtMs > 0 else { return print("no spotlight for \(month) yet (pick it with --pick)") }
        var rows = [["#", "ADVOCATE", "POINTS", "WHY"]]
        for (index, pick) in spotlight.picks.enumerated() {
            rows.append(["\(index + 1)", pick.advocate?.value ?? "", "\(pick.points)", pick.reason])
        }
        print(spotlight.picks.isEmpty ? "nobody qualified for \(month)" : Output.table(rows))
    }
}

extension Names {
    static func advocateStatus(_ text: String) throws -> AdvocateStatus {
        try parse(text, AdvocateStatus.allCases.filter { $0 != .unspecified }, \.displayName)
    }

    static func contributionState(_ text: String) throws -> ContributionState {
        try parse(text, ContributionState.allCases.filter { $0 != .unspecified }, \.displayName)
    }

    static func referralState(_ text: String) throws -> ReferralState {
        try parse(text, ReferralState.allCases.filter { $0 != .unspecified }, \.displayName)
    }

    private static func parse<Value>(_ text: String, _ values: [Value], _ name: (Value) -> String) throws -> Value {
        guard let match = values.first(where: { name($0) == text.lowercased() }) else {
            throw ValidationError("\"\(text)\" is not one of: \(values.map(name).joined(separator: ", "))")
        }
        return match
    }

    static func describe(_ advocate: Advocate) -> String {
        let incentives = advocate.incentives ?? AdvocacyIncentives()
        var given: [String] = []
        if incentives.freeSupport { given.append("free support") }
        if incentives.prioritySupport { given.append("priority support") }
        if incentives.freeHostingMonths > 0 { given.append("\(incentives.freeHostingMonths) free hosting months") }
        if incentives.managedServices { given.append("managed services") }
        if incentives.earlyPromotionNotice { given.append("early notice of promotions") }
        return Output.table([
            ["customer", advocate.customer?.value ?? ""], ["status", advocate.status.displayName],
            ["origin", "\(advocate.origin): \(advocate.reason)"],
            ["level", advocate.level.isEmpty ? "none" : "\(advocate.level) (rank \(advocate.levelRank))"],
            ["incentives", given.isEmpty ? "none" : given.joined(separator: ", ")],
            ["points, 12 months", "\(advocate.pointsLast12Months)"],
            ["points, current", "\(advocate.currentPoints)"], ["points, lifetime", "\(advocate.lifetimePoints)"],
            ["referral code", advocate.referralCode.isEmpty ? "-" : advocate.referralCode],
            ["candidate since", Names.time(advocate.candidateSinceMs)],
            ["enrolled", Names.time(advocate.enrolledAtMs)],
            ["last contribution", Names.time(advocate.lastContributionMs)],
            ["lapsed", advocate.lapsedAtMs == 0 ? "-" : Names.time(advocate.lapsedAtMs)],
            ["anniversary gifts", "\(advocate.anniversaryGifts)"],
        ])
    }

}
