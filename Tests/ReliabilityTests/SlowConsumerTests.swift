import Client
import Foundation
import Messaging
import Models
import Synchronization
import TestKit
import Testing

extension Reliability {
    /// A subscriber frozen with SIGSTOP while its source publishes as fast as it can: the source must
    /// not wait for it, and once thawed it must catch up on everything without its memory running away.
    @Suite("a frozen subscriber neither stalls its source nor loses events")
    struct SlowConsumerTests {
        static let writes = 8_000

        @Test("loyalty SIGSTOPped under 8,000 health writes: health stays fast, loyalty catches up after SIGCONT")
        func frozenSubscriberCatchesUp() async throws {
            let dataDirectory = try makeTemporaryDirectory("cx-frozen")
            let environment = ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting]
            let health = try ServiceProcess("cx-health", environment: environment)
            let loyalty = try ServiceProcess("cx-loyalty", environment: environment)
            let healthClient = try client("health", dataDirectory)
            let loyaltyClient = try client("loyalty", dataDirectory)
            defer {
                for process in [health, loyalty] { process.send(SIGKILL) }
                for client in [healthClient, loyaltyClient] { client.close() }
            }
            for client in [healthClient, loyaltyClient] {
                let up = try await eventually(.seconds(30)) {
                    (try? await client.ping(timeout: .milliseconds(500))) != nil
                }
                try #require(up, "\(client.service) did not come up")
            }
            // Warm up so the resident size compared below is the working one, not the start-up one.
            try await upsert(0..<200, through: healthClient)
            try await caughtUp(loyaltyClient, with: healthClient)
            let loyaltyBefore = residentMiB(loyalty.pid)
            let healthBefore = residentMiB(health.pid)

            loyalty.send(SIGSTOP)
            let latencies = try await upsert(200..<(200 + Self.writes), through: healthClient)
            let healthDuring = residentMiB(health.pid)
            loyalty.send(SIGCONT)

            let peak = Mutex(loyaltyBefore)
            let sampler = Task {
                while !Task.isCancelled {
                    let now = residentMiB(loyalty.pid)
                    peak.withLock { $0 = max($0, now) }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            try await caughtUp(loyaltyClient, with: healthClient, limit: .seconds(120))
            sampler.cancel()
            let loyaltyPeak = peak.withLock { $0 }

            let sorted = latencies.sorted()
            let p99 = sorted[sorted.count * 99 / 100]
            print(
                "frozen subscriber: writes=\(Self.writes) p99_ms=\(p99) max_ms=\(sorted.last!) "
                    + "health_rss_mib=\(healthBefore)->\(healthDuring) loyalty_rss_mib=\(loyaltyBefore)->peak \(loyaltyPeak)"
            )
            // Bounds far above a healthy run (p99 of a few ms here), far below a source that waits for
            // its frozen subscriber (it would never finish) or a subscriber that buffers without limit.
            #expect(sorted.last! < 5_000, "a write waited \(sorted.last!) ms while loyalty was frozen")
            #expect(healthDuring - healthBefore < 128, "health grew \(healthDuring - healthBefore) MiB")
            #expect(loyaltyPeak - loyaltyBefore < 128, "loyalty grew \(loyaltyPeak - loyaltyBefore) MiB catching up")
            let statement: GetStatementResponse = try await loyaltyClient.call(
                "GetStatement", GetStatementRequest(customer: .init(value: "frozen-\(200 + Self.writes - 1)")))
            #expect(statement.balance == 0, "the last account published while loyalty was frozen is known to it")
        }

        private func client(_ service: String, _ dataDirectory: String) throws -> ServiceClient {
            try ServiceClient(
                service: service,
                endpoints: [Endpoint(LocalSuite.requestURL(service: service, dataDirectory: dataDirectory))],
                token: TestTokens.admin)
        }

        /// Upserts accounts `frozen-<i>` from 16 tasks at once.
        /// - Returns: each write's latency in milliseconds.
        @discardableResult
        private func upsert(_ range: Range<Int>, through health: ServiceClient) async throws -> [Int64] {
            let signup = Int64(Date().timeIntervalSince1970 * 1000) - 86_400_000
            return try await withThrowingTaskGroup(of: [Int64].self) { group in
                for lane in 0..<16 {
                    group.addTask {
                        var latencies: [Int64] = []
                        for index in stride(from: range.lowerBound + lane, to: range.upperBound, by: 16) {
                            let account = Account(
                                customer: .init(value: "frozen-\(index)"), name: "Frozen \(index)", segment: .small,
                                signupMs: signup)
                            let elapsed = try await measure {
                                let _: UpsertAccountResponse = try await health.call(
                                    "UpsertAccount", UpsertAccountRequest(account: account),
                                    idempotencyKey: "frozen-\(index)")
                            }
                            latencies.append(
                                elapsed.components.seconds * 1000 + elapsed.components.attoseconds
                                    / 1_000_000_000_000_000)
                        }
                        return latencies
                    }
                }
                var all: [Int64] = []
                for try await latencies in group { all += latencies }
                return all
            }
        }

        private func caughtUp(_ follower: ServiceClient, with source: ServiceClient, limit: Duration = .seconds(30))
            async throws
        {
            let latest = try await source.status().latestSeq
            let done = try await eventually(limit) {
                let status = try await follower.status(timeout: .seconds(2))
                return (status.subscriptions.first { $0.source == source.service }?.appliedSeq ?? 0) >= latest
            }
            try #require(done, "\(follower.service) did not catch up with \(source.service)'s seq \(latest)")
        }

        /// Resident memory of `pid` from /proc, in MiB.
        private func residentMiB(_ pid: pid_t) -> Int64 {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
            return (Int64(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
        }
    }
}
