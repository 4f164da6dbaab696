import Foundation
public import GRDB
public import Logging
public import Messaging
import Metrics
public import Models
import Synchronization

/// Turns a request envelope into a response envelope: authenticates and authorizes the caller,
/// finds the method, decodes its body, runs its handler and encodes the outcome. Handlers only see
/// typed messages and throw ``RPCError``; every status code and error text is made here, once.
///
/// Writes run inside the database's group commit together with their idempotency record and the
/// events they emit, so a repeated write returns its first response and changes nothing, and an
/// acknowledged write is durable with its events (the transactional outbox).
public final class Router: Sendable {
    public let service: String
    private let authenticator: TokenAuthenticator
    /// The service's database, for read handlers.
    public let database: ServiceDatabase
    private let logger: Logger
    private let clock: any ServiceClock
    private let routes = Mutex<[String: Route]>([:])
    private let served = Atomic<UInt64>(0)
    private let metrics = RequestMetrics()

    /// How long a request may run when the caller gave no deadline.
    public static let defaultDeadline: Duration = .seconds(30)

    public init(
        service: String, authenticator: TokenAuthenticator, database: ServiceDatabase, clock: any ServiceClock,
        logger: Logger
    ) {
        self.service = service
        self.authenticator = authenticator
        self.database = database
        self.clock = clock
        self.logger = logger
    }

    /// Requests answered so far, all methods and outcomes.
    public var requestsServed: UInt64 { served.load(ordering: .relaxed) }

    /// Registers a method that reads (or does not touch the database).
    /// - Parameters:
    ///   - name: the method's name without the service, e.g. "Status".
    ///   - role: the least role a caller needs.
    public func read<Request: ProtoMessage, Response: ProtoMessage>(
        _ name: String, role: Role,
        _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        add(name, role: role) { body, context in
            let request = try Self.decode(Request.self, body)
            return Reply(body: try await handler(request, context).serializedBytes())
        }
    }

    /// Registers a quick read by key (an account, a member, a case): `handler` runs in a read snapshot on
    /// the transport's own thread, with no task hand-over, which is most of what such a read costs.
    /// - Important: Only bounded point reads belong here: the thread is one of libnng's few task threads,
    ///   so a handler that scans, sorts or aggregates (lists, reports) must be a ``read(_:role:_:)``.
    public func lookup<Request: ProtoMessage, Response: ProtoMessage>(
        _ name: String, role: Role,
        _ handler: @escaping @Sendable (Request, RequestContext, Database) throws -> Response
    ) {
        let database = self.database
        let answer: @Sendable ([UInt8], RequestContext) throws -> Reply = { body, context in
            let request = try Self.decode(Request.self, body)
            return Reply(body: try database.readNow { db in try handler(request, context, db) }.serializedBytes())
        }
        add(name, role: role, inline: .now(answer)) { body, context in try answer(body, context) }
    }

    /// Registers a write: `handler` runs inside one group-commit transaction with the idempotency
    /// check and record, so it must be synchronous and quick; check what you can in `validate` first
    /// (it runs before, outside the transaction, on the transport's thread: no waiting there either).
    ///
    /// A write is decoded, checked and queued for the group commit on the transport's thread, and
    /// answered from the commit: it wakes no task of its own (see ``answerInline(_:late:)``).
    /// - Parameters:
    ///   - naturalKey: the request's own id (purchase id, entry id, …) used as the idempotency key when
    ///     the envelope has none; return "" when it has none either (then a repeat is applied again).
    ///   - awaitBefore: runs after `validate` and before the write is queued, and may await; a write that
    ///     has it is answered by a task instead (a test service's slow request, say).
    public func write<Request: ProtoMessage, Response: ProtoMessage>(
        _ name: String, role: Role = .writer,
        naturalKey: @escaping @Sendable (Request) -> String = { _ in "" },
        validate: @escaping @Sendable (Request, RequestContext) throws -> Void = { _, _ in },
        awaitBefore: (@Sendable (Request, RequestContext) async throws -> Void)? = nil,
        _ handler: @escaping @Sendable (Request, WriteContext) throws -> Response
    ) {
        let method = "\(service).\(name)"
        let database = self.database
        let clock = self.clock
        /// Decodes and checks a request.
        let check: @Sendable ([UInt8], RequestContext) throws -> Request = { body, context in
            let request = try Self.decode(Request.self, body)
            try validate(request, context)
            return request
        }
        /// The body of a checked request's write.
        let apply: @Sendable (Request, RequestContext) throws -> @Sendable (Database) throws -> Reply = {
            request, context in
            let key = context.idempotencyKey.isEmpty ? naturalKey(request) : context.idempotencyKey
            guard key.utf8.count <= 128 else { throw RPCError.invalidArgument("idempotency_key", "at most 128 bytes") }
            return { db in
                if !key.isEmpty, let first = try database.idempotency.response(method: method, key: key, in: db) {
                    return Reply(body: first, replayed: true)
                }
                let write = WriteContext(db: db, request: context, eventLog: database.eventLog, clock: clock)
                let reply = try handler(request, write).serializedBytes()
                if !key.isEmpty { try database.idempotency.record(method: method, key: key, response: reply, in: db) }
                return Reply(body: reply)
            }
        }
        if let awaitBefore {
            add(name, role: role) { body, context in
                let request = try check(body, context)
                try await awaitBefore(request, context)
                return try await database.write(try apply(request, context))
            }
            return
        }
        add(
            name, role: role,
            inline: .later({ body, context, then in
                database.write(try apply(try check(body, context), context), then: then)
            })
        ) { body, context in
            try await database.write(try apply(try check(body, context), context))
        }
    }

