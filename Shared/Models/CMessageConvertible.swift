internal import CProto

/// A generated message's conversion to and from the C struct protoc-c generated for it, and the
/// one encode/decode path every message shares.
///
/// `CMessage` (e.g. `Cx__V1__Money`) starts with a `ProtobufCMessage` header, so a pointer to it
/// is also a pointer to a `ProtobufCMessage`. That C layout rule is what protobuf-c's own
/// `<prefix>__pack`/`__unpack` wrappers rely on to call the generic `protobuf_c_message_*`
/// functions; this file calls those directly because protoc-c generates the typed wrappers for
/// top-level messages only, and nested ones (e.g. `ConformanceSample.Inner`) need them too.
protocol CMessageConvertible: ProtoMessage {
    /// The struct protoc-c generated for this message.
    associatedtype CMessage

    /// A C message as `<prefix>__init` leaves it: descriptor set, every field at its default.
    static func makeDefaultCMessage() -> CMessage

    /// Copies everything out of a C message, keeping no pointer into it.
    /// - Parameter cMessage: A message protobuf-c unpacked, borrowed for the call.
    init(cMessage: CMessage)

    /// The C form of this message for protobuf-c to pack.
    /// - Parameter arena: Owns every string, array and sub-message the result points to; the
    ///   result is valid until the arena is released.
    func makeCMessage(in arena: CArena) -> CMessage
}

extension CMessageConvertible {
    /// protobuf-c's descriptor of `CMessage`. Read from a default message because Swift cannot
    /// reliably take the address of the C constant `<prefix>__descriptor`, and protobuf-c
    /// compares descriptors by address.
    static var cDescriptor: UnsafePointer<ProtobufCMessageDescriptor> {
        withUnsafeBytes(of: makeDefaultCMessage()) { $0.load(as: ProtobufCMessage.self).descriptor }
    }

    /// Converts the C message at `pointer`. protobuf-c never leaves a NULL where a message
    /// should be; should one appear anyway, it yields the default message rather than a crash.
    /// - Parameter pointer: A message protobuf-c unpacked, borrowed for the call.
    init(cMessageAt pointer: UnsafeMutablePointer<CMessage>?) {
        self = pointer.map { Self(cMessage: $0.pointee) } ?? Self()
    }

    public init(serializedBytes bytes: UnsafeRawBufferPointer, limits: DecodingLimits) throws(ProtoDecodingError) {
        guard bytes.count <= limits.maxMessageBytes else {
            throw .messageTooLarge(Self.protoName, byteCount: bytes.count, limit: limits.maxMessageBytes)
        }
        guard let start = bytes.baseAddress, !bytes.isEmpty else {
            self.init()  // the encoding of a message whose fields are all at their defaults
            return
        }
        var budget = AllocationBudget(limit: limits.maxAllocatedBytes)
        let decoded: Self? = withUnsafeMutablePointer(to: &budget) { budget in
            var allocator = ProtobufCAllocator.bounded(by: budget)
            let data = start.assumingMemoryBound(to: UInt8.self)
            guard let message = protobuf_c_message_unpack(Self.cDescriptor, &allocator, bytes.count, data) else {
                return nil  // protobuf-c has already freed whatever it had allocated
            }
            defer { protobuf_c_message_free_unpacked(message, &allocator) }
            return Self(cMessageAt: UnsafeMutableRawPointer(message).assumingMemoryBound(to: CMessage.self))
        }
        guard let decoded else {
            throw budget.isExhausted
                ? .allocationLimitExceeded(Self.protoName, limit: limits.maxAllocatedBytes)
                : .malformed(Self.protoName)
        }
        self = decoded
    }

    public func serializedBytes() -> [UInt8] {
        CArena.withArena { arena in
            let header = UnsafeRawPointer(arena.message(self)).assumingMemoryBound(to: ProtobufCMessage.self)
            let size = protobuf_c_message_get_packed_size(header)
            // A message with every field at its default packs to nothing. Not through the initializer below:
            // with capacity 0 it stores the count into the standard library's one shared empty-array
            // object, so every thread serializing an empty message writes the same global (a data race
            // that ThreadSanitizer reports, README "Sanitizers").
            guard size > 0 else { return [] }
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
                initializedCount = protobuf_c_message_pack(header, buffer.baseAddress!)
            }
        }
    }
}
