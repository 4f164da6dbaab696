import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

/// Why `cxctl backup` pauses event delivery: two cx-test-ledger processes, a source and a mirror
/// that follows it, over real sockets.
@Suite("PauseSubscriptions keeps a follower's copy from getting ahead of its source's")
struct BackupPauseTests {
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
