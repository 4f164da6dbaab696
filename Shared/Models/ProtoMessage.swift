/// A proto3 message as a Swift value, encoded and decoded by protobuf-c.
///
/// scripts/generate makes one conforming struct per message under proto/. Each field is a stored
/// property holding its proto3 default (zero, empty, or `nil` for a message field) unless set.
///
/// Limits of the encoding, inherited from protobuf-c:
/// - A string cannot carry NUL: protobuf-c keeps strings NUL-terminated, so a string field is
///   cut at its first NUL when encoded, and a received string is cut at its first NUL. Use a
///   bytes field for binary data.
/// - Decoding repairs invalid UTF-8 in a string (each bad sequence becomes U+FFFD) rather than
///   failing, because protobuf-c does not validate it.
/// - Fields this build does not know are dropped on decoding, so they do not survive a round
///   trip through an older build.
/// - A singular float or double field holding -0.0 is not encoded (protobuf-c treats it as the
///   default 0), so it decodes as +0.0. Repeated fields and oneof members keep it.
public protocol ProtoMessage: Sendable, Hashable, ProtoJSON {
    /// The message's full proto name, e.g. "cx.v1.Request".
    static var protoName: String { get }

    /// Creates a message with every field at its proto3 default.
    init()

    /// Decodes a message from its protobuf encoding.
    ///
    /// Reads `bytes` only during the call and keeps no reference to them.
    /// - Parameters:
    ///   - bytes: The encoded message.
    ///   - limits: What decoding may cost; input or allocations beyond them fail.
    /// - Throws: `ProtoDecodingError` with code `.messageTooLarge` when `bytes` is longer than
    ///   `limits.maxMessageBytes`, `.allocationLimitExceeded` when the decoded message would need
    ///   more than `limits.maxAllocatedBytes`, and `.malformed` when `bytes` is not a valid
    ///   encoding of this message.
    init(serializedBytes bytes: UnsafeRawBufferPointer, limits: DecodingLimits) throws(ProtoDecodingError)

    /// The message's protobuf encoding. Empty for a message whose fields are all at their defaults.
    func serializedBytes() -> [UInt8]
}

extension ProtoMessage {
    /// Decodes a message from its protobuf encoding within `DecodingLimits.default`.
    ///
    /// Reads `bytes` only during the call and keeps no reference to them.
    /// - Parameter bytes: The encoded message.
    /// - Throws: `ProtoDecodingError`, as `init(serializedBytes:limits:)` does.
    public init(serializedBytes bytes: UnsafeRawBufferPointer) throws(ProtoDecodingError) {
        try self.init(serializedBytes: bytes, limits: .default)
    }

    /// Decodes a message from its protobuf encoding.
    /// - Parameters:
    ///   - bytes: The encoded message.
    ///   - limits: What decoding may cost; input or allocations beyond them fail.
    /// - Throws: `ProtoDecodingError`, as `init(serializedBytes:limits:)` does.
    public init(serializedBytes bytes: [UInt8], limits: DecodingLimits = .default) throws(ProtoDecodingError) {
        // withUnsafeBytes rethrows as `any Error`, so the typed error travels out in a Result.
        let decoded = bytes.withUnsafeBytes { buffer in
            Result { () throws(ProtoDecodingError) in try Self(serializedBytes: buffer, limits: limits) }
        }
        self = try decoded.get()
    }
}
