internal import CProto

extension String {
    /// A copy of a protobuf-c string, whose invalid UTF-8 (protobuf-c does not validate it) is
    /// repaired with U+FFFD. A NULL pointer, which protobuf-c should never produce, yields "".
    /// - Parameter pointer: A NUL-terminated C string, read only during the call.
    init(protobufCString pointer: UnsafePointer<CChar>?) {
        self = pointer.map { String(cString: $0) } ?? ""
    }
}

extension Array where Element == UInt8 {
    /// A copy of protobuf-c's bytes field value; `data` may be NULL when `len` is 0.
    /// - Parameter binaryData: The field's value, read only during the call.
    init(protobufCBinaryData binaryData: ProtobufCBinaryData) {
        guard let data = binaryData.data, binaryData.len > 0 else {
            self = []
            return
        }
        self = Array(UnsafeBufferPointer(start: data, count: binaryData.len))
    }
}

extension Array {
    /// The converted elements of a protobuf-c repeated field: `count` values at `elements`.
    /// - Parameters:
    ///   - elements: The field's pointer, read only during the call; NULL when `count` is 0.
    ///   - count: The field's `n_` count.
    ///   - convert: The Swift form of one C value.
    init<CElement>(cElements elements: UnsafeMutablePointer<CElement>?, count: Int, _ convert: (CElement) -> Element) {
        guard let elements, count > 0 else {
            self = []
            return
        }
        self = UnsafeBufferPointer(start: elements, count: count).map(convert)
    }

    /// The elements of a protobuf-c repeated field of a C-compatible scalar type, unchanged.
    /// - Parameters:
    ///   - elements: The field's pointer, read only during the call; NULL when `count` is 0.
    ///   - count: The field's `n_` count.
    init(cElements elements: UnsafeMutablePointer<Element>?, count: Int) {
        self.init(cElements: elements, count: count) { $0 }
    }
}
