import Foundation
import TestKit
import Testing

extension Reliability {
    /// The short version of `make chaos`: cx-chaos runs its mixed workload on a quiet fleet and on one
    /// where a random service is SIGKILLed and restarted every ~1.5 s for about 30 s, and fails on any difference.
    @Suite("the five services under kill -9")
    struct CrashChaosTests {
        @Test(
            "writes retried with their idempotency key after kill -9 are applied exactly once, and every subscriber ends with every event"
        )
        func killNineUnderLoad() async throws {
            let driver = try ServiceProcess(
                "cx-chaos",
                arguments: [
                    "--customers", "12", "--writes", "40", "--seconds", "30", "--kill-every-ms", "1500", "--seed", "7",
                ])
            let status = try await driver.waitForExit(limit: .seconds(240))
            let log = driver.log
            #expect(status == 0, "\(log)")
            let figures = log.split(separator: "\n").first { $0.hasPrefix("chaos:") }.map(String.init) ?? ""
            #expect(figures.contains(" differences=0"), "\(log)")
            let kills = figures.split(separator: " ").first { $0.hasPrefix("kills=") }.flatMap { Int($0.dropFirst(6)) }
            #expect((kills ?? 0) >= 3, "the run must have killed services several times: \(log)")
        }
    }
}
