import Foundation
import Models

/// `manifest.json` of a backup directory: what `cxctl backup` copied from each service, for
/// `cxctl restore` to check the files and how the copies relate before it writes anything.
struct BackupManifest: Codable, Equatable {
    /// One service's copy: `<service>.sqlite` beside the manifest.
    struct Entry: Codable, Equatable {
        var service: String
        var file: String
        var bytes: Int64
        /// SHA-256 of the file, as `sha256sum` prints it.
        var sha256: String
        /// When the service took the copy, Unix epoch ms on its clock.
        var takenAtMs: Int64
        /// The highest seq in the copy's event log.
        var latestSeq: UInt64
        /// How far the copy had applied each source's events.
        var cursors: [Cursor]
    }

    struct Cursor: Codable, Equatable {
        var source: String
        var appliedSeq: UInt64
    }

    static let fileName = "manifest.json"
    /// Raised when the layout changes, so an older cxctl refuses what it cannot read.
    static let currentFormat = 1

    var format = currentFormat
    var services: [Entry]

    init(services: [Entry]) {
        self.services = services
    }

    /// The entry of a copy that `finishBackup` wrote to `file`.
    static func entry(_ copy: BackupResponse, file: String) -> Entry {
        Entry(
            service: copy.service, file: file, bytes: copy.totalBytes, sha256: copy.sha256, takenAtMs: copy.takenAtMs,
            latestSeq: copy.latestSeq,
            cursors: copy.cursors.map { Cursor(source: $0.source, appliedSeq: $0.appliedSeq) }
        )
    }

    /// Copies that have applied events their source's copy does not hold. Restored together, such a
    /// subscriber would take the seqs its source hands out next as already applied, and skip those
    /// events; `cxctl backup` pauses event delivery while it takes the copies so that there are none.
    static func inconsistencies(_ entries: [Entry]) -> [String] {
        let latest = Dictionary(entries.map { ($0.service, $0.latestSeq) }) { first, _ in first }
        return entries.flatMap { entry in
            entry.cursors.compactMap { cursor in
                guard let sourceLatest = latest[cursor.source], cursor.appliedSeq > sourceLatest else { return nil }
                return "\(entry.service) has applied \(cursor.source)'s events up to seq \(cursor.appliedSeq), "
                    + "but \(cursor.source)'s copy ends at seq \(sourceLatest)"
            }
        }
    }

    func write(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: "\(directory)/\(Self.fileName)"), options: .atomic)
    }

    /// - Throws: `CommandError` naming the file when it is missing, not a manifest, or of a newer format.
    static func read(from directory: String) throws -> BackupManifest {
        let path = "\(directory)/\(fileName)"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError("\(path) not found: --from names a directory that cxctl backup wrote")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let manifest: BackupManifest
        do {
            manifest = try decoder.decode(BackupManifest.self, from: data)
        } catch {
            throw CommandError("\(path) is not a backup manifest: \(error)")
        }
        guard manifest.format <= currentFormat else {
            throw CommandError("\(path) has format \(manifest.format); this cxctl reads up to \(currentFormat)")
        }
        return manifest
    }
}
