import Foundation
import Models
import Testing

@Suite("Messages as JSON")
struct JSONTests {
    @Test("Every sample prints as valid JSON, pretty and compact, that parses to the same object")
    func everySampleIsValidJSON() throws {
        for sample in Samples.roundTrip {
            let pretty = sample.message.jsonValue.serialized(pretty: true)
            let compact = sample.message.jsonValue.serialized(pretty: false)
            let parsedPretty = try JSONSerialization.jsonObject(with: Data(pretty.utf8), options: .fragmentsAllowed)
            let parsedCompact = try JSONSerialization.jsonObject(with: Data(compact.utf8), options: .fragmentsAllowed)
            #expect((parsedPretty as? NSDictionary) == (parsedCompact as? NSDictionary), "\(sample.name)")
            #expect(!compact.contains("\n"), "\(sample.name)")
        }
    }

    @Test("Field names, enum names, bytes, nested messages, oneofs and text escapes follow the .proto")
    func mapping() throws {
        let sample = ConformanceSample(
            int64Value: .min, uint64Value: .max, doubleValue: .nan, stringValue: "quote \" slash \\ tab \t bell \u{7}",
            bytesValue: [0, 1, 2, 253, 254, 255], colour: .green, inner: .init(label: "in", values: [1, -2]),
            colours: [.red, .unrecognized(42)], choice: .choiceNumber(7))
        let json = sample.jsonValue
        #expect(json["int64_value"] == .int(.min) && json["uint64_value"] == .uint(.max))
        #expect(json["colour"] == .string("COLOUR_GREEN"))
        #expect(json["colours"] == .array([.string("COLOUR_RED"), .int(42)]))
        #expect(json["bytes_value"] == .string("AAEC/f7/"))
        #expect(json["inner"]?["values"] == .array([.int(1), .int(-2)]))
        #expect(json["money"] == .null, "an absent message is null")
        #expect(json["choice_number"] == .int(7) && json["choice_text"] == nil, "only the set oneof member")
        let text = json.serialized(pretty: false)
        #expect(text.contains(#""double_value":"NaN""#))
        #expect(text.contains(#""string_value":"quote \" slash \\ tab \t bell \u0007""#))
        let parsed = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(parsed["string_value"] as? String == sample.stringValue)
    }

    @Test("Base64 of every length pads like RFC 4648")
    func base64() {
        let cases: [([UInt8], String)] = [
            ([], ""), (Array("f".utf8), "Zg=="), (Array("fo".utf8), "Zm8="), (Array("foo".utf8), "Zm9v"),
            (Array("foob".utf8), "Zm9vYg=="), (Array("fooba".utf8), "Zm9vYmE="), (Array("foobar".utf8), "Zm9vYmFy"),
        ]
        for (bytes, expected) in cases {
            #expect(JSONValue(bytes) == .string(expected))
        }
    }
}
