public import Foundation
public import Models
public import ServiceKit

/// A service's router and database in this process, on a fresh database file and a manual clock:
/// for testing a service's methods through the same envelope path the socket uses, without sockets.
public final class InProcessService: Sendable {
    public static let admin = AccessToken(name: "ops", role: .admin, secret: "test-admin-secret-0123")
    public static let writer = AccessToken(name: "app", role: .writer, secret: "test-writer-secret-0123")
    public static let reader = AccessToken(name: "report", role: .reader, secret: "test-reader-secret-0123")

    public let router: Router
    public let database: ServiceDatabase
    public let clock: ManualClock

    public init(_ definition: ServiceDefinition, nowMs: Int64 = 1_767_225_600_000) throws {
        let directory = try makeTemporaryDirectory("cx-\(definition.name)")
        clock = ManualClock(nowMs: nowMs)
        database = try ServiceDatabase(
            path: "\(directory)/\(definition.name).sqlite", migrations: definition.migrations)
        router = Router(
            service: definition.name,
            authenticator: TokenAuthenticator(tokens: [Self.admin, Self.writer, Self.reader]),
            database: database, clock: clock, logger: .init(label: "test"))
        definition.registerMethods(router)
    }

    /// Calls `<service>.<method>` through the router and decodes the reply.
    /// - Throws: ``RPCError`` with the response's code, message and field when it is not OK.
    public func call<Reply: ProtoMessage>(
        _ method: String, _ request: some ProtoMessage, returning: Reply.Type = Reply.self,
        token: AccessToken = admin, idempotencyKey: String = ""
    ) async throws -> Reply {
        let envelope = Request(
            method: "\(router.service).\(method)", idempotencyKey: idempotencyKey, authToken: token.secret,
            body: request.serializedBytes())
        let response = try Response(serializedBytes: await router.handle(envelope.serializedBytes()))
        guard response.code == .ok else { throw RPCError(response.code, response.message, field: response.field) }
        return try Reply(serializedBytes: response.body)
    }

    /// The events the service has logged so far.
    public func events() async throws -> [StoredEvent] {
        try await database.read { try self.database.eventLog.events(after: 0, limit: 100_000, in: $0) }
    }
}
