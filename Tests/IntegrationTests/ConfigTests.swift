import Foundation
import TestKit
import Testing

/// `cxctl config init|show` and the config file's place between the environment and the defaults.
@Suite("cxctl config")
struct ConfigTests {
    private func cxctl(_ arguments: [String], _ environment: [String: String]) async throws -> (Int32, String) {
        let process = try ServiceProcess("cxctl", arguments: arguments, environment: environment)
        return (try await process.waitForExit(limit: .seconds(60)), process.log)
    }

    @Test(
        "init writes the local suite's sockets and token (mode 600, never over a file), show says where each comes from"
    )
    func initAndShow() async throws {
        let dataDirectory = try makeTemporaryDirectory("cx-config")
        let suite = try ServiceProcess("cx-suite", environment: ["CX_DATA_DIR": dataDirectory])
        defer { suite.send(SIGKILL) }
        let tokenFile = dataDirectory + "/admin.token"
        let made = try await eventually(.seconds(30)) { FileManager.default.fileExists(atPath: tokenFile) }
        try #require(made, "cx-suite made no admin token:\n\(suite.log)")
        let token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)

        let configHome = try makeTemporaryDirectory("cx-config-home")
        let path = configHome + "/anchorage/cxctl.conf"
        let local = ["CX_DATA_DIR": dataDirectory, "XDG_CONFIG_HOME": configHome]
        let (initExit, initOutput) = try await cxctl(["config", "init"], local)
        #expect(initExit == 0 && initOutput.contains("wrote \(path)"), "\(initOutput)")
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written.contains("\ntoken = \(token)\n"))
        #expect(written.contains("\nloyalty.url = ipc://\(dataDirectory)/run/loyalty.rep\n"), "\(written)")
        #expect(written.contains("\nhealth.events_url = ipc://\(dataDirectory)/run/health.pub\n"), "\(written)")
        #expect(written.contains("\n# tls_ca =\n"), "\(written)")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        try "# mine\n".write(toFile: path, atomically: false, encoding: .utf8)
        let (againExit, again) = try await cxctl(["config", "init"], local)
        #expect(againExit != 0 && again.contains("exists; use --force"), "\(again)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "# mine\n", "left as it was")
        #expect(try await cxctl(["config", "init", "--force"], local).0 == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == written)

        // From elsewhere (another data directory, no token in the environment) the file alone finds the suite.
        let elsewhere = ["CX_DATA_DIR": try makeTemporaryDirectory("cx-elsewhere"), "XDG_CONFIG_HOME": configHome]
        let up = try await eventually(.seconds(30)) { try await cxctl(["status"], elsewhere).0 == 0 }
        #expect(up, "cxctl status through the config file alone")

        let (showExit, show) = try await cxctl(
            ["config", "show"], elsewhere.merging(["CX_LOYALTY_URL": "tcp://10.0.0.5:7102"]) { $1 })
        #expect(showExit == 0, "\(show)")
        #expect(!show.contains(token), "the token's secret is never shown")
        #expect(show.contains("****\(token.suffix(4)) (\(token.count) characters)"), "\(show)")
        func row(_ key: String, in text: String = show) -> [Substring] {
            text.split(separator: "\n").map { $0.split(separator: " ") }.first { $0.first.map(String.init) == key }
                ?? []
        }
        #expect(row("token").last.map(String.init) == path, "\(show)")
        #expect(row("loyalty.url") == ["loyalty.url", "tcp://10.0.0.5:7102", "environment", "CX_LOYALTY_URL"])
        #expect(row("health.url").last.map(String.init) == path, "\(show)")
        #expect(row("tls_ca") == ["tls_ca", "-", "not", "set"], "\(show)")
        #expect(show.hasPrefix("config file: \(path)\n"), "\(show)")

        // No file: the local suite's defaults; a file others can read is refused while it holds a token.
        let (defaultsExit, defaults) = try await cxctl(
            ["config", "show"], ["CX_DATA_DIR": dataDirectory, "CX_CONFIG": configHome + "/none.conf"])
        #expect(defaultsExit != 0 && defaults.contains("none.conf"), "CX_CONFIG names a file that must exist")
        let (noFileExit, noFile) = try await cxctl(
            ["config", "show"], ["CX_DATA_DIR": dataDirectory, "XDG_CONFIG_HOME": configHome + "/empty"])
        #expect(noFileExit == 0 && noFile.contains("(none)"), "\(noFile)")
        #expect(
            row("feedback.url", in: noFile) == [
                "feedback.url", "ipc://\(dataDirectory)/run/feedback.rep", "local", "suite",
            ],
            "\(noFile)")
        chmod(path, 0o644)
        let (openExit, open) = try await cxctl(["status"], elsewhere)
        #expect(openExit != 0 && open.contains("other users can read it"), "\(open)")

        // A line that is not a setting is refused with its line number, not ignored.
        let broken = configHome + "/broken.conf"
        try "# fine\nloyalty.uri = tcp://x:1\n".write(toFile: broken, atomically: false, encoding: .utf8)
        let (brokenExit, brokenOutput) = try await cxctl(["config", "show"], ["CX_CONFIG": broken])
        #expect(brokenExit != 0 && brokenOutput.contains("\(broken):2: expected key = value"), "\(brokenOutput)")
    }
}
