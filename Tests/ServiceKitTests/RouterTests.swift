import Foundation
import GRDB
import Messaging
import Models
import ServiceKit
import TestKit
import Testing

@Suite("Router")
struct RouterTests {
    static let admin = AccessToken(name: "ops", role: .admin, secret: "admin-secret-value")
    static let reader = AccessToken(name: "report", role: .reader, secret: "reader-secret-value")

    /// A router for a service "demo" with one read ("Echo") and one write ("Put") method.
    private func makeRouter() throws -> (Router, ServiceDatabase) {
        let directory = try makeTemporaryDirectory("cx-router")
        let database = try ServiceDatabase(
            path: "\(directory)/demo.sqlite",
            migrations: [
                ServiceMigration("things") { db in
                    try db.execute(sql: "CREATE TABLE things (id TEXT PRIMARY KEY NOT NULL, n INTEGER NOT NULL)")
                }
            ])
        let router = Router(
            service: "demo", authenticator: TokenAuthenticator(tokens: [Self.admin, Self.reader]), database: database,
            clock: ManualClock(nowMs: 1_700_000_000_000), logger: .init(label: "test"))
        router.read("Echo", role: .reader) { (request: PingRequest, _) in
            PingResponse(nonce: request.nonce, service: "demo")
        }
        router.lookup("Count", role: .reader) { (request: PingRequest, _, db) in
            guard let n = try Int64.fetchOne(db, sql: "SELECT n FROM things WHERE id = ?", arguments: [request.nonce])
            else { throw RPCError.notFound("no thing \"\(request.nonce)\"") }
            return PingResponse(nonce: request.nonce, service: "demo", nowMs: n)
        }
        router.write(
            "Put", naturalKey: { (request: PingRequest) in request.nonce },
            validate: { request, _ in
                if request.nonce.isEmpty { throw RPCError.invalidArgument("nonce", "is required") }
            }
        ) { request, write in
            try write.db.execute(
                sql: "INSERT INTO things (id, n) VALUES (?, 1) ON CONFLICT(id) DO UPDATE SET n = n + 1",
                arguments: [request.nonce])
            let event = try write.emit("thing.put", PingRequest(nonce: request.nonce))
            return PingResponse(nonce: request.nonce, service: "demo", nowMs: Int64(event.seq))
        }
        return (router, database)
    }

    private func call(
        _ router: Router, _ method: String, _ body: some ProtoMessage, token: String = admin.secret, key: String = ""
    ) async throws -> Response {
        let request = Request(
            method: method, requestId: "r-1", idempotencyKey: key, authToken: token, body: body.serializedBytes())
        return try Response(serializedBytes: await router.handle(request.serializedBytes()))
    }

    /// What the router answers on the transport's thread: the reply, whether it came at once or late (then
    /// awaited), or nil when the request is left to ``Router/handle(_:)``.
    private func answerInline(_ router: Router, _ envelope: [UInt8]) async -> (reply: [UInt8], late: Bool)? {
        let (replies, delivery) = AsyncStream<[UInt8]>.makeStream()
        switch router.answerInline(envelope, late: LateReply { delivery.yield($0) }) {
        case .now(let reply): return (reply, false)
        case .toTask: return nil
        case .later:
            for await reply in replies { return (reply, true) }
            return nil
        }
    }

    private func envelope(
        _ method: String, _ nonce: String, token: String = reader.secret, requestID: String = "r-2"
    ) -> [UInt8] {
        Request(
            method: method, requestId: requestID, authToken: token, body: PingRequest(nonce: nonce).serializedBytes()
        )
        .serializedBytes()
    }

