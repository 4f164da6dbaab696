/// How factors combine into a health score: their weights, the band thresholds and the cap option, under a version
/// that every score records.
///
/// In configuration it reads (band settings may be left out for their defaults):
///
///     { "version": "2026.1",
///       "weights": { "usage_recency": 20, "usage_trend": 15, "feature_breadth": 15, "nps": 15,
///                    "support_burden": 15, "loyalty_engagement": 5, "advocacy": 5, "onboarding": 10 },
///       "good_above": 75, "poor_at_or_below": 50, "poor_factor_caps_band": false }
public struct HealthModel: Sendable, Hashable, Codable {
    /// Recorded with every score, so that a stored score can be traced to the model that produced it.
    public var version: String
    /// Each factor's weight, 0–100; ``validate()`` requires every factor and a sum of exactly 100.
    public var weights: [HealthFactor: Int]
    /// A score above this is good.
    public var goodAbove: Int
    /// A score at or below this is poor; between the two thresholds it is average.
    public var poorAtOrBelow: Int
    /// When true, any weighted, known factor whose value is in the poor range makes the account poor whatever its
    /// score; see ``score(_:)``.
    public var poorFactorCapsBand: Bool

    public init(
        version: String, weights: [HealthFactor: Int], goodAbove: Int = 75, poorAtOrBelow: Int = 50,
        poorFactorCapsBand: Bool = false
    ) {
        self.version = version
        self.weights = weights
        self.goodAbove = goodAbove
        self.poorAtOrBelow = poorAtOrBelow
        self.poorFactorCapsBand = poorFactorCapsBand
    }

    /// The suite's default model. Usage carries half the weight (recency, trend, breadth) because what customers
    /// do predicts churn better than what they say; NPS and support burden carry the voice of the customer; loyalty,
    /// advocacy and onboarding are supporting signals.
    public static let standard = HealthModel(
        version: "2026.1",
        weights: [
            .usageRecency: 20, .usageTrend: 15, .featureBreadth: 15, .nps: 15,
            .supportBurden: 15, .loyaltyEngagement: 5, .advocacy: 5, .onboarding: 10,
        ])

    /// Contributions are whole multiples of this many points (2⁻¹⁶). Such numbers below 100 add up without
    /// rounding in a `Double`, which is what lets a score be exactly the sum of its contributions and stay within
    /// 0…100; the resolution is far finer than any threshold or display needs.
    public static let contributionResolution: Double = 0x1p-16

    /// The score of an account about which no weighted factor is known: the middle of the average band (62.5 with
    /// the default thresholds), since knowing nothing is no reason to call an account good or poor.
    public var neutralScore: Double {
        Double(poorAtOrBelow + goodAbove) / 2
    }

    /// Checks that the model can be used.
    ///
    /// - Throws: ``HealthModelError`` naming the first problem found: a factor without a weight, a weight outside
    ///   0…100, weights that do not sum to 100, or thresholds that do not satisfy
    ///   `0 ≤ poorAtOrBelow < goodAbove < 100`.
    public func validate() throws(HealthModelError) {
        let missing = HealthFactor.allCases.filter { weights[$0] == nil }
        guard missing.isEmpty else {
            throw error(.missingWeight, "no weight for \(missing.map(\.rawValue).joined(separator: ", "))")
        }
        for factor in HealthFactor.allCases {
            let weight = weights[factor, default: 0]
            guard (0...100).contains(weight) else {
                throw error(.weightOutOfRange, "weight for \(factor.rawValue) is \(weight), must be 0…100")
            }
        }
        let sum = weights.values.reduce(0, +)
        guard sum == 100 else {
            throw error(.weightsDoNotSumTo100, "weights sum to \(sum), must be 100")
        }
        guard 0 <= poorAtOrBelow, poorAtOrBelow < goodAbove, goodAbove < 100 else {
            throw error(
                .inconsistentBands,
                "poor_at_or_below \(poorAtOrBelow) and good_above \(goodAbove) must satisfy "
                    + "0 ≤ poor_at_or_below < good_above < 100")
        }
    }

    /// The band a score or factor value falls in: good above ``goodAbove``, poor at or below ``poorAtOrBelow``,
    /// average in between (with the defaults: 76 is good, 75 and 51 average, 50 poor).
    public func band(for value: Double) -> HealthBand {
        if value > Double(goodAbove) {
            .good
        } else if value > Double(poorAtOrBelow) {
            .average
        } else {
            .poor
        }
    }

