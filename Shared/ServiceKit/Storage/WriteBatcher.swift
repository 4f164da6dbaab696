import GRDB
import Synchronization

/// What the group-commit writer has done so far, for metrics and benchmarks.
public struct WriteStatistics: Sendable, Hashable {
    /// Transactions committed (a batch in which every write threw is rolled back, not counted).
    public var commits: UInt64 = 0
    /// Write calls whose changes were committed.
    public var committedWrites: UInt64 = 0
    /// Writes that reached a batch and threw: their own error, or the transaction did not commit.
    public var failedWrites: UInt64 = 0
    /// The most writes one commit has carried.
    public var largestBatch: Int = 0
    /// Writes waiting now for the batch after the one being committed.
    public var queuedWrites: Int = 0

    /// How many writes shared a commit on average; 1 means no batching happened.
    public var writesPerCommit: Double { commits == 0 ? 0 : Double(committedWrites) / Double(commits) }
}

/// The one writer of a database: queues write calls and commits them in groups.
///
/// The write that finds the queue idle sends the writer to the writer connection's queue, where it
/// commits until the queue is empty, so at most one runs at a time and none outlives the work
/// (nothing starts in `init`).
/// While it commits one batch, the next one gathers in the queue; that is the whole trick.
final class WriteBatcher: Sendable {
    /// A queued write call, with its result type erased.
    private struct PendingWrite: Sendable {
        let id: UInt64
        /// Runs the caller's body; returns what hands its result over once the commit is done.
        let run: @Sendable (Database) throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private enum Outcome: Sendable {
        case ran(deliver: @Sendable () -> Void)
        case failed(any Error)
    }

    private struct State {
        var queue: [PendingWrite] = []
        var isWriting = false
        var isClosed = false
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
        var statistics = WriteStatistics()
        var commitObservers: [@Sendable () -> Void] = []
    }

    private let pool: DatabasePool
    private let path: String
    private let maxBatchSize: Int
    private let state = Mutex(State())
    private let lastWriteID = Atomic<UInt64>(0)

    init(pool: DatabasePool, path: String, maxBatchSize: Int) {
        precondition(maxBatchSize > 0, "maxBatchSize must be at least 1")
        self.pool = pool
        self.path = path
        self.maxBatchSize = maxBatchSize
    }

