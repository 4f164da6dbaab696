import Foundation
public import Models

/// The rules of the loyalty program: how purchases earn points, the tiers, the returns window, expiry,
/// the anniversary gift and the catalog a new database starts with.
///
/// The rules are a Swift value (like health's `OnboardingProgram`), so a change of rules is a reviewed
/// code change and every replica applies the same ones; only the catalog (items and stock) and tier
/// floors live in the database, changed by admins through the service's methods.
public struct LoyaltyProgram: Sendable {
    /// Minor units of each accepted currency that earn one base point; other currencies are refused.
    public var minorUnitsPerPoint: [String: Int64]
    /// The tiers, lowest first; the first needs 0 qualifying points.
    public var tiers: [Tier]
    /// Extra points during a date range.
    public var promotions: [Promotion]
    /// Days earned points stay pending (the returns window) before they count.
    public var pendingDays: Int64
    /// Calendar months without a purchase or redemption after which the balance lapses.
    public var expiryInactivityMonths: Int
    /// Days ahead of expiry that "points.expiring" is sent.
    public var expiryWarningDays: Int64
    /// Days a member may stay below its tier's qualifying points before re-evaluation lowers the tier.
    public var downgradeGraceDays: Int64
    /// Bonus points on each anniversary of the subscription.
    public var anniversaryGiftPoints: Int64
    /// The catalog a new database starts with.
    public var initialCatalog: [Reward]

    /// One point per euro, dollar, pound or franc (per 100 yen); member, silver, gold, platinum; a 30-day
    /// returns window; expiry after 12 months without activity, warned 30 days ahead; 30 days' grace
    /// before a downgrade; 500 points on each anniversary.
    public static let standard = LoyaltyProgram(
        minorUnitsPerPoint: ["EUR": 100, "USD": 100, "GBP": 100, "CHF": 100, "JPY": 100],
        tiers: [
            Tier(name: "member", rank: 0, qualifyingPoints: 0, earnMultiplierPercent: 100, benefits: TierBenefits()),
            Tier(
                name: "silver", rank: 1, qualifyingPoints: 1_000, earnMultiplierPercent: 125,
                benefits: TierBenefits(discountPercent: 5)),
            Tier(
                name: "gold", rank: 2, qualifyingPoints: 5_000, earnMultiplierPercent: 150,
                benefits: TierBenefits(discountPercent: 10, prioritySupport: true)),
            Tier(
                name: "platinum", rank: 3, qualifyingPoints: 20_000, earnMultiplierPercent: 200,
                benefits: TierBenefits(
                    discountPercent: 15, prioritySupport: true, freeProducts: ["ssl-certificate", "daily-backups"])),
        ],
        promotions: [],
        pendingDays: 30, expiryInactivityMonths: 12, expiryWarningDays: 30, downgradeGraceDays: 30,
        anniversaryGiftPoints: 500,
        initialCatalog: [
            Reward(
                rewardId: "discount-10", name: "EUR 10 off your next invoice", kind: .discount, pointCost: 1_000,
                active: true, value: Money(minorUnits: 1_000, currency: "EUR")),
            Reward(
                rewardId: "credit-25", name: "EUR 25 account credit", kind: .accountCredit, pointCost: 2_500,
                active: true, value: Money(minorUnits: 2_500, currency: "EUR")),
            Reward(rewardId: "free-month", name: "A month free", kind: .freeMonth, pointCost: 4_000, active: true),
            Reward(
                rewardId: "ssl-certificate", name: "A free SSL certificate for a year", kind: .freeProduct,
                pointCost: 1_500, stock: OptionalInt64(value: 500), active: true, product: "ssl-certificate"),
        ])

    public init(
        minorUnitsPerPoint: [String: Int64], tiers: [Tier], promotions: [Promotion], pendingDays: Int64,
        expiryInactivityMonths: Int, expiryWarningDays: Int64, downgradeGraceDays: Int64,
        anniversaryGiftPoints: Int64, initialCatalog: [Reward]
    ) {
        precondition(!tiers.isEmpty && tiers[0].qualifyingPoints == 0, "the lowest tier must need 0 points")
        self.minorUnitsPerPoint = minorUnitsPerPoint
        self.tiers = tiers
        self.promotions = promotions
        self.pendingDays = pendingDays
        self.expiryInactivityMonths = expiryInactivityMonths
        self.expiryWarningDays = expiryWarningDays
        self.downgradeGraceDays = downgradeGraceDays
        self.anniversaryGiftPoints = anniversaryGiftPoints
        self.initialCatalog = initialCatalog
    }

    /// The tier called `name`, if the program has one.
    func tier(named name: String) -> Tier? { tiers.first { $0.name == name } }

    /// The highest tier `qualifyingPoints` reaches.
    func tier(qualifying qualifyingPoints: Int64) -> Tier {
        tiers.last { $0.qualifyingPoints <= qualifyingPoints } ?? tiers[0]
    }

    /// The tier above `tier`, nil at the top.
    func tier(above tier: Tier) -> Tier? {
        tiers.first { $0.rank == tier.rank + 1 }
    }

    /// Base points of a purchase: whole points only, the remainder earns nothing.
    /// - Returns: nil when the currency is not one of the program's.
    func basePoints(for amount: Money) -> Int64? {
        minorUnitsPerPoint[amount.currency].map { amount.minorUnits / $0 }
    }

    /// When a balance lapses whose member was last active at `lastActivityMs` (UTC calendar months).
    func expiry(afterLastActivity lastActivityMs: Int64) -> Int64 {
        let lastActivity = Date(timeIntervalSince1970: Double(lastActivityMs) / 1000)
        let expiry = utcCalendar.date(byAdding: .month, value: expiryInactivityMonths, to: lastActivity)!
        return Int64((expiry.timeIntervalSince1970 * 1000).rounded())
    }

    /// The promotion in force at `ms` with the highest extra, if any.
    func promotion(at ms: Int64) -> Promotion? {
        promotions.filter { $0.fromMs <= ms && ms < $0.untilMs }.max { $0.extraPercent < $1.extraPercent }
    }
}

/// Extra points on purchases made in [fromMs, untilMs): `extraPercent` of their base points.
public struct Promotion: Sendable, Hashable {
    public var name: String
    public var fromMs: Int64
    public var untilMs: Int64
    public var extraPercent: Int64

    public init(name: String, fromMs: Int64, untilMs: Int64, extraPercent: Int64) {
        self.name = name
        self.fromMs = fromMs
        self.untilMs = untilMs
        self.extraPercent = extraPercent
    }
}

/// One day in milliseconds.
let dayMs: Int64 = 86_400_000

/// The calendar of months and anniversaries: Gregorian in UTC, like every time the suite stores.
let utcCalendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
}()
