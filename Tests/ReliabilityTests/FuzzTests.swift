import Foundation
import TestKit
import Testing

extension Reliability {
    /// The short version of `make fuzz`: cx-fuzz sends 10,000 hostile inputs over the real sockets of
    /// the five services (every request type of every service, damaged at the wire and envelope level),
    /// then frames beyond the size limit and raw misbehaving ipc clients, and fails on any crash, lost
    /// reply, wrong reply or failed check afterwards (subscribers caught up, clean shutdown, SQLite
    /// integrity).
    @Suite("the five services under hostile input")
    struct FuzzTests {
        @Test("10,000 hostile inputs over the real sockets: no crash, every reply a proper one, the data intact")
        func hostileInputOverTheRealSockets() async throws {
            let driver = try ServiceProcess(
                "cx-fuzz", arguments: ["--inputs", "10000", "--seed", "11", "--oversized", "2", "--raw-rounds", "2"])
            defer { killServices(startedBy: driver) }
            let status = try await driver.waitForExit(limit: .seconds(600))
            let log = driver.log
            #expect(status == 0, "\(log)")
            let figures = log.split(separator: "\n").last { $0.hasPrefix("fuzz: seed=") && $0.contains("inputs=") }
            let line = figures.map(String.init) ?? ""
            for clean in ["crashes=0", "timeouts=0", "failures=0", "checks_failed=0"] {
                #expect(line.contains(" \(clean)"), "\(clean) missing from the figures:\n\(log)")
            }
            #expect(line.contains(" inputs=10000 "), "not every input was sent:\n\(log)")
        }

        /// cx-fuzz kills its services when it ends, but not when it is itself killed or crashes: then its
        /// first line's pids are SIGKILLed here.
        private func killServices(startedBy driver: ServiceProcess) {
            if driver.process.isRunning { driver.send(SIGKILL) }
            let first = driver.log.split(separator: "\n").first { $0.contains(" pids=") } ?? ""
            let pids = first.split(separator: " ").first { $0.hasPrefix("pids=") }?.dropFirst(5) ?? ""
            for pid in pids.split(separator: ",").compactMap({ pid_t($0) }) where kill(pid, 0) == 0 {
                kill(pid, SIGKILL)
            }
        }
    }
}
