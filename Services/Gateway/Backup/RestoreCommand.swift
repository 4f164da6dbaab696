import ArgumentParser
import Client
import Foundation

/// `cxctl restore --from DIR --data-dir NEW`: puts a backup's copies where the services look for
/// their databases, offline (no service runs on NEW yet).
///
/// Everything is checked before anything is written: the manifest, each file's size and SHA-256,
/// that the copies agree with each other, and that NEW holds none of the databases. Each file is
/// copied under a temporary name, checked again, then renamed into place.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup made by cxctl backup into a fresh data directory (services stopped).",
        discussion: """
            Then start the services with that data directory (CX_DATA_DIR or data-dir). Each resumes its
            subscriptions from the cursors in its copy and replays what its sources hold beyond them.
            A data directory that already has one of the databases is refused: restore never overwrites.
            """)

    @Option(help: "The directory cxctl backup wrote.") var from: String
    @Option(name: .customLong("data-dir"), help: "The data directory to restore into: new, or without databases.")
    var dataDirectory: String

    func run() async throws {
        let manifest = try BackupManifest.read(from: from)
        try check(manifest)
        let problems = BackupManifest.inconsistencies(manifest.services)
        guard problems.isEmpty else {
            throw CommandError("the copies in \(from) disagree: \(problems.joined(separator: "; "))")
        }
        let targets = manifest.services.map {
            LocalSuite.databasePath(service: $0.service, dataDirectory: dataDirectory)
        }
        for target in targets {
            for file in [target, target + "-wal", target + "-shm"] where FileManager.default.fileExists(atPath: file) {
                throw CommandError("\(file) exists: restore only into a data directory without the services' databases")
            }
        }
        try FileManager.default.createDirectory(
            atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for (entry, target) in zip(manifest.services, targets) {
            try copy(entry, to: target)
        }
        var rows = [["SERVICE", "DATABASE", "BYTES", "EVENTS", "TAKEN"]]
        for (entry, target) in zip(manifest.services, targets) {
            rows.append([
                entry.service, target, "\(entry.bytes)", "\(entry.latestSeq)", Names.timestamp(entry.takenAtMs),
            ])
        }
        print(Output.table(rows))
        print("start the services with data-dir \(dataDirectory)")
    }

    /// Refuses a manifest naming an unknown service or a file outside the backup, and a file whose
    /// size or SHA-256 is not the manifest's.
    private func check(_ manifest: BackupManifest) throws {
        guard !manifest.services.isEmpty else {
            throw CommandError("\(from)/\(BackupManifest.fileName) lists no service")
        }
        var seen: Set<String> = []
        for entry in manifest.services {
            guard Connection.services.contains(entry.service), seen.insert(entry.service).inserted,
                entry.file == "\(entry.service).sqlite"
            else {
                throw CommandError(
                    "\(from)/\(BackupManifest.fileName): unexpected entry \(entry.service) (\(entry.file))")
            }
            try Self.verify("\(from)/\(entry.file)", entry)
        }
    }

    private func copy(_ entry: BackupManifest.Entry, to target: String) throws {
        let temporary = target + ".restoring"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            try FileManager.default.copyItem(atPath: "\(from)/\(entry.file)", toPath: temporary)
            try Self.verify(temporary, entry)
            try FileManager.default.moveItem(atPath: temporary, toPath: target)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// - Throws: `CommandError` naming `path` when it is missing or not the copy the manifest describes.
    static func verify(_ path: String, _ entry: BackupManifest.Entry) throws {
        let (bytes, hex): (Int64, String)
        do {
            (bytes, hex) = try SHA256.file(path)
        } catch {
            throw CommandError("\(entry.service): cannot read \(path): \(error.localizedDescription)")
        }
        guard bytes == entry.bytes, hex == entry.sha256 else {
            throw CommandError(
                "\(entry.service): \(path) has \(bytes) bytes with SHA-256 \(hex); the manifest says \(entry.bytes) "
                    + "bytes with \(entry.sha256): the file is damaged or not from this backup")
        }
    }
}
