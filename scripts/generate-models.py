#!/usr/bin/env python3
"""Writes the Swift models of Shared/Models/Generated from a protobuf FileDescriptorSet.

scripts/generate runs `protoc-c -o SET --include_source_info --include_imports` and passes the
set here. For each requested .proto file this writes one <Name>.pb.swift holding a public
`Sendable` struct per message (conforming to ProtoMessage), a Swift enum per proto enum
(conforming to ProtoEnum), and their conversion to and from the C structs protoc-c generated
(the CMessageConvertible contract in Shared/Models/CMessageConvertible.swift).

The descriptor set is read with the small wire-format reader below, so that nothing beyond
Python's standard library is needed. Anything the mapping cannot represent faithfully stops
generation with a message naming the .proto element and the reason.
"""

import argparse
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace


class GeneratorError(Exception):
    """A .proto construct the generator does not support; the message says which and why."""


# --- Reading the descriptor set -------------------------------------------------------------

# Only the descriptor.proto fields the generator uses: number -> (name, kind, repeated), where
# kind is "string", "int", "bool", or the schema of a nested message.
ENUM_VALUE = {1: ("name", "string", False), 2: ("number", "int", False)}
ENUM = {1: ("name", "string", False), 2: ("value", ENUM_VALUE, True)}
FIELD = {
    1: ("name", "string", False), 3: ("number", "int", False), 4: ("label", "int", False),
    5: ("type", "int", False), 6: ("type_name", "string", False), 9: ("oneof_index", "int", False),
}
MESSAGE = {
    1: ("name", "string", False), 2: ("field", FIELD, True), 4: ("enum_type", ENUM, True),
    7: ("options", {7: ("map_entry", "bool", False)}, False),
    8: ("oneof_decl", {1: ("name", "string", False)}, True),
}
MESSAGE[3] = ("nested_type", MESSAGE, True)
LOCATION = {1: ("path", "int", True), 3: ("leading_comments", "string", False)}
FILE = {
    1: ("name", "string", False), 2: ("package", "string", False),
    4: ("message_type", MESSAGE, True), 5: ("enum_type", ENUM, True),
    9: ("source_code_info", {1: ("location", LOCATION, True)}, False), 12: ("syntax", "string", False),
}
FILE_SET = {1: ("file", FILE, True)}


def read_varint(data, position):
    """Returns the varint at `position` in `data` and the position after it."""
    value = shift = 0
    while True:
        if position >= len(data):
            raise GeneratorError("the descriptor set is truncated")
        byte = data[position]
        value |= (byte & 0x7F) << shift
        position, shift = position + 1, shift + 7
        if byte < 0x80:
            return value, position


def decode_values(raw, wire_type, kind):
    """Decodes one occurrence of a field; a packed repeated field yields several values."""
    if isinstance(kind, dict):
        return [parse_message(raw, kind)]
    if kind == "string":
        return [raw.decode("utf-8")]
    if wire_type == 0:
        numbers = [raw]
    else:  # packed
        numbers, position = [], 0
        while position < len(raw):
            number, position = read_varint(raw, position)
            numbers.append(number)
    # int32 fields such as a negative enum value arrive as 64-bit two's complement.
    numbers = [n - (1 << 64) if n >= 1 << 63 else n for n in numbers]
    return [bool(n) for n in numbers] if kind == "bool" else numbers


def parse_message(data, schema):
    """Parses protobuf bytes into a namespace with an attribute per schema field."""
    values, position = {}, 0
    while position < len(data):
        key, position = read_varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            raw, position = read_varint(data, position)
        elif wire_type == 2:
            length, position = read_varint(data, position)
            raw, position = data[position:position + length], position + length
        elif wire_type in (1, 5):
            width = 8 if wire_type == 1 else 4
            raw, position = data[position:position + width], position + width
        else:
            raise GeneratorError(f"unexpected wire type {wire_type} in the descriptor set")
        if position > len(data):
            raise GeneratorError("the descriptor set is truncated")
        if number in schema:
            name, kind, repeated = schema[number]
            decoded = decode_values(raw, wire_type, kind)
            if repeated:
                values.setdefault(name, []).extend(decoded)
            else:
                values[name] = decoded[-1]
    defaults = {name: [] if repeated else None for name, _, repeated in schema.values()}
    return SimpleNamespace(**{**defaults, **values})


