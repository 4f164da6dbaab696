import Models
import SeededRandom

/// A request envelope as bytes, so that its strings can hold what a Swift `Request` cannot (invalid
/// UTF-8); field numbers from the envelope's schema.
struct Envelope {
    var method: [UInt8]
    var requestID: [UInt8]
    var idempotencyKey: [UInt8] = []
    var authToken: [UInt8]
    var deadlineMs: Int64 = 30_000
    var body: [UInt8]

    private static let numbers = Dictionary(
        uniqueKeysWithValues: ProtoSchema(of: Request.self)!.fields.map { ($0.name, UInt64($0.number)) })

    func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        let strings = [("method", method), ("request_id", requestID), ("idempotency_key", idempotencyKey)]
        for (name, value) in strings + [("auth_token", authToken)] where !value.isEmpty {
            bytes += Wire.lengthDelimited(Self.numbers[name]!, value)
        }
        if deadlineMs != 0 {
            bytes += Wire.tag(Self.numbers["deadline_ms"]!, Wire.varint) + Wire.varint(UInt64(bitPattern: deadlineMs))
        }
        if !body.isEmpty { bytes += Wire.lengthDelimited(Self.numbers["body"]!, body) }
        return bytes
    }
}

/// The secrets of the tokens the services are configured with.
struct Tokens: Sendable {
    let admin: String
    let writer: String
    let reader: String

    var setting: String { "admin:ops:\(admin),writer:app:\(writer),reader:report:\(reader)" }
}

/// One fuzz input: the frame sent to one service, and how it was made (for the figures).
struct Input: Sendable {
    enum Kind: String, CaseIterable, Sendable {
        /// A valid envelope whose body has plausible values, with a hostile one now and then.
        case plausible
        /// A valid envelope whose body has hostile values in every field it sets.
        case hostileFields = "hostile_fields"
        /// A plausible body damaged at the wire level.
        case wireMutation = "wire_mutation"
        /// A plausible body under an envelope with a strange method, token, key, deadline or id.
        case envelope
        /// A plausible request whose envelope bytes are damaged at the wire level.
        case envelopeBytes = "envelope_bytes"
        /// Random bytes as the body.
        case randomBody = "random_body"
        /// Random bytes, or nothing, as the whole frame.
        case randomFrame = "random_frame"
        /// An envelope of almost the largest size the socket takes.
        case nearLimit = "near_limit"
    }

    let number: UInt64
    let service: String
    let kind: Kind
    let frame: [UInt8]
}

/// Makes input number n of a run from the run's seed alone, so any input can be made again.
struct InputFactory: Sendable {
    let seed: UInt64
    let tokens: Tokens
    let generator: MessageGenerator
    /// Biggest frame the services' sockets accept (their SocketOptions.maxMessageBytes).
    let frameLimit: Int
    private let methods: [String: [MethodEntry]]
    private let schemas: [String: ProtoSchema]

    init(seed: UInt64, tokens: Tokens, values: Values, frameLimit: Int) {
        self.seed = seed
        self.tokens = tokens
        self.frameLimit = frameLimit
        generator = MessageGenerator(values: values)
        var methods: [String: [MethodEntry]] = [:]
        var schemas: [String: ProtoSchema] = [:]
        for service in Catalogue.services {
            methods[service] = Catalogue.methods(of: service)
            for method in methods[service]! { schemas[method.request.protoName] = ProtoSchema(of: method.request)! }
        }
        self.methods = methods
        self.schemas = schemas
    }

    func input(_ number: UInt64) -> Input {
        var mixer = SplitMix64(seed: number)
        var random = SplitMix64(seed: seed ^ mixer.next())
        let service = Catalogue.services[Int(number % UInt64(Catalogue.services.count))]
        let method = methods[service]!.randomElement(using: &random)!
        let kind = pickKind(using: &random)
        var envelope = Envelope(
            method: Array(method.fullName.utf8), requestID: Array("fz-\(number)".utf8),
            idempotencyKey: random.oneIn(4) ? Array("fz-key-\(random.below(8))".utf8) : [],
            authToken: Array(tokens.admin.utf8), body: [])
        let schema = schemas[method.request.protoName]!
        switch kind {
        case .plausible:
            envelope.body = generator.message(schema, .plausible, using: &random)
        case .hostileFields:
            envelope.body = generator.message(schema, .hostile, using: &random)
        case .wireMutation:
            envelope.body = generator.message(schema, random.oneIn(3) ? .hostile : .plausible, using: &random)
            for _ in 0...random.below(3) { envelope.body = Mutations.mutate(envelope.body, using: &random) }
        case .envelope:
            envelope.body = generator.message(schema, .plausible, using: &random)
            for _ in 0...random.below(2) { strange(&envelope, service: service, using: &random) }
        case .envelopeBytes:
            envelope.body = generator.message(schema, .plausible, using: &random)
            var frame = envelope.encoded()
            for _ in 0...random.below(3) { frame = Mutations.mutate(frame, using: &random) }
            return Input(number: number, service: service, kind: kind, frame: fitted(frame))
        case .randomBody:
            envelope.body = generator.values.randomBytes(maximum: [8, 64, 4_096][random.below(3)], using: &random)
        case .randomFrame:
            let frame = generator.values.randomBytes(maximum: [0, 16, 512][random.below(3)], using: &random)
            return Input(number: number, service: service, kind: kind, frame: frame)
        case .nearLimit:
            envelope.body = filling(generator.message(schema, .plausible, using: &random), using: &random)
            let frame = envelope.encoded()
            return Input(number: number, service: service, kind: kind, frame: frame)
        }
        return Input(number: number, service: service, kind: kind, frame: fitted(envelope.encoded()))
    }

