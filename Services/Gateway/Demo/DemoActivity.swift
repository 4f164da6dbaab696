import Models

/// What one demo account does over its life: product usage, survey answers, purchases and support
/// cases. Each account draws from its own generator (seed and account number), so its history does
/// not depend on how many accounts there are.
struct DemoActivity {
    static let features = ["login", "dns.edit", "backups.restore", "mail.send", "reports.export", "api.call"]
    static let detractorComments = [
        "the control panel is slow and support takes days to answer",
        "too many outages this quarter, billing errors again",
        "slow restores, outages, and the invoice was wrong",
        "support takes days; the dashboard is slow",
        "too expensive for what it does, billing errors",
    ]
    static let promoterComments = [
        "reliable service and a great support team",
        "easy setup, fast and reliable",
        "great support team, they answer within minutes",
        "fast backups, easy to use dashboard",
        "",
    ]
    static let passiveComments = ["fine overall", "does the job", "", "ok, a bit pricey"]

    let account: DemoAccount
    let anchorMs: Int64
    private var random: DemoRandom

    init(_ account: DemoAccount, seed: UInt64, anchorMs: Int64, number: Int) {
        self.account = account
        self.anchorMs = anchorMs
        random = DemoRandom(seed: seed &* 1_000_003 &+ UInt64(number))
    }

    private var dayMs: Int64 { DemoCompany.dayMs }

    /// The account's usage, a few active days a week from signup to its last active day; the more
    /// vital, the more days and features. Usage thins out in the weeks before an account goes quiet.
    mutating func usage() -> [UsageEvent] {
        let id = account.id
        // The billing system's provisioning counts as the first use (it completes that onboarding step).
        var events = [
            UsageEvent(
                usageId: "\(id)-provisioned", customer: account.customer, feature: "account.provisioned", count: 1,
                occurredAtMs: account.signupMs)
        ]
        var day = account.signupMs / dayMs
        let lastDay = account.lastActiveMs / dayMs
        let fading = account.fate != .stays
        let featureCount = 2 + Int(account.vitality * Double(Self.features.count - 2))
        while day <= lastDay {
            let daysLeft = lastDay - day
            var activeShare = 0.15 + 0.6 * account.vitality
            if fading && daysLeft < 42 { activeShare *= Double(daysLeft) / 42 }
            if random.chance(activeShare) || day == lastDay {
                for feature in Self.features.prefix(featureCount) where random.chance(0.6) || feature == "login" {
                    events.append(
                        UsageEvent(
                            usageId: "\(id)-\(day)-\(feature)", customer: account.customer, feature: feature,
                            count: Int64(random.int(1...20)), occurredAtMs: min(day * dayMs + 36_000_000, anchorMs)))
                }
            }
            day += 1
        }
        return events
    }

    /// Relationship NPS every quarter or so (most accounts answer some of them); answers follow
    /// vitality and sink before an account leaves. Newer accounts also rate onboarding effort (CES).
    mutating func answers() -> [RecordResponseRequest] {
        var answers: [RecordResponseRequest] = []
        var at = account.signupMs + Int64(random.int(20...40)) * dayMs
        if at < account.lastActiveMs {
            let effort = min(7, max(1, Int32(2 + account.vitality * 5) + Int32(random.int(-1...1))))
            answers.append(
                RecordResponseRequest(
                    responseId: "\(account.id)-ces", surveyId: DemoSurveys.onboardingEffort.surveyId,
                    customer: account.customer, score: effort, channel: "in-app", answeredAtMs: at))
        }
        at = account.signupMs + Int64(random.int(60...100)) * dayMs
        var round = 1
        while at < min(anchorMs, account.lastActiveMs + 14 * dayMs) {
            if random.chance(0.7) {
                var mood = 4.2 + account.vitality * 7 + Double(random.int(-2...2))
                if account.fate != .stays && account.lastActiveMs - at < 60 * dayMs { mood -= 4 }
                let score = Int32(min(10, max(0, mood.rounded())))
                let comments =
                    score >= 9 ? Self.promoterComments : score >= 7 ? Self.passiveComments : Self.detractorComments
                answers.append(
                    RecordResponseRequest(
                        responseId: "\(account.id)-nps-\(round)", surveyId: DemoSurveys.relationship.surveyId,
                        customer: account.customer, score: score, comment: random.pick(comments), channel: "email",
                        answeredAtMs: at))
            }
            round += 1
            at += Int64(random.int(80...110)) * dayMs
        }
        return answers
    }