# --- Names ----------------------------------------------------------------------------------

SWIFT_KEYWORDS = set("""
    Any Self Type as associatedtype await break case catch class continue default defer deinit do
    else enum extension fallthrough false fileprivate for func guard if import in init inout
    internal is let nil open operator precedencegroup private protocol public repeat rethrows
    return self static struct subscript super switch throw throws true try typealias var where
    while""".split())
C_KEYWORDS = set("""
    and and_eq asm auto bitand bitor bool break case catch char class compl const const_cast
    continue default delete do double dynamic_cast else enum explicit extern false float for friend
    goto if inline int long mutable namespace new not not_eq operator or or_eq private protected
    public register reinterpret_cast return short signed sizeof static static_cast struct switch
    template this throw true try typedef typeid typename union unsigned using virtual void volatile
    wchar_t while xor xor_eq""".split())
# Type names that, declared in the Models module or nested in a message, would shadow a type the
# generated code or the runtime refers to.
RESERVED_TYPE_NAMES = set("""
    Any Array Bool CArena CMessageConvertible CaseIterable DecodingLimits Double Equatable Error
    Float Hashable Hasher Int Int32 Int64 Never Optional ProtoDecodingError ProtoEnum ProtoMessage
    Protocol RawRepresentable Result Self Sendable String Type UInt32 UInt64 UInt8
    AllocationBudget""".split())
RESERVED_MEMBER_NAMES = {"protoName", "serializedBytes", "hashValue"}
RESERVED_CASE_NAMES = {"unrecognized", "allCases", "rawValue", "hashValue"}


def camel_words(words, upper_first):
    """Joins words in camel case, keeping the inner capitals of each (fooBar stays fooBar)."""
    words = [w for w in words if w]
    text = "".join(w[:1].upper() + w[1:] for w in words)
    return text if upper_first else text[:1].lower() + text[1:]


def lower_camel(snake_name):
    """int32_value -> int32Value; INVALID_ARGUMENT -> invalidArgument (all-caps words lowered)."""
    words = snake_name.split("_")
    if snake_name.isupper():
        words = [w.lower() for w in words]
    return camel_words(words, upper_first=False)


def upper_snake(camel_name):
    """StatusCode -> STATUS_CODE; HTTPStatus -> HTTP_STATUS: the usual enum value prefix."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", camel_name).upper()


def swift_identifier(name):
    """Escapes a Swift keyword with backticks."""
    return f"`{name}`" if name in SWIFT_KEYWORDS else name


def c_camel_to_upper(name):
    """protoc-c's CamelToUpper: ConformanceSample -> CONFORMANCE_SAMPLE, choice_text -> CHOICE_TEXT.
    Lowered, it is protoc-c's CamelToLower."""
    out, was_upper = "", True
    for char in name:
        out += ("_" if char.isupper() and not was_upper else "") + char.upper()
        was_upper = char.isupper()
    return out


def c_field_name(name):
    """protoc-c's FieldName: the field's name lowered, with "_" after a C keyword."""
    lowered = name.lower()
    return lowered + "_" if lowered in C_KEYWORDS else lowered


# --- The model of the .proto files ----------------------------------------------------------

SCALAR_TYPES = {  # FieldDescriptorProto.Type -> Swift type
    1: "Double", 2: "Float", 3: "Int64", 4: "UInt64", 5: "Int32", 6: "UInt64", 7: "UInt32",
    13: "UInt32", 15: "Int32", 16: "Int64", 17: "Int32", 18: "Int64",
}
OTHER_TYPES = {8: ("bool", "Bool", "false"), 9: ("string", "String", '""'), 12: ("bytes", "[UInt8]", "[]")}
LABEL_REPEATED = 3


@dataclass
class ProtoType:
    """A message or enum with the names Swift and protoc-c's C give it."""

    full_name: str  # cx.v1.ConformanceSample.Inner
    swift_name: str  # ConformanceSample.Inner
    descriptor: SimpleNamespace
    file_name: str  # cx/v1/conformance.proto
    source_path: tuple  # its SourceCodeInfo path, for comments
    is_enum: bool
    parent: "ProtoType | None"
    nested: list = field(default_factory=list)

    @property
    def short_name(self):
        return self.swift_name.rsplit(".", 1)[-1]

    @property
    def c_name(self):  # protoc-c's FullNameToC: Cx__V1__ConformanceSample__Inner
        return "__".join("".join(w[:1].upper() + w[1:] for w in p.split("_")) for p in self.full_name.split("."))

    @property
    def c_upper(self):  # protoc-c's FullNameToUpper: CX__V1__CONFORMANCE_SAMPLE__INNER; lowered, FullNameToLower
        return "__".join(c_camel_to_upper(p) for p in self.full_name.split("."))