    private func pickKind(using random: inout SplitMix64) -> Input.Kind {
        if random.oneIn(4_000) { return .nearLimit }
        let weights: [(Input.Kind, Int)] = [
            (.plausible, 30), (.hostileFields, 20), (.wireMutation, 25), (.envelope, 12), (.envelopeBytes, 6),
            (.randomBody, 4), (.randomFrame, 3),
        ]
        var pick = random.below(weights.reduce(0) { $0 + $1.1 })
        for (kind, weight) in weights {
            if pick < weight { return kind }
            pick -= weight
        }
        return .plausible
    }

    /// The frame cut to what the socket takes: frames beyond it are a phase of their own (they get
    /// no answer by design), not something a random input should stumble into.
    private func fitted(_ frame: [UInt8]) -> [UInt8] {
        frame.count <= frameLimit - 1_024 ? frame : Array(frame.prefix(frameLimit - 1_024))
    }

    /// `body` with its first field repeated (or an unknown field added) until the envelope is 1 KiB
    /// short of the frame limit.
    private func filling(_ body: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        let target = frameLimit - 1_024 - 512
        guard let field = Wire.fields(body)?.first, field.range.count < 4_096 else {
            let padding = target - body.count - 16
            return body + Wire.lengthDelimited(19_000, [UInt8](repeating: 0x61, count: max(0, padding)))
        }
        var filled = body
        filled.reserveCapacity(target)
        while filled.count + field.range.count <= target { filled += body[field.range] }
        return filled
    }

    /// Changes one thing about the envelope: the method, the token, the key, the deadline or the id.
    private func strange(_ envelope: inout Envelope, service: String, using random: inout SplitMix64) {
        let values = generator.values
        switch random.below(5) {
        case 0:
            let other = Catalogue.services.randomElement(using: &random)!
            let otherMethod = methods[other]!.randomElement(using: &random)!
            let names: [[UInt8]] = [
                [], Array(otherMethod.fullName.utf8), Array(otherMethod.name.utf8), Array("\(service).".utf8),
                Array(envelope.method.map { $0 ^ 0x20 }), envelope.method + [0] + Array("tail".utf8),
                envelope.method + [0x20], Values.invalidUTF8[random.below(Values.invalidUTF8.count)] + envelope.method,
                Array(repeating: 0x61, count: [129, 65_536, 1 << 20, 3 << 20][random.below(4)]),
            ]
            envelope.method = names[random.below(names.count)]
        case 1:
            let tokens: [[UInt8]] = [
                [], Array(self.tokens.writer.utf8), Array(self.tokens.reader.utf8), Array("not-a-token".utf8),
                Array(self.tokens.admin.utf8.dropLast()), Array(self.tokens.admin.utf8) + [0] + Array("x".utf8),
                Array(self.tokens.admin.utf8) + [0xFF], Array("admin:ops:\(self.tokens.admin)".utf8),
                values.hostileString(using: &random),
            ]
            envelope.authToken = tokens[random.below(tokens.count)]
        case 2:
            let keys: [[UInt8]] = [
                Array(repeating: 0x6B, count: 128), Array(repeating: 0x6B, count: 129),
                Array(repeating: 0xFF, count: 50),  // 50 bytes sent, 150 after U+FFFD repair
                Array(repeating: 0x6B, count: 100) + [0] + Array(repeating: 0x6B, count: 100),
                values.hostileString(using: &random),
            ]
            envelope.idempotencyKey = keys[random.below(keys.count)]
        case 3:
            envelope.deadlineMs = [.min, -1, 0, 1, .max, Int64(Int32.max) + 1][random.below(6)]
        default:
            envelope.requestID = random.oneIn(2) ? [] : values.hostileString(using: &random)
        }
    }
}
