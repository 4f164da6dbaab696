/// A proto3 enum as a Swift value: one case per value the .proto file declares, plus
/// `unrecognized` for any other number.
///
/// proto3 enums are open: a peer built from a newer .proto file may send a number this build
/// has no case for. Such a number decodes as `unrecognized(number)` and encodes back unchanged.
///
/// Equality and hashing follow the number, so `unrecognized(n)` equals the declared case whose
/// number is `n`: both encode the same.
public protocol ProtoEnum: RawRepresentable, Sendable, Hashable, CaseIterable where RawValue == Int32 {
    /// The case for a number; a number without a declared case becomes `unrecognized(number)`.
    /// Never fails.
    /// - Parameter rawValue: The number, as on the wire.
    init(rawValue: Int32)
}

extension ProtoEnum {
    /// Whether both values have the same number.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }

    /// Hashes the number, consistently with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}
