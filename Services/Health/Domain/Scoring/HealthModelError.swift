/// A ``HealthModel`` that cannot be used, reported as one line naming the model and what is wrong:
///
///     health model 2026.2: weights sum to 95, must be 100
///     health model 2026.2: no weight for advocacy, onboarding
public struct HealthModelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem this is; callers branch on it, people read ``description``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }

        /// One or more factors have no weight.
        public static let missingWeight = Code("missing weight")
        /// A weight is below 0 or above 100.
        public static let weightOutOfRange = Code("weight out of range")
        /// The weights do not add up to exactly 100.
        public static let weightsDoNotSumTo100 = Code("weights do not sum to 100")
        /// The band thresholds overlap or leave a band unreachable.
        public static let inconsistentBands = Code("inconsistent bands")

        public var description: String { name }
    }

    public let code: Code
    /// The version of the model that was rejected.
    public let modelVersion: String
    /// What is wrong, in words.
    public let reason: String

    public init(_ code: Code, modelVersion: String, reason: String) {
        self.code = code
        self.modelVersion = modelVersion
        self.reason = reason
    }

    public var description: String { "health model \(modelVersion): \(reason)" }
}
