import Client
import Dispatch
import Foundation
import Logging
import Models
import Synchronization

/// The copies of a service's database that `Backup` took and has not handed out in full: files
/// `<data-dir>/backups/<service>-<id>.sqlite`, read back in chunks by offset.
///
/// A copy is deleted when its last chunk has been read, or when no call read from it for
/// ``idleLimitMs`` (checked on every Backup call); copies left by an earlier run of the service are
/// deleted at start, since only this run's memory can name them. At most ``maximumLive`` copies
/// exist at once, so that a caller cannot fill the disk with them.
final class DatabaseSnapshots: Sendable {
    /// One copy, and what describes it.
    struct Snapshot: Sendable {
        let id: String
        let path: String
        let totalBytes: Int64
        let sha256: String
        let takenAtMs: Int64
        let latestSeq: UInt64
        let cursors: [SubscriptionCursor]
        /// The request that asked for it: a resend of that request gets this copy, not a new one.
        let requestID: String
        var lastReadMs: Int64
    }

    static let maximumLive = 4
    static let idleLimitMs: Int64 = 10 * 60 * 1000

    let service: String
    /// `<data-dir>/backups`, beside the database.
    let directory: String
    private let database: ServiceDatabase
    private let clock: any ServiceClock
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var snapshots: [String: Snapshot] = [:]
        /// Copies being taken, by the id of the request that asked for each.
        var taking: [String: Task<Snapshot, any Error>] = [:]
    }

    init(service: String, database: ServiceDatabase, clock: any ServiceClock, logger: Logger) {
        self.service = service
        self.directory =
            URL(fileURLWithPath: database.path).deletingLastPathComponent().appendingPathComponent("backups")
            .path
        self.database = database
        self.clock = clock
        self.logger = logger
        removeLeftovers()
    }

    /// Takes a new copy for the request `requestID`, or returns the one it already asked for.
    /// - Throws: `RPCError` `.resourceExhausted` when ``maximumLive`` copies exist; the storage
    ///   error when the copy fails (nothing is left behind then).
    func take(requestID: String) async throws -> Snapshot {
        removeIdle()
        let task: Task<Snapshot, any Error> = try state.withLock { state in
            if let taken = state.snapshots.values.first(where: { $0.requestID == requestID }) {
                return Task { taken }  // a resend of a request that was answered
            }
            if let running = state.taking[requestID] { return running }  // a resend while it runs
            let live = state.snapshots.count + state.taking.count
            guard live < Self.maximumLive else {
                throw RPCError(
                    .resourceExhausted,
                    "\(live) backups of \(service) are in progress (\(state.snapshots.keys.sorted().joined(separator: ", "))); "
                        + "read them to the end, or wait \(Self.idleLimitMs / 60_000) minutes until they expire")
            }
            let task = Task { try await self.makeSnapshot(requestID: requestID) }
            state.taking[requestID] = task
            return task
        }
        return try await task.value
    }

    /// Up to `maxBytes` of copy `id` from `offset` on; after the last chunk the copy is deleted.
    /// - Throws: `RPCError` `.notFound` (field `snapshot_id`) for a copy that is unknown, finished or
    ///   expired; `.invalidArgument` (field `offset`) for an offset at or beyond its end.
    func chunk(id: String, offset: Int64, maxBytes: Int) throws -> (snapshot: Snapshot, bytes: [UInt8], last: Bool) {
        removeIdle()
        guard let snapshot = state.withLock({ $0.snapshots[id] }) else {
            throw RPCError(
                .notFound,
                "snapshot_id: no backup \"\(id)\" of \(service): finished, expired after "
                    + "\(Self.idleLimitMs / 60_000) idle minutes, or never taken; start again without snapshot_id",
                field: "snapshot_id")
        }
        guard offset < snapshot.totalBytes else {
            throw RPCError.invalidArgument("offset", "\(offset) is beyond the backup's \(snapshot.totalBytes) bytes")
        }
        let bytes = try Self.read(snapshot.path, offset: offset, count: maxBytes)
        let last = offset + Int64(bytes.count) >= snapshot.totalBytes
        let nowMs = clock.nowMs
        state.withLock { state in
            if last {
                state.snapshots[id] = nil
            } else {
                state.snapshots[id]?.lastReadMs = nowMs
            }
        }
        if last { Self.remove(snapshot.path) }
        return (snapshot, bytes, last)
    }

    /// The copies not yet read to the end, for tests.
    var liveIDs: [String] { state.withLock { $0.snapshots.keys.sorted() } }

    private func makeSnapshot(requestID: String) async throws -> Snapshot {
        defer { state.withLock { _ = $0.taking.removeValue(forKey: requestID) } }
        let id = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let path = "\(directory)/\(service)-\(id).sqlite"
        let takenAtMs = clock.nowMs
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let database = self.database
            let (latestSeq, cursors) = try await database.backup(to: path) { db in
                (try database.eventLog.latestSeq(in: db), try database.cursors.all(in: db))
            }
            let (totalBytes, sha256) = try await Self.digest(of: path)
            let snapshot = Snapshot(
                id: id, path: path, totalBytes: totalBytes, sha256: sha256, takenAtMs: takenAtMs, latestSeq: latestSeq,
                cursors: BackupMethods.subscriptionCursors(cursors),
                requestID: requestID, lastReadMs: clock.nowMs)
            state.withLock { $0.snapshots[id] = snapshot }
            logger.notice(
                "backup copy taken",
                metadata: ["snapshot": "\(id)", "bytes": "\(totalBytes)", "latest_seq": "\(latestSeq)"])
            return snapshot
        } catch {
            Self.remove(path)
            throw error
        }
    }

    /// Deletes copies no call read from for ``idleLimitMs``.
    private func removeIdle() {
        let oldest = clock.nowMs - Self.idleLimitMs
        let idle = state.withLock { state in
            let idle = state.snapshots.values.filter { $0.lastReadMs <= oldest }
            for snapshot in idle { state.snapshots[snapshot.id] = nil }
            return idle
        }
        for snapshot in idle {
            Self.remove(snapshot.path)
            logger.notice("backup copy expired unread", metadata: ["snapshot": "\(snapshot.id)"])
        }
    }

    /// Deletes this service's copies that an earlier run left (a crash or restart while one was read).
    private func removeLeftovers() {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files where file.hasPrefix("\(service)-") {
            try? FileManager.default.removeItem(atPath: "\(directory)/\(file)")
            logger.notice("removed a backup copy left by an earlier run", metadata: ["file": "\(directory)/\(file)"])
        }
    }

    /// The copy and the files SQLite may keep beside it.
    private static func remove(_ path: String) {
        for file in [path, path + "-wal", path + "-shm", path + "-journal"] {
            try? FileManager.default.removeItem(atPath: file)
        }
    }

    private static func read(_ path: String, offset: Int64, count: Int) throws -> [UInt8] {
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw RPCError.internalError("the backup copy \(path) cannot be read")
        }
        defer { try? file.close() }
        try file.seek(toOffset: UInt64(offset))
        return [UInt8](try file.read(upToCount: count) ?? Data())
    }

    /// The file's size and SHA-256, read off the cooperative pool.
    private static func digest(of path: String) async throws -> (bytes: Int64, hex: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try SHA256.file(path) }) }
        }
    }
}
