import Foundation
import TestKit
import Testing

@Suite("cx-suite and cxctl")
struct SuiteTests {
    @Test("cxctl status against cx-suite prints every service as up")
    func statusShowsEveryServiceUp() async throws {
        let dataDirectory = try makeTemporaryDirectory("cx-suite")
        let suite = try ServiceProcess("cx-suite", environment: ["CX_DATA_DIR": dataDirectory])
        defer { suite.send(SIGKILL) }
        var output = ""
        let allUp = try await eventuallyTrue(.seconds(30)) {
            let status = try ServiceProcess("cxctl", arguments: ["status"], environment: ["CX_DATA_DIR": dataDirectory])
            let exit = try await status.waitForExit()
            output = status.log
            return exit == 0
        }
        #expect(allUp, "cxctl status:\n\(output)\ncx-suite:\n\(suite.log)")
        for service in ["feedback", "loyalty", "advocacy", "escalation", "health"] {
            #expect(output.split(separator: "\n").contains { $0.hasPrefix(service) && $0.contains(" up ") })
        }
        let json = try ServiceProcess(
            "cxctl", arguments: ["status", "--json"], environment: ["CX_DATA_DIR": dataDirectory])
        #expect(try await json.waitForExit() == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.log.utf8)) as? [String: Any]
        let services = object?["services"] as? [[String: Any]] ?? []
        #expect(services.count == 5 && services.allSatisfy { $0["up"] as? Bool == true })

        suite.send(SIGTERM)
        #expect(try await suite.waitForExit() == 0, "cx-suite:\n\(suite.log)")
        let stopped = try ServiceProcess("cxctl", arguments: ["status"], environment: ["CX_DATA_DIR": dataDirectory])
        #expect(try await stopped.waitForExit() != 0)
        #expect(stopped.log.contains("down"))
    }

    private func eventuallyTrue(_ limit: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
