/// The protobuf wire format written by hand, so that inputs can break it on purpose: varints of any
/// length, any tag and wire type, lengths that lie. (The generated models only write valid encodings.)
enum Wire {
    static let varint: UInt8 = 0
    static let fixed64: UInt8 = 1
    static let lengthDelimited: UInt8 = 2
    static let startGroup: UInt8 = 3
    static let endGroup: UInt8 = 4
    static let fixed32: UInt8 = 5

    /// `value` as a varint, padded with continuation bytes to `minimumLength` bytes: a decoder must
    /// take 10 bytes and may refuse 11 or more.
    static func varint(_ value: UInt64, minimumLength: Int = 1) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        } while value != 0 || bytes.count < minimumLength
        bytes[bytes.count - 1] &= 0x7F
        return bytes
    }

    static func tag(_ number: UInt64, _ wireType: UInt8) -> [UInt8] {
        varint(number << 3 | UInt64(wireType & 7))
    }

    static func lengthDelimited(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] {
        tag(number, lengthDelimited) + varint(UInt64(payload.count)) + payload
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    static func zigZag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    /// One field of an encoding as it lies in the bytes: where it starts and ends, its tag, and where
    /// its payload starts (after the tag, and after the length of a length-delimited field).
    struct Field {
        var range: Range<Int>
        var number: UInt64
        var wireType: UInt8
        var payloadStart: Int
    }

    /// The top-level fields of `bytes`, or nil when they do not parse as a sequence of fields.
    static func fields(_ bytes: [UInt8]) -> [Field]? {
        var fields: [Field] = []
        var position = 0
        while position < bytes.count {
            let start = position
            guard let key = readVarint(bytes, &position) else { return nil }
            let wireType = UInt8(key & 7)
            let payloadStart: Int
            switch wireType {
            case varint:
                payloadStart = position
                guard readVarint(bytes, &position) != nil else { return nil }
            case fixed64, fixed32:
                payloadStart = position
                position += wireType == fixed64 ? 8 : 4
            case lengthDelimited:
                guard let length = readVarint(bytes, &position), length <= UInt64(bytes.count - position) else {
                    return nil
                }
                payloadStart = position
                position += Int(length)
            default: return nil
            }
            guard position <= bytes.count else { return nil }
            fields.append(
                Field(range: start..<position, number: key >> 3, wireType: wireType, payloadStart: payloadStart))
        }
        return fields
    }

    /// Reads a varint of at most 10 bytes at `position` and moves past it.
    static func readVarint(_ bytes: [UInt8], _ position: inout Int) -> UInt64? {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard position < bytes.count else { return nil }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 { return value }
        }
        return nil
    }
}
