import Models
import Testing

@Suite("Decoding limits and errors")
struct DecodingLimitsTests {
    @Test("Input longer than maxMessageBytes is rejected as messageTooLarge")
    func oversizedInputIsRejected() {
        let limits = DecodingLimits(maxMessageBytes: 16)
        #expect(
            throws: ProtoDecodingError(
                code: .messageTooLarge, messageType: "cx.v1.Request", reason: "17 bytes exceeds the 16-byte limit")
        ) {
            try Request(serializedBytes: [UInt8](repeating: 0, count: 17), limits: limits)
        }
    }

    @Test("Input of exactly maxMessageBytes is decoded")
    func inputAtTheLimitIsDecoded() throws {
        let bytes = Money(minorUnits: 1234, currency: "EUR").serializedBytes()
        let money = try Money(serializedBytes: bytes, limits: DecodingLimits(maxMessageBytes: bytes.count))
        #expect(money.minorUnits == 1234)
    }

    @Test("The default limit rejects input over 4 MiB, describing the sizes")
    func defaultLimitIsFourMebibytes() {
        let error = #expect(throws: ProtoDecodingError.self) {
            try Request(serializedBytes: [UInt8](repeating: 0, count: 5_000_000))
        }
        #expect(error?.code == .messageTooLarge)
        #expect(error?.description == "cx.v1.Request: 5000000 bytes exceeds the 4194304-byte limit")
    }

    @Test("A message whose C form would exceed maxAllocatedBytes is rejected as allocationLimitExceeded")
    func allocationLimitIsEnforced() throws {
        // 100,000 packed varints: about 100 KB encoded, 800 KB as a C int64_t array.
        let bytes = ConformanceSample(numbers: Array(repeating: 1, count: 100_000)).serializedBytes()
        let error = #expect(throws: ProtoDecodingError.self) {
            try ConformanceSample(serializedBytes: bytes, limits: DecodingLimits(maxAllocatedBytes: 64 << 10))
        }
        #expect(error?.code == .allocationLimitExceeded)
        #expect(
            error?.description == "cx.v1.ConformanceSample: decoding needs more than the 65536-byte allocation limit")
        #expect(try ConformanceSample(serializedBytes: bytes).numbers.count == 100_000)
    }

    @Test("The allocation limit counts the C form, which can dwarf the encoding: empty sub-messages")
    func allocationLimitCountsTheCForm() {
        // Each 3-byte empty `inners` element costs a pointer and a whole C struct.
        let bytes = [UInt8]([0xAA, 0x01, 0x00].repeated(100_000))
        let limit = 1 << 20
        #expect(bytes.count < limit)
        let error = #expect(throws: ProtoDecodingError.self) {
            try ConformanceSample(serializedBytes: bytes, limits: DecodingLimits(maxAllocatedBytes: limit))
        }
        #expect(error?.code == .allocationLimitExceeded)
    }

    @Test("Truncated input is rejected as malformed")
    func truncatedInputIsMalformed() {
        let error = #expect(throws: ProtoDecodingError.self) {
            try Money(serializedBytes: [0x12, 0x03, 0x45])  // a 3-byte string with 1 byte present
        }
        #expect(error?.code == .malformed)
        #expect(error?.description == "cx.v1.Money: malformed or truncated protobuf")
    }

    @Test("A field whose wire type contradicts the schema is rejected as malformed")
    func wrongWireTypeIsMalformed() {
        #expect(throws: ProtoDecodingError.malformedInput("cx.v1.Money")) {
            try Money(serializedBytes: [0x0A, 0x00])  // minor_units (a varint) sent length-delimited
        }
    }

    @Test("Invalid UTF-8 in a string is repaired with U+FFFD rather than rejected")
    func invalidUtf8IsRepaired() throws {
        let money = try Money(serializedBytes: [0x12, 0x04, 0x45, 0xFF, 0xC3, 0x55])
        #expect(money.currency == "E\u{FFFD}\u{FFFD}U")
    }

    @Test("Fields the schema does not declare are skipped")
    func unknownFieldsAreSkipped() throws {
        let money = try Money(serializedBytes: [0x08, 0x05, 0xA0, 0x06, 0x01, 0x12, 0x01, 0x58])  // field 100 = 1
        #expect(money == Money(minorUnits: 5, currency: "X"))
        #expect(money.serializedBytes() == [0x08, 0x05, 0x12, 0x01, 0x58])
    }

    @Test("Decoding reads from an unsafe buffer without copying it first")
    func decodesFromRawBuffer() throws {
        let bytes: [UInt8] = [0x08, 0xD2, 0x09, 0x12, 0x03, 0x45, 0x55, 0x52]
        let money = try bytes.withUnsafeBytes { buffer throws(ProtoDecodingError) in try Money(serializedBytes: buffer)
        }
        #expect(money == Money(minorUnits: 1234, currency: "EUR"))
    }
}

extension ProtoDecodingError {
    /// The error decoding `messageType` from malformed input throws.
    static func malformedInput(_ messageType: String) -> Self {
        Self(code: .malformed, messageType: messageType, reason: "malformed or truncated protobuf")
    }
}

extension Array {
    /// The elements repeated `count` times.
    func repeated(_ count: Int) -> [Element] {
        Array((0..<count).map { _ in self }.joined())
    }
}
