import Foundation
public import Models

/// Reading a service's `Backup` into a file: ``ServiceClient/startBackup(maxChunkBytes:timeout:)``
/// takes the copy (kept short, because `cxctl backup` takes all five while event delivery is
/// paused), ``ServiceClient/finishBackup(_:into:timeout:)`` reads the rest and checks the digest.
extension ServiceClient {
    /// Asks the service for a new copy of its database; the reply describes it and holds its first chunk.
    /// - Parameter timeout: the copy of a large database takes a while; a resend of this request
    ///   (same request id) is answered with the same copy.
    /// - Throws: ``ClientError``.
    public func startBackup(maxChunkBytes: UInt32 = 0, timeout: Duration = .seconds(300))
        async throws(ClientError) -> BackupResponse
    {
        try await call("Backup", BackupRequest(maxChunkBytes: maxChunkBytes), timeout: timeout)
    }

    /// Writes the copy `first` describes to `path`: its first chunk, then every other one read by
    /// offset, and checks the whole against the copy's SHA-256. A failure deletes what was written.
    /// - Returns: `first` without its chunk: what describes the copy, for a manifest.
    /// - Throws: ``ClientError`` for a failed call, ``BackupIntegrityError`` for a file that does not
    ///   match the copy, or the file system's error.
    public func finishBackup(_ first: BackupResponse, into path: String, timeout: Duration = .seconds(60))
        async throws -> BackupResponse
    {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let file = FileHandle(forWritingAtPath: path)
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        do {
            defer { try? file.close() }
            var digest = SHA256()
            var reply = first
            var written: Int64 = 0
            while true {
                guard reply.snapshotId == first.snapshotId, reply.offset == written else {
                    throw BackupIntegrityError(
                        "\(service): chunk at \(reply.offset) of copy \(reply.snapshotId), expected \(written) of \(first.snapshotId)"
                    )
                }
                try file.write(contentsOf: reply.chunk)
                digest.update(reply.chunk)
                written += Int64(reply.chunk.count)
                if reply.last || reply.chunk.isEmpty { break }
                reply = try await call(
                    "Backup", BackupRequest(snapshotId: first.snapshotId, offset: written), timeout: timeout)
            }
            try file.synchronize()
            let hex = digest.finalize()
            guard reply.last, written == first.totalBytes, hex == first.sha256 else {
                throw BackupIntegrityError(
                    "\(service): received \(written) of \(first.totalBytes) bytes with SHA-256 \(hex), "
                        + "the service's copy has \(first.sha256)")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        var description = first
        description.chunk = []
        description.offset = 0
        description.last = false
        return description
    }
}

/// A backup file that does not match what the service said it sent.
public struct BackupIntegrityError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
