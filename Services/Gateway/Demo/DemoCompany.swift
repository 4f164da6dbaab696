import Models

/// A made-up company's history, generated from a seed and an anchor (the day of the first
/// seeding): the same seed gives the same accounts, usage, answers, purchases and cases, with the
/// same ids, relative to the anchor, so seeding again finds everything there already.
///
/// Every account has a hidden vitality (0–1). It sets how often the account uses the product, how
/// it answers surveys and how many support cases it opens, and low vitality makes cancelling
/// likely: churn follows what the health score sees, as in a real business. Accounts that cancel
/// go quiet three to eight weeks before.
struct DemoCompany {
    static let dayMs: Int64 = 86_400_000
    /// How far back the history goes: the first account signs up exactly this long before the
    /// anchor, which is how a later run finds the anchor again.
    static let historyDays: Int64 = 540
    static let firstAccountID = "demo-0001"

    let anchorMs: Int64
    let accounts: [DemoAccount]

    init(accounts count: Int, seed: UInt64, anchorMs: Int64) {
        self.anchorMs = anchorMs
        var random = DemoRandom(seed: seed)
        accounts = (1...max(count, 1)).map { number in
            DemoAccount(number: number, anchorMs: anchorMs, random: &random)
        }
    }

    /// The anchor of a history whose first account signed up at `firstSignupMs`.
    static func anchor(firstSignupMs: Int64) -> Int64 { firstSignupMs + historyDays * dayMs }
}

/// What becomes of an account.
enum DemoFate: Equatable {
    /// Still a customer.
    case stays
    /// Cancelled in the past, at this time.
    case cancelled(atMs: Int64)
    /// Quiet now; cancels when the seeding ends, after the health service scored it (so that the
    /// backtest has cancellations that come after a score).
    case leaving
}

/// One account of the demo company with everything that happens to it.
struct DemoAccount {
    let id: String
    let name: String
    let segment: Segment
    let plan: String
    let mrrMinorUnits: Int64
    let signupMs: Int64
    let manager: String
    let vitality: Double
    let fate: DemoFate
    let cancellationReason: String
    /// Its last use of the product (usage stops here for accounts that cancel or leave).
    let lastActiveMs: Int64

    static let names = [
        "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Cyberdyne",
        "Soylent", "Wonka", "Gringotts", "Monarch", "Oscorp", "Aperture", "Nakatomi", "Pied Piper", "Massive Dynamic",
        "Dunder Mifflin",
    ]
    static let suffixes = ["Labs", "Group", "Systems", "Logistics", "Foods", "Media", "Health", "Energy", "Retail"]
    static let managers = ["ana@example.com", "ben@example.com", "chen@example.com", "dara@example.com"]
    static let reasons = ["price", "moved to a competitor", "missing features", "too many outages", "company closed"]

    init(number: Int, anchorMs: Int64, random: inout DemoRandom) {
        let dayMs = DemoCompany.dayMs
        id = String(format: "demo-%04d", number)
        name = "\(random.pick(Self.names)) \(random.pick(Self.suffixes)) \(number)"
        let draw = random.unit()
        segment = draw < 0.55 ? .small : draw < 0.83 ? .midMarket : draw < 0.96 ? .enterprise : .key
        let (plan, baseMRR): (String, Int64) =
            switch segment {
            case .small: ("starter-monthly", 4_900)
            case .midMarket: ("pro-annual", 49_000)
            case .enterprise: ("enterprise-annual", 390_000)
            default: ("key-account", 1_200_000)
            }
        self.plan = plan
        mrrMinorUnits = baseMRR + Int64(random.int(0...10)) * baseMRR / 10
        let ageDays =
            number == 1 ? DemoCompany.historyDays : Int64(random.int(10...Int(DemoCompany.historyDays) - 1))
        signupMs = anchorMs - ageDays * dayMs - (number == 1 ? 0 : Int64(random.int(0...86_399)) * 1000)
        manager = random.pick(Self.managers)
        vitality = random.unit()
        cancellationReason = random.pick(Self.reasons)

        // Low vitality makes cancelling likely; most churn comes in the first year of an account.
        let churnProbability = 0.04 + 0.6 * (1 - vitality) * (1 - vitality)
        let quietDays = Int64(random.int(21...56))
        if ageDays > 120 && random.chance(churnProbability) {
            // A third of those leave now, the others left at some time since their fourth month.
            if random.chance(0.35) {
                fate = .leaving
                // One in four leaves without warning (a takeover, a closure): active to the end.
                lastActiveMs = anchorMs - (random.chance(0.25) ? Int64(random.int(0...3)) : quietDays) * dayMs
            } else {
                let cancelledAgo = Int64(random.int(1...Int(ageDays - 100)))
                let cancelledAt = anchorMs - cancelledAgo * dayMs - Int64(random.int(0...86_399)) * 1000
                fate = .cancelled(atMs: cancelledAt)
                lastActiveMs = cancelledAt - quietDays * dayMs
            }
        } else {
            fate = .stays
            // The least vital still use it, now and then; some stayers are away for weeks (holidays,
            // a project paused) and come back, which the score cannot tell from leaving.
            let away = random.chance(0.12) ? random.int(14...40) : random.int(0...Int(2 + (1 - vitality) * 10))
            lastActiveMs = anchorMs - Int64(away) * dayMs
        }
    }

    var customer: CustomerId { CustomerId(value: id) }

    /// The account as health.UpsertAccount takes it; the stage follows its age at the anchor.
    func account(anchorMs: Int64) -> Account {
        let ageDays = (anchorMs - signupMs) / DemoCompany.dayMs
        return Account(
            customer: customer, name: name, segment: segment, plan: plan,
            mrr: Money(minorUnits: mrrMinorUnits, currency: "EUR"), signupMs: signupMs, accountManager: manager,
            stage: ageDays < 60 ? .onboarding : ageDays < 180 ? .adopting : .mature)
    }
}
