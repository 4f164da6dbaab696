import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

extension Reliability {
    /// A long-lived client of a service that is SIGKILLed and restarted again and again must reach
    /// each new process as soon as it answers, like a fresh client does.
    @Suite("a client reconnects to a service restarted after kill -9")
    struct ReconnectAfterKillTests {
        @Test("a long-lived client gets answers from each of 25 restarts of a killed service")
        func longLivedClientFollowsRestarts() async throws {
            let dataDirectory = try makeTemporaryDirectory("cx-reconnect")
            let environment = ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting]
            let endpoint = try Endpoint(LocalSuite.requestURL(service: "health", dataDirectory: dataDirectory))
            let client = try ServiceClient(service: "health", endpoints: [endpoint], token: TestTokens.admin)
            defer { client.close() }
            var process = try ServiceProcess("cx-health", environment: environment)
            defer { process.send(SIGKILL) }
            for restart in 0..<25 {
                let answered = try await eventually(.seconds(20)) {
                    (try? await client.ping(timeout: .milliseconds(500))) != nil
                }
                if !answered {
                    let fresh = try ServiceClient(service: "health", endpoints: [endpoint], token: TestTokens.admin)
                    defer { fresh.close() }
                    let freshAnswered = (try? await fresh.ping(timeout: .seconds(2))) != nil
                    Issue.record(
                        "restart \(restart): no answer in 20 s to the long-lived client (a fresh one: \(freshAnswered))\n\(process.log)"
                    )
                    return
                }
                // Killed at different moments of its life: at once, or after a while.
                try await Task.sleep(for: .milliseconds(Int64(restart % 5) * 150))
                process.send(SIGKILL)
                try await process.waitForExit()
                process = try ServiceProcess("cx-health", environment: environment)
            }
        }
    }
}