    /// Registers a write too long for one group-commit transaction (an admin's rescoring of every
    /// account): `handler` runs as a task and makes its own writes. With an idempotency key its first
    /// reply is recorded, and a repeat with the key gets that reply, marked replayed, without running.
    /// - Important: Two calls with one key at once may both run (a resend during the first, say); both
    ///   answer with the reply recorded first. So `handler` must be harmless to repeat, or keep calls to
    ///   one at a time itself (checking ``IdempotencyStore`` inside its own turn).
    public func action<Request: ProtoMessage, Response: ProtoMessage>(
        _ name: String, role: Role = .writer,
        validate: @escaping @Sendable (Request, RequestContext) throws -> Void = { _, _ in },
        _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        let method = "\(service).\(name)"
        let database = self.database
        add(name, role: role) { body, context in
            let request = try Self.decode(Request.self, body)
            try validate(request, context)
            let key = context.idempotencyKey
            let idempotency = database.idempotency
            if !key.isEmpty,
                let first = try await database.read({ db in try idempotency.response(method: method, key: key, in: db) }
                )
            {
                return Reply(body: first, replayed: true)
            }
            let reply = try await handler(request, context).serializedBytes()
            guard !key.isEmpty else { return Reply(body: reply) }
            let recorded = try await database.write { db in
                try idempotency.record(method: method, key: key, response: reply, in: db)
                return try idempotency.response(method: method, key: key, in: db) ?? reply
            }
            return Reply(body: recorded, replayed: recorded != reply)
        }
    }

    private func add(
        _ name: String, role: Role, inline: Inline? = nil,
        _ handle: @escaping @Sendable ([UInt8], RequestContext) async throws -> Reply
    ) {
        let method = "\(service).\(name)"
        routes.withLock { routes in
            precondition(routes[method] == nil, "\(method) registered twice")
            routes[method] = Route(role: role, inline: inline, handle: handle)
        }
    }

    /// Forgets every registered method. Handlers capture the router (most for its database), so the
    /// router and its routes keep each other alive: an owner done with the router calls this so that
    /// both go, and the database with them.
    public func removeAllMethods() { routes.withLock { $0.removeAll() } }

    /// The names of the registered methods, sorted.
    public var methods: [String] { routes.withLock { $0.keys.sorted() } }

    /// Answers one request envelope with one response envelope; never throws.
    public func handle(_ envelopeBytes: [UInt8]) async -> [UInt8] {
        let call: Call
        switch begin(envelopeBytes) {
        case .success(let started): call = started
        case .failure(let refusal): return refusal.reply
        }
        let outcome: Result<Reply, any Error>
        do {
            guard let route = call.route else { throw RPCError(.notFound, unknownMethodMessage(call.request.method)) }
            outcome = .success(try await route.handle(call.request.body, try context(for: call, route: route)))
        } catch {
            outcome = .failure(error)
        }
        return finish(call, outcome)
    }

    /// Answers on the calling thread (the transport's) what needs no task: a ``lookup(_:role:_:)`` at
    /// once; a ``write(_:role:naturalKey:validate:_:)`` is checked and queued here and answered through
    /// `late` once its group commit is over (or at once when refused). `.toTask` for any other request,
    /// which ``handle(_:)`` answers.
    public func answerInline(_ envelopeBytes: [UInt8], late: LateReply) -> InlineReply {
        guard case .success(let call) = begin(envelopeBytes), let route = call.route, let inline = route.inline
        else { return .toTask }
        switch inline {
        case .now(let answer):
            return .now(finish(call, Result { try answer(call.request.body, try context(for: call, route: route)) }))
        case .later(let start):
            do {
                try start(call.request.body, try context(for: call, route: route)) { outcome in
                    late.send(self.finish(call, outcome))
                }
                return .later
            } catch {
                return .now(finish(call, .failure(error)))
            }
        }
    }

    /// A request being answered: its envelope, route and log context.
    private struct Call {
        let request: Request
        let requestID: String
        let route: Route?
        let started: ContinuousClock.Instant
    }

