import GRDB
import ServiceKit
import Testing

@Suite("Reopening and migrations")
struct StorageMigrationTests {
    /// Creates `notes` and seeds one row, so a second run would show (and fail on the table).
    private static let seededNotes = ServiceMigration("test_v1_seeded_notes") { db in
        try StorageFixture.createNotes(in: db)
        try StorageFixture.insertNote(1, "seed", in: db)
    }

    private static let tags = ServiceMigration("test_v2_tags") { db in
        try db.execute(sql: "CREATE TABLE tags (name TEXT PRIMARY KEY)")
        try db.execute(sql: "INSERT INTO tags (name) VALUES ('added later')")
    }

    @Test func reopeningKeepsEverythingAndDoesNotRerunMigrations() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/service.sqlite"
            let first = try ServiceDatabase(path: path, migrations: [Self.seededNotes])
            try await first.write { db in
                try StorageFixture.insertNote(2, in: db)
                _ = try first.eventLog.append(NewEvent(type: "test.Noted", occurredAtMs: 1, body: [1]), in: db)
                try first.idempotency.record(method: "test.Note", key: "k", response: [7], in: db)
                try first.cursors.setAppliedSeq(3, source: "loyalty", in: db)
            }
            try await first.close()

            let second = try ServiceDatabase(path: path, migrations: [Self.seededNotes])
            let (notes, events, response, cursors) = try await second.read { db in
                (
                    try StorageFixture.noteIDs(in: db),
                    try second.eventLog.events(after: 0, limit: 10, in: db).map(\.body),
                    try second.idempotency.response(method: "test.Note", key: "k", in: db),
                    try second.cursors.all(in: db)
                )
            }
            try await second.close()
            #expect(notes == [1, 2])
            #expect(events == [[1]])
            #expect(response == [7])
            #expect(cursors == ["loyalty": 3])
        }
    }

    @Test func aMigrationAddedLaterRunsOnReopen() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/service.sqlite"
            try await ServiceDatabase(path: path, migrations: [Self.seededNotes]).close()

            let reopened = try ServiceDatabase(path: path, migrations: [Self.seededNotes, Self.tags])
            let (notes, tags) = try await reopened.read { db in
                (try StorageFixture.noteIDs(in: db), try String.fetchAll(db, sql: "SELECT name FROM tags"))
            }
            try await reopened.close()
            #expect(notes == [1])
            #expect(tags == ["added later"])
        }
    }

    @Test func aFailingMigrationNamesItselfAndKeepsTheStepsBefore() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/service.sqlite"
            let broken = ServiceMigration("test_v2_broken") { db in
                try db.execute(sql: "CREATE TABLE half (id INTEGER)")
                try db.execute(sql: "THIS IS NOT SQL")
            }

            let error = #expect(throws: StorageError.self) {
                try ServiceDatabase(path: path, migrations: [Self.seededNotes, broken])
            }
            #expect(error?.code == .migrationFailed)
            #expect(error?.message.contains("test_v2_broken") == true)
            #expect(error?.message.contains(path) == true)

            let reopened = try ServiceDatabase(path: path, migrations: [Self.seededNotes])
            let (notes, halfExists) = try await reopened.read { db in
                (try StorageFixture.noteIDs(in: db), try db.tableExists("half"))
            }
            try await reopened.close()
            #expect(notes == [1])
            #expect(halfExists == false)
        }
    }

    @Test func aDuplicateMigrationIdentifierIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            let error = #expect(throws: StorageError.self) {
                try ServiceDatabase(path: directory + "/service.sqlite", migrations: [Self.tags, Self.tags])
            }
            #expect(error?.code == .invalidMigration)
            #expect(error?.message.contains("test_v2_tags") == true)
        }
    }

    @Test func theKitPrefixIsReservedForTheKit() async throws {
        try await withTemporaryDirectory { directory in
            let error = #expect(throws: StorageError.self) {
                try ServiceDatabase(
                    path: directory + "/service.sqlite", migrations: [ServiceMigration("kit_mine") { _ in }])
            }
            #expect(error?.code == .invalidMigration)
        }
    }
}
