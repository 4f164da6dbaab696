import Client
import Foundation
import Models

/// Loads a ``DemoCompany`` into the suite through the services' public methods, as any other
/// system would: every record has a stable id, so a second run finds everything and applies nothing.
struct DemoSeeder {
    let clients: [String: ServiceClient]
    let seed: UInt64
    let accountCount: Int
    private(set) var tally = DemoTally()
    /// When the health service scored the seeded accounts before the leavers cancelled: the start of
    /// the backtest window over the seeded history.
    private(set) var scoredAtMs: Int64 = 0
    /// An account worth a look: the most vital advocate.
    private(set) var showcase = ""

    init(clients: [String: ServiceClient], seed: UInt64, accounts: Int) {
        self.clients = clients
        self.seed = seed
        accountCount = accounts
    }

    private func call<Request: ProtoMessage, Reply: ProtoMessage>(
        _ service: String, _ method: String, _ request: Request
    ) async throws -> Reply {
        try await clients[service]!.call(method, request, timeout: .seconds(60))
    }

    /// Progress, written at once (print buffers when the output is not a terminal).
    private func step(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    mutating func run() async throws {
        let anchorMs = try await anchor()
        let company = DemoCompany(accounts: accountCount, seed: seed, anchorMs: anchorMs)
        var activities = company.accounts.enumerated().map { index, account in
            DemoActivity(account, seed: seed, anchorMs: anchorMs, number: index + 1)
        }
        step("demo history of \(company.accounts.count) accounts, anchored at \(Names.time(anchorMs))")
        try await defineSurveys()
        step("accounts, usage and onboarding …")
        let stored = try await seedAccounts(company, &activities)
        step("survey answers, purchases and cases …")
        try await seedCustomerActivity(&activities)
        try await seedRedemptions(company)
        step("advocates and referrals …")
        try await seedAdvocates(company)
        step("cancellations …")
        try await seedCancellations(company, stored: stored)
    }

    /// The accounts, their usage and onboarding; returns the accounts as stored before this run's
    /// cancellations (a second run finds the leavers cancelled already).
    private mutating func seedAccounts(_ company: DemoCompany, _ activities: inout [DemoActivity]) async throws
        -> [String: Account]
    {
        var stored: [String: Account] = [:]
        for account in company.accounts {
            let reply: UpsertAccountResponse = try await call(
                "health", "UpsertAccount", UpsertAccountRequest(account: account.account(anchorMs: company.anchorMs)))
            tally.count("accounts", applied: reply.changed)
            stored[account.id] = reply.account
        }
        var usage: [UsageEvent] = []
        for index in activities.indices { usage += activities[index].usage() }
        try await recordUsage(usage)
        for index in activities.indices {
            try await completeOnboarding(activities[index].onboardingSteps(), of: activities[index].account.customer)
        }
        try await waitForFollowers(of: "health", ["feedback", "loyalty", "escalation", "advocacy"])
        return stored
    }

    private mutating func seedCustomerActivity(_ activities: inout [DemoActivity]) async throws {
        for index in activities.indices {
            let customer = activities[index].account.customer
            for answer in activities[index].answers() { try await recordAnswer(answer) }
            try await recordPurchases(activities[index].purchases(), of: customer)
            if (index + 1) % 100 == 0 { step("  \(index + 1) of \(activities.count) accounts") }
            let cases = activities[index].cases()
            guard !cases.isEmpty else { continue }
            let existing: ListCasesResponse = try await call(
                "escalation", "ListCases", ListCasesRequest(customer: customer, page: PageRequest(pageSize: 1000)))
            for supportCase in cases {
                try await openCase(
                    supportCase.request, resolve: supportCase.resolve,
                    existing: existing.cases.first { $0.externalId == supportCase.request.externalId })
            }
        }
    }

    /// Past cancellations at their time; then, once health has heard everything and scored every
    /// account, the leavers cancel — a score that comes before churn, for the backtest.
    private mutating func seedCancellations(_ company: DemoCompany, stored: [String: Account]) async throws {
        for account in company.accounts {
            guard case .cancelled(let atMs) = account.fate else { continue }
            try await cancel(account, atMs: atMs)
        }
        let leavers = company.accounts.filter { $0.fate == .leaving }
        if leavers.contains(where: { stored[$0.id]?.stage != .cancelled }) {
            for source in ["feedback", "loyalty", "escalation", "advocacy"] {
                try await waitForFollowers(of: source, ["health"])
            }
            let rescored: RescoreAccountsResponse = try await call(
                "health", "RescoreAccounts", RescoreAccountsRequest())
            tally.count("health scores", applied: true, Int(rescored.scored))
            // A second's gap, so that a window starting at the score's second still holds the cancellations.
            try await Task.sleep(for: .milliseconds(1_100))
        }
        for account in leavers { try await cancel(account, atMs: 0) }
        // Done when the others have heard everything: the referrals converted, the exits known.
        try await waitForFollowers(of: "health", ["feedback", "loyalty", "escalation", "advocacy"])
        if let leaver = leavers.first {
            let score: GetHealthScoreResponse = try await call(
                "health", "GetHealthScore", GetHealthScoreRequest(customer: leaver.customer))
            scoredAtMs = score.current?.computedAtMs ?? 0
        }
    }

    /// The first run's day (UTC midnight, so that the same seed gives the same days on any day),
    /// found again from the first account's signup; today on a fresh suite.
    private func anchor() async throws -> Int64 {
        do {
            let reply: GetAccountResponse = try await call(
                "health", "GetAccount", GetAccountRequest(customer: CustomerId(value: DemoCompany.firstAccountID)))
            return DemoCompany.anchor(firstSignupMs: reply.account?.signupMs ?? 0)
        } catch let error as ClientError where error.code == .notFound {
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            return nowMs - nowMs % DemoCompany.dayMs
        }
    }

    private mutating func defineSurveys() async throws {
        let existing: ListSurveysResponse = try await call("feedback", "ListSurveys", ListSurveysRequest())
        let defined = Set(existing.surveys.compactMap { $0.survey?.surveyId })
        for survey in DemoSurveys.all {
            let missing = !defined.contains(survey.surveyId)
            if missing {
                let _: DefineSurveyResponse = try await call(
                    "feedback", "DefineSurvey", DefineSurveyRequest(survey: survey))
            }
            tally.count("surveys", applied: missing)
        }
    }

    private mutating func recordUsage(_ events: [UsageEvent]) async throws {
        for start in stride(from: 0, to: events.count, by: 5_000) {
            let batch = Array(events[start..<min(start + 5_000, events.count)])
            let reply: RecordUsageResponse = try await call(
                "health", "RecordUsage", RecordUsageRequest(events: batch))
            tally.count("usage events", applied: true, Int(reply.recorded))
            tally.count("usage events", applied: false, Int(reply.duplicates))
        }
    }

    /// Completes the steps not done yet (completing a done step would change nothing, but only
    /// GetOnboarding tells which are done).
    private mutating func completeOnboarding(_ steps: [CompleteOnboardingStepRequest], of customer: CustomerId)
        async throws
    {
        guard !steps.isEmpty else { return }
        let onboarding: GetOnboardingResponse = try await call(
            "health", "GetOnboarding", GetOnboardingRequest(customer: customer))
        let done = Set(onboarding.steps.filter { $0.completedAtMs > 0 }.compactMap { $0.step?.key })
        for step in steps {
            let missing = !done.contains(step.step)
            if missing {
                let _: GetOnboardingResponse = try await call("health", "CompleteOnboardingStep", step)
            }
            tally.count("onboarding steps", applied: missing)
        }
    }

    private mutating func recordAnswer(_ answer: RecordResponseRequest) async throws {
        let reply: RecordResponseResponse = try await call("feedback", "RecordResponse", answer)
        tally.count("survey answers", applied: reply.recorded)
    }

    /// Records the purchases the member's statement does not list yet. (A repeated RecordPurchase
    /// would change nothing either, but it answers with the first reply, so only the statement tells
    /// what is there already.)
    private mutating func recordPurchases(_ purchases: [RecordPurchaseRequest], of customer: CustomerId) async throws {
        guard !purchases.isEmpty else { return }
        var recorded: Set<String> = []
        do {
            let statement: GetStatementResponse = try await call(
                "loyalty", "GetStatement", GetStatementRequest(customer: customer, page: PageRequest(pageSize: 1000)))
            recorded = Set(statement.entries.map(\.externalId))
        } catch let error as ClientError where error.code == .notFound {}
        for purchase in purchases {
            let missing = !recorded.contains(purchase.purchaseId)
            if missing { let _: RecordPurchaseResponse = try await call("loyalty", "RecordPurchase", purchase) }
            tally.count("purchases", applied: missing)
        }
    }

    /// The more vital customers who stay spend points on an invoice discount, once, now (loyalty
    /// stamps redemptions with its own clock). Redeem answers a repeat with its first reply, so the
    /// statement tells whether the redemption is there already.
    private mutating func seedRedemptions(_ company: DemoCompany) async throws {
        let reward = (id: "discount-10", cost: Int64(1_000))
        for account in company.accounts where account.fate == .stays && account.vitality > 0.6 {
            let statement: GetStatementResponse
            do {
                statement = try await call(
                    "loyalty", "GetStatement",
                    GetStatementRequest(customer: account.customer, page: PageRequest(pageSize: 1000)))
            } catch let error as ClientError where error.code == .notFound { continue }
            let redemptionID = "\(account.id)-r1"
            let missing = !statement.entries.contains { $0.externalId == redemptionID }
            guard !missing || statement.balance >= reward.cost else { continue }
            if missing {
                let _: RedeemResponse = try await call(
                    "loyalty", "Redeem",
                    RedeemRequest(redemptionId: redemptionID, customer: account.customer, rewardId: reward.id))
            }
            tally.count("redemptions", applied: missing)
        }
    }

    /// Opens the case unless `existing` is it (OpenCase would answer a repeat with its first reply,
    /// the case as it was then); a resolved one gets a satisfaction answer at its resolution.
    private mutating func openCase(_ request: OpenCaseRequest, resolve: Bool, existing: SupportCase?) async throws {
        var current = existing
        if current == nil {
            let opened: OpenCaseResponse = try await call("escalation", "OpenCase", request)
            current = opened.supportCase
        }
        tally.count("cases", applied: existing == nil)
        guard resolve, var supportCase = current else { return }
        let active: Set<CaseStatus> = [.open, .pending, .escalated]
        let resolving = active.contains(supportCase.status)
        if resolving {
            let reply: CaseResponse = try await call(
                "escalation", "SetCaseStatus",
                SetCaseStatusRequest(caseId: supportCase.caseId, status: .resolved, reason: "fixed"))
            supportCase = reply.supportCase ?? supportCase
        }
        tally.count("cases resolved", applied: resolving)
        guard supportCase.resolvedAtMs > 0 else { return }
        let satisfied = Int32(request.severity == .s1 ? 2 : request.severity == .s2 ? 3 : 4)
        try await recordAnswer(
            RecordResponseRequest(
                responseId: "\(request.externalId)-csat", surveyId: DemoSurveys.supportSatisfaction.surveyId,
                customer: request.customer, score: satisfied, channel: "email", answeredAtMs: supportCase.resolvedAtMs))
    }

    /// The most vital long-standing customers join the advocacy program, contribute, and each refers
    /// a new account that signs up after its code was issued (as the fraud checks require).
    private mutating func seedAdvocates(_ company: DemoCompany) async throws {
        let stayers = company.accounts.filter {
            $0.fate == .stays && company.anchorMs - $0.signupMs > 120 * DemoCompany.dayMs
        }
        let advocates = stayers.sorted { $0.vitality > $1.vitality }.prefix(max(2, company.accounts.count / 30))
        var random = DemoRandom(seed: seed ^ 0xAD_0CA7E)
        showcase = advocates.first?.id ?? ""
        for (index, account) in advocates.enumerated() {
            let code = String(format: "DEMO-ADV-%03d", index + 1)
            try await enroll(account.customer, code: code)
            for number in 1...random.int(1...4) {
                let channel: ContributionChannel = random.pick([.review, .caseStudy, .socialMention, .communityAnswer])
                let recorded: ContributionResponse = try await call(
                    "advocacy", "RecordContribution",
                    RecordContributionRequest(
                        contribution: Contribution(
                            contributionId: "\(account.id)-c\(number)", advocate: account.customer, channel: channel,
                            description: "\(channel.displayName) for the demo",
                            occurredAtMs: company.anchorMs - Int64(random.int(1...80)) * DemoCompany.dayMs)))
                tally.count("contributions", applied: !recorded.duplicate)
                if recorded.contribution?.state == .pending {
                    let _: ContributionResponse = try await call(
                        "advocacy", "ReviewContribution",
                        ReviewContributionRequest(contributionId: "\(account.id)-c\(number)", approve: true))
                }
            }
            try await referral(from: account, code: code, number: index + 1, anchorMs: company.anchorMs)
        }
    }

    /// Takes the customer as far as an active advocate, one step at a time from where it stands.
    private mutating func enroll(_ customer: CustomerId, code: String) async throws {
        var status: AdvocateStatus
        do {
            let reply: AdvocateResponse = try await call(
                "advocacy", "GetAdvocate", GetAdvocateRequest(customer: customer))
            status = reply.advocate?.status ?? .unspecified
        } catch let error as ClientError where error.code == .notFound {
            status = .unspecified
        }
        tally.count("advocates", applied: status != .active)
        if status == .unspecified {
            let _: AdvocateResponse = try await call(
                "advocacy", "NominateAdvocate",
                NominateAdvocateRequest(customer: customer, reason: "a loyal, enthusiastic customer"))
            status = .candidate
        }
        if status == .candidate {
            let _: AdvocateResponse = try await call(
                "advocacy", "InviteAdvocate", InviteAdvocateRequest(customer: customer))
            status = .invited
        }
        if status != .active {
            let _: AdvocateResponse = try await call(
                "advocacy", "EnrollAdvocate", EnrollAdvocateRequest(customer: customer, referralCode: code))
        }
    }

    /// A new account referred with the advocate's code: it signs up now (a code only counts for
    /// accounts that sign up after it was issued), so it is created once and left alone after.
    private mutating func referral(from advocate: DemoAccount, code: String, number: Int, anchorMs: Int64) async throws
    {
        let customer = CustomerId(value: String(format: "demo-ref-%03d", number))
        var account: Account
        do {
            let reply: GetAccountResponse = try await call(
                "health", "GetAccount", GetAccountRequest(customer: customer))
            account = reply.account ?? Account()
            tally.count("referred accounts", applied: false)
        } catch let error as ClientError where error.code == .notFound {
            let reply: UpsertAccountResponse = try await call(
                "health", "UpsertAccount",
                UpsertAccountRequest(
                    account: Account(
                        customer: customer, name: "Referred by \(advocate.name)", segment: advocate.segment,
                        plan: advocate.plan, mrr: Money(minorUnits: advocate.mrrMinorUnits / 2, currency: "EUR"),
                        signupMs: Int64(Date().timeIntervalSince1970 * 1000), accountManager: advocate.manager,
                        referralCode: code)))
            account = reply.account ?? Account()
            tally.count("referred accounts", applied: true)
        }
        try await recordUsage([
            UsageEvent(
                usageId: "\(customer.value)-first-login", customer: customer, feature: "login", count: 1,
                occurredAtMs: account.signupMs)
        ])
    }

    /// Cancels the account (at `atMs`, 0 meaning now) and records its exit answer at that moment.
    private mutating func cancel(_ account: DemoAccount, atMs: Int64) async throws {
        let reply: AccountLifecycleResponse = try await call(
            "health", "CancelAccount",
            CancelAccountRequest(customer: account.customer, reason: account.cancellationReason, cancelledAtMs: atMs))
        tally.count("cancellations", applied: reply.changed)
        try await recordAnswer(
            RecordResponseRequest(
                responseId: "\(account.id)-exit", surveyId: DemoSurveys.exit.surveyId, customer: account.customer,
                score: account.vitality < 0.3 ? 1 : 2, comment: "leaving: \(account.cancellationReason)",
                channel: "email", answeredAtMs: reply.account?.cancelledAtMs ?? 0,
                cancellationReason: account.cancellationReason))
    }

    /// Waits until every follower has applied what `source` has published so far: the others learn
    /// about accounts (and health about answers and cases) from events, not from this command.
    private func waitForFollowers(of source: String, _ followers: [String]) async throws {
        let latest = try await clients[source]!.status().latestSeq
        for follower in followers {
            let deadline = ContinuousClock.now + .seconds(60)
            while true {
                let status = try await clients[follower]!.status()
                let applied = status.subscriptions.first { $0.source == source }?.appliedSeq ?? 0
                if applied >= latest { break }
                guard ContinuousClock.now < deadline else {
                    throw CommandError("\(follower) did not catch up with \(source)'s events within 60 s")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