@dataclass
class Field:
    """A message field with everything needed to declare and convert it."""

    descriptor: SimpleNamespace
    kind: str  # scalar, bool, string, bytes, enum or message
    element_type: str  # Swift type of one value
    default: str  # Swift literal of the proto3 default of one value
    path: tuple

    def __post_init__(self):
        self.swift_name, self.c_name = lower_camel(self.descriptor.name), c_field_name(self.descriptor.name)
        self.repeated = self.descriptor.label == LABEL_REPEATED

    @property
    def swift_type(self):
        if self.repeated:
            return f"[{self.element_type}]"
        return f"{self.element_type}?" if self.kind == "message" else self.element_type

    @property
    def swift_default(self):
        return "[]" if self.repeated else self.default


@dataclass
class Oneof:
    """A oneof: a Swift enum with a case per member, and an optional property of that enum."""

    name: str
    path: tuple
    members: list

    def __post_init__(self):
        self.swift_name, self.type_name = lower_camel(self.name), camel_words(self.name.split("_"), True)
        self.c_case = c_camel_to_upper(self.name).lower() + "_case"


class Schema:
    """Every type of the descriptor set, the comments of its files, and the checks over both."""

    def __init__(self, files, generated_names):
        self.types, self.comments = {}, {}
        self.generated = set(generated_names)
        for proto_file in files:
            info = proto_file.source_code_info
            for location in info.location if info else []:
                if location.leading_comments:
                    self.comments[(proto_file.name, tuple(location.path))] = location.leading_comments
            scope = f".{proto_file.package}" if proto_file.package else ""
            for index, message in enumerate(proto_file.message_type):
                self.add(message, scope, None, proto_file.name, (4, index), False)
            for index, enum in enumerate(proto_file.enum_type):
                self.add(enum, scope, None, proto_file.name, (5, index), True)

    def add(self, descriptor, scope, parent, file_name, path, is_enum):
        """Registers a type and, for a message, its nested types; returns it."""
        key = f"{scope}.{descriptor.name}"
        swift_name = f"{parent.swift_name}.{descriptor.name}" if parent else descriptor.name
        proto_type = self.types[key] = ProtoType(key[1:], swift_name, descriptor, file_name, path, is_enum, parent)
        if not is_enum:
            for index, nested in enumerate(descriptor.nested_type):
                proto_type.nested.append(self.add(nested, key, proto_type, file_name, path + (3, index), False))
            for index, enum in enumerate(descriptor.enum_type):
                proto_type.nested.append(self.add(enum, key, proto_type, file_name, path + (4, index), True))
        return proto_type

    def comment(self, file_name, path):
        """The leading comment of the element at `path`, or None."""
        return self.comments.get((file_name, tuple(path)))

    def fields(self, message):
        """The fields of a message, mapped to Swift: those outside oneofs, then the oneofs."""
        plain, oneofs = [], [Oneof(o.name, message.source_path + (8, i), []) for i, o in
                             enumerate(message.descriptor.oneof_decl)]
        for index, descriptor in enumerate(message.descriptor.field):
            where = f"{message.full_name}.{descriptor.name}"
            if descriptor.type in SCALAR_TYPES:
                kind, element_type, default = "scalar", SCALAR_TYPES[descriptor.type], "0"
            elif descriptor.type in OTHER_TYPES:
                kind, element_type, default = OTHER_TYPES[descriptor.type]
            else:
                target = self.types[descriptor.type_name]
                if target.file_name not in self.generated:
                    raise GeneratorError(f"{where}: {target.full_name} comes from {target.file_name}, which is "
                                         "not under proto/, so protoc-c generates no C code for it")
                if not target.is_enum and target.descriptor.options and target.descriptor.options.map_entry:
                    raise GeneratorError(f"{where}: map fields are not supported; use a repeated message")
                kind = "enum" if target.is_enum else "message"
                element_type = self.swift_reference(target, message)
                default = "." + swift_identifier(enum_cases(target)[0][0]) if target.is_enum else "nil"
            member = Field(descriptor, kind, element_type, default, message.source_path + (2, index))
            (plain if descriptor.oneof_index is None else oneofs[descriptor.oneof_index].members).append(member)
        return plain, oneofs

    def swift_reference(self, target, scope):
        """The Swift name of `target` as written inside `scope`, after checking that no type
        nested in `scope` or its parents shadows the first component of that name."""
        first = target.swift_name.split(".")[0]
        while scope:
            if first in nested_type_names(scope):
                raise GeneratorError(f"{scope.full_name}: its nested type {first} shadows {target.full_name}, "
                                     "which a field inside it uses; rename one of them")
            scope = scope.parent
        return target.swift_name

    def check(self):
        """Rejects what the generated Swift could not represent faithfully."""
        top_level = {}
        for proto_type in [t for t in self.types.values() if t.file_name in self.generated]:
            if proto_type.short_name in RESERVED_TYPE_NAMES:
                raise GeneratorError(f"{proto_type.full_name}: the name {proto_type.short_name} would shadow a "
                                     "Swift type the generated code uses; rename it")
            other = top_level.setdefault(proto_type.swift_name, proto_type)
            if other is not proto_type:
                raise GeneratorError(f"{other.full_name} ({other.file_name}) and {proto_type.full_name} "
                                     f"({proto_type.file_name}) would both be the Swift type "
                                     f"{proto_type.swift_name}, as packages are flattened; rename one")
            if proto_type.is_enum:
                enum_cases(proto_type)
            else:
                check_member_names(proto_type, *self.fields(proto_type))
                self.check_not_recursive(proto_type, [])

    def check_not_recursive(self, message, chain):
        """Rejects a message that contains itself through its fields, directly or not."""
        if message.full_name in chain:
            cycle = " -> ".join(chain[chain.index(message.full_name):] + [message.full_name])
            raise GeneratorError(f"recursive message types are not supported ({cycle}): hostile input could "
                                 "nest them without bound, and protobuf-c recurses once per level")
        plain, oneofs = self.fields(message)
        for member in plain + [m for oneof in oneofs for m in oneof.members]:
            if member.kind == "message":
                self.check_not_recursive(self.types[member.descriptor.type_name], chain + [message.full_name])


