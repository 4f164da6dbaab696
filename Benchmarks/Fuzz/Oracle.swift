import Models

/// What a service must answer to a frame, worked out from the frame alone by decoding it here with
/// the same decoders: the router checks the envelope, then the method, the token, the idempotency
/// key and the body, in that order, and each refusal has its own code.
enum Expectation {
    /// The frame is no envelope: INVALID_ARGUMENT "request envelope: …".
    case envelopeRefused
    /// No such method on this service: NOT_FOUND.
    case unknownMethod
    /// No token or an unknown one: UNAUTHENTICATED.
    case unauthenticated
    /// A key over 128 bytes: INVALID_ARGUMENT on idempotency_key.
    case keyTooLong(MethodEntry)
    /// The body is no encoding of the method's request: INVALID_ARGUMENT "request body (<type>): …".
    case bodyRefused(MethodEntry)
    /// The request reaches the method's validation and handler: any proper answer but INTERNAL; an
    /// OK carries the method's reply message.
    case handled(MethodEntry)
}

/// The verdict on one reply: nil when it is what the frame called for, else what is wrong.
struct Oracle: Sendable {
    let tokens: Tokens
    private let methods: [String: MethodEntry]

    init(tokens: Tokens) {
        self.tokens = tokens
        var methods: [String: MethodEntry] = [:]
        for service in Catalogue.services {
            for method in Catalogue.methods(of: service) { methods[method.fullName] = method }
        }
        self.methods = methods
    }

    /// The method the frame calls, when it is an envelope.
    func methodName(in frame: [UInt8]) -> String? { (try? Request(serializedBytes: frame))?.method }

    /// What `service` must answer to `frame`, and whether the token is one whose role may be too low.
    func expectation(for frame: [UInt8], to service: String) -> (Expectation, envelope: Request?, roleMayFail: Bool) {
        guard let request = try? Request(serializedBytes: frame) else { return (.envelopeRefused, nil, false) }
        guard let method = methods[request.method], method.service == service else {
            return (.unknownMethod, request, false)
        }
        guard [tokens.admin, tokens.writer, tokens.reader].contains(request.authToken) else {
            return (.unauthenticated, request, false)
        }
        let roleMayFail = request.authToken != tokens.admin
        guard request.idempotencyKey.utf8.count <= 128 else { return (.keyTooLong(method), request, roleMayFail) }
        guard (try? method.request.init(serializedBytes: request.body)) != nil else {
            return (.bodyRefused(method), request, roleMayFail)
        }
        return (.handled(method), request, roleMayFail)
    }

    /// Checks `reply` against what `frame` called for.
    /// - Returns: the decoded reply, and a description of what is wrong with it (nil when nothing is).
    func judge(_ reply: [UInt8], to frame: [UInt8], service: String) -> (Response?, problem: String?) {
        guard let response = try? Response(serializedBytes: reply) else {
            return (nil, "the reply is no Response (\(reply.count) bytes)")
        }
        guard StatusCode.allCases.contains(response.code) else {
            return (response, "status code \(response.code.rawValue) is none the suite defines")
        }
        let (expected, envelope, roleMayFail) = expectation(for: frame, to: service)
        if let problem = requestIDProblem(response, envelope) { return (response, problem) }
        if response.code != .ok && (response.message.isEmpty || !response.body.isEmpty) {
            return (response, "\(response.code) without a message, or with a body")
        }
        if roleMayFail && response.code == .permissionDenied { return (response, nil) }
        let said = "\(response.code) \"\(response.message.prefix(200))\""
        switch expected {
        case .envelopeRefused:
            guard response.code == .invalidArgument, response.message.hasPrefix("request envelope") else {
                return (response, "an undecodable envelope got \(said)")
            }
        case .unknownMethod:
            guard response.code == .notFound else { return (response, "an unknown method got \(said)") }
        case .unauthenticated:
            guard response.code == .unauthenticated else { return (response, "an unknown token got \(said)") }
        case .keyTooLong:
            guard response.code == .invalidArgument, response.field == "idempotency_key" else {
                return (response, "an idempotency key over 128 bytes got \(said)")
            }
        case .bodyRefused(let method):
            guard response.code == .invalidArgument,
                response.message.hasPrefix("request body (\(method.request.protoName))")
            else { return (response, "an undecodable \(method.request.protoName) got \(said)") }
        case .handled(let method):
            return (response, handledProblem(response, method, said: said))
        }
        return (response, nil)
    }

    private func requestIDProblem(_ response: Response, _ envelope: Request?) -> String? {
        guard let envelope else { return nil }
        if envelope.requestId.isEmpty {
            return response.requestId.isEmpty ? "no request id was made up for a request without one" : nil
        }
        return response.requestId == envelope.requestId ? nil : "the request id was not echoed"
    }

    private func handledProblem(_ response: Response, _ method: MethodEntry, said: String) -> String? {
        switch response.code {
        case .internal:
            return "INTERNAL: \(response.message.prefix(300))"
        case .ok:
            guard let reply = try? method.reply.init(serializedBytes: response.body) else {
                return "an OK reply body is no \(method.reply.protoName)"
            }
            guard reply.serializedBytes() == response.body else {
                return "an OK reply body is not the canonical encoding of a \(method.reply.protoName)"
            }
            return nil
        case .invalidArgument:
            if response.message.hasPrefix("request body") || response.message.hasPrefix("request envelope") {
                return "a decodable request was refused as undecodable: \(said)"
            }
            return fieldPathProblem(response.field, in: ProtoSchema(of: method.request)!)
        default:
            return nil
        }
    }

    /// An INVALID_ARGUMENT's field must be a path of the request's fields, e.g. "events[3].amount".
    private func fieldPathProblem(_ path: String, in schema: ProtoSchema) -> String? {
        guard !path.isEmpty, path != "idempotency_key" else { return nil }
        var current: ProtoSchema? = schema
        for component in path.split(separator: ".") {
            let name = component.split(separator: "[").first.map(String.init) ?? ""
            guard let field = current?.fields.first(where: { $0.name == name }) else {
                return "INVALID_ARGUMENT names field \"\(path)\", which \(schema.name) does not have"
            }
            current = field.message
        }
        return nil
    }
}
