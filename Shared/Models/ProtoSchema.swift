internal import CProto

/// A message's fields as protobuf-c describes them: numbers, types, labels and nested messages.
///
/// For tools that write or damage an encoding field by field, below what the Swift structs can
/// express (invalid UTF-8, overlong varints, wrong wire types): the socket fuzzer `cx-fuzz` builds
/// its inputs from it. Read from protobuf-c's descriptors, so it is exactly what the decoder expects.
public struct ProtoSchema: Sendable, Hashable {
    /// The message's full proto name, e.g. "cx.v1.Money".
    public let name: String
    /// The fields, in the order of their numbers.
    public let fields: [Field]

    /// One field of a message.
    public struct Field: Sendable, Hashable {
        /// The field's name in the .proto file, e.g. "minor_units".
        public let name: String
        /// The field's number.
        public let number: UInt32
        /// The field's type.
        public let kind: Kind
        /// Whether the field is `repeated`.
        public let isRepeated: Bool
        /// Whether a repeated scalar is encoded packed (proto3's default).
        public let isPacked: Bool
        /// Whether the field is a member of a `oneof`.
        public let isOneofMember: Bool
        /// The numbers an enum field's type declares; empty for other kinds.
        public let enumValues: [Int32]
        /// Holds the schema of a message field's type; an array so the struct can contain itself.
        private let nested: [ProtoSchema]

        /// The schema of a message field's type; nil for other kinds.
        public var message: ProtoSchema? { nested.first }

        init(_ descriptor: ProtobufCFieldDescriptor) {
            name = String(cString: descriptor.name)
            number = descriptor.id
            kind = Kind(descriptor.type)
            isRepeated = descriptor.label == PROTOBUF_C_LABEL_REPEATED
            isPacked = descriptor.flags & UInt32(PROTOBUF_C_FIELD_FLAG_PACKED.rawValue) != 0
            isOneofMember = descriptor.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0
            switch kind {
            case .message:
                nested = [ProtoSchema(descriptor.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))]
                enumValues = []
            case .enumeration:
                let enumDescriptor = descriptor.descriptor.assumingMemoryBound(to: ProtobufCEnumDescriptor.self).pointee
                enumValues = (0..<Int(enumDescriptor.n_values)).map { enumDescriptor.values[$0].value }
                nested = []
            default:
                nested = []
                enumValues = []
            }
        }
    }

    /// A field's type, and so the wire type of its values.
    public enum Kind: Sendable, Hashable {
        case int32, sint32, sfixed32, int64, sint64, sfixed64, uint32, fixed32, uint64, fixed64
        case float, double, bool, enumeration, string, bytes, message

        /// The wire type of one value: 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit.
        public var wireType: UInt8 {
            switch self {
            case .int32, .sint32, .int64, .sint64, .uint32, .uint64, .bool, .enumeration: 0
            case .sfixed64, .fixed64, .double: 1
            case .string, .bytes, .message: 2
            case .sfixed32, .fixed32, .float: 5
            }
        }

        init(_ type: ProtobufCType) {
            switch type {
            case PROTOBUF_C_TYPE_INT32: self = .int32
            case PROTOBUF_C_TYPE_SINT32: self = .sint32
            case PROTOBUF_C_TYPE_SFIXED32: self = .sfixed32
            case PROTOBUF_C_TYPE_INT64: self = .int64
            case PROTOBUF_C_TYPE_SINT64: self = .sint64
            case PROTOBUF_C_TYPE_SFIXED64: self = .sfixed64
            case PROTOBUF_C_TYPE_UINT32: self = .uint32
            case PROTOBUF_C_TYPE_FIXED32: self = .fixed32
            case PROTOBUF_C_TYPE_UINT64: self = .uint64
            case PROTOBUF_C_TYPE_FIXED64: self = .fixed64
            case PROTOBUF_C_TYPE_FLOAT: self = .float
            case PROTOBUF_C_TYPE_DOUBLE: self = .double
            case PROTOBUF_C_TYPE_BOOL: self = .bool
            case PROTOBUF_C_TYPE_ENUM: self = .enumeration
            case PROTOBUF_C_TYPE_STRING: self = .string
            case PROTOBUF_C_TYPE_BYTES: self = .bytes
            default: self = .message
            }
        }
    }

    /// The schema of a generated message type; nil for a type scripts/generate did not make.
    /// - Parameter type: A message type, e.g. `Money.self`.
    public init?(of type: any ProtoMessage.Type) {
        guard let generated = type as? any CMessageConvertible.Type else { return nil }
        self.init(Self.descriptor(of: generated))
    }

    private init(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        name = String(cString: descriptor.pointee.name)
        fields = (0..<Int(descriptor.pointee.n_fields)).map { Field(descriptor.pointee.fields[$0]) }
            .sorted { $0.number < $1.number }
    }

    private static func descriptor<Message: CMessageConvertible>(of _: Message.Type)
        -> UnsafePointer<ProtobufCMessageDescriptor>
    {
        Message.cDescriptor
    }
}
