import Client
import Foundation
import Models
import TestKit
import Testing

/// cxctl in a real terminal (tmux): the import progress bar, the report tables and sparklines.
@Suite("cxctl in a terminal")
struct ReportTerminalTests {
    static let tmuxPath = ReportFixture.tool("tmux")
    static let blocks: Set<Character> = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// A tmux server of its own (its socket in the fixture's directory), running a shell 160×50.
    private struct Terminal {
        let socket: String
        /// The tmux server's pid, to stop it by.
        private(set) var serverPID: pid_t = 0

        init(environment: [String: String], directory: String) async throws {
            socket = directory + "/tmux.socket"
            let exports = environment.map { "\($0.key)=\($0.value)" }
            // The tmux server outlives the client that starts it and keeps what it inherited: the
            // descriptor Foundation watches to tell that the client ended (so the start would never
            // end), and a signal mask that blocks nearly everything (so it would never stop). So it
            // is started through python, which unblocks the signals and closes the descriptors.
            let (status, log) = try await ReportFixture.run(
                "/usr/bin/env",
                [
                    "python3", "-c",
                    "import signal, subprocess, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
                        + "sys.exit(subprocess.call(sys.argv[1:]))",
                ]
                    + [ReportTerminalTests.tmuxPath!, "-u", "-S", socket, "new-session", "-d", "-x", "160", "-y", "50"]
                    + ["env", "LANG=C.UTF-8", "PS1=$ "] + exports + ["bash", "--norc", "--noprofile"])
            try #require(status == 0, "tmux new-session: \(log)")
            let pid = try await tmux(["display-message", "-p", "#{pid}"])
            serverPID = try #require(pid_t(pid.trimmingCharacters(in: .whitespacesAndNewlines)), "pid: \(pid)")
        }

        /// Types `command` and waits until `marker` is printed by its end (the typed line shows the
        /// unexpanded `$((…))`, so only the output matches). - Returns: the pane with its history.
        func type(_ command: String, until marker: String) async throws -> String {
            try await tmux(["clear-history"])
            try await tmux(["send-keys", "clear; \(command); echo \(marker)-$((40+2))", "Enter"])
            var screen = ""
            let done = try await eventually(.seconds(120)) {
                screen = try await capture()
                return screen.split(separator: "\n").contains { $0 == "\(marker)-42" }
            }
            try #require(done, "\(command) did not finish:\n\(screen)")
            return screen
        }

        func capture() async throws -> String {
            let (_, text) = try await ReportFixture.run(
                ReportTerminalTests.tmuxPath!, ["-S", socket, "capture-pane", "-p", "-J", "-S", "-"])
            return text
        }

        @discardableResult
        func tmux(_ arguments: [String]) async throws -> String {
            let (status, log) = try await ReportFixture.run(ReportTerminalTests.tmuxPath!, ["-S", socket] + arguments)
            try #require(status == 0, "tmux \(arguments): \(log)")
            return log
        }

        /// Ends the tmux server (and the shell in it) by its pid.
        func stop() { kill(serverPID, SIGTERM) }
    }

