import Models

/// `Backup` and `PauseSubscriptions`, the admin methods `cxctl backup` calls on every service
/// (see service.proto): a consistent copy of the database read in chunks, and a pause in applying
/// other services' events so that the five copies agree with each other.
enum BackupMethods {
    /// A chunk when the caller names no size: 256 KiB, well under the 4 MiB message cap.
    static let defaultChunkBytes = 256 << 10
    /// The largest chunk, whatever the caller asks.
    static let maximumChunkBytes = 1 << 20
    /// The longest pause one call sets.
    static let maximumPauseMs: Int64 = 600_000

    static func register(on router: Router, snapshots: DatabaseSnapshots, pause: SubscriptionPause) {
        let service = router.service
        router.read("Backup", role: .admin) { (request: BackupRequest, context) in
            try validate(request)
            let chunkBytes =
                request.maxChunkBytes == 0 ? defaultChunkBytes : min(Int(request.maxChunkBytes), maximumChunkBytes)
            let id =
                request.snapshotId.isEmpty
                ? try await snapshots.take(requestID: context.requestID).id : request.snapshotId
            let (snapshot, bytes, last) = try snapshots.chunk(id: id, offset: request.offset, maxBytes: chunkBytes)
            return BackupResponse(
                snapshotId: snapshot.id, service: service, totalBytes: snapshot.totalBytes, sha256: snapshot.sha256,
                takenAtMs: snapshot.takenAtMs, latestSeq: snapshot.latestSeq, cursors: snapshot.cursors,
                offset: request.offset, chunk: bytes, last: last)
        }
        let database = router.database
        router.read("PauseSubscriptions", role: .admin) { (request: PauseSubscriptionsRequest, context) in
            guard (0...maximumPauseMs).contains(request.pauseMs) else {
                throw RPCError.invalidArgument("pause_ms", "must be from 0 (resume now) to \(maximumPauseMs)")
            }
            let untilMs = request.pauseMs == 0 ? 0 : context.nowMs + request.pauseMs
            pause.pause(untilMs: untilMs)
            // A barrier: subscriptions check the pause inside their write, so once this empty write
            // has committed, every cursor stays where it is until the pause ends.
            let cursors = try await database.write { try database.cursors.all(in: $0) }
            context.logger.notice(
                untilMs == 0 ? "event delivery resumed" : "event delivery paused for a backup",
                metadata: ["until_ms": "\(untilMs)"])
            return PauseSubscriptionsResponse(
                pausedUntilMs: untilMs,
                cursors: subscriptionCursors(cursors))
        }
    }

    /// Cursors as the replies list them, sorted by source.
    static func subscriptionCursors(_ cursors: [String: UInt64]) -> [SubscriptionCursor] {
        cursors.sorted { $0.key < $1.key }.map { SubscriptionCursor(source: $0.key, appliedSeq: $0.value) }
    }

    /// What can be refused before touching a copy; the copy itself checks the id and the end.
    private static func validate(_ request: BackupRequest) throws {
        guard request.snapshotId.utf8.count <= 64 else {
            throw RPCError.invalidArgument("snapshot_id", "at most 64 bytes")
        }
        guard request.offset >= 0 else { throw RPCError.invalidArgument("offset", "must be 0 or more") }
        guard !request.snapshotId.isEmpty || request.offset == 0 else {
            throw RPCError.invalidArgument(
                "offset", "must be 0 without snapshot_id: a new backup is read from its start")
        }
    }
}
