import Foundation
import GRDB
import ServiceKit
import Testing

/// Helpers shared by the storage tests (files named Storage…, EventLog…, Idempotency…, WriteBatcher…,
/// Cursor…): a fresh directory and database per test, and a way to put writes in one batch.
enum StorageFixture {
    /// A service table for tests: `notes(id, text)`.
    static let notes = ServiceMigration("test_v1_notes", createNotes)

    static func createNotes(in db: Database) throws {
        try db.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    }

    static func insertNote(_ id: Int, _ text: String = "note", in db: Database) throws {
        try db.execute(sql: "INSERT INTO notes (id, text) VALUES (?, ?)", arguments: [id, text])
    }

    static func noteIDs(in db: Database) throws -> [Int] {
        try Int.fetchAll(db, sql: "SELECT id FROM notes ORDER BY id")
    }

    /// The error a test body throws on purpose.
    struct Refusal: Error, Equatable {
        var id: Int = 0
    }
}

/// Runs `body` with a new empty directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("anchorage-storage-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try await body(directory)
}

/// Runs `body` with a database opened in a new directory, with the `notes` table, closed afterwards.
func withServiceDatabase<T>(
    durability: Durability = .processCrash,
    maxBatchSize: Int = 512,
    _ body: (ServiceDatabase) async throws -> T
) async throws -> T {
    try await withTemporaryDirectory { directory in
        let database = try ServiceDatabase(
            path: directory + "/service.sqlite",
            durability: durability,
            migrations: [StorageFixture.notes],
            maxBatchSize: maxBatchSize
        )
        do {
            let result = try await body(database)
            try await database.close()
            return result
        } catch {
            try? await database.close()
            throw error
        }
    }
}

/// Keeps the writer inside a write body until released, so that later writes queue up behind it.
struct WriterHold {
    private let gate = DispatchSemaphore(value: 0)
    private let holder: Task<Void, any Error>

    /// Returns once the writer is held.
    init(_ database: ServiceDatabase) async {
        let (started, markStarted) = AsyncStream<Void>.makeStream()
        let gate = self.gate
        holder = Task {
            try await database.write { _ in
                markStarted.yield()
                gate.wait()
            }
        }
        for await _ in started { break }
    }

    /// Lets the writer go on, and returns once the holding write is done.
    func release() async throws {
        gate.signal()
        try await holder.value
    }
}

/// Writes each of `bodies` so that they land in one batch, in the order given, and returns each
/// write's result.
func inOneBatch<T: Sendable>(
    _ database: ServiceDatabase,
    _ bodies: @Sendable (Database) throws -> T...
) async throws -> [Result<T, any Error>] {
    let hold = await WriterHold(database)
    var tasks: [Task<T, any Error>] = []
    for (index, body) in bodies.enumerated() {
        tasks.append(Task { try await database.write(body) })
        try await waitUntil { database.statistics.queuedWrites == index + 1 }
    }
    try await hold.release()

    var results: [Result<T, any Error>] = []
    for task in tasks {
        results.append(await task.result)
    }
    return results
}

/// Polls `condition` until it holds; fails the test after `timeout`.
func waitUntil(
    timeout: Duration = .seconds(10),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(timeout)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(1))
    }
}
