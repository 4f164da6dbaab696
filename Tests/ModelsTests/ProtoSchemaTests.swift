import Models
import Testing

/// ProtoSchema reads protobuf-c's descriptors, which cx-fuzz writes its inputs from; it must say
/// exactly what the .proto file declares.
@Suite("ProtoSchema describes a message as the .proto file declares it")
struct ProtoSchemaTests {
    @Test("every field of ConformanceSample: number, kind, label, packing, oneof and nested message")
    func conformanceSample() throws {
        let schema = try #require(ProtoSchema(of: ConformanceSample.self))
        #expect(schema.name == "cx.v1.ConformanceSample")
        #expect(schema.fields.map(\.number) == Array(1...25) + Array(30...34))
        let byName = Dictionary(uniqueKeysWithValues: schema.fields.map { ($0.name, $0) })
        let kinds: [String: ProtoSchema.Kind] = [
            "int32_value": .int32, "int64_value": .int64, "uint32_value": .uint32, "uint64_value": .uint64,
            "sint32_value": .sint32, "sint64_value": .sint64, "fixed32_value": .fixed32, "fixed64_value": .fixed64,
            "sfixed32_value": .sfixed32, "sfixed64_value": .sfixed64, "float_value": .float, "double_value": .double,
            "bool_value": .bool, "string_value": .string, "bytes_value": .bytes, "colour": .enumeration,
            "money": .message,
        ]
        for (name, kind) in kinds { #expect(byName[name]?.kind == kind, "\(name)") }
        #expect(byName["colour"]?.enumValues == [0, 1, 2])
        #expect(byName["numbers"]?.isRepeated == true && byName["numbers"]?.isPacked == true)
        #expect(byName["tags"]?.isRepeated == true && byName["tags"]?.isPacked == false)
        #expect(byName["int64_value"]?.isRepeated == false)
        #expect(byName["choice_inner"]?.isOneofMember == true && byName["inner"]?.isOneofMember == false)
        let inner = try #require(byName["inners"]?.message)
        #expect(inner.name == "cx.v1.ConformanceSample.Inner")
        #expect(inner.fields.map(\.name) == ["label", "values"] && inner.fields[1].kind == .sint64)
    }

    @Test("the wire type of each kind")
    func wireTypes() {
        #expect(ProtoSchema.Kind.sint64.wireType == 0 && ProtoSchema.Kind.enumeration.wireType == 0)
        #expect(ProtoSchema.Kind.double.wireType == 1 && ProtoSchema.Kind.sfixed64.wireType == 1)
        #expect(ProtoSchema.Kind.message.wireType == 2 && ProtoSchema.Kind.bytes.wireType == 2)
        #expect(ProtoSchema.Kind.float.wireType == 5 && ProtoSchema.Kind.fixed32.wireType == 5)
    }
}
