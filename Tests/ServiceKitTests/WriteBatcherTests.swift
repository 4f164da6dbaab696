import Foundation
import GRDB
import ServiceKit
import Synchronization
import Testing

@Suite("Group commit")
struct WriteBatcherTests {
    @Test func concurrentWritesAllCommitInFarFewerTransactions() async throws {
        try await withServiceDatabase { database in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in 1...2_000 {
                    group.addTask {
                        try await database.write { db in try StorageFixture.insertNote(id, in: db) }
                    }
                }
                try await group.waitForAll()
            }

            let ids = try await database.read(StorageFixture.noteIDs)
            #expect(ids == Array(1...2_000))
            let statistics = database.statistics
            #expect(statistics.committedWrites == 2_000)
            #expect(statistics.failedWrites == 0)
            #expect(statistics.commits <= 200, "expected batching, got \(statistics.commits) commits")
        }
    }

    @Test func aThrowingBodyRollsBackOnlyItsOwnChanges() async throws {
        try await withServiceDatabase { database in
            let commitsBefore = database.statistics.commits
            let results = try await inOneBatch(
                database,
                { db in try StorageFixture.insertNote(1, in: db) },
                { db in
                    try StorageFixture.insertNote(2, in: db)
                    throw StorageFixture.Refusal(id: 2)
                },
                { db in try StorageFixture.insertNote(3, in: db) }
            )

            #expect(throws: Never.self) { try results[0].get() }
            #expect(throws: StorageFixture.Refusal(id: 2)) { try results[1].get() }
            #expect(throws: Never.self) { try results[2].get() }
            #expect(try await database.read(StorageFixture.noteIDs) == [1, 3])
            // The holder's commit, then one commit for the whole batch.
            #expect(database.statistics.commits == commitsBefore + 2)
            #expect(database.statistics.largestBatch == 2)
        }
    }

    @Test func aFailingStatementRollsBackOnlyItsOwnWrite() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in try StorageFixture.insertNote(1, in: db) }
            let results = try await inOneBatch(
                database,
                { db in try StorageFixture.insertNote(2, in: db) },
                { db in
                    try StorageFixture.insertNote(3, in: db)
                    try StorageFixture.insertNote(1, in: db)  // primary key taken
                },
                { db in try StorageFixture.insertNote(4, in: db) }
            )

            #expect(throws: DatabaseError.self) { try results[1].get() }
            #expect(try await database.read(StorageFixture.noteIDs) == [1, 2, 4])
        }
    }

    @Test func aBodyThatAbortsTheTransactionFailsItsWholeBatchAndNothingCommits() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in try StorageFixture.insertNote(1, in: db) }
            let results = try await inOneBatch(
                database,
                { db in try StorageFixture.insertNote(2, in: db) },
                { db in try db.execute(sql: "INSERT OR ROLLBACK INTO notes (id, text) VALUES (1, 'taken')") },
                { db in try StorageFixture.insertNote(3, in: db) }
            )

            #expect(throws: DatabaseError.self) { try results[1].get() }
            for index in [0, 2] {
                let error = #expect(throws: StorageError.self) { try results[index].get() }
                #expect(error?.code == .notCommitted)
            }
            #expect(try await database.read(StorageFixture.noteIDs) == [1])
            try await database.write { db in try StorageFixture.insertNote(4, in: db) }
            #expect(try await database.read(StorageFixture.noteIDs) == [1, 4])
        }
    }

    @Test func aBodyThatSwallowsAnAbortStillFailsAndNothingCommits() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in try StorageFixture.insertNote(1, in: db) }
            let results = try await inOneBatch(
                database,
                { db in try StorageFixture.insertNote(2, in: db) },
                { db in try? db.execute(sql: "INSERT OR ROLLBACK INTO notes (id, text) VALUES (1, 'taken')") }
            )

            #expect(throws: (any Error).self) { try results[1].get() }
            #expect(throws: StorageError.self) { try results[0].get() }
            #expect(try await database.read(StorageFixture.noteIDs) == [1])
        }
    }

    @Test func aLaterBodySeesTheChangesOfAnEarlierOneInTheSameBatch() async throws {
        try await withServiceDatabase { database in
            let results = try await inOneBatch(
                database,
                { db in
                    try StorageFixture.insertNote(7, in: db)
                    return []
                },
                { db in try StorageFixture.noteIDs(in: db) }
            )

            #expect(try results[1].get() == [7])
            #expect(database.statistics.largestBatch == 2)
        }
    }

    @Test func aWriteReturnsWhatItsBodyReturned() async throws {
        try await withServiceDatabase { database in
            let text = try await database.write { db in
                try StorageFixture.insertNote(1, "hello", in: db)
                return try String.fetchOne(db, sql: "SELECT text FROM notes WHERE id = 1")
            }
            #expect(text == "hello")
        }
    }

    @Test func aCancelledQueuedWriteIsWithdrawn() async throws {
        try await withServiceDatabase { database in
            let hold = await WriterHold(database)
            let queued = Task { try await database.write { db in try StorageFixture.insertNote(1, in: db) } }
            try await waitUntil { database.statistics.queuedWrites == 1 }

            queued.cancel()
            try await waitUntil { database.statistics.queuedWrites == 0 }
            try await hold.release()

            await #expect(throws: CancellationError.self) { try await queued.value }
            #expect(try await database.read(StorageFixture.noteIDs) == [])
        }
    }

    @Test func commitObserversAreCalledAfterACommit() async throws {
        try await withServiceDatabase { database in
            let (commits, signalCommit) = AsyncStream<Void>.makeStream()
            database.addCommitObserver { signalCommit.yield() }

            try await database.write { db in try StorageFixture.insertNote(1, in: db) }

            for await _ in commits { break }
        }
    }

    @Test func aBatchWhoseWritesAllThrewIsNotACommit() async throws {
        try await withServiceDatabase { database in
            let notified = Atomic<Int>(0)
            database.addCommitObserver { notified.add(1, ordering: .relaxed) }

            await #expect(throws: StorageFixture.Refusal.self) {
                try await database.write { _ in throw StorageFixture.Refusal() }
            }

            #expect(database.statistics.commits == 0)
            #expect(database.statistics.failedWrites == 1)
            #expect(notified.load(ordering: .relaxed) == 0)
        }
    }

    @Test func closeFinishesQueuedWritesThenRefusesNewOnes() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/service.sqlite"
            let database = try ServiceDatabase(path: path, migrations: [StorageFixture.notes])
            let hold = await WriterHold(database)
            let queued = (1...3).map { id in
                Task { try await database.write { db in try StorageFixture.insertNote(id, in: db) } }
            }
            try await waitUntil { database.statistics.queuedWrites == 3 }

            let closing = Task { try await database.close() }
            // Reads are refused from the moment close begins; the writer is still held.
            while (try? await database.read { _ in }) != nil { try await Task.sleep(for: .milliseconds(1)) }
            try await hold.release()
            try await closing.value

            for write in queued {
                await #expect(throws: Never.self) { try await write.value }
            }
            await #expect(throws: StorageError.self) {
                try await database.write { db in try StorageFixture.insertNote(4, in: db) }
            }
            await #expect(throws: StorageError.self) { try await database.read(StorageFixture.noteIDs) }
            await #expect(throws: Never.self) { try await database.close() }
            let reopened = try ServiceDatabase(path: path, migrations: [StorageFixture.notes])
            #expect(try await reopened.read(StorageFixture.noteIDs) == [1, 2, 3])
            try await reopened.close()
        }
    }
}