    /// The onboarding steps done by hand (the others complete themselves with usage): the welcome
    /// call and the training, which the more vital accounts take, and take sooner.
    mutating func onboardingSteps() -> [CompleteOnboardingStepRequest] {
        var steps: [CompleteOnboardingStepRequest] = []
        for (step, days) in [("welcome_call", 1...6), ("training_completed", 10...45)]
        where random.chance(0.3 + 0.65 * account.vitality) {
            let at = account.signupMs + Int64(random.int(days)) * dayMs
            guard at < min(anchorMs, account.lastActiveMs) else { continue }
            steps.append(CompleteOnboardingStepRequest(customer: account.customer, step: step, completedAtMs: at))
        }
        return steps
    }

    /// An add-on or renewal purchase about every two months while the account is active.
    mutating func purchases() -> [RecordPurchaseRequest] {
        var purchases: [RecordPurchaseRequest] = []
        var at = account.signupMs + Int64(random.int(1...30)) * dayMs
        var number = 1
        while at < account.lastActiveMs {
            let amount = account.mrrMinorUnits / 4 + Int64(random.int(0...4)) * account.mrrMinorUnits / 8
            purchases.append(
                RecordPurchaseRequest(
                    purchaseId: "\(account.id)-p\(number)", customer: account.customer,
                    amount: Money(minorUnits: max(amount, 100), currency: "EUR"), purchasedAtMs: at))
            number += 1
            at += Int64(random.int(45...75)) * dayMs
        }
        return purchases
    }

    /// Support cases open now (the escalation service stamps them with its own clock); accounts with
    /// little vitality open more. Roughly two in three are resolved straight away.
    mutating func cases() -> [(request: OpenCaseRequest, resolve: Bool)] {
        guard case .cancelled = account.fate else {
            let count = random.chance(0.25 + 0.6 * (1 - account.vitality)) ? random.int(1...3) : 0
            return (0..<count).map { number in
                let severity: Severity = random.chance(0.08) ? .s1 : random.chance(0.3) ? .s2 : random.pick([.s3, .s4])
                let title = random.pick([
                    "Restore failed", "Invoice shows the wrong amount", "Cannot add a DNS record", "Slow control panel",
                    "Mail bounces", "API returns 500",
                ])
                return (
                    OpenCaseRequest(
                        externalId: "\(account.id)-case-\(number + 1)", customer: account.customer, severity: severity,
                        title: title, assignee: random.pick(["support-1", "support-2", "support-3"]),
                        details: "Reported by the customer by email."),
                    resolve: random.chance(0.65)
                )
            }
        }
        return []
    }
}

/// The survey definitions of the demo.
enum DemoSurveys {
    static let relationship = Survey(
        surveyId: "relationship-nps", kind: .nps, touchpoint: .relationship,
        question: "How likely are you to recommend us to a friend or colleague?")
    static let supportSatisfaction = Survey(
        surveyId: "support-csat", kind: .csat, touchpoint: .supportCaseResolved,
        question: "How satisfied were you with the help you got?")
    static let onboardingEffort = Survey(
        surveyId: "onboarding-ces", kind: .ces, touchpoint: .onboarding,
        question: "The setup was easy for me.")
    static let exit = Survey(
        surveyId: "exit", kind: .csat, touchpoint: .offboarding, question: "How was your time with us?")
    static let all = [relationship, supportSatisfaction, onboardingEffort, exit]
}
