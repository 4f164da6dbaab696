/// SplitMix64 (Steele, Lea and Flood; the constants of Vigna's reference `splitmix64.c`): a tiny seeded
/// generator, so that generated histories, demo data, chaos schedules and fuzz inputs are the same
/// for a seed on every machine and toolchain.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<1 from the top 53 bits. Written out rather than `Double.random(in:using:)`, whose
    /// algorithm the standard library does not promise to keep, because histories must not change
    /// with the toolchain.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}
