import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

/// Backup and PauseSubscriptions of cx-test-ledger processes over real sockets: a copy in many
/// chunks, and why `cxctl backup` pauses event delivery (a source and a mirror that follows it).
@Suite("Backup of a running service over its socket")
struct BackupPauseTests {
    @Test("a copy of several megabytes taken while appends go on arrives in chunks that match its SHA-256")
    func largeCopyInChunks() async throws {
        let ledger = try LedgerNode()
        try await ledger.start()
        let client = try ledger.client(timeout: .seconds(60))
        defer { client.close() }
        for batch in 0..<4 { _ = try await client.append("bulk-\(batch)", account: "a", amount: 1, copies: 5_000) }
        let appending = Task {
            var appended = 0
            while !Task.isCancelled {
                do {
                    _ = try await client.append("during-\(appended)", account: "b", amount: 1)
                } catch  where Task.isCancelled {
                    break  // stopped while an append was under way
                }
                appended += 1
            }
            return appended
        }
        let started = ContinuousClock.now
        let first = try await client.startBackup()
        let directory = try makeTemporaryDirectory("cx-large")
        let copy = try await client.finishBackup(first, into: "\(directory)/ledger.sqlite")
        let took = ContinuousClock.now - started
        appending.cancel()
        let appended = try await appending.value

        #expect(copy.totalBytes > 4 * (256 << 10), "several chunks: \(copy.totalBytes) bytes")
        #expect(try SHA256.file("\(directory)/ledger.sqlite").hex == copy.sha256)
        #expect(try Self.sha256sum("\(directory)/ledger.sqlite") == copy.sha256)
        #expect(copy.latestSeq >= 20_000 && copy.latestSeq <= 20_000 + UInt64(appended))
        print(
            "backup of \(copy.totalBytes / 1024) KiB (\(copy.totalBytes / Int64(256 << 10) + 1) chunks) took \(took) "
                + "while \(appended) appends were acknowledged")
    }

    /// What the coreutils tool says about the file.
    static func sha256sum(_ path: String) throws -> String {
        let process = try ServiceProcess(executable: URL(fileURLWithPath: "/usr/bin/sha256sum"), arguments: [path])
        process.process.waitUntilExit()
        return String(process.log.prefix(64))
    }

    @Test(
        "a paused follower hears the source's new events but applies none, so its copy, taken after the source's, is not ahead of it; resumed, it catches up once"
    )
    func pausedFollowerStaysBehindTheSourceCopy() async throws {
        let source = try LedgerNode()
        let mirror = try LedgerNode(name: "mirror", follow: source)
        try await source.start()
        try await mirror.start()
        let sourceClient = try source.client()
        let mirrorClient = try mirror.client()
        defer {
            sourceClient.close()
            mirrorClient.close()
        }
        for index in 1...20 { _ = try await sourceClient.append("before-\(index)", account: "a", amount: 5) }
        #expect(try await eventually(.seconds(30)) { try await mirrorClient.mirror().appliedSeq == 20 })

        let paused: PauseSubscriptionsResponse = try await mirrorClient.call(
            "PauseSubscriptions", PauseSubscriptionsRequest(pauseMs: 60_000))
        #expect(paused.cursors == [SubscriptionCursor(source: "ledger", appliedSeq: 20)])
        let sourceCopy = try await sourceClient.startBackup()
        for index in 1...10 { _ = try await sourceClient.append("after-\(index)", account: "a", amount: 7) }
        let heard = try await eventually(.seconds(30)) {
            try await mirrorClient.status().subscriptions.first?.sourceLatestSeq == 30
        }
        #expect(heard, "the mirror heard of seq 30")
        let mirrorCopy = try await mirrorClient.startBackup()

        #expect(sourceCopy.latestSeq == 20)
        #expect(
            mirrorCopy.cursors == [SubscriptionCursor(source: "ledger", appliedSeq: 20)], "applied nothing while paused"
        )
        #expect(try await mirrorClient.mirror().appliedEvents == 20)

        let resumed: PauseSubscriptionsResponse = try await mirrorClient.call(
            "PauseSubscriptions", PauseSubscriptionsRequest(pauseMs: 0))
        #expect(resumed.pausedUntilMs == 0)
        #expect(try await eventually(.seconds(30)) { try await mirrorClient.mirror().appliedSeq == 30 })
        let state = try await mirrorClient.mirror()
        #expect(state.appliedEvents == 30 && state.appliedTotal == 20 * 5 + 10 * 7 && state.duplicates == 0)

        let directory = try makeTemporaryDirectory("cx-pause")
        let sourceFile = try await sourceClient.finishBackup(sourceCopy, into: "\(directory)/ledger.sqlite")
        let mirrorFile = try await mirrorClient.finishBackup(mirrorCopy, into: "\(directory)/mirror.sqlite")
        #expect(try SHA256.file("\(directory)/ledger.sqlite").hex == sourceFile.sha256)
        #expect(try SHA256.file("\(directory)/mirror.sqlite").bytes == mirrorFile.totalBytes)
    }
}