    @Test("a lookup is answered inline exactly as through handle; reads that await are left to handle")
    func lookupsAnswerInline() async throws {
        let (router, _) = try makeRouter()
        _ = try await call(router, "demo.Put", PingRequest(nonce: "a"))
        for (method, nonce, token) in [
            ("demo.Count", "a", Self.reader.secret), ("demo.Count", "missing", Self.reader.secret),
            ("demo.Count", "a", "not-a-token"),
        ] {
            let inline = try #require(await answerInline(router, envelope(method, nonce, token: token)))
            #expect(!inline.late)
            let handled = await router.handle(envelope(method, nonce, token: token))
            let response = try Response(serializedBytes: inline.reply)
            #expect(try Response(serializedBytes: handled) == response)
            #expect(response.requestId == "r-2")
        }
        let found = try Response(
            serializedBytes: try #require(await answerInline(router, envelope("demo.Count", "a"))).reply)
        #expect(found.code == .ok)
        #expect(try PingResponse(serializedBytes: found.body).nowMs == 1)
        #expect(await answerInline(router, envelope("demo.Echo", "x")) == nil, "a read that may await goes to handle")
        #expect(await answerInline(router, envelope("demo.Nope", "x")) == nil, "unknown methods get handle's NOT_FOUND")
        #expect(await answerInline(router, [0xFF, 0xFF]) == nil, "a broken envelope gets handle's error")
    }

    @Test("a write is queued inline and answered after its commit, as through handle; a refusal comes at once")
    func writesAnswerLate() async throws {
        let (router, database) = try makeRouter()
        let admin = Self.admin.secret
        let first = try #require(await answerInline(router, envelope("demo.Put", "w", token: admin)))
        #expect(first.late)
        let applied = try Response(serializedBytes: first.reply)
        #expect(applied.code == .ok && !applied.replayed && applied.requestId == "r-2")
        // The same natural key again, inline and through handle: the first reply, replayed, nothing applied.
        let again = try Response(
            serializedBytes: try #require(await answerInline(router, envelope("demo.Put", "w", token: admin))).reply)
        let handled = try Response(serializedBytes: await router.handle(envelope("demo.Put", "w", token: admin)))
        #expect(again.replayed && again.body == applied.body)
        #expect(handled == again)
        // Refused before the commit: answered at once, naming the field; nothing written.
        let invalid = try #require(await answerInline(router, envelope("demo.Put", "", token: admin)))
        #expect(!invalid.late)
        let refusal = try Response(serializedBytes: invalid.reply)
        #expect(refusal.code == .invalidArgument && refusal.field == "nonce")
        let denied = try #require(await answerInline(router, envelope("demo.Put", "x", token: Self.reader.secret)))
        #expect(!denied.late)
        #expect(try Response(serializedBytes: denied.reply).code == .permissionDenied)
        let things = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, n FROM things").map { "\($0["id"] as String)=\($0["n"] as Int64)" }
        }
        #expect(things == ["w=1"])
    }

    @Test("a write queued inline after the database closed is answered with the error, not left hanging")
    func writeAfterCloseIsAnswered() async throws {
        let (router, database) = try makeRouter()
        try await database.close()
        let answer = try #require(await answerInline(router, envelope("demo.Put", "late", token: Self.admin.secret)))
        let response = try Response(serializedBytes: answer.reply)
        #expect(response.code != .ok)
        #expect(response.requestId == "r-2")
    }

    @Test("a read is answered with its reply and the request id")
    func readAnswers() async throws {
        let (router, _) = try makeRouter()
        let response = try await call(router, "demo.Echo", PingRequest(nonce: "hi"))
        #expect(response.code == .ok)
        #expect(response.requestId == "r-1")
        #expect(try PingResponse(serializedBytes: response.body).nonce == "hi")
    }

    @Test("garbage instead of an envelope is INVALID_ARGUMENT, not a crash")
    func garbageEnvelope() async throws {
        let (router, _) = try makeRouter()
        let response = try Response(serializedBytes: await router.handle([0xFF, 0xFF, 0xFF, 0x01]))
        #expect(response.code == .invalidArgument)
        #expect(response.message.contains("envelope"))
    }

    @Test("an undecodable body is INVALID_ARGUMENT naming the message type")
    func undecodableBody() async throws {
        let (router, _) = try makeRouter()
        let request = Request(method: "demo.Echo", authToken: Self.admin.secret, body: [0x0A, 0xFF])
        let response = try Response(serializedBytes: await router.handle(request.serializedBytes()))
        #expect(response.code == .invalidArgument)
        #expect(response.message.contains("cx.v1.PingRequest"))
    }

    @Test("an unknown method is NOT_FOUND listing the service's methods")
    func unknownMethod() async throws {
        let (router, _) = try makeRouter()
        let wrongService = try await call(router, "loyalty.Echo", PingRequest())
        #expect(wrongService.code == .notFound)
        #expect(wrongService.message.contains("this is the demo service"))
        let unknown = try await call(router, "demo.Nope", PingRequest())
        #expect(unknown.code == .notFound)
        #expect(unknown.message.contains("demo.Echo"))
    }

    @Test("failed validation is INVALID_ARGUMENT with the field, and writes nothing")
    func validationNamesTheField() async throws {
        let (router, database) = try makeRouter()
        let response = try await call(router, "demo.Put", PingRequest(nonce: ""))
        #expect(response.code == .invalidArgument)
        #expect(response.field == "nonce")
        #expect(try await database.read { try database.eventLog.latestSeq(in: $0) } == 0)
    }

    @Test("a reader token on a write is PERMISSION_DENIED, an unknown one UNAUTHENTICATED; nothing is written")
    func authIsChecked() async throws {
        let (router, database) = try makeRouter()
        let denied = try await call(router, "demo.Put", PingRequest(nonce: "x"), token: Self.reader.secret)
        #expect(denied.code == .permissionDenied)
        let unknown = try await call(router, "demo.Put", PingRequest(nonce: "x"), token: "nope")
        #expect(unknown.code == .unauthenticated)
        #expect(!unknown.message.contains(Self.admin.secret))
        #expect(try await database.read { try database.eventLog.latestSeq(in: $0) } == 0)
    }

    @Test("a repeated write returns the first response, marked replayed, and emits one event")
    func writesAreIdempotent() async throws {
        let (router, database) = try makeRouter()
        let first = try await call(router, "demo.Put", PingRequest(nonce: "k"))
        let second = try await call(router, "demo.Put", PingRequest(nonce: "k"))
        #expect(first.code == .ok)
        #expect(first.body == second.body)
        #expect(!first.replayed && second.replayed, "the repeat says it was applied before, not now")
        let viaKey = try await call(router, "demo.Put", PingRequest(nonce: "other"), key: "envelope-key")
        let viaKeyAgain = try await call(router, "demo.Put", PingRequest(nonce: "another"), key: "envelope-key")
        #expect(viaKey.body == viaKeyAgain.body)
        #expect(!viaKey.replayed && viaKeyAgain.replayed)
        #expect(try await database.read { try database.eventLog.latestSeq(in: $0) } == 2)
    }

    @Test("an action runs as a task and makes its own writes; with a key, a repeat gets the first reply, replayed")
    func actionsAnswerRepeatsWithTheFirstReply() async throws {
        let (router, database) = try makeRouter()
        // Each run makes two writes of its own and answers with how many runs there were.
        router.action(
            "Bump",
            validate: { (request: PingRequest, _) in
                if request.nonce.isEmpty { throw RPCError.invalidArgument("nonce", "is required") }
            }
        ) { request, _ in
            for _ in 0..<2 {
                try await database.write { db in
                    try db.execute(
                        sql: "INSERT INTO things (id, n) VALUES (?, 1) ON CONFLICT(id) DO UPDATE SET n = n + 1",
                        arguments: [request.nonce])
                }
            }
            let n = try await database.read {
                try Int64.fetchOne($0, sql: "SELECT n FROM things WHERE id = ?", arguments: [request.nonce])
            }
            return PingResponse(nonce: request.nonce, service: "demo", nowMs: n ?? 0)
        }
        func runs(_ id: String) async throws -> Int {
            try await database.read {
                try Int.fetchOne($0, sql: "SELECT n FROM things WHERE id = ?", arguments: [id]) ?? 0
            } / 2
        }

        let first = try await call(router, "demo.Bump", PingRequest(nonce: "a"), key: "bump-1")
        let again = try await call(router, "demo.Bump", PingRequest(nonce: "a"), key: "bump-1")
        #expect(first.code == .ok && !first.replayed)
        #expect(again.replayed && again.body == first.body)
        #expect(try await runs("a") == 1, "the repeat ran again")
        // Without a key every call runs; a refused one runs nothing.
        _ = try await call(router, "demo.Bump", PingRequest(nonce: "b"))
        let second = try await call(router, "demo.Bump", PingRequest(nonce: "b"))
        let secondRuns = try PingResponse(serializedBytes: second.body).nowMs
        #expect(!second.replayed && secondRuns == 4)
        let refused = try await call(router, "demo.Bump", PingRequest(nonce: ""), key: "bump-2")
        #expect(refused.code == .invalidArgument && refused.field == "nonce")
        // Calls with one key at once may each run, but all answer with the reply recorded first.
        let replies = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 {
                group.addTask { try await call(router, "demo.Bump", PingRequest(nonce: "c"), key: "bump-3").body }
            }
            return try await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
        }
        #expect(replies.count == 1)
    }

    @Test("concurrent writes with the same key apply once")
    func concurrentRepeatsApplyOnce() async throws {
        let (router, database) = try makeRouter()
        let replies = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<50 { group.addTask { try await call(router, "demo.Put", PingRequest(nonce: "same")).body } }
            return try await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
        }
        #expect(replies.count == 1)
        let count = try await database.read { try Int.fetchOne($0, sql: "SELECT n FROM things WHERE id = 'same'") }
        #expect(count == 1)
    }

    @Test("a dropped in-process service frees its router and database, though its handlers capture the router")
    func droppedServiceIsFreed() async throws {
        let definition = ServiceDefinition(name: "demo") { router in
            router.read("Echo", role: .reader) { (request: PingRequest, _) in
                // As the services' read methods do, which reach the database through the router.
                PingResponse(nonce: request.nonce, service: router.service, nowMs: router.database.fileSizeBytes)
            }
        }
        weak var router: Router?
        weak var database: ServiceDatabase?
        do {
            let service = try InProcessService(definition)
            router = service.router
            database = service.database
            let reply: PingResponse = try await service.call("Echo", PingRequest(nonce: "n"))
            #expect(reply.nonce == "n")
        }
        #expect(router == nil && database == nil)
    }
}
