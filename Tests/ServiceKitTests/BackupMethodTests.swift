import Client
import Foundation
import GRDB
import Models
@testable import ServiceKit
import TestKit
import Testing

/// `Backup` and `PauseSubscriptions` through the router, on a real database file and a manual clock.
@Suite("Backup: a consistent copy read in chunks")
struct BackupMethodTests {
    static let admin = AccessToken(name: "ops", role: .admin, secret: "admin-secret-value")
    static let writer = AccessToken(name: "app", role: .writer, secret: "writer-secret-value")
    static let reader = AccessToken(name: "report", role: .reader, secret: "reader-secret-value")

    /// A service "demo" whose database holds notes, each written with its event in one transaction.
    final class Fixture: Sendable {
        let directory: String
        let database: ServiceDatabase
        let router: Router
        let clock = ManualClock(nowMs: 1_767_225_600_000)
        let snapshots: DatabaseSnapshots
        let pause = SubscriptionPause()

        init(directory: String? = nil) throws {
            self.directory = try directory ?? makeTemporaryDirectory("cx-backup")
            database = try ServiceDatabase(path: "\(self.directory)/demo.sqlite", migrations: [StorageFixture.notes])
            router = Router(
                service: "demo",
                authenticator: TokenAuthenticator(tokens: [
                    BackupMethodTests.admin, BackupMethodTests.writer, BackupMethodTests.reader,
                ]),
                database: database, clock: clock, logger: .init(label: "test"))
            snapshots = DatabaseSnapshots(
                service: "demo", database: database, clock: clock, logger: .init(label: "test"))
            BackupMethods.register(on: router, snapshots: snapshots, pause: pause)
        }

        /// Notes `ids`, each with its event and a cursor of source "health" at the id, one write each.
        func addNotes(_ ids: some Sequence<Int>, text: String = String(repeating: "a note of some length ", count: 10))
            async throws
        {
            for id in ids {
                try await database.write { db in
                    try StorageFixture.insertNote(id, "\(id) \(text)", in: db)
                    _ = try self.database.eventLog.append(
                        NewEvent(
                            type: "note.added", customerID: "c-\(id % 7)", occurredAtMs: 1, body: [UInt8(id % 256)]),
                        in: db)
                    try self.database.cursors.setAppliedSeq(UInt64(id), source: "health", in: db)
                }
            }
        }

        func call<Reply: ProtoMessage>(
            _ method: String, _ body: some ProtoMessage, token: AccessToken = BackupMethodTests.admin,
            requestID: String = UUID().uuidString
        ) async throws -> Reply {
            let request = Request(
                method: "demo.\(method)", requestId: requestID, authToken: token.secret, body: body.serializedBytes())
            let response = try Response(serializedBytes: await router.handle(request.serializedBytes()))
            guard response.code == .ok else { throw RPCError(response.code, response.message, field: response.field) }
            return try Reply(serializedBytes: response.body)
        }

        /// Reads a whole copy, chunk by chunk, into `path`; the first reply.
        func download(to path: String, chunkBytes: UInt32) async throws -> BackupResponse {
            let first: BackupResponse = try await call("Backup", BackupRequest(maxChunkBytes: chunkBytes))
            var bytes = first.chunk
            var reply = first
            while !reply.last {
                reply = try await call(
                    "Backup",
                    BackupRequest(snapshotId: first.snapshotId, offset: Int64(bytes.count), maxChunkBytes: chunkBytes))
                #expect(reply.offset == Int64(bytes.count) && reply.sha256 == first.sha256)
                bytes += reply.chunk
            }
            #expect(Int64(bytes.count) == first.totalBytes)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return first
        }

        var backupFiles: [String] {
            (try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/backups").sorted()) ?? []
        }
    }

    /// Every row of every table in order, and the schema: two databases with equal dumps hold the same data.
    static func dump(_ reader: some DatabaseReader) throws -> [String: [Row]] {
        try reader.read { db in
            let tables = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            var dump: [String: [Row]] = [:]
            for table in tables {
                dump[table] = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY 1")
            }
            dump["sqlite_master"] = try Row.fetchAll(db, sql: "SELECT type, name, sql FROM sqlite_master ORDER BY name")
            return dump
        }
    }

