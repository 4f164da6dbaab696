import Foundation
import Models
import SeededRandom
import Testing

/// The seed for this run's random inputs: $MODELS_FUZZ_SEED if set, else a fresh one. Written to
/// standard error before use (unbuffered, so it survives a crash) to make any failure reproducible.
private func fuzzSeed(for test: String) -> UInt64 {
    let seed = ProcessInfo.processInfo.environment["MODELS_FUZZ_SEED"].flatMap { UInt64($0) } ?? .random(in: 0 ... .max)
    FileHandle.standardError.write(Data("\(test): MODELS_FUZZ_SEED=\(seed)\n".utf8))
    return seed
}

/// Decodes `bytes` as `Message`. Decoding may fail, but only with a decoding error; a message that
/// decodes must re-encode to bytes that decode to the same encoding again.
private func expectDecodesOrFails<Message: ProtoMessage>(
    _: Message.Type, _ bytes: [UInt8], limits: DecodingLimits = .default, seed: UInt64
) {
    do throws(ProtoDecodingError) {
        let encoded = try Message(serializedBytes: bytes, limits: limits).serializedBytes()
        let reencoded = try Message(serializedBytes: encoded).serializedBytes()
        #expect(reencoded == encoded, "\(Message.self) from \(bytes), seed \(seed)")
    } catch {
        #expect(error.code == .malformed || error.code == .allocationLimitExceeded, "\(error), seed \(seed)")
    }
}

/// Random bytes of a random length below 96, biased to small lengths.
private func randomBytes(using generator: inout SplitMix64) -> [UInt8] {
    let count = Int.random(in: 0..<96, using: &generator) >> Int.random(in: 0...2, using: &generator)
    return (0..<count).map { _ in UInt8.random(in: 0 ... .max, using: &generator) }
}

/// `bytes` damaged once: a bit flipped, a byte replaced, inserted or removed, or a slice doubled.
private func mutated(_ bytes: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
    var bytes = bytes
    guard !bytes.isEmpty else { return [UInt8.random(in: 0 ... .max, using: &generator)] }
    let index = Int.random(in: bytes.indices, using: &generator)
    switch Int.random(in: 0..<5, using: &generator) {
    case 0: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
    case 1: bytes[index] = .random(in: 0 ... .max, using: &generator)
    case 2: bytes.insert(.random(in: 0 ... .max, using: &generator), at: index)
    case 3: bytes.remove(at: index)
    default: bytes.insert(contentsOf: bytes[index...].prefix(16), at: index)
    }
    return bytes
}

@Suite("Hostile input never crashes a decoder")
struct HostileInputTests {
    @Test("10,000 random byte strings either decode or throw ProtoDecodingError, for every message type")
    func randomByteStrings() {
        let seed = fuzzSeed(for: "randomByteStrings")
        var generator = SplitMix64(seed: seed)
        for _ in 0..<10_000 {
            let bytes = randomBytes(using: &generator)
            for type in Samples.allMessageTypes {
                expectDecodesOrFails(type, bytes, seed: seed)
            }
        }
    }

    @Test("Every truncation of every sample's encoding either decodes or throws, for every message type")
    func truncatedEncodings() {
        // Samples up to 4 KiB, as in the other fuzz tests: every prefix of a 24 KiB text sample would
        // cost millions of decodes and test nothing the shorter ones do not.
        for sample in Samples.roundTrip {
            let encoding = sample.message.serializedBytes()
            guard encoding.count < 4_096 else { continue }
            for length in 0..<encoding.count {
                for type in Samples.allMessageTypes {
                    expectDecodesOrFails(type, Array(encoding.prefix(length)), seed: 0)
                }
            }
        }
    }

    @Test("Randomly damaged encodings either decode or throw, for every message type")
    func damagedEncodings() {
        let seed = fuzzSeed(for: "damagedEncodings")
        var generator = SplitMix64(seed: seed)
        let encodings = Samples.roundTrip.map { $0.message.serializedBytes() }.filter { $0.count < 4_096 }
        for _ in 0..<5_000 {
            var bytes = encodings.randomElement(using: &generator)!
            for _ in 0...Int.random(in: 0..<4, using: &generator) {
                bytes = mutated(bytes, using: &generator)
            }
            for type in Samples.allMessageTypes {
                expectDecodesOrFails(type, bytes, seed: seed)
            }
        }
    }

    @Test("Allocation failures at random points inside protobuf-c are cleaned up and reported")
    func allocationFailuresAtRandomPoints() {
        let seed = fuzzSeed(for: "allocationFailuresAtRandomPoints")
        var generator = SplitMix64(seed: seed)
        let encodings = Samples.roundTrip.map { $0.message.serializedBytes() }.filter { $0.count < 4_096 }
        for _ in 0..<5_000 {
            let bytes = encodings.randomElement(using: &generator)!
            let limits = DecodingLimits(maxAllocatedBytes: .random(in: 0..<2_048, using: &generator))
            for type in Samples.allMessageTypes {
                expectDecodesOrFails(type, bytes, limits: limits, seed: seed)
            }
        }
    }

    @Test("Deeply nested length prefixes are rejected without deep recursion")
    func deeplyNestedInputIsRejected() {
        // 10,000 nested `inner` headers each claiming the rest: protobuf-c only descends as far as the
        // schema nests (2 levels here), so the rest is malformed input, not a stack overflow.
        var bytes: [UInt8] = []
        for _ in 0..<10_000 {
            bytes = [0x92, 0x01] + varint(bytes.count) + bytes
        }
        expectDecodesOrFails(ConformanceSample.self, bytes, seed: 0)
    }
}

/// The protobuf varint encoding of `value`.
private func varint(_ value: Int) -> [UInt8] {
    var value = UInt64(value)
    var bytes: [UInt8] = []
    while value >= 0x80 {
        bytes.append(UInt8(value & 0x7F) | 0x80)
        value >>= 7
    }
    return bytes + [UInt8(value)]
}
