import Foundation
import Models
import Testing

/// The repository root, found from this file's path so that tests run from any directory.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs protoc-c from the repository root with `arguments`, feeding it `input`.
/// - Returns: What protoc-c wrote to standard output.
/// - Throws: When protoc-c cannot be started; a non-zero exit is recorded as a test issue.
func runProtocC(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["protoc-c"] + arguments
    process.currentDirectoryURL = repositoryRoot
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Small inputs and outputs only: both fit the pipe buffers, so this order cannot deadlock.
    try stdin.fileHandleForWriting.write(contentsOf: input)
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "protoc-c \(arguments) failed: \(errors)")
    return [UInt8](output)
}

@Suite("The encoding is standard protobuf")
struct WireFormatTests {
    @Test(
        "Encodings match ones worked out by hand from the protobuf spec",
        arguments: [
            // field 1 varint 1234, field 2 length 3 "EUR"
            (
                Money(minorUnits: 1234, currency: "EUR") as any ProtoMessage,
                [0x08, 0xD2, 0x09, 0x12, 0x03, 0x45, 0x55, 0x52]
            ),
            (Response(code: .notFound), [0x08, 0x02]),
            // an int32 enum value of -1 is sign-extended to a 10-byte varint
            (Response(code: .unrecognized(-1)), [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
            (ConformanceSample(sint32Value: -1), [0x28, 0x01]),  // zig-zag
            (ConformanceSample(fixed32Value: 7), [0x3D, 0x07, 0x00, 0x00, 0x00]),
            (ConformanceSample(numbers: [1, 2]), [0xA2, 0x01, 0x02, 0x01, 0x02]),  // packed
            (ConformanceSample(tags: ["a", ""]), [0x9A, 0x01, 0x01, 0x61, 0x9A, 0x01, 0x00]),  // not packed
            (ConformanceSample(inner: .init()), [0x92, 0x01, 0x00]),  // a set but empty message is still sent
            (OptionalBool(value: true), [0x08, 0x01]),
        ] as [(any ProtoMessage, [UInt8])])
    func encodingMatchesSpec(message: any ProtoMessage, expected: [UInt8]) {
        #expect(message.serializedBytes() == expected)
    }

    @Test("protoc-c --decode reads the Swift encoding as the same values")
    func protocDecodesSwiftEncoding() throws {
        let sample = ConformanceSample(
            int32Value: -1, int64Value: .min, uint32Value: .max, uint64Value: .max, sint32Value: .min,
            sint64Value: .max, fixed32Value: 7, fixed64Value: 8, sfixed32Value: -9, sfixed64Value: -10,
            floatValue: 1.5, doubleValue: -2.25, boolValue: true, stringValue: "text", bytesValue: [0, 1, 255],
            colour: .green, money: Money(minorUnits: 1234, currency: "EUR"),
            inner: .init(label: "in", values: [-1, 1]),
            tags: ["a", ""], numbers: [1, -1], inners: [.init(label: "x"), .init()], blobs: [[], [0x7A]],
            colours: [.red, .unrecognized(7)], flags: [true, false], ratios: [0.5], choice: .choiceNumber(0))
        let text = try runProtocC(
            ["--decode=cx.v1.ConformanceSample", "-I", "proto", "proto/cx/v1/conformance.proto"],
            input: sample.serializedBytes())
        #expect(
            String(decoding: text, as: UTF8.self) == """
                int32_value: -1
                int64_value: -9223372036854775808
                uint32_value: 4294967295
                uint64_value: 18446744073709551615
                sint32_value: -2147483648
                sint64_value: 9223372036854775807
                fixed32_value: 7
                fixed64_value: 8
                sfixed32_value: -9
                sfixed64_value: -10
                float_value: 1.5
                double_value: -2.25
                bool_value: true
                string_value: "text"
                bytes_value: "\\000\\001\\377"
                colour: COLOUR_GREEN
                money {
                  minor_units: 1234
                  currency: "EUR"
                }
                inner {
                  label: "in"
                  values: -1
                  values: 1
                }
                tags: "a"
                tags: ""
                numbers: 1
                numbers: -1
                inners {
                  label: "x"
                }
                inners {
                }
                blobs: ""
                blobs: "z"
                colours: COLOUR_RED
                colours: 7
                flags: true
                flags: false
                ratios: 0.5
                choice_number: 0

                """)
    }

    @Test("Swift decodes what protoc-c --encode makes of text format")
    func swiftDecodesProtocEncoding() throws {
        let text = """
            method: "loyalty.RecordPurchase"
            request_id: "\\360\\237\\221\\251 e\\314\\201"
            deadline_ms: -5
            body: "\\000\\377"
            """
        let bytes = try runProtocC(
            ["--encode=cx.v1.Request", "-I", "proto", "proto/cx/v1/envelope.proto"], input: Array(text.utf8))
        let expected = Request(
            method: "loyalty.RecordPurchase", requestId: "👩 e\u{301}", deadlineMs: -5, body: [0, 255])
        #expect(try Request(serializedBytes: bytes) == expected)
    }
}
