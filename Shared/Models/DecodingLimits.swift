/// Bounds on what decoding one message may cost, so that a hostile or broken peer cannot make a
/// decoder use unbounded memory.
public struct DecodingLimits: Sendable, Hashable {
    /// The largest encoded message accepted, in bytes. Longer input is rejected before protobuf-c
    /// sees it.
    public var maxMessageBytes: Int
    /// The most memory protobuf-c may allocate for the C form of one decoded message, in bytes.
    /// The C form can be far larger than the encoding (each 2-byte empty sub-message in a repeated
    /// field becomes a pointer plus a whole C struct), which is why this is a separate limit.
    public var maxAllocatedBytes: Int

    /// Creates limits.
    /// - Parameters:
    ///   - maxMessageBytes: The largest encoded message accepted, in bytes; 4 MiB unless given.
    ///   - maxAllocatedBytes: The most protobuf-c may allocate while decoding one message, in
    ///     bytes; 32 MiB unless given.
    public init(maxMessageBytes: Int = 4 << 20, maxAllocatedBytes: Int = 32 << 20) {
        self.maxMessageBytes = maxMessageBytes
        self.maxAllocatedBytes = maxAllocatedBytes
    }

    /// 4 MiB of input, 32 MiB of allocations.
    public static let `default` = DecodingLimits()
}