    var statistics: WriteStatistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.queuedWrites = state.queue.count
            return statistics
        }
    }
    var isClosed: Bool { state.withLock { $0.isClosed } }

    func addCommitObserver(_ observer: @escaping @Sendable () -> Void) {
        state.withLock { $0.commitObservers.append(observer) }
    }

    /// See `ServiceDatabase.write(_:)`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let id = lastWriteID.add(1, ordering: .relaxed).newValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                guard !Task.isCancelled else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                enqueue(id: id, body) { continuation.resume(with: $0) }
            }
        } onCancel: {
            withdraw(id)
        }
    }

    /// See `ServiceDatabase.write(_:then:)`.
    func write<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T, then: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        enqueue(id: lastWriteID.add(1, ordering: .relaxed).newValue, body, then: then)
    }

    private func enqueue<T: Sendable>(
        id: UInt64, _ body: @escaping @Sendable (Database) throws -> T,
        then: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        enqueue(
            PendingWrite(
                id: id,
                run: { db in
                    let value = try body(db)
                    return { then(.success(value)) }
                },
                fail: { then(.failure($0)) }
            )
        )
    }

    /// Stops taking writes, and returns once every queued one has finished.
    func close() async {
        await withCheckedContinuation { continuation in
            let isIdle = state.withLock { state in
                state.isClosed = true
                if state.isWriting { state.closeWaiters.append(continuation) }
                return !state.isWriting
            }
            if isIdle { continuation.resume() }
        }
    }

    private func enqueue(_ write: PendingWrite) {
        enum Admission { case queued, queuedAndStartWriter, refused }
        let admission = state.withLock { state -> Admission in
            guard !state.isClosed else { return .refused }
            state.queue.append(write)
            guard !state.isWriting else { return .queued }
            state.isWriting = true
            return .queuedAndStartWriter
        }
        switch admission {
        case .queued:
            break
        case .queuedAndStartWriter:
            // Straight onto the writer connection's queue: no task to start, and the writer serves
            // every caller, not the one that happened to wake it.
            pool.asyncWriteWithoutTransaction { db in self.writeUntilIdle(in: db) }
        case .refused:
            write.fail(StorageError(.closed, "the database at \(path) is closed"))
        }
    }

    /// Withdraws a write whose caller was cancelled, if its batch has not started yet.
    private func withdraw(_ id: UInt64) {
        let withdrawn = state.withLock { state -> PendingWrite? in
            guard let index = state.queue.firstIndex(where: { $0.id == id }) else { return nil }
            return state.queue.remove(at: index)
        }
        withdrawn?.fail(CancellationError())
    }

    /// Commits batch after batch on the writer connection until the queue is empty. The writer stays on
    /// its thread meanwhile: a hop to the cooperative pool and back between batches was a thread wake-up
    /// (two, under load) that the next batch waited for.
    private func writeUntilIdle(in db: Database) {
        while let batch = nextBatch() {
            commit(batch, in: db)
        }
    }

    /// Takes up to `maxBatchSize` writes off the queue, or, when it is empty, ends the writer.
    private func nextBatch() -> [PendingWrite]? {
        let (batch, closeWaiters) = state.withLock { state -> ([PendingWrite]?, [CheckedContinuation<Void, Never>]) in
            guard !state.queue.isEmpty else {
                state.isWriting = false
                defer { state.closeWaiters = [] }
                return (nil, state.closeWaiters)
            }
            let count = min(maxBatchSize, state.queue.count)
            let batch = Array(state.queue.prefix(count))
            state.queue.removeFirst(count)
            return (batch, [])
        }
        for waiter in closeWaiters { waiter.resume() }
        return batch
    }

    private func commit(_ batch: [PendingWrite], in db: Database) {
        let outcomes = run(batch, in: db)
        let committed = outcomes.count { if case .ran = $0 { true } else { false } }
        // Statistics first, so a caller that sees its write done also sees it counted.
        let observers = state.withLock { state in
            if committed > 0 {
                state.statistics.commits += 1
                state.statistics.largestBatch = max(state.statistics.largestBatch, committed)
            }
            state.statistics.committedWrites += UInt64(committed)
            state.statistics.failedWrites += UInt64(batch.count - committed)
            return committed > 0 ? state.commitObservers : []
        }
        for (write, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .ran(let deliver): deliver()
            case .failed(let error): write.fail(error)
            }
        }
        for observer in observers { observer() }
    }

    /// Runs a batch in one transaction, each write in its own savepoint, and commits it.
    ///
    /// - Returns: One outcome per write. `.ran` only when the transaction committed.
    private func run(_ batch: [PendingWrite], in db: Database) -> [Outcome] {
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(batch.count)
        do {
            try db.inTransaction(.immediate) {
                for write in batch {
                    do {
                        outcomes.append(.ran(deliver: try Self.inSavepoint(db) { try write.run(db) }))
                    } catch {
                        outcomes.append(.failed(error))
                        // Some failures (disk full, I/O error, ON CONFLICT ROLLBACK) end the whole
                        // transaction, not just the savepoint: nobody in the batch is committed.
                        guard db.isInsideTransaction else {
                            throw StorageError(
                                .notCommitted,
                                "another write in the batch aborted the transaction of \(path): \(error)"
                            )
                        }
                    }
                }
                let anyRan = outcomes.contains { if case .ran = $0 { true } else { false } }
                return anyRan ? .commit : .rollback
            }
        } catch {
            let notCommitted =
                error as? StorageError
                ?? StorageError(.notCommitted, "the transaction of \(path) did not commit: \(error)")
            return batch.indices.map { index in
                if index < outcomes.count, case .failed = outcomes[index] { return outcomes[index] }
                return .failed(notCommitted)
            }
        }
        return outcomes
    }

    /// Runs `body` in a savepoint: its changes stay if it returns, and are rolled back if it throws.
    ///
    /// GRDB's `inSavepoint` compiles its statements on every call, which cost a seventh of a small
    /// write; these are compiled once per connection.
    private static func inSavepoint<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT kit_write").execute()
        do {
            let result = try body()
            try db.cachedStatement(sql: "RELEASE kit_write").execute()
            return result
        } catch {
            // When the failure ended the whole transaction there is no savepoint left to undo.
            if db.isInsideTransaction {
                do {
                    try db.cachedStatement(sql: "ROLLBACK TO kit_write").execute()
                    try db.cachedStatement(sql: "RELEASE kit_write").execute()
                } catch {
                    // This body cannot be undone alone: undo the whole batch rather than commit part of it.
                    try? db.rollback()
                }
            }
            throw error
        }
    }
}
