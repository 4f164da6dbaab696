import GRDB
@testable import ServiceKit
import Testing

@Suite("Reads: one snapshot per read, columns by position")
struct StorageReadTests {
    @Test("a ColumnCursor reads each row's columns by position")
    func columnCursorReadsByPosition() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in
                try StorageFixture.insertNote(1, "first", in: db)
                try StorageFixture.insertNote(2, "second", in: db)
            }
            let notes = try database.readNow { db in
                try Array(
                    ColumnCursor(
                        db.cachedStatement(sql: "SELECT text, id FROM notes WHERE id >= ? ORDER BY id"), arguments: [1]
                    ) { row in "\(row[1] as Int):\(row[0] as String)" })
            }
            #expect(notes == ["1:first", "2:second"])
        }
    }

    @Test("a cursor left after its first row leaves its statement ready, and no snapshot behind")
    func abandonedCursorPinsNothing() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in
                for id in 1...3 { try StorageFixture.insertNote(id, in: db) }
            }
            let sql = "SELECT id FROM notes ORDER BY id"
            let first = try database.readNow { db in
                try ColumnCursor(db.cachedStatement(sql: sql), arguments: []) { $0[0] as Int }.next()
            }
            try await database.write { db in try StorageFixture.insertNote(4, in: db) }
            let all = try database.readNow { db in
                try Array(ColumnCursor(db.cachedStatement(sql: sql), arguments: []) { $0[0] as Int })
            }
            #expect(first == 1)
            #expect(all == [1, 2, 3, 4])
        }
    }

    @Test("a read whose body throws ends its transaction: the next read starts afresh and sees later writes")
    func throwingReadEndsItsTransaction() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in try StorageFixture.insertNote(1, in: db) }
            // More throwing reads than the pool has readers, so every reader connection is reused after one.
            for _ in 0..<8 {
                #expect(throws: StorageFixture.Refusal.self) {
                    try database.readNow { db in
                        _ = try StorageFixture.noteIDs(in: db)
                        throw StorageFixture.Refusal()
                    }
                }
            }
            try await database.write { db in try StorageFixture.insertNote(2, in: db) }
            for _ in 0..<8 {
                let ids = try database.readNow { db in try StorageFixture.noteIDs(in: db) }
                #expect(ids == [1, 2])
            }
        }
    }

    @Test("point readers: one connection per reader at a time, up to their limit, then nil for the pool's turn")
    func pointReadersLendUpToTheirLimit() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in try StorageFixture.insertNote(1, in: db) }
            let readers = PointReaders(path: database.path, configuration: Configuration(), limit: 2)
            // Each level holds its connection while it asks for the next: the third finds none free.
            let nested = try readers.read { db in
                let inner = try readers.read { db in (try StorageFixture.noteIDs(in: db), try readers.read { _ in 0 }) }
                return (try StorageFixture.noteIDs(in: db), inner)
            }
            #expect(nested?.0 == [1])
            #expect(nested?.1?.0 == [1])
            #expect(nested?.1?.1 == nil)
            // Given back, they serve again and see what was committed since.
            try await database.write { db in try StorageFixture.insertNote(2, in: db) }
            #expect(try readers.read { db in try StorageFixture.noteIDs(in: db) } == [1, 2])
            try readers.close()
            #expect(try readers.read { _ in 0 } == nil)
        }
    }
}
