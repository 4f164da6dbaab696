import Models
import SeededRandom

/// Writes random encodings of a message from its schema: every field with the right wire type, its
/// values plausible or hostile. Plausible messages get past decoding and often past validation, so
/// the handlers behind see hostile values one or two at a time.
struct MessageGenerator: Sendable {
    enum Temper { case plausible, hostile }

    /// What one body may still cost: bytes written, and messages made (nested and repeated messages
    /// multiply, so without a count a deep schema would make millions of them before any byte limit).
    struct Budget {
        var bytes = 3 << 20
        var messages = 2_000
        var isSpent: Bool { bytes <= 0 || messages <= 0 }
    }

    let values: Values

    /// A body of at most 3 MiB.
    func message(_ schema: ProtoSchema, _ temper: Temper, using random: inout SplitMix64) -> [UInt8] {
        var budget = Budget()
        return message(schema, temper, using: &random, budget: &budget, depth: 0)
    }

    private func message(
        _ schema: ProtoSchema, _ temper: Temper, using random: inout SplitMix64, budget: inout Budget, depth: Int
    ) -> [UInt8] {
        budget.messages -= 1
        var bytes: [UInt8] = []
        var oneofTaken = false
        for field in schema.fields where !budget.isSpent {
            guard !(depth > 6 && field.kind == .message) else { continue }
            let present = temper == .plausible ? random.below(10) < 8 : random.below(10) < 6
            guard present else { continue }
            if field.isOneofMember {
                guard !oneofTaken || temper == .hostile else { continue }
                oneofTaken = true
            }
            bytes += encode(field, in: schema, temper, using: &random, budget: &budget, depth: depth)
            if temper == .hostile && random.oneIn(20) {  // the same singular field again: the last one wins
                bytes += encode(field, in: schema, temper, using: &random, budget: &budget, depth: depth)
            }
        }
        return bytes
    }

    private func encode(
        _ field: ProtoSchema.Field, in schema: ProtoSchema, _ temper: Temper, using random: inout SplitMix64,
        budget: inout Budget, depth: Int
    ) -> [UInt8] {
        let number = UInt64(field.number)
        guard field.isRepeated else {
            return Wire.tag(number, field.kind.wireType)
                + value(field, in: schema, temper, using: &random, budget: &budget, depth: depth)
        }
        let count = elementCount(temper, using: &random)
        guard count > 0 else { return [] }
        // A few distinct elements; beyond them the rest repeat these, so a huge field costs its size,
        // not its variety.
        var elements: [[UInt8]] = []
        for _ in 0..<min(count, 4) where !budget.isSpent {
            elements.append(value(field, in: schema, temper, using: &random, budget: &budget, depth: depth))
        }
        guard !elements.isEmpty else { return [] }
        let perElement = elements.map(\.count).max()! + 2
        let total = min(count, max(elements.count, elements.count + budget.bytes / perElement))
        budget.bytes -= (total - elements.count) * perElement
        if field.isPacked && field.kind.wireType != Wire.lengthDelimited && !(temper == .hostile && random.oneIn(4)) {
            var payload: [UInt8] = []
            payload.reserveCapacity(total * perElement)
            for index in 0..<total { payload += elements[index % elements.count] }
            return Wire.lengthDelimited(number, payload)
        }
        let tag = Wire.tag(number, field.kind.wireType)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total * (perElement + tag.count))
        for index in 0..<total { bytes += tag + elements[index % elements.count] }
        return bytes
    }

    /// Mostly a few elements; rarely thousands or hundreds of thousands.
    private func elementCount(_ temper: Temper, using random: inout SplitMix64) -> Int {
        if temper == .hostile && random.oneIn(25) {
            return [1_000, 10_000, 100_000, 1_000_000][random.below(4)]
        }
        return random.below(4)
    }

    /// One value of the field, without its tag (a length-delimited one with its length).
    private func value(
        _ field: ProtoSchema.Field, in schema: ProtoSchema, _ temper: Temper, using random: inout SplitMix64,
        budget: inout Budget, depth: Int
    ) -> [UInt8] {
        let bytes = unbudgetedValue(field, in: schema, temper, using: &random, budget: &budget, depth: depth)
        budget.bytes -= bytes.count
        return bytes
    }

    private func unbudgetedValue(
        _ field: ProtoSchema.Field, in schema: ProtoSchema, _ temper: Temper, using random: inout SplitMix64,
        budget: inout Budget, depth: Int
    ) -> [UInt8] {
        // Even a plausible message carries a hostile value now and then.
        let temper = temper == .plausible && random.oneIn(25) ? .hostile : temper
        let plausible = temper == .plausible
        switch field.kind {
        case .int32, .int64, .uint32, .uint64:
            let integer =
                plausible
                ? values.plausibleInteger(field: field.name, using: &random)
                : values.hostileInteger(using: &random)
            return Wire.varint(UInt64(bitPattern: integer))
        case .sint32, .sint64:
            let integer =
                plausible
                ? values.plausibleInteger(field: field.name, using: &random)
                : values.hostileInteger(using: &random)
            return Wire.varint(Wire.zigZag(integer))
        case .bool:
            return Wire.varint(plausible ? UInt64(random.below(2)) : [2, 255, .max][random.below(3)])
        case .enumeration:
            let declared = field.enumValues.isEmpty ? [0] : field.enumValues
            let number =
                plausible
                ? declared[random.below(declared.count)]
                : [-1, 99, .max, .min, declared.max()! + 1][random.below(5)]
            return Wire.varint(UInt64(bitPattern: Int64(number)))
        case .fixed32, .sfixed32:
            let integer =
                plausible
                ? values.plausibleInteger(field: field.name, using: &random) : values.hostileInteger(using: &random)
            return Wire.littleEndian(UInt32(truncatingIfNeeded: integer))
        case .fixed64, .sfixed64:
            let integer =
                plausible
                ? values.plausibleInteger(field: field.name, using: &random) : values.hostileInteger(using: &random)
            return Wire.littleEndian(UInt64(bitPattern: integer))
        case .float:
            let number = plausible ? Double(random.below(100)) : values.hostileDouble(using: &random)
            return Wire.littleEndian(Float(number).bitPattern)
        case .double:
            let number = plausible ? Double(random.below(100)) / 10 : values.hostileDouble(using: &random)
            return Wire.littleEndian(number.bitPattern)
        case .string:
            let text =
                plausible
                ? values.plausibleString(field: field.name, message: schema.name, using: &random)
                : Array(values.hostileString(using: &random).prefix(max(0, budget.bytes)))
            return Wire.varint(UInt64(text.count)) + text
        case .bytes:
            let bytes = values.randomBytes(maximum: plausible ? 32 : 2_048, using: &random)
            return Wire.varint(UInt64(bytes.count)) + bytes
        case .message:
            // The nested message spends from a copy of the budget; value() then charges its size once.
            var inner = budget
            let nested =
                field.message.map { message($0, temper, using: &random, budget: &inner, depth: depth + 1) } ?? []
            budget.messages = inner.messages
            return Wire.varint(UInt64(nested.count)) + nested
        }
    }
}
