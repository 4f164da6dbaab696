import Foundation
import Messaging
import TestKit
import Testing

@Suite("Start-up with bad configuration")
struct StartupTests {
    /// Runs cx-test-ledger with `arguments` and expects it to stop at once with one clear line.
    private func expectRefusal(_ arguments: [String], dataDirectory: String, mentioning words: [String]) async throws {
        let process = try ServiceProcess(
            "cx-test-ledger", arguments: arguments,
            environment: ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting])
        let status = try await process.waitForExit(limit: .seconds(20))
        let lines = process.log.split(separator: "\n").filter { !$0.isEmpty }
        #expect(status != 0)
        #expect(lines.count == 1, "expected one line, got:\n\(process.log)")
        for word in words { #expect(process.log.contains(word), "\(word) missing from: \(process.log)") }
    }

    @Test("an unwritable data directory stops start-up with one line naming it")
    func unwritableDataDirectory() async throws {
        let base = try makeTemporaryDirectory()
        let file = "\(base)/not-a-directory"
        _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        try await expectRefusal([], dataDirectory: "\(file)/data", mentioning: ["\(file)/data"])
    }

    @Test("a malformed URL stops start-up with one line naming the setting")
    func malformedURL() async throws {
        try await expectRefusal(
            ["--listen", "htp://127.0.0.1:1"], dataDirectory: try makeTemporaryDirectory(),
            mentioning: ["listen", "htp"])
    }

    @Test("a port in use stops start-up with one line saying so")
    func portInUse() async throws {
        let holder = try Replier(listening: [Endpoint("tcp://127.0.0.1:0")])
        let url = holder.endpoints[0].url
        try await expectRefusal(["--listen", url], dataDirectory: try makeTemporaryDirectory(), mentioning: ["in use"])
    }
}