def nested_type_names(message):
    """The Swift type names declared inside a message: nested types and one enum per oneof."""
    oneofs = [camel_words(o.name.split("_"), upper_first=True) for o in message.descriptor.oneof_decl]
    return [t.short_name for t in message.nested] + oneofs


def check_member_names(message, plain, oneofs):
    """Rejects fields, oneofs and nested types whose Swift names would collide."""
    seen = {}
    for swift_name, proto_name in [(f.swift_name, f.descriptor.name) for f in plain] + \
            [(o.swift_name, o.name) for o in oneofs]:
        if swift_name in RESERVED_MEMBER_NAMES:
            raise GeneratorError(f"{message.full_name}.{proto_name}: the Swift name {swift_name} is taken by "
                                 "ProtoMessage; rename the field")
        if swift_name in seen:
            raise GeneratorError(f"{message.full_name}: {seen[swift_name]} and {proto_name} would both be the "
                                 f"Swift property {swift_name}; rename one")
        seen[swift_name] = proto_name
    names = nested_type_names(message)
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise GeneratorError(f"{message.full_name}: more than one nested type or oneof would be the Swift type "
                             f"{duplicates[0]}; rename one")


def enum_cases(enum):
    """The (Swift case name, number, value index) of each enum value, checked for collisions."""
    prefix = upper_snake(enum.descriptor.name) + "_"
    cases, numbers = [], {}
    for index, value in enumerate(enum.descriptor.value):
        stripped = value.name[len(prefix):] if value.name.startswith(prefix) else value.name
        name = lower_camel(stripped if stripped[:1].isalpha() else value.name)
        if name in RESERVED_CASE_NAMES or name in [c[0] for c in cases]:
            raise GeneratorError(f"{enum.full_name}.{value.name}: the Swift case name {name} is taken; rename it")
        if value.number in numbers:
            raise GeneratorError(f"{enum.full_name}: {numbers[value.number]} and {value.name} share the number "
                                 f"{value.number} (allow_alias is not supported)")
        numbers[value.number] = value.name
        cases.append((name, value.number, index))
    return cases