    @Test("the chunks reassemble into an SQLite file that holds what the source holds, and the copy is then deleted")
    func chunksReassemble() async throws {
        let fixture = try Fixture()
        try await fixture.addNotes(1...2_000)
        let copyPath = "\(fixture.directory)/restored.sqlite"

        let first = try await fixture.download(to: copyPath, chunkBytes: 64 << 10)

        #expect(first.totalBytes > 4 * (64 << 10), "the copy came in several chunks")
        #expect(first.service == "demo" && first.latestSeq == 2_000 && first.takenAtMs == fixture.clock.nowMs)
        #expect(first.cursors == [SubscriptionCursor(source: "health", appliedSeq: 2_000)])
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: copyPath)))
        #expect(SHA256.hex(of: bytes) == first.sha256)
        #expect(try Self.sha256sum(copyPath) == first.sha256, "an operator can check it with sha256sum")
        let copy = try DatabaseQueue(path: copyPath)
        defer { try? copy.close() }
        #expect(try await copy.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        let source = try DatabasePool(path: "\(fixture.directory)/demo.sqlite")
        defer { try? source.close() }
        let sourceDump = try Self.dump(source)
        #expect(sourceDump["notes"]?.count == 2_000 && sourceDump["kit_events"]?.count == 2_000)
        #expect(try Self.dump(copy) == sourceDump)
        #expect(fixture.snapshots.liveIDs.isEmpty && fixture.backupFiles.isEmpty, "\(fixture.backupFiles)")
    }

    @Test("a copy taken while writes go on holds one committed moment: every note with its event, none half")
    func consistentUnderWrites() async throws {
        let fixture = try Fixture()
        try await fixture.addNotes(1...500)
        let writer = Task { try await fixture.addNotes(501...3_000, text: "written during the backup") }
        let writing = try await eventually(.seconds(30)) {
            try await fixture.database.read { try fixture.database.eventLog.latestSeq(in: $0) } >= 800
        }
        #expect(writing)
        let copyPath = "\(fixture.directory)/during.sqlite"

        let first = try await fixture.download(to: copyPath, chunkBytes: 32 << 10)
        try await writer.value

        let copy = try DatabaseQueue(path: copyPath)
        defer { try? copy.close() }
        let (notes, events, maxNote, cursor) = try await copy.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notes")!,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM kit_events")!,
                try Int.fetchOne(db, sql: "SELECT MAX(id) FROM notes")!,
                try fixture.database.cursors.appliedSeq(source: "health", in: db)
            )
        }
        #expect(notes >= 800 && notes <= 3_000)
        #expect(events == notes && maxNote == notes && cursor == UInt64(notes) && first.latestSeq == UInt64(notes))
        #expect(try await fixture.database.read { try fixture.database.eventLog.latestSeq(in: $0) } == 3_000)
    }

    @Test("bad input is refused naming the field, and the copy being read stays readable")
    func badInput() async throws {
        let fixture = try Fixture()
        try await fixture.addNotes(1...300)
        let first: BackupResponse = try await fixture.call("Backup", BackupRequest(maxChunkBytes: 1024))
        let id = first.snapshotId

        let refusals: [(BackupRequest, StatusCode, String)] = [
            (BackupRequest(snapshotId: "no-such-backup", offset: 1024), .notFound, "snapshot_id"),
            (BackupRequest(snapshotId: id, offset: -1), .invalidArgument, "offset"),
            (BackupRequest(snapshotId: id, offset: first.totalBytes), .invalidArgument, "offset"),
            (BackupRequest(snapshotId: id, offset: .max), .invalidArgument, "offset"),
            (BackupRequest(offset: 4096), .invalidArgument, "offset"),
            (BackupRequest(snapshotId: String(repeating: "x", count: 65)), .invalidArgument, "snapshot_id"),
        ]
        for (request, code, field) in refusals {
            let error = await #expect(throws: RPCError.self) {
                let _: BackupResponse = try await fixture.call("Backup", request)
            }
            #expect(error?.code == code && error?.field == field, "\(request): \(String(describing: error))")
            #expect(
                error?.message.hasPrefix(field) == true, "the message names the field: \(String(describing: error))")
        }
        for pauseMs: Int64 in [-1, 600_001] {
            let error = await #expect(throws: RPCError.self) {
                let _: PauseSubscriptionsResponse = try await fixture.call(
                    "PauseSubscriptions", PauseSubscriptionsRequest(pauseMs: pauseMs))
            }
            #expect(error?.code == .invalidArgument && error?.field == "pause_ms")
        }
        #expect(!fixture.pause.isPaused(atMs: fixture.clock.nowMs), "a refused pause pauses nothing")
        #expect(fixture.snapshots.liveIDs == [id])
        let next: BackupResponse = try await fixture.call(
            "Backup", BackupRequest(snapshotId: id, offset: 1024, maxChunkBytes: 1024))
        #expect(next.chunk.count == 1024 && next.sha256 == first.sha256)
    }

    @Test("only an admin may back up or pause: a writer or reader is PERMISSION_DENIED and no copy is made")
    func adminOnly() async throws {
        let fixture = try Fixture()
        try await fixture.addNotes(1...10)
        for token in [Self.writer, Self.reader] {
            let backup = await #expect(throws: RPCError.self) {
                let _: BackupResponse = try await fixture.call("Backup", BackupRequest(), token: token)
            }
            #expect(backup?.code == .permissionDenied)
            let pause = await #expect(throws: RPCError.self) {
                let _: PauseSubscriptionsResponse = try await fixture.call(
                    "PauseSubscriptions", PauseSubscriptionsRequest(pauseMs: 1_000), token: token)
            }
            #expect(pause?.code == .permissionDenied)
        }
        #expect(fixture.backupFiles.isEmpty && !fixture.pause.isPaused(atMs: fixture.clock.nowMs))
    }

    @Test("a resent first call (same request id) gets the copy it asked for, not a second one")
    func resentFirstCall() async throws {
        let fixture = try Fixture()
        try await fixture.addNotes(1...500)
        async let one: BackupResponse = fixture.call("Backup", BackupRequest(maxChunkBytes: 4096), requestID: "same")
        async let two: BackupResponse = fixture.call("Backup", BackupRequest(maxChunkBytes: 4096), requestID: "same")
        let (first, second) = try await (one, two)
        let later: BackupResponse = try await fixture.call(
            "Backup", BackupRequest(maxChunkBytes: 4096), requestID: "same")
        #expect(first.snapshotId == second.snapshotId && later.snapshotId == first.snapshotId)
        #expect(fixture.snapshots.liveIDs == [first.snapshotId] && fixture.backupFiles.count == 1)
    }

    @Test("at most four copies at once; one nobody reads for 10 minutes is deleted on the next call")
    func limitAndExpiry() async throws {
        let fixture = try Fixture()
        try await fixture.addNotes(1...100)
        var ids: [String] = []
        for _ in 0..<DatabaseSnapshots.maximumLive {
            let reply: BackupResponse = try await fixture.call("Backup", BackupRequest(maxChunkBytes: 1024))
            ids.append(reply.snapshotId)
        }
        let refused = await #expect(throws: RPCError.self) {
            let _: BackupResponse = try await fixture.call("Backup", BackupRequest(maxChunkBytes: 1024))
        }
        #expect(refused?.code == .resourceExhausted)
        #expect(fixture.backupFiles.count == 4)

        fixture.clock.advance(byMs: 9 * 60_000)
        let _: BackupResponse = try await fixture.call(
            "Backup", BackupRequest(snapshotId: ids[0], offset: 1024, maxChunkBytes: 1024))
        fixture.clock.advance(byMs: 60_000)
        let fresh: BackupResponse = try await fixture.call("Backup", BackupRequest(maxChunkBytes: 1024))

        #expect(fixture.snapshots.liveIDs == [ids[0], fresh.snapshotId].sorted(), "the read one lives on")
        #expect(fixture.backupFiles.count == 2)
        let expired = await #expect(throws: RPCError.self) {
            let _: BackupResponse = try await fixture.call(
                "Backup", BackupRequest(snapshotId: ids[1], offset: 1024, maxChunkBytes: 1024))
        }
        #expect(expired?.code == .notFound && expired?.field == "snapshot_id")
    }

    @Test("copies an earlier run left are deleted at start; other services' copies stay")
    func leftoversRemoved() async throws {
        let directory = try makeTemporaryDirectory("cx-backup")
        try FileManager.default.createDirectory(atPath: "\(directory)/backups", withIntermediateDirectories: true)
        for file in ["demo-1a2b.sqlite", "demo-1a2b.sqlite-wal", "health-77.sqlite"] {
            _ = FileManager.default.createFile(atPath: "\(directory)/backups/\(file)", contents: Data("x".utf8))
        }
        let fixture = try Fixture(directory: directory)
        #expect(fixture.backupFiles == ["health-77.sqlite"])
    }

    @Test("PauseSubscriptions holds delivery until its deadline or a resume, and reports the held cursors")
    func pauseAndResume() async throws {
        let fixture = try Fixture()
        try await fixture.addNotes(1...3)
        let paused: PauseSubscriptionsResponse = try await fixture.call(
            "PauseSubscriptions", PauseSubscriptionsRequest(pauseMs: 60_000))
        #expect(paused.pausedUntilMs == fixture.clock.nowMs + 60_000)
        #expect(paused.cursors == [SubscriptionCursor(source: "health", appliedSeq: 3)])
        #expect(fixture.pause.isPaused(atMs: fixture.clock.nowMs))
        #expect(!fixture.pause.isPaused(atMs: fixture.clock.nowMs + 60_000), "the pause ends by itself")

        let resumed: PauseSubscriptionsResponse = try await fixture.call(
            "PauseSubscriptions", PauseSubscriptionsRequest(pauseMs: 0))
        #expect(resumed.pausedUntilMs == 0 && !fixture.pause.isPaused(atMs: fixture.clock.nowMs))
    }

    /// What the coreutils tool says about the file.
    static func sha256sum(_ path: String) throws -> String {
        let process = try ServiceProcess(executable: URL(fileURLWithPath: "/usr/bin/sha256sum"), arguments: [path])
        process.process.waitUntilExit()
        return String(process.log.prefix(64))
    }
}