    /// Scores one account.
    ///
    /// The score is the weighted mean of the known factors' values. A factor the inputs say nothing about (no NPS
    /// answer, no loyalty membership, onboarding not tracked…) is left out and the known factors share its weight
    /// in proportion to their own. This is chosen over counting unknowns at a neutral 50 because a neutral value
    /// is not neutral: it drags a healthy account down and props a failing one up, so the band would depend on
    /// which services happen to know the account. With redistribution, an account whose known factors are all 100
    /// scores 100, and one whose known factors are all 0 scores 0. If no weighted factor is known at all the score
    /// is ``neutralScore``, spread over the weighted factors by weight.
    ///
    /// With ``poorFactorCapsBand`` on, any factor that has a weight, is known and has a value in the poor range
    /// makes the band poor, and is listed in ``HealthScore/cappedBy``. Only poor factors cap — the option is a red
    /// flag for "something is badly wrong", not a rule that good needs every factor good — and an unknown or
    /// unweighted factor never caps, since it does not count in the score either.
    ///
    /// The model is not validated here; scoring stays well defined for any weights (they are clamped to 0…100 and
    /// divided by their sum), but call ``validate()`` when the model is loaded.
    ///
    /// - Parameter inputs: The account's facts at ``HealthInputs/nowMs``.
    /// - Returns: The score with one contribution per factor, adding up to it exactly.
    public func score(_ inputs: HealthInputs) -> HealthScore {
        let factors = HealthFactor.allCases
        let values = factors.map { $0.value(for: inputs) }
        let configured = factors.map { min(max(weights[$0] ?? 0, 0), 100) }

        var counted = zip(values, configured).map { value, weight in value == nil ? 0 : weight }
        var points = values.map { $0 ?? 0 }
        if counted.reduce(0, +) == 0 {
            // Nothing weighted is known: every factor counts at the neutral score. (Only an invalid model has no
            // weight at all; its factors then weigh equally rather than divide by zero.)
            counted = configured.reduce(0, +) > 0 ? configured : configured.map { _ in 1 }
            points = points.map { _ in neutralScore }
        }
        let totalWeight = Double(counted.reduce(0, +))
        let contributions = Self.apportion(zip(points, counted).map { $0 * Double($1) / totalWeight })
        let score = contributions.reduce(0, +)

        let entries = factors.indices.map { index in
            FactorContribution(
                factor: factors[index], value: values[index], weight: configured[index],
                effectiveWeight: 100 * Double(counted[index]) / totalWeight, contribution: contributions[index])
        }
        let scoreBand = band(for: score)
        let cappedBy =
            poorFactorCapsBand && scoreBand > .poor
            ? entries.filter { entry in
                entry.weight > 0 && entry.value.map { band(for: $0) == .poor } == true
            }.map(\.factor)
            : []
        return HealthScore(
            score: score, band: cappedBy.isEmpty ? scoreBand : .poor, cappedBy: cappedBy, factors: entries,
            modelVersion: version, scoredAtMs: inputs.nowMs)
    }

    /// Rounds `ideals` (each ≥ 0, together at most 100 up to rounding) to multiples of ``contributionResolution``
    /// whose sum is their total rounded to that resolution and capped at 100. Largest remainder first, ties to the
    /// earlier factor, so the result is deterministic and each share is off by less than one unit.
    private static func apportion(_ ideals: [Double]) -> [Double] {
        // Dividing by a power of two is exact, so `units` are the ideals themselves, counted in resolution units.
        let units = ideals.map { $0 / contributionResolution }
        let total = min(100 / contributionResolution, units.reduce(0, +).rounded())
        var whole = units.map { $0.rounded(.down) }
        var unitsLeft = total - whole.reduce(0, +)
        let byRemainder = units.indices.sorted { a, b in
            let (remainderA, remainderB) = (units[a] - whole[a], units[b] - whole[b])
            return remainderA != remainderB ? remainderA > remainderB : a < b
        }
        for index in byRemainder where unitsLeft > 0 {
            whole[index] += 1
            unitsLeft -= 1
        }
        return whole.map { $0 * contributionResolution }
    }

    private func error(_ code: HealthModelError.Code, _ reason: String) -> HealthModelError {
        HealthModelError(code, modelVersion: version, reason: reason)
    }

    private enum CodingKeys: String, CodingKey {
        case version, weights
        case goodAbove = "good_above"
        case poorAtOrBelow = "poor_at_or_below"
        case poorFactorCapsBand = "poor_factor_caps_band"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = HealthModel(version: "", weights: [:])
        self.init(
            version: try container.decode(String.self, forKey: .version),
            weights: try container.decode([HealthFactor: Int].self, forKey: .weights),
            goodAbove: try container.decodeIfPresent(Int.self, forKey: .goodAbove) ?? defaults.goodAbove,
            poorAtOrBelow: try container.decodeIfPresent(Int.self, forKey: .poorAtOrBelow) ?? defaults.poorAtOrBelow,
            poorFactorCapsBand: try container.decodeIfPresent(Bool.self, forKey: .poorFactorCapsBand)
                ?? defaults.poorFactorCapsBand)
    }
}