# --- Writing Swift --------------------------------------------------------------------------


class SwiftWriter:
    """Collects lines of Swift, indented 4 spaces per level."""

    def __init__(self):
        self.lines, self.depth = [], 0

    def line(self, text=""):
        self.lines.append("    " * self.depth + text if text else "")

    def doc(self, comment):
        """Writes a proto comment (each line starts with a space) as a /// doc comment."""
        lines = (comment or "").rstrip().split("\n") if (comment or "").strip() else []
        for text in lines:
            self.line(("///" + text).rstrip())

    @contextmanager
    def block(self, opener):
        self.line(opener + " {")
        self.depth += 1
        yield
        self.depth -= 1
        self.line("}")

    def text(self):
        return "\n".join(self.lines).rstrip("\n") + "\n"


def write_enum(out, schema, enum):
    """Declares a ProtoEnum."""
    cases = [(swift_identifier(name), number, index) for name, number, index in enum_cases(enum)]
    out.doc(schema.comment(enum.file_name, enum.source_path))
    with out.block(f"public enum {enum.short_name}: ProtoEnum"):
        for name, _, index in cases:
            out.doc(schema.comment(enum.file_name, enum.source_path + (2, index)))
            out.line(f"case {name}")
        out.line("/// A number without a declared case, e.g. from a peer built from a newer .proto file.")
        out.line("case unrecognized(Int32)")
        out.line()
        out.line("/// The declared cases, in declaration order; `unrecognized` is not among them.")
        out.line(f"public static let allCases: [{enum.short_name}] = [{', '.join('.' + c[0] for c in cases)}]")
        out.line()
        with out.block("public var rawValue: Int32"), out.block("switch self"):
            for name, number, _ in cases:
                out.line(f"case .{name}: {number}")
            out.line("case .unrecognized(let number): number")
        out.line()
        with out.block("public init(rawValue: Int32)"), out.block("switch rawValue"):
            for name, number, _ in cases:
                out.line(f"case {number}: self = .{name}")
            out.line("default: self = .unrecognized(rawValue)")


def write_message(out, schema, message):
    """Declares a ProtoMessage struct with its nested types."""
    plain, oneofs = schema.fields(message)
    out.doc(schema.comment(message.file_name, message.source_path))
    with out.block(f"public struct {message.short_name}: ProtoMessage"):
        for nested in message.nested:
            (write_enum if nested.is_enum else write_message)(out, schema, nested)
            out.line()
        for oneof in oneofs:
            out.doc(schema.comment(message.file_name, oneof.path))
            with out.block(f"public enum {oneof.type_name}: Sendable, Hashable"):
                for member in oneof.members:
                    out.doc(schema.comment(message.file_name, member.path))
                    out.line(f"case {swift_identifier(member.swift_name)}({member.element_type})")
            out.line()
        out.line(f'public static let protoName = "{message.full_name}"')
        properties = [(swift_identifier(f.swift_name), f.swift_type, f.swift_default, f.path) for f in plain]
        properties += [(swift_identifier(o.swift_name), o.type_name + "?", "nil", o.path) for o in oneofs]
        for name, swift_type, default, path in properties:
            out.line()
            out.doc(schema.comment(message.file_name, path))
            out.line(f"public var {name}: {swift_type} = {default}")
        out.line()
        out.line("/// Creates a message with every field at its proto3 default.")
        out.line("public init() {}")
        if properties:
            out.line()
            out.line("/// Creates a message from its fields; a field left out keeps its proto3 default.")
            out.line("public init(")
            for position, (name, swift_type, default, _) in enumerate(properties):
                out.line(f"    {name}: {swift_type} = {default}" + ("," if position < len(properties) - 1 else ""))
            with out.block(")"):
                for name, _, _, _ in properties:
                    out.line(f"self.{name} = {name}")


def from_c(member, value):
    """Swift expression converting one C value of `member` to Swift."""
    return {"scalar": value, "bool": f"{value} != 0", "string": f"String(protobufCString: {value})",
            "bytes": f"[UInt8](protobufCBinaryData: {value})", "enum": f"{member.element_type}(cValue: {value})",
            "message": f"{member.element_type}(cMessageAt: {value})"}[member.kind]