    @Test(
        "the import draws its progress bar; the NPS and health reports print their tables and trend sparklines",
        .enabled(if: tmuxPath != nil, "tmux is not installed: scripts/install-deps installs it"))
    func importAndReportsRenderInATerminal() async throws {
        let fixture = try await ReportFixture()
        defer { fixture.stop() }
        let cxctl = ServiceProcess.productsDirectory.appendingPathComponent("cxctl").path
        let terminal = try await Terminal(environment: fixture.cxctlEnvironment, directory: fixture.dataDirectory)
        defer { terminal.stop() }
        let accounts = try fixture.writeAccountsCSV()
        let usage = try fixture.writeUsageCSV()

        let imported = try await terminal.type(
            "\(cxctl) import accounts \(accounts) && \(cxctl) import usage \(usage)", until: "IMPORTED")
        let lines = imported.split(separator: "\n").map(String.init)
        let bars = lines.filter { $0.hasPrefix("[" + String(repeating: "█", count: 30) + "] 100%") }
        #expect(bars.count == 2, "a finished bar for each import:\n\(imported)")
        #expect(bars.last?.contains("\(ReportFixture.accountCount / 2 * 28 * 3) rows") == true, "\(imported)")
        #expect(imported.contains("\(ReportFixture.accountCount) rows: \(ReportFixture.accountCount) applied"))

        try await fixture.addActivity()
        let report = try await terminal.type("\(cxctl) report nps && \(cxctl) report health", until: "REPORTED")
        let shown = report.split(separator: "\n").map(String.init)

        // The NPS table, one row per month, and its sparkline agree with the service's report.
        #expect(shown.contains("NPS by month"), "\(report)")
        #expect(shown.contains { $0.hasPrefix("PERIOD") && $0.contains("NPS") && $0.contains("±95%") }, "\(report)")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let nps: ScoreReportResponse = try await fixture.clients["feedback"]!.call(
            "ScoreReport",
            ScoreReportRequest(
                kind: .nps, period: .month, window: TimeRange(fromMs: now - 365 * ReportFixture.dayMs, untilMs: now)))
        let values = nps.cells.map { $0.tooFew ? nil : $0.score }
        let trend = try #require(shown.first { $0.hasPrefix("all ") }, "no sparkline line:\n\(report)")
        let sparkline = Array(
            trend.filter { Self.blocks.contains($0) || $0 == " " }.trimmingCharacters(in: .whitespaces))
        #expect(sparkline.filter { Self.blocks.contains($0) }.count == values.compactMap { $0 }.count, "\(trend)")
        let known = values.compactMap { $0 }
        try #require(known.count >= 3 && known.max()! > known.min()!, "the fixture's NPS should move: \(values)")
        // The best month is the full block, the worst the lowest one.
        let blocksOnly = sparkline.filter { Self.blocks.contains($0) }
        #expect(blocksOnly[known.firstIndex(of: known.max()!)!] == "█", "\(trend) for \(known)")
        #expect(blocksOnly[known.firstIndex(of: known.min()!)!] == "▁", "\(trend) for \(known)")
        for cell in nps.cells where !cell.tooFew {
            #expect(shown.contains { $0.contains(String(format: "%+.0f", cell.score)) })
        }

        // The health table by segment, its total agreeing with health.HealthReport.
        let health: HealthReportResponse = try await fixture.clients["health"]!.call(
            "HealthReport", HealthReportRequest())
        let total = try #require(health.total)
        #expect(shown.contains { $0.hasPrefix("SEGMENT") && $0.contains("GOOD") && $0.contains("AVG SCORE") })
        let allRow = shown.first { $0.hasPrefix("all ") && $0.contains("\(total.accounts)") && !$0.contains("█") }
        let allColumns = allRow?.split(separator: " ").map(String.init) ?? []
        #expect(
            allColumns.prefix(6) == [
                "all", "\(total.accounts)", "\(total.good)", "\(total.average)", "\(total.poor)",
                "\(total.unscored)",
            ], "\(report)")
        for segment in ReportFixture.segments { #expect(shown.contains { $0.hasPrefix(segment + " ") }) }

        // By segment (6 answers a month each): one trend line per segment; the SLA trend by week; the
        // loyalty and advocacy tables.
        let more = try await terminal.type(
            "\(cxctl) report nps --by segment --min-answers 5 && "
                + "\(cxctl) report sla --period week --periods 4 --by severity "
                + "&& \(cxctl) report loyalty && \(cxctl) report advocacy", until: "MORE")
        let moreLines = more.split(separator: "\n").map(String.init)
        for segment in ReportFixture.segments {
            let trendLine = moreLines.first { $0.hasPrefix(segment + " ") && $0.contains { Self.blocks.contains($0) } }
            #expect(trendLine != nil, "no \(segment) sparkline:\n\(more)")
        }
        #expect(moreLines.contains("SLA") && moreLines.contains { $0.hasPrefix("last 30 days: 4 cases resolved") })
        let attainment = moreLines.first { $0.hasPrefix("attainment ") }
        #expect(attainment?.contains { Self.blocks.contains($0) } == true, "\(more)")
        let program: GetProgramReportResponse = try await fixture.clients["loyalty"]!.call(
            "GetProgramReport", GetProgramReportRequest())
        for tier in program.tiers {
            #expect(moreLines.contains { $0.split(separator: " ") == [Substring(tier.tier), "\(tier.members)"] })
        }
        #expect(moreLines.contains { $0.split(separator: " ") == ["candidate", "12"] }, "\(more)")
    }
}
