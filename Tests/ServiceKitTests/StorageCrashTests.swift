import Foundation
import GRDB
import ServiceKit
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Acknowledged means durable, proved with a real `kill -9` of a process that was writing.
@Suite("Durability across a process kill")
struct StorageCrashTests {
    @Test(.timeLimit(.minutes(1)), arguments: Durability.allCases)
    func everyAcknowledgedWriteSurvivesKill9(durability: Durability) async throws {
        let child = try #require(
            CrashChild.executable,
            """
            \(CrashChild.name) is not built in \(CrashChild.buildDirectory.path). Package.swift needs \
            .executableTarget(name: "\(CrashChild.name)", dependencies: ["ServiceKit"], path: "Tests/StorageCrashChild")
            """
        )
        try await withTemporaryDirectory { directory in
            let path = directory + "/crash.sqlite"
            let process = Process()
            process.executableURL = child
            process.arguments = [path, durability.rawValue]
            let output = Pipe()
            process.standardOutput = output
            try process.run()

            var acknowledged: Set<Int> = []
            var killed = false
            for await line in CrashChild.lines(of: output.fileHandleForReading) {
                guard let id = Int(line) else {
                    Issue.record("unexpected output from the child: \(line)")
                    continue
                }
                acknowledged.insert(id)
                if acknowledged.count >= 2_000 && !killed {
                    kill(process.processIdentifier, SIGKILL)
                    killed = true
                }
            }
            process.waitUntilExit()
            #expect(killed, "the child stopped on its own after \(acknowledged.count) writes")
            #expect(process.terminationReason == .uncaughtSignal)

            let database = try ServiceDatabase(path: path)
            let (written, eventSeqs) = try await database.read { db in
                (
                    Set(try Int.fetchAll(db, sql: "SELECT id FROM written")),
                    try database.eventLog.events(after: 0, limit: .max, in: db).map(\.seq)
                )
            }
            try await database.close()
            let lost = acknowledged.subtracting(written)
            #expect(lost.isEmpty, "\(lost.count) acknowledged writes lost, e.g. \(lost.sorted().prefix(5))")
            #expect(eventSeqs == Array(1...UInt64(written.count)), "one event per write, seq gap-free")
        }
    }
}

/// Finds and talks to the `storage-crash-child` executable.
private enum CrashChild {
    static let name = "storage-crash-child"

    /// SwiftPM builds every product of the package into one directory, the test binary's own.
    static var buildDirectory: URL {
        #if os(Linux)
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        #else
            (Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") } ?? Bundle.main).bundleURL
                .deletingLastPathComponent()
        #endif
    }

    static var executable: URL? {
        let url = buildDirectory.appendingPathComponent(name)
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    /// The lines written to `handle` until end of file, read on a thread of their own so that
    /// waiting for the child never holds a cooperative thread.
    static func lines(of handle: FileHandle) -> AsyncStream<String> {
        AsyncStream { continuation in
            Thread.detachNewThread {
                var pending = Data()
                while case let chunk = handle.availableData, !chunk.isEmpty {
                    pending.append(chunk)
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        continuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                        pending.removeSubrange(pending.startIndex...newline)
                    }
                }
                continuation.finish()
            }
        }
    }
}