    /// An envelope that could not be decoded, and the reply that says so.
    private struct Refusal: Error { let reply: [UInt8] }

    private func begin(_ envelopeBytes: [UInt8]) -> Result<Call, Refusal> {
        let started = ContinuousClock.now
        let request: Request
        do {
            request = try Request(serializedBytes: envelopeBytes)
        } catch {
            served.add(1, ordering: .relaxed)
            let response = Response(code: .invalidArgument, message: "request envelope: \(error.reason)")
            return .failure(Refusal(reply: response.serializedBytes()))
        }
        let requestID = request.requestId.isEmpty ? RequestID.next() : request.requestId
        let route = routes.withLock { $0[request.method] }
        return .success(Call(request: request, requestID: requestID, route: route, started: started))
    }

    /// Authenticates and authorizes the caller and checks the envelope's own fields.
    private func context(for call: Call, route: Route) throws -> RequestContext {
        let request = call.request
        let caller: AccessToken
        switch authenticator.authorize(request.authToken, required: route.role) {
        case .allowed(let token): caller = token
        case .unauthenticated(let reason): throw RPCError.unauthenticated(reason)
        case .permissionDenied(let reason): throw RPCError.permissionDenied(reason)
        }
        guard request.idempotencyKey.utf8.count <= 128 else {
            throw RPCError.invalidArgument("idempotency_key", "at most 128 bytes")
        }
        let budget = request.deadlineMs > 0 ? Duration.milliseconds(request.deadlineMs) : Self.defaultDeadline
        return RequestContext(
            method: request.method, requestID: call.requestID, idempotencyKey: request.idempotencyKey, caller: caller,
            deadline: .now + budget, nowMs: clock.nowMs, serviceLogger: logger)
    }

    /// Encodes the outcome as the response envelope, counts and logs it.
    private func finish(_ call: Call, _ outcome: Result<Reply, any Error>) -> [UInt8] {
        let requestID = call.requestID
        let response: Response
        switch outcome {
        case .success(let reply):
            response = Response(code: .ok, body: reply.body, requestId: requestID, replayed: reply.replayed)
        case .failure(let error as RPCError):
            response = Response(code: error.code, message: error.message, requestId: requestID, field: error.field)
        case .failure(let error as ProtoDecodingError):
            response = Response(code: .invalidArgument, message: "request body: \(error.reason)", requestId: requestID)
        case .failure(let error):
            response = Response(code: .internal, message: "internal error: \(error)", requestId: requestID)
        }
        served.add(1, ordering: .relaxed)
        record(response, for: call)
        return response.serializedBytes()
    }

    private func unknownMethodMessage(_ method: String) -> String {
        let known = methods.joined(separator: ", ")
        guard method.hasPrefix("\(service).") else {
            return "unknown method \"\(method)\": this is the \(service) service (methods: \(known))"
        }
        return "unknown method \"\(method)\" (methods: \(known))"
    }

    /// Counts the answer under its method, or "unknown" (never a caller's made-up name: a label each), and
    /// logs it.
    private func record(_ response: Response, for call: Call) {
        let elapsed = ContinuousClock.now - call.started
        metrics.record(
            method: call.route == nil ? "unknown" : call.request.method, code: response.code, elapsed: elapsed)
        guard response.code != .ok || logger.logLevel <= .debug else { return }
        let logger = self.logger.forRequest(call.requestID, method: call.request.method)
        if response.code == .ok {
            logger.debug("answered", metadata: ["latency": "\(elapsed)"])
        } else {
            logger.warning(
                "failed",
                metadata: ["code": "\(response.code)", "reason": "\(response.message)", "latency": "\(elapsed)"])
        }
    }

    private static func decode<M: ProtoMessage>(_ type: M.Type, _ body: [UInt8]) throws -> M {
        do {
            return try M(serializedBytes: body)
        } catch {
            throw RPCError(.invalidArgument, "request body (\(M.protoName)): \(error.reason)")
        }
    }

    private struct Route: Sendable {
        let role: Role
        /// The same work as `handle`, without awaiting, for ``answerInline(_:late:)``.
        let inline: Inline?
        let handle: @Sendable ([UInt8], RequestContext) async throws -> Reply
    }

    /// How a method is answered without a task.
    private enum Inline: Sendable {
        /// A lookup: its reply, at once.
        case now(@Sendable ([UInt8], RequestContext) throws -> Reply)
        /// A write: refused at once by throwing, or queued; `then` gets its outcome after the commit.
        case later(
            @Sendable (
                _ body: [UInt8], _ context: RequestContext,
                _ then: @escaping @Sendable (Result<Reply, any Error>) -> Void
            ) throws -> Void)
    }

    /// A method's encoded reply, and whether it is the stored reply of an earlier identical write.
    private struct Reply: Sendable {
        var body: [UInt8]
        var replayed = false
    }
}

extension Timer {
    func recordInterval(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
