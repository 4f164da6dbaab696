import CProto
import Models
import Testing

@Suite("Interoperates with C code using protoc-c's typed functions")
struct CInteropTests {
    @Test("C unpacks a Swift encoding with cx__v1__money__unpack")
    func cUnpacksSwiftEncoding() throws {
        let bytes = Money(minorUnits: -1234, currency: "EUR").serializedBytes()
        let money = try #require(cx__v1__money__unpack(nil, bytes.count, bytes))
        defer { cx__v1__money__free_unpacked(money, nil) }
        #expect(money.pointee.minor_units == -1234)
        #expect(String(cString: money.pointee.currency) == "EUR")
    }

    @Test("Swift decodes what cx__v1__response__pack encodes, including a code C has no constant for")
    func swiftDecodesCEncoding() throws {
        var response = Cx__V1__Response()
        cx__v1__response__init(&response)
        response.code = CX__V1__STATUS_CODE__STATUS_CODE_UNAVAILABLE
        let bytes = [UInt8](unsafeUninitializedCapacity: cx__v1__response__get_packed_size(&response)) {
            buffer, count in count = cx__v1__response__pack(&response, buffer.baseAddress)
        }
        #expect(try Response(serializedBytes: bytes).code == .unavailable)

        response.code = Cx__V1__StatusCode(rawValue: 42)
        let unknown = [UInt8](unsafeUninitializedCapacity: cx__v1__response__get_packed_size(&response)) {
            buffer, count in count = cx__v1__response__pack(&response, buffer.baseAddress)
        }
        #expect(try Response(serializedBytes: unknown).code == .unrecognized(42))
    }
}
