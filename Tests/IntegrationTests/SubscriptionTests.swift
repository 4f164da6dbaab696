import Client
import Foundation
import Models
import TestKit
import Testing

@Suite("Subscriptions with catch-up against real processes", .serialized)
struct SubscriptionTests {
    @Test("a subscriber stopped while its source publishes 10,000 events applies all of them exactly once")
    func stoppedSubscriberCatchesUp() async throws {
        let source = try LedgerNode()
        let mirror = try LedgerNode(name: "mirror", follow: source)
        try await source.start()
        try await mirror.start()
        try await mirror.crash()

        // A generous deadline: on a loaded machine 64 appends in flight may each wait seconds.
        let client = try source.client(timeout: .seconds(60))
        defer { client.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<10_000 {
                group.addTask {
                    _ = try await client.append("e\(index)", account: "a\(index % 7)", amount: Int64(index + 1))
                }
                if index % 64 == 63 { try await group.next() }
            }
            try await group.waitForAll()
        }

        try await mirror.start()
        let mirrorClient = try mirror.client()
        defer { mirrorClient.close() }
        let caughtUp = try await eventually(.seconds(120)) { try await mirrorClient.mirror().appliedEvents == 10_000 }
        let state = try await mirrorClient.mirror()
        #expect(caughtUp, "mirror applied \(state.appliedEvents) of 10000")
        #expect(state.duplicates == 0)
        #expect(state.appliedTotal == (1...10_000).reduce(0, +))
        #expect(state.appliedSeq == 10_000)
    }

    @Test("a burst of 100,000 events ends complete and exact on the subscriber, although NNG drops most of it")
    func burstIsReplayed() async throws {
        let source = try LedgerNode()
        let mirror = try LedgerNode(name: "mirror", follow: source)
        try await source.start()
        try await mirror.start()
        let client = try source.client(timeout: .seconds(120))
        defer { client.close() }
        // Ten transactions of 10,000 entries each: the publisher sends 100,000 events back to back.
        for batch in 0..<10 {
            _ = try await client.append("burst-\(batch)", account: "b", amount: 1, copies: 10_000)
        }
        let mirrorClient = try mirror.client()
        defer { mirrorClient.close() }
        let caughtUp = try await eventually(.seconds(180)) { try await mirrorClient.mirror().appliedEvents == 100_000 }
        let state = try await mirrorClient.mirror()
        #expect(caughtUp, "mirror applied \(state.appliedEvents) of 100000")
        #expect(state.duplicates == 0)
        #expect(state.appliedTotal == 100_000)
        let status = try await mirrorClient.status()
        let replayed = status.subscriptions.first?.appliedSeq ?? 0
        print("burst: mirror applied \(state.appliedEvents) events, cursor at \(replayed)")
    }
}
