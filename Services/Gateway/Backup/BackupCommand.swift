import ArgumentParser
import Client
import Foundation
import Models

/// `cxctl backup --out DIR`: a consistent online copy of every service's database while writes go on.
///
/// Event delivery is paused on all five services first (PauseSubscriptions; their own writes go on),
/// then each takes its copy (Backup), then delivery resumes — so no copy holds the effect of an event
/// that its source's copy lacks. The copies are read afterwards, chunk by chunk, into
/// `DIR/<service>.sqlite`, each checked against its SHA-256, and described in `DIR/manifest.json`.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy every service's database, consistently, while the suite keeps serving.",
        discussion: """
            Writes DIR/<service>.sqlite for the five services and DIR/manifest.json (size, SHA-256, when
            taken, latest event seq, subscription cursors of each). Event delivery between the services
            pauses while the copies are taken (at most \(Self.pauseMs / 1000) s, usually well under a
            second); requests are served throughout. Restore with cxctl restore.
            """)

    /// How long delivery may stay paused if this command dies before resuming it.
    static let pauseMs: Int64 = 120_000

    @Option(help: "The directory to write to: new, or empty.") var out: String

    func run() async throws {
        try prepare(out)
        let connection = try Connection.resolveOrExit()
        let clients = try Dictionary(
            uniqueKeysWithValues: Connection.services.map { ($0, try connection.client(for: $0)) })
        defer { clients.values.forEach { $0.close() } }

        let firsts = try await takeCopies(clients)
        let entries = try await Self.each(Connection.services) { service in
            let file = "\(service).sqlite"
            let copy = try await clients[service]!.finishBackup(firsts[service]!, into: "\(out)/\(file)")
            return BackupManifest.entry(copy, file: file)
        }
        try BackupManifest(services: entries).write(to: out)
        var rows = [["SERVICE", "FILE", "BYTES", "EVENTS", "SHA-256", "TAKEN"]]
        for entry in entries {
            rows.append([
                entry.service, entry.file, "\(entry.bytes)", "\(entry.latestSeq)", String(entry.sha256.prefix(16)),
                Names.timestamp(entry.takenAtMs),
            ])
        }
        print(Output.table(rows))
        print("manifest: \(out)/\(BackupManifest.fileName)")
    }

    /// Pauses delivery everywhere, has each service take its copy, resumes delivery; the first replies.
    private func takeCopies(_ clients: [String: ServiceClient]) async throws -> [String: BackupResponse] {
        let services = Connection.services
        do {
            try await Self.each(services) { service in
                let _: PauseSubscriptionsResponse = try await clients[service]!.call(
                    "PauseSubscriptions", PauseSubscriptionsRequest(pauseMs: Self.pauseMs))
            }
            let firsts = try await Self.each(services) { try await clients[$0]!.startBackup() }
            await resume(clients)
            let problems = BackupManifest.inconsistencies(firsts.map { BackupManifest.entry($0, file: "") })
            guard problems.isEmpty else {
                throw CommandError(
                    "the copies disagree (they took longer than the \(Self.pauseMs / 1000) s pause, or someone resumed "
                        + "delivery meanwhile): \(problems.joined(separator: "; "))")
            }
            return Dictionary(uniqueKeysWithValues: firsts.map { ($0.service, $0) })
        } catch {
            await resume(clients)
            throw error
        }
    }

    /// Resumes delivery on every service; one that does not answer resumes by itself when the pause ends.
    private func resume(_ clients: [String: ServiceClient]) async {
        for (service, client) in clients {
            do {
                let _: PauseSubscriptionsResponse = try await client.call(
                    "PauseSubscriptions", PauseSubscriptionsRequest(pauseMs: 0))
            } catch {
                FileHandle.standardError.write(
                    Data(
                        "cxctl: \(service) did not resume event delivery (\(error)); it will in \(Self.pauseMs / 1000) s\n"
                            .utf8))
            }
        }
    }

    /// Makes `directory`, or accepts it empty, so that no earlier backup is mixed with this one.
    private func prepare(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CommandError("--out \(directory) is a file, not a directory") }
            let contents = try FileManager.default.contentsOfDirectory(atPath: directory)
            guard contents.isEmpty else {
                throw CommandError(
                    "--out \(directory) is not empty (\(contents.sorted().prefix(3).joined(separator: ", ")) …); name a new directory"
                )
            }
        } else {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    /// Runs `body` for every service at once; the results in the order of `services`.
    @discardableResult
    /// - Throws: `CommandError` naming every service that failed and why.
    static func each<T: Sendable>(
        _ services: [String], _ body: @escaping @Sendable (String) async throws -> T
    ) async throws -> [T] {
        let results = await withTaskGroup(of: (String, Result<T, any Error>).self) { group in
            for service in services {
                group.addTask {
                    do { return (service, .success(try await body(service))) } catch {
                        return (service, .failure(error))
                    }
                }
            }
            var collected: [String: Result<T, any Error>] = [:]
            for await (service, result) in group { collected[service] = result }
            return collected
        }
        let failures = services.compactMap { service -> String? in
            guard case .failure(let error) = results[service]! else { return nil }
            return "\(service): \(error)"
        }
        guard failures.isEmpty else { throw CommandError("backup failed: \(failures.joined(separator: "; "))") }
        return services.map { try! results[$0]!.get() }
    }
}