def to_c(member, value):
    """Swift expression converting one Swift value of `member` to C, allocating in `arena`."""
    return {"scalar": value, "bool": f"{value} ? 1 : 0", "string": f"arena.cString({value})",
            "bytes": f"arena.binaryData({value})", "enum": f"{value}.cValue",
            "message": f"arena.message({value})"}[member.kind]


def decode_field(member):
    """The Swift statement setting a field outside any oneof from `cMessage`."""
    source, element = f"cMessage.{member.c_name}", "" if member.kind == "scalar" else f" {{ {from_c(member, '$0')} }}"
    if member.repeated:
        value = f"Array(cElements: {source}, count: cMessage.n_{member.c_name}){element}"
    else:
        value = f"{source}.map {{ {from_c(member, '$0')} }}" if member.kind == "message" else from_c(member, source)
    return f"self.{swift_identifier(member.swift_name)} = {value}"


def encode_field(member):
    """The Swift statements setting a field outside any oneof of `cMessage`."""
    source, target = f"self.{swift_identifier(member.swift_name)}", f"cMessage.{member.c_name}"
    if member.repeated:
        element = "" if member.kind == "scalar" else f" {{ {to_c(member, '$0')} }}"
        return [f"cMessage.n_{member.c_name} = {source}.count", f"{target} = arena.array({source}){element}"]
    return [f"{target} = {source}.map {{ {to_c(member, '$0')} }}" if member.kind == "message"
            else f"{target} = {to_c(member, source)}"]


def write_conversions(out, schema, message):
    """Conforms a message to CMessageConvertible."""
    plain, oneofs = schema.fields(message)

    def case_constant(oneof, member):  # the C enum constant protoc-c generates for a oneof member
        return f"{message.c_upper}__{c_camel_to_upper(oneof.name)}_{c_camel_to_upper(member.descriptor.name)}"

    with out.block(f"extension {message.swift_name}: CMessageConvertible"):
        with out.block(f"static func makeDefaultCMessage() -> {message.c_name}"):
            out.line(f"var cMessage = {message.c_name}()")
            out.line(f"{message.c_upper.lower()}__init(&cMessage)")
            out.line("return cMessage")
        out.line()
        with out.block(f"init(cMessage: {message.c_name})"):
            out.line("self.init()")
            for member in plain:
                out.line(decode_field(member))
            for oneof in oneofs:
                with out.block(f"switch cMessage.{oneof.c_case}"):
                    for member in oneof.members:
                        out.line(f"case {case_constant(oneof, member)}:")
                        value = from_c(member, f"cMessage.{member.c_name}")
                        out.line(f"    self.{swift_identifier(oneof.swift_name)} = "
                                 f".{swift_identifier(member.swift_name)}({value})")
                    out.line("default:")
                    out.line(f"    self.{swift_identifier(oneof.swift_name)} = nil")
        out.line()
        with out.block(f"func makeCMessage(in arena: CArena) -> {message.c_name}"):
            if not plain and not oneofs:
                out.line("Self.makeDefaultCMessage()")
                return
            out.line("var cMessage = Self.makeDefaultCMessage()")
            for member in plain:
                for statement in encode_field(member):
                    out.line(statement)
            for oneof in oneofs:
                with out.block(f"switch self.{swift_identifier(oneof.swift_name)}"):
                    for member in oneof.members:
                        out.line(f"case .{swift_identifier(member.swift_name)}(let value):")
                        out.line(f"    cMessage.{oneof.c_case} = {case_constant(oneof, member)}")
                        out.line(f"    cMessage.{member.c_name} = {to_c(member, 'value')}")
                    out.line("case nil:")
                    out.line("    break")
            out.line("return cMessage")


def write_json(out, schema, message):
    """Conforms a message to ProtoJSON: its fields in .proto order under their .proto names."""
    plain, oneofs = schema.fields(message)
    with out.block(f"extension {message.swift_name}: ProtoJSON"):
        with out.block("public var jsonValue: JSONValue"):
            if not plain and not oneofs:
                out.line(".object([])")
                return
            out.line("var members: [JSONMember] = []")
            for member in plain:
                source = f"self.{swift_identifier(member.swift_name)}"
                if member.repeated:
                    value = f".array({source}.map {{ JSONValue($0) }})"
                elif member.kind == "message":
                    value = f"{source}.map {{ JSONValue($0) }} ?? .null"
                else:
                    value = f"JSONValue({source})"
                out.line(f'members.append(JSONMember("{member.descriptor.name}", {value}))')
            for oneof in oneofs:
                with out.block(f"switch self.{swift_identifier(oneof.swift_name)}"):
                    for member in oneof.members:
                        out.line(f"case .{swift_identifier(member.swift_name)}(let value):")
                        out.line(f'    members.append(JSONMember("{member.descriptor.name}", JSONValue(value)))')
                    out.line("case nil:")
                    out.line("    break")
            out.line("return .object(members)")


