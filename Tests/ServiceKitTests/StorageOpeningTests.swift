import Foundation
import GRDB
import ServiceKit
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Opening a service database")
struct StorageOpeningTests {
    @Test func anUnwritableDirectoryGivesAnErrorNamingThePath() async throws {
        try await withTemporaryDirectory { directory in
            let candidate = try Self.unwritableDirectory(makingReadOnly: directory)
            let unwritable = try #require(candidate, "no unwritable directory for root on this system")
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory) }
            let path = unwritable + "/service.sqlite"

            let error = #expect(throws: StorageError.self) { try ServiceDatabase(path: path) }
            #expect(error?.code == .cannotOpen)
            #expect(error?.message.contains(path) == true)
            #expect(error?.message.contains("not writable") == true)
        }
    }

    /// `directory` made read-only; or, for root, whom permissions do not stop, a directory of the
    /// kernel's where no file can be created.
    private static func unwritableDirectory(makingReadOnly directory: String) throws -> String? {
        guard geteuid() == 0 else {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory)
            return directory
        }
        #if os(Linux)
            return "/proc/self"
        #else
            return nil
        #endif
    }

    @Test func aDirectoryThatIsAFileGivesAnErrorNamingThePath() async throws {
        try await withTemporaryDirectory { directory in
            let notADirectory = directory + "/plain-file"
            #expect(FileManager.default.createFile(atPath: notADirectory, contents: Data("x".utf8)))
            let path = notADirectory + "/service.sqlite"

            let error = #expect(throws: StorageError.self) { try ServiceDatabase(path: path) }
            #expect(error?.code == .cannotOpen)
            #expect(error?.message.contains(path) == true)
            #expect(error?.message.contains("is not a directory") == true)
        }
    }

    @Test func aMissingDirectoryGivesAnErrorNamingThePath() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/missing/service.sqlite"

            let error = #expect(throws: StorageError.self) { try ServiceDatabase(path: path) }
            #expect(error?.code == .cannotOpen)
            #expect(error?.message.contains(path) == true)
            #expect(error?.message.contains("does not exist") == true)
        }
    }

    @Test func aFileThatIsNotADatabaseIsReportedCorrupt() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/service.sqlite"
            let garbage = Data((0..<8_192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
            #expect(FileManager.default.createFile(atPath: path, contents: garbage))

            let error = #expect(throws: StorageError.self) { try ServiceDatabase(path: path) }
            #expect(error?.code == .corrupt)
            #expect(error?.message.contains(path) == true)
        }
    }

    @Test(arguments: [(Durability.processCrash, 1), (.powerLoss, 2)])
    func theWriterUsesTheSynchronousLevelOfItsDurability(durability: Durability, synchronous: Int) async throws {
        try await withServiceDatabase(durability: durability) { database in
            let level = try await database.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            #expect(level == synchronous)
        }
    }

    @Test func theDatabaseIsInWALModeWithForeignKeysOn() async throws {
        try await withServiceDatabase { database in
            let (journalMode, foreignKeys) = try await database.write { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Bool.fetchOne(db, sql: "PRAGMA foreign_keys"))
            }
            #expect(journalMode == "wal")
            #expect(foreignKeys == true)
        }
    }

    @Test func fileSizeCountsTheDatabaseAndItsLog() async throws {
        try await withServiceDatabase { database in
            let before = database.fileSizeBytes
            try await database.write { db in
                for id in 1...200 { try StorageFixture.insertNote(id, String(repeating: "x", count: 1_000), in: db) }
            }

            #expect(before > 0)
            #expect(database.fileSizeBytes > before + 200_000)
        }
    }
}
