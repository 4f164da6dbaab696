import Client
import Foundation
import Models
import Synchronization
import TestKit
import Testing

@Suite("Durability and idempotency against a real process", .serialized)
struct DurabilityTests {
    @Test("kill -9 during 5,000 concurrent writes loses no acknowledged write, and retries double nothing")
    func killDuringWrites() async throws {
        let node = try LedgerNode()
        try await node.start()
        let client = try node.client(timeout: .seconds(3))
        let accounts = 50
        let acknowledged = AcknowledgedWrites()
        let writes = Task {
            // 64 in flight at a time (the client's pool): each call's 3 s deadline then measures the
            // service, not a queue of thousands, so a loaded machine slows the test instead of failing it.
            // (Each call is added only once one of the 64 before it finished: with one finished per 64
            // added, all 5,000 were waiting at once within seconds, their deadlines running, and a
            // service slowed by the parallel tests acknowledged fewer than 500 in those first 3 s.)
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<5000 {
                    if index >= 64 { await group.next() }
                    if Task.isCancelled { break }  // the service was killed: what is unacknowledged stays so
                    group.addTask {
                        do {
                            _ = try await client.append("entry-\(index)", account: "acct-\(index % accounts)")
                            acknowledged.count.withLock { $0[index % accounts, default: 0] += 1 }
                        } catch {
                            acknowledged.noteFailure(error)
                        }
                    }
                }
            }
        }
        let enoughAcknowledged = try await eventually(.seconds(120)) { acknowledged.total >= 500 }
        try #require(
            enoughAcknowledged,
            """
            \(acknowledged.total) writes acknowledged in 120 s; failures: \(acknowledged.failureSummary)
            service log (last 4,000 bytes):
            \(String(node.process?.log.suffix(4000) ?? ""))
            """)
        try await node.crash()
        writes.cancel()
        await writes.value
        client.close()
        let acknowledgedBeforeCrash = acknowledged.count.withLock { $0 }
        let acknowledgedCount = acknowledgedBeforeCrash.values.reduce(0, +)
        print("kill -9: \(acknowledgedCount) of 5000 writes acknowledged before the crash")

        try await node.start()
        let after = try node.client()
        defer { after.close() }
        for account in 0..<accounts {
            let balance = try await after.balance("acct-\(account)")
            #expect(balance.entries >= UInt64(acknowledgedBeforeCrash[account] ?? 0), "acct-\(account) lost writes")
        }
        // Every write again, with the same keys: the acknowledged ones are not applied twice.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<5000 {
                group.addTask { _ = try await after.append("entry-\(index)", account: "acct-\(index % accounts)") }
            }
            try await group.waitForAll()
        }
        for account in 0..<accounts {
            let balance = try await after.balance("acct-\(account)")
            #expect(balance.entries == 100 && balance.balance == 100, "acct-\(account): \(balance)")
        }
    }

    @Test("a repeated write returns the first response and changes nothing")
    func repeatedWriteIsIdempotent() async throws {
        let node = try LedgerNode()
        try await node.start()
        let client = try node.client()
        defer { client.close() }
        let first = try await client.append("once", account: "a", amount: 7)
        let again = try await client.append("once", account: "a", amount: 7)
        #expect(again == first)
        let other = try await client.call(
            "Append", LedgerAppendRequest(entryId: "twice", account: "a", amount: 5),
            returning: LedgerAppendResponse.self,
            idempotencyKey: "key-1")
        let otherAgain = try await client.call(
            "Append", LedgerAppendRequest(entryId: "twice-retry", account: "a", amount: 5),
            returning: LedgerAppendResponse.self, idempotencyKey: "key-1")
        #expect(otherAgain == other)
        let balance = try await client.balance("a")
        #expect(balance.balance == 12 && balance.entries == 2)
    }
}

/// Acknowledged writes per account, counted from many tasks, and the failures of the others by kind,
/// so that a run which stalls says how.
final class AcknowledgedWrites: Sendable {
    let count = Mutex<[Int: Int]>([:])
    private let failures = Mutex<[String: Int]>([:])

    var total: Int { count.withLock { $0.values.reduce(0, +) } }

    func noteFailure(_ error: any Error) {
        let kind = (error as? ClientError).map { "\($0.code): \($0.message)" } ?? "\(error)"
        failures.withLock { $0[kind, default: 0] += 1 }
    }

    var failureSummary: String {
        let failures = failures.withLock { $0 }
        guard !failures.isEmpty else { return "none" }
        return failures.sorted { $0.value > $1.value }.map { "\($0.value)× \($0.key)" }.joined(separator: "; ")
    }
}
