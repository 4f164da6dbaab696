import SeededRandom

/// Damage done to an encoding at the wire level: bytes flipped, cut or doubled, fields repeated or
/// given the wrong wire type, varints padded past ten bytes, lengths that run past the end, groups,
/// nesting thousands deep, fields repeated a hundred thousand times.
enum Mutations {
    /// `bytes` with one random mutation applied.
    static func mutate(_ bytes: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        let fields = Wire.fields(bytes) ?? []
        switch random.below(13) {
        case 0: return flipBits(bytes, using: &random)
        case 1: return bytes.isEmpty ? bytes : Array(bytes.prefix(random.below(bytes.count)))
        case 2: return spliceBytes(bytes, using: &random)
        case 3: return duplicateField(bytes, fields, using: &random)
        case 4: return wrongWireType(bytes, fields, using: &random)
        case 5: return overlongVarint(bytes, fields, using: &random)
        case 6: return lyingLength(bytes, fields, using: &random)
        case 7: return bytes + groups(using: &random)
        case 8: return bytes + deepNesting(using: &random)
        case 9: return repeatField(bytes, fields, using: &random)
        case 10: return bytes + unknownField(using: &random)
        case 11: return removeField(bytes, fields, using: &random)
        default: return bytes + Wire.tag(UInt64(random.below(40)), UInt8(random.below(8)))  // a dangling tag
        }
    }

    private static func flipBits(_ bytes: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        guard !bytes.isEmpty else { return [UInt8(truncatingIfNeeded: random.next())] }
        var bytes = bytes
        for _ in 0...random.below(4) {
            let index = random.below(bytes.count)
            if random.oneIn(2) {
                bytes[index] ^= 1 << UInt8(random.below(8))
            } else {
                bytes[index] = [0x00, 0x7F, 0x80, 0xFF][random.below(4)]
            }
        }
        return bytes
    }

    /// A slice of the bytes inserted again somewhere, or removed.
    private static func spliceBytes(_ bytes: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        guard bytes.count > 1 else { return bytes + bytes }
        var bytes = bytes
        let start = random.below(bytes.count)
        let end = min(bytes.count, start + 1 + random.below(32))
        if random.oneIn(2) {
            bytes.removeSubrange(start..<end)
        } else {
            bytes.insert(contentsOf: Array(bytes[start..<end]), at: random.below(bytes.count))
        }
        return bytes
    }

    private static func duplicateField(_ bytes: [UInt8], _ fields: [Wire.Field], using random: inout SplitMix64)
        -> [UInt8]
    {
        guard let field = fields.randomElement(using: &random) else { return flipBits(bytes, using: &random) }
        return bytes + bytes[field.range]
    }

    private static func removeField(_ bytes: [UInt8], _ fields: [Wire.Field], using random: inout SplitMix64)
        -> [UInt8]
    {
        guard let field = fields.randomElement(using: &random) else { return flipBits(bytes, using: &random) }
        var bytes = bytes
        bytes.removeSubrange(field.range)
        return bytes
    }

    /// A field's tag rewritten with another wire type (groups and the invalid 6 and 7 included).
    private static func wrongWireType(_ bytes: [UInt8], _ fields: [Wire.Field], using random: inout SplitMix64)
        -> [UInt8]
    {
        guard let field = fields.randomElement(using: &random) else { return flipBits(bytes, using: &random) }
        let wireType = (field.wireType + 1 + UInt8(random.below(7))) & 7
        var result = Array(bytes[..<field.range.lowerBound])
        result += Wire.tag(field.number, wireType)
        result += bytes[(field.range.lowerBound + keyLength(bytes, field))...]
        return result
    }

    /// The key of a field (its tag) is its first varint.
    private static func keyLength(_ bytes: [UInt8], _ field: Wire.Field) -> Int {
        var position = field.range.lowerBound
        _ = Wire.readVarint(bytes, &position)
        return position - field.range.lowerBound
    }

