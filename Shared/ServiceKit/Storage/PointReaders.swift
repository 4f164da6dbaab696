import GRDB
import Synchronization

/// Read-only connections for the point reads answered on the transport's threads, lent to one caller at
/// a time.
///
/// GRDB's pool runs `PRAGMA schema_version` before every read, outside the read's transaction, to learn
/// whether another connection changed the schema: a second statement and a second round of SQLite's
/// file locks (two `fcntl` calls each way) around every point read, about a third of what a
/// `GetAccount` cost. A service's schema is settled by its migrations before it opens for requests and
/// never changes while it runs, so these connections skip that check. (A statement prepared before a
/// schema change would still be recompiled by SQLite itself.)
///
/// Opened on first use, up to `limit`; a caller that finds all of them busy gets `nil` and reads
/// through the pool instead, so readers never wait for one another here.
final class PointReaders: Sendable {
    private struct State {
        var idle: [DatabaseQueue] = []
        var opened = 0
        var isClosed = false
    }

    private let path: String
    private let configuration: Configuration
    private let limit: Int
    private let state = Mutex(State())

    init(path: String, configuration: Configuration, limit: Int) {
        var configuration = configuration
        configuration.readonly = true
        self.path = path
        self.configuration = configuration
        self.limit = limit
    }

    /// Runs `body` on a free connection (opened now if none is idle and fewer than `limit` are open);
    /// `nil` when every connection is busy or closed.
    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        guard let reader = try borrow() else { return nil }
        defer { giveBack(reader) }
        return try reader.inDatabase(body)
    }

    private func borrow() throws -> DatabaseQueue? {
        enum Lending { case idle(DatabaseQueue), openOne, allLentOrClosed }
        let lending = state.withLock { state -> Lending in
            guard !state.isClosed else { return .allLentOrClosed }
            if let reader = state.idle.popLast() { return .idle(reader) }
            guard state.opened < limit else { return .allLentOrClosed }
            state.opened += 1
            return .openOne
        }
        switch lending {
        case .idle(let reader): return reader
        case .allLentOrClosed: return nil
        case .openOne:
            do {
                return try DatabaseQueue(path: path, configuration: configuration)
            } catch {
                state.withLock { $0.opened -= 1 }
                throw error
            }
        }
    }

    private func giveBack(_ reader: DatabaseQueue) {
        let keep = state.withLock { state in
            if !state.isClosed { state.idle.append(reader) }
            return !state.isClosed
        }
        if !keep { try? reader.close() }
    }

    /// Closes the idle connections; those lent out close when given back.
    func close() throws {
        let idle = state.withLock { state in
            state.isClosed = true
            defer { state.idle = [] }
            return state.idle
        }
        for reader in idle { try reader.close() }
    }
}
