import GRDB
import ServiceKit
import Testing

@Suite("Subscription cursors")
struct CursorTests {
    @Test func aSourceNeverAppliedIsAtZero() async throws {
        try await withServiceDatabase { database in
            let applied = try await database.read { db in try database.cursors.appliedSeq(source: "loyalty", in: db) }
            #expect(applied == 0)
        }
    }

    @Test func setThenGetAndAll() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in
                try database.cursors.setAppliedSeq(5, source: "loyalty", in: db)
                try database.cursors.setAppliedSeq(9, source: "feedback", in: db)
                try database.cursors.setAppliedSeq(7, source: "loyalty", in: db)
            }

            let (loyalty, all) = try await database.read { db in
                (try database.cursors.appliedSeq(source: "loyalty", in: db), try database.cursors.all(in: db))
            }
            #expect(loyalty == 7)
            #expect(all == ["loyalty": 7, "feedback": 9])
        }
    }

    @Test func everyUInt64SeqIsKeptExactly() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in try database.cursors.setAppliedSeq(.max, source: "odd", in: db) }

            let applied = try await database.read { db in try database.cursors.appliedSeq(source: "odd", in: db) }
            #expect(applied == .max)
        }
    }

    @Test func anEffectAndItsCursorCommittedTogetherBothSurviveAReopen() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/service.sqlite"
            let database = try ServiceDatabase(path: path, migrations: [StorageFixture.notes])
            try await database.write { db in
                try StorageFixture.insertNote(12, in: db)
                try database.cursors.setAppliedSeq(12, source: "loyalty", in: db)
            }
            try await database.close()

            let reopened = try ServiceDatabase(path: path, migrations: [StorageFixture.notes])
            let (notes, cursor) = try await reopened.read { db in
                (try StorageFixture.noteIDs(in: db), try reopened.cursors.appliedSeq(source: "loyalty", in: db))
            }
            try await reopened.close()
            #expect(notes == [12])
            #expect(cursor == 12)
        }
    }

    @Test func whenTheBodyThrowsNeitherTheEffectNorTheCursorIsKept() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in try database.cursors.setAppliedSeq(11, source: "loyalty", in: db) }

            await #expect(throws: StorageFixture.Refusal.self) {
                try await database.write { db in
                    try StorageFixture.insertNote(12, in: db)
                    try database.cursors.setAppliedSeq(12, source: "loyalty", in: db)
                    throw StorageFixture.Refusal()
                }
            }

            let (notes, cursor) = try await database.read { db in
                (try StorageFixture.noteIDs(in: db), try database.cursors.appliedSeq(source: "loyalty", in: db))
            }
            #expect(notes.isEmpty)
            #expect(cursor == 11)
        }
    }
}