    /// A varint field's value padded to 10 bytes (valid) or more (invalid), or a tag padded likewise.
    private static func overlongVarint(_ bytes: [UInt8], _ fields: [Wire.Field], using random: inout SplitMix64)
        -> [UInt8]
    {
        let length = [10, 10, 11, 12, 20][random.below(5)]
        guard let field = fields.filter({ $0.wireType == Wire.varint }).randomElement(using: &random) else {
            return bytes + Wire.varint(1 << 3, minimumLength: length) + [1]
        }
        var position = field.payloadStart
        let value = Wire.readVarint(bytes, &position) ?? 0
        var result = Array(bytes[..<field.payloadStart])
        result += Wire.varint(value, minimumLength: length)
        result += bytes[field.range.upperBound...]
        return result
    }

    /// A length-delimited field whose length claims more than is there, up to 2^64 - 1.
    private static func lyingLength(_ bytes: [UInt8], _ fields: [Wire.Field], using random: inout SplitMix64)
        -> [UInt8]
    {
        let claims: [UInt64] = [1, 16, 1 << 20, 1 << 31, 1 << 32, .max >> 1, .max]
        let claim = claims[random.below(claims.count)]
        guard let field = fields.filter({ $0.wireType == Wire.lengthDelimited }).randomElement(using: &random) else {
            return bytes + Wire.tag(UInt64(1 + random.below(20)), Wire.lengthDelimited) + Wire.varint(claim)
        }
        var result = Array(bytes[..<(field.range.lowerBound + keyLength(bytes, field))])
        let payloadLength = UInt64(field.range.upperBound - field.payloadStart)
        result += Wire.varint(payloadLength &+ claim)
        result += bytes[field.payloadStart...]
        return result
    }

    /// Start-group and end-group tags (wire types 3 and 4, which proto3 does not use), nested or not.
    private static func groups(using random: inout SplitMix64) -> [UInt8] {
        let number = UInt64(1 + random.below(20))
        let depth = [1, 2, 100, 10_000][random.below(4)]
        var bytes: [UInt8] = []
        for _ in 0..<depth { bytes += Wire.tag(number, Wire.startGroup) }
        if random.oneIn(2) { for _ in 0..<depth { bytes += Wire.tag(number, Wire.endGroup) } }
        return bytes
    }

    /// A length-delimited field holding itself thousands of times over. Written outside in, from the
    /// lengths worked out inside out, so 20,000 levels cost 20,000 headers rather than their square.
    private static func deepNesting(using random: inout SplitMix64) -> [UInt8] {
        let tag = Wire.tag(UInt64(1 + random.below(20)), Wire.lengthDelimited)
        let depth = [10, 1_000, 20_000][random.below(3)]
        var contentLengths = [0]  // contentLengths[k]: the bytes inside level k + 1
        for level in 0..<depth - 1 {
            let inner = contentLengths[level]
            contentLengths.append(tag.count + Wire.varint(UInt64(inner)).count + inner)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(contentLengths.last! + tag.count + 10)
        for length in contentLengths.reversed() { bytes += tag + Wire.varint(UInt64(length)) }
        return bytes
    }

    /// One field appended again and again, up to 100,000 times.
    private static func repeatField(_ bytes: [UInt8], _ fields: [Wire.Field], using random: inout SplitMix64)
        -> [UInt8]
    {
        guard let field = fields.randomElement(using: &random) else { return bytes }
        let copies = min([10, 1_000, 100_000][random.below(3)], (2 << 20) / max(field.range.count, 1))
        var result = bytes
        result.reserveCapacity(bytes.count + copies * field.range.count)
        for _ in 0..<copies { result += bytes[field.range] }
        return result
    }

    /// A field this message does not declare, with any number (0 and above 2^29 - 1 are invalid).
    private static func unknownField(using random: inout SplitMix64) -> [UInt8] {
        let numbers: [UInt64] = [0, 1, 15, 16, 999, 19_000, (1 << 29) - 1, 1 << 29, 1 << 32, .max >> 3]
        let number = numbers[random.below(numbers.count)]
        switch random.below(4) {
        case 0: return Wire.tag(number, Wire.varint) + Wire.varint(random.next())
        case 1: return Wire.tag(number, Wire.fixed64) + Wire.littleEndian(random.next())
        case 2: return Wire.tag(number, Wire.fixed32) + Wire.littleEndian(UInt32(truncatingIfNeeded: random.next()))
        default:
            return Wire.lengthDelimited(
                number, (0..<random.below(64)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }
    }
}
