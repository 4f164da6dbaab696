/// Where a score (or a factor value) falls: `poor < average < good`.
public enum HealthBand: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case poor
    case average
    case good

    public static func < (lhs: HealthBand, rhs: HealthBand) -> Bool {
        lhs.order < rhs.order
    }

    private var order: Int {
        switch self {
        case .poor: 0
        case .average: 1
        case .good: 2
        }
    }
}

/// One factor's part in a ``HealthScore``: what it measured and how much of the score that is.
public struct FactorContribution: Sendable, Hashable, Codable {
    public let factor: HealthFactor
    /// The factor's value, 0–100, or nil when the inputs said nothing about it.
    public let value: Double?
    /// The weight the model configures for the factor, 0–100.
    public let weight: Int
    /// The share of the score this factor carried, in percent: its weight over the known factors' total weight, so
    /// the effective weights of a score always sum to 100, and 0 for an unknown factor (unless no weighted factor
    /// is known at all; see ``HealthModel/score(_:)``).
    public let effectiveWeight: Double
    /// Points this factor adds to the score: `value × effectiveWeight / 100`, held in whole multiples of
    /// ``HealthModel/contributionResolution`` so that the contributions add up to the score exactly.
    public let contribution: Double

    public init(factor: HealthFactor, value: Double?, weight: Int, effectiveWeight: Double, contribution: Double) {
        self.factor = factor
        self.value = value
        self.weight = weight
        self.effectiveWeight = effectiveWeight
        self.contribution = contribution
    }
}

/// An account's health at one moment, with its explanation: stored as it is, it says what every factor measured,
/// what it contributed and which model version produced it.
public struct HealthScore: Sendable, Hashable, Codable {
    /// 0–100, exactly the sum of the ``factors``' contributions.
    public let score: Double
    /// The band of ``score``, lowered to poor when the model's cap option applies (see ``cappedBy``).
    public let band: HealthBand
    /// The weighted factors in their poor range that lowered ``band`` under ``HealthModel/poorFactorCapsBand``;
    /// empty when nothing capped it.
    public let cappedBy: [HealthFactor]
    /// One entry per ``HealthFactor``, in declaration order.
    public let factors: [FactorContribution]
    /// ``HealthModel/version`` of the model that produced the score.
    public let modelVersion: String
    /// The moment scored (``HealthInputs/nowMs``).
    public let scoredAtMs: Int64

    public init(
        score: Double, band: HealthBand, cappedBy: [HealthFactor], factors: [FactorContribution],
        modelVersion: String, scoredAtMs: Int64
    ) {
        self.score = score
        self.band = band
        self.cappedBy = cappedBy
        self.factors = factors
        self.modelVersion = modelVersion
        self.scoredAtMs = scoredAtMs
    }

    /// The values of the factors that were known, 0–100.
    public var factorValues: [HealthFactor: Double] {
        Dictionary(uniqueKeysWithValues: factors.compactMap { entry in entry.value.map { (entry.factor, $0) } })
    }

    /// How this score moved since the account's previous one.
    ///
    /// - Parameter previous: The account's score before this one, or nil if this is its first.
    public func trend(since previous: HealthScore?) -> ScoreTrend {
        ScoreTrend(
            delta: previous.map { score - $0.score }, previousBand: previous?.band, band: band,
            modelChanged: previous.map { $0.modelVersion != modelVersion } ?? false)
    }
}

/// The change in an account's health since its previous score.
public struct ScoreTrend: Sendable, Hashable, Codable {
    /// Score points gained (positive) or lost (negative); nil for an account's first score.
    public let delta: Double?
    /// The previous score's band, or nil for an account's first score.
    public let previousBand: HealthBand?
    /// The current band.
    public let band: HealthBand
    /// Whether the two scores came from different model versions, so that ``delta`` mixes a change in the account
    /// with a change in how it is measured.
    public let modelChanged: Bool

    public init(delta: Double?, previousBand: HealthBand?, band: HealthBand, modelChanged: Bool) {
        self.delta = delta
        self.previousBand = previousBand
        self.band = band
        self.modelChanged = modelChanged
    }

    /// Whether the band differs from the previous score's; false for an account's first score.
    public var bandChanged: Bool {
        previousBand.map { $0 != band } ?? false
    }
}
