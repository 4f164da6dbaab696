import Foundation
import Models
import Testing

/// Decodes the encoding of `message` as the same type.
private func roundTripped<Message: ProtoMessage>(_ message: Message) throws -> Message {
    try Message(serializedBytes: message.serializedBytes())
}

/// Expects `message` to decode from its own encoding to an equal value.
private func expectRoundTrip<Message: ProtoMessage>(_ message: Message) throws {
    #expect(try roundTripped(message) == message)
}

/// Whether no bytes decode to the message with every field at its default.
private func emptyInputDecodesToDefault<Message: ProtoMessage>(_: Message.Type) throws -> Bool {
    try Message(serializedBytes: []) == Message()
}

@Suite("Round trips through protobuf-c")
struct RoundTripTests {
    @Test("A message decodes from its own encoding to an equal value", arguments: Samples.roundTrip)
    func messageSurvivesRoundTrip(sample: MessageSample) throws {
        try expectRoundTrip(sample.message)
    }

    @Test("Every message the .proto files declare has round-trip samples and is fuzzed")
    func everyProtoMessageIsCovered() throws {
        let protoDirectory = repositoryRoot.appendingPathComponent("proto")
        let files = try #require(FileManager.default.enumerator(at: protoDirectory, includingPropertiesForKeys: nil))
        var declared: Set<String> = []
        for case let file as URL in files where file.pathExtension == "proto" {
            let source = try String(contentsOf: file, encoding: .utf8)
            declared.formUnion(source.matches(of: #/(?m)^\s*message\s+(\w+)/#).map { String($0.output.1) })
        }
        let sampled = Set(Samples.roundTrip.map { type(of: $0.message).protoName.split(separator: ".").last! })
        #expect(Set(sampled.map(String.init)) == declared)
        #expect(Set(Samples.allMessageTypes.map { String($0.protoName.split(separator: ".").last!) }) == declared)
    }

    @Test("A message with every field at its default encodes to no bytes and decodes from none")
    func defaultMessageEncodesToNothing() throws {
        for type in Samples.allMessageTypes {
            #expect(type.init().serializedBytes().isEmpty, "\(type)")
            #expect(try emptyInputDecodesToDefault(type), "\(type)")
        }
    }

    @Test(
        "Every oneof case, and no case, survives a round trip",
        arguments: [
            nil, .choiceText(""), .choiceText(Samples.unicode), .choiceNumber(0), .choiceNumber(.min),
            .choiceInner(.init()), .choiceInner(.init(label: "x", values: [1])), .choiceColour(.unspecified),
            .choiceColour(.red), .choiceColour(.unrecognized(12345)), .choiceBytes([]), .choiceBytes(Samples.allBytes),
        ] as [ConformanceSample.Choice?])
    func oneofCaseSurvivesRoundTrip(choice: ConformanceSample.Choice?) throws {
        let decoded = try roundTripped(ConformanceSample(choice: choice))
        #expect(decoded.choice == choice)
    }

    @Test("A oneof member at its default value is still encoded, so the case survives")
    func oneofDefaultValueKeepsItsCase() throws {
        #expect(ConformanceSample(choice: .choiceNumber(0)).serializedBytes() == [0xF8, 0x01, 0x00])
    }

    @Test("Enum numbers without a declared case survive a round trip unchanged")
    func unrecognizedEnumValuesSurvive() throws {
        let sample = ConformanceSample(colour: .unrecognized(.max), colours: [.unrecognized(.min), .unrecognized(3)])
        let decoded = try roundTripped(sample)
        #expect(decoded.colour.rawValue == .max)
        #expect(decoded.colours.map(\.rawValue) == [.min, 3])
    }

    @Test("Strings keep their exact UTF-8 bytes: combining marks are not normalized")
    func stringsKeepTheirExactBytes() throws {
        let decoded = try roundTripped(ConformanceSample(stringValue: Samples.combiningMark, tags: [Samples.unicode]))
        #expect(Array(decoded.stringValue.utf8) == [0x65, 0xCC, 0x81])
        #expect(decoded.tags.map { Array($0.utf8) } == [Array(Samples.unicode.utf8)])
    }

    @Test("NaN keeps its bit pattern in singular and repeated floating-point fields")
    func nanKeepsItsBitPattern() throws {
        let quietNaN = Double(nan: 0x1234, signaling: false)
        let decoded = try roundTripped(ConformanceSample(floatValue: .nan, doubleValue: quietNaN, ratios: [quietNaN]))
        #expect(decoded.floatValue.bitPattern == Float.nan.bitPattern)
        #expect(decoded.doubleValue.bitPattern == quietNaN.bitPattern)
        #expect(decoded.ratios.map(\.bitPattern) == [quietNaN.bitPattern])
    }

    @Test("-0.0 keeps its sign in a repeated double")
    func negativeZeroKeepsItsSignWhenRepeated() throws {
        let decoded = try roundTripped(ConformanceSample(ratios: [-0.0, 0.0]))
        #expect(decoded.ratios.map(\.sign) == [.minus, .plus])
    }

    @Test("-0.0 in a singular double is not encoded and decodes as +0.0 (protobuf-c treats it as the default)")
    func negativeZeroInSingularFieldBecomesPositive() throws {
        let sample = ConformanceSample(floatValue: -0.0, doubleValue: -0.0)
        #expect(sample.serializedBytes().isEmpty)
        let decoded = try roundTripped(sample)
        #expect(decoded.floatValue.sign == .plus)
        #expect(decoded.doubleValue.sign == .plus)
    }

    @Test("A string is cut at its first NUL, as protobuf-c keeps strings NUL-terminated")
    func stringIsCutAtNul() throws {
        let decoded = try roundTripped(ConformanceSample(stringValue: "before\u{0}after", tags: ["\u{0}gone"]))
        #expect(decoded.stringValue == "before")
        #expect(decoded.tags == [""])
    }

    @Test("Bytes keep NULs and every other byte value")
    func bytesKeepEveryByte() throws {
        let decoded = try roundTripped(ConformanceSample(bytesValue: [0, 0, 1, 0], blobs: [[0], Samples.allBytes]))
        #expect(decoded.bytesValue == [0, 0, 1, 0])
        #expect(decoded.blobs == [[0], Samples.allBytes])
    }
}
