internal import CProto

/// Owns the C memory behind one C message built for protobuf-c to pack: strings, byte buffers,
/// arrays and sub-messages.
///
/// Memory comes from Swift's allocator and is freed all at once when the `withArena` call that
/// created the arena returns; protobuf-c only reads it while packing and never frees it. Not
/// thread-safe and not `Sendable`: an arena lives inside one `withArena` call.
final class CArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    private init() {}

    /// Runs `body` with a new arena and frees everything allocated in it when `body` returns.
    /// - Parameter body: Builds and uses C values; none of them may escape it.
    /// - Returns: What `body` returns.
    static func withArena<Result>(_ body: (CArena) -> Result) -> Result {
        let arena = CArena()
        defer { arena.releaseAll() }
        return body(arena)
    }

    /// A NUL-terminated copy of the string's UTF-8, as protobuf-c's `char *` fields hold strings.
    /// A NUL inside `string` ends the C string there (see `ProtoMessage`).
    /// - Parameter string: The string to copy.
    func cString(_ string: String) -> UnsafeMutablePointer<CChar> {
        let count = string.utf8.count
        let pointer = allocate(CChar.self, count: count + 1)
        UnsafeMutableRawBufferPointer(start: pointer, count: count).copyBytes(from: string.utf8)
        pointer[count] = 0
        return pointer
    }

    /// A copy of `bytes` as protobuf-c's `ProtobufCBinaryData`; `data` is NULL when empty.
    /// - Parameter bytes: The bytes to copy.
    func binaryData(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let pointer = allocate(UInt8.self, count: bytes.count)
        pointer.initialize(from: bytes, count: bytes.count)
        return ProtobufCBinaryData(len: bytes.count, data: pointer)
    }

    /// A C array of the converted elements, for a repeated field's pointer (its `n_` count is
    /// `elements.count`); NULL when empty.
    /// - Parameters:
    ///   - elements: The field's values.
    ///   - convert: The C form of one value; may allocate in this arena.
    func array<Element, CElement>(
        _ elements: [Element], _ convert: (Element) -> CElement
    ) -> UnsafeMutablePointer<CElement>? {
        guard !elements.isEmpty else { return nil }
        let pointer = allocate(CElement.self, count: elements.count)
        for (index, element) in elements.enumerated() {
            (pointer + index).initialize(to: convert(element))
        }
        return pointer
    }

    /// A C array of `elements` unchanged, for a repeated field of a C-compatible scalar type.
    /// - Parameter elements: The field's values.
    func array<Element>(_ elements: [Element]) -> UnsafeMutablePointer<Element>? {
        array(elements) { $0 }
    }

    /// The C form of `message`, allocated in this arena together with everything it points to.
    /// - Parameter message: The message to convert.
    func message<Message: CMessageConvertible>(_ message: Message) -> UnsafeMutablePointer<Message.CMessage> {
        let pointer = allocate(Message.CMessage.self, count: 1)
        pointer.initialize(to: message.makeCMessage(in: self))
        return pointer
    }

    /// Uninitialized memory for `count` values of a C (trivial) type, freed with the arena.
    private func allocate<Value>(_: Value.Type, count: Int) -> UnsafeMutablePointer<Value> {
        let pointer = UnsafeMutablePointer<Value>.allocate(capacity: count)
        allocations.append(UnsafeMutableRawPointer(pointer))
        return pointer
    }

    /// Frees everything; C types need no deinitialization.
    private func releaseAll() {
        for allocation in allocations {
            allocation.deallocate()
        }
        allocations.removeAll()
    }
}