def write_enum_json(out, enum):
    """Conforms an enum to ProtoJSONEnum: each case's value name in the .proto file."""
    with out.block(f"extension {enum.swift_name}: ProtoJSONEnum"):
        with out.block("public var protoValueName: String?"), out.block("switch self"):
            for name, _, index in enum_cases(enum):
                out.line(f'case .{swift_identifier(name)}: "{enum.descriptor.value[index].name}"')
            out.line("case .unrecognized: nil")


def write_enum_conversions(out, enum):
    """Converts an enum to and from the C enum protoc-c generated, whose raw value is a C int type."""
    with out.block(f"extension {enum.swift_name}"):
        with out.block(f"init(cValue: {enum.c_name})"):
            out.line("self.init(rawValue: Int32(truncatingIfNeeded: cValue.rawValue))")
        out.line()
        with out.block(f"var cValue: {enum.c_name}"):
            out.line(f"{enum.c_name}(rawValue: .init(truncatingIfNeeded: rawValue))")


def swift_file_name(proto_name):
    """cx/v1/envelope.proto -> Envelope.pb.swift."""
    return camel_words(re.split(r"[_\-.]", Path(proto_name).stem), upper_first=True) + ".pb.swift"


def render_file(schema, proto_file):
    """The Swift source for one .proto file."""
    out = SwiftWriter()
    out.line(f"// Generated by scripts/generate from proto/{proto_file.name}. Do not edit.")
    out.line()
    out.line("internal import CProto")
    top_level = [t for t in schema.types.values() if t.file_name == proto_file.name and not t.parent]
    for proto_type in top_level:
        out.line()
        (write_enum if proto_type.is_enum else write_message)(out, schema, proto_type)
    out.line()
    out.line("// MARK: - Conversion to and from protobuf-c")
    pending = list(top_level)
    while pending:
        proto_type = pending.pop(0)
        pending[:0] = proto_type.nested
        out.line()
        if proto_type.is_enum:
            write_enum_conversions(out, proto_type)
            out.line()
            write_enum_json(out, proto_type)
        else:
            write_conversions(out, schema, proto_type)
            out.line()
            write_json(out, schema, proto_type)
    return out.text()


def main():
    """Reads the descriptor set and writes one Swift file per requested .proto file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--descriptor-set", type=Path, required=True, help="protoc's -o output")
    parser.add_argument("--output-dir", type=Path, required=True, help="where the .pb.swift files go")
    parser.add_argument("protos", nargs="+", help="the .proto files to generate, relative to proto/")
    arguments = parser.parse_args()
    try:
        files = parse_message(arguments.descriptor_set.read_bytes(), FILE_SET).file
        requested = [f for f in files if f.name in arguments.protos]
        missing = set(arguments.protos) - {f.name for f in requested}
        if missing:
            raise GeneratorError(f"not in the descriptor set: {', '.join(sorted(missing))}")
        outputs = {}
        for proto_file in requested:
            if proto_file.syntax != "proto3":
                raise GeneratorError(f"{proto_file.name}: only proto3 is supported (proto2's has_ flags, "
                                     "explicit defaults, required fields and groups are not)")
            name = swift_file_name(proto_file.name)
            if name in outputs:
                raise GeneratorError(f"{outputs[name]} and {proto_file.name} would both be written to {name}")
            outputs[name] = proto_file.name
        schema = Schema(files, arguments.protos)
        schema.check()
        arguments.output_dir.mkdir(parents=True, exist_ok=True)
        for proto_file in requested:
            (arguments.output_dir / swift_file_name(proto_file.name)).write_text(render_file(schema, proto_file))
    except GeneratorError as error:
        sys.exit(f"generate-models: {error}")


if __name__ == "__main__":
    main()
