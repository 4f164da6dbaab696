/// A JSON value with its object members in order, so a message prints with its fields in .proto
/// order under their .proto names (what `cxctl … --json` prints).
///
/// It follows proto3's JSON mapping with two choices made for people and `jq`: every field is
/// present (defaults included), and 64-bit integers are JSON numbers rather than strings.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    public init(_ value: Bool) { self = .bool(value) }
    public init(_ value: Int32) { self = .int(Int64(value)) }
    public init(_ value: Int64) { self = .int(value) }
    public init(_ value: UInt32) { self = .uint(UInt64(value)) }
    public init(_ value: UInt64) { self = .uint(value) }
    public init(_ value: Float) { self = .double(Double(value)) }
    public init(_ value: Double) { self = .double(value) }
    public init(_ value: String) { self = .string(value) }
    /// Bytes are base64, as in proto3's JSON mapping.
    public init(_ value: [UInt8]) { self = .string(Base64.encode(value)) }
    public init(_ message: some ProtoJSON) { self = message.jsonValue }
    /// An enum is its value's name in the .proto file, or its number when this build does not know it.
    public init(_ value: some ProtoJSONEnum) {
        self = value.protoValueName.map { .string($0) } ?? .int(Int64(value.rawValue))
    }

    /// The member named `name` of an object, for reading the value back.
    public subscript(name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.name == name }?.value
    }

    /// The JSON text: indented by two spaces per level when `pretty`, else on one line.
    public func serialized(pretty: Bool = true) -> String {
        var text = ""
        write(to: &text, pretty: pretty, indent: 0)
        return text
    }

    private func write(to text: inout String, pretty: Bool, indent: Int) {
        let newline = pretty ? "\n" : ""
        let pad = { (level: Int) in pretty ? String(repeating: "  ", count: level) : "" }
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .int(let value): text += String(value)
        case .uint(let value): text += String(value)
        case .double(let value):
            // JSON has no NaN or infinities; proto3's mapping spells them as strings.
            if value.isNaN {
                text += "\"NaN\""
            } else if value.isInfinite {
                text += value > 0 ? "\"Infinity\"" : "\"-Infinity\""
            } else if value == value.rounded(), abs(value) < 1e15 {
                text += String(Int64(value))
            } else {
                text += String(value)
            }
        case .string(let value): Self.quote(value, into: &text)
        case .array(let values):
            guard !values.isEmpty else { return text += "[]" }
            text += "[" + newline
            for (index, value) in values.enumerated() {
                text += pad(indent + 1)
                value.write(to: &text, pretty: pretty, indent: indent + 1)
                text += (index < values.count - 1 ? "," : "") + newline
            }
            text += pad(indent) + "]"
        case .object(let members):
            guard !members.isEmpty else { return text += "{}" }
            text += "{" + newline
            for (index, member) in members.enumerated() {
                text += pad(indent + 1)
                Self.quote(member.name, into: &text)
                text += pretty ? ": " : ":"
                member.value.write(to: &text, pretty: pretty, indent: indent + 1)
                text += (index < members.count - 1 ? "," : "") + newline
            }
            text += pad(indent) + "}"
        }
    }

    private static func quote(_ string: String, into text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}

/// One member of a JSON object.
public struct JSONMember: Sendable, Hashable {
    public var name: String
    public var value: JSONValue

    public init(_ name: String, _ value: JSONValue) {
        self.name = name
        self.value = value
    }
}

/// A message that prints as JSON with its .proto field names; every generated message is one.
public protocol ProtoJSON {
    var jsonValue: JSONValue { get }
}

/// An enum that knows its values' names in the .proto file; every generated enum is one.
public protocol ProtoJSONEnum: ProtoEnum {
    /// The value's name in the .proto file, e.g. "SEGMENT_KEY"; nil for `unrecognized`.
    var protoValueName: String? { get }
}

/// Standard base64 with padding, for bytes fields.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                output.append(
                    position <= chunk.count ? alphabet[Int(value >> (18 - 6 * position) & 63)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
