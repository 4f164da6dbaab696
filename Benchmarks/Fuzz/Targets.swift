import Client
import Foundation
import GRDB
import Messaging
import Models
import TestKit

/// The five services as separate processes on one fresh data directory, each reached two ways: a
/// raw requester that sends frames exactly as given (no client library in between), and a typed
/// client for setting up and checking.
final class Targets: Sendable {
    let dataDirectory: String
    private let processes: [String: ServiceProcess]
    private let requesters: [String: Requester]
    let clients: [String: ServiceClient]

    /// The services' receive limit (SocketOptions' default): frames beyond it are dropped unanswered.
    static let frameLimit = SocketOptions().maxMessageBytes

    /// Starts the five and waits until each answers.
    /// - Parameter lanes: how many requests may be in flight to one service at once.
    init(tokens: Tokens, lanes: Int) async throws {
        dataDirectory = try makeTemporaryDirectory("cx-fuzz")
        var processes: [String: ServiceProcess] = [:]
        var requesters: [String: Requester] = [:]
        var clients: [String: ServiceClient] = [:]
        // A fuzz frame is sent once: no resend, so every frame is one input and a lost reply shows.
        var options = SocketOptions()
        options.requestResendInterval = .seconds(3600)
        for service in Catalogue.services {
            let endpoint = try Endpoint(LocalSuite.requestURL(service: service, dataDirectory: dataDirectory))
            processes[service] = try ServiceProcess(
                "cx-\(service)", environment: ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": tokens.setting])
            requesters[service] = try Requester(dialing: [endpoint], options: options, maxInFlight: lanes)
            clients[service] = try ServiceClient(service: service, endpoints: [endpoint], token: tokens.admin)
        }
        self.processes = processes
        self.requesters = requesters
        self.clients = clients
        for service in Catalogue.services {
            let client = clients[service]!
            let deadline = ContinuousClock.now + .seconds(60)
            while (try? await client.ping(timeout: .milliseconds(500))) == nil {
                guard ContinuousClock.now < deadline else {
                    throw FuzzError("cx-\(service) did not answer within 60 s\n\(processes[service]!.log)")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Sends one frame to `service` and returns its reply.
    /// - Throws: `MessagingError` `.timedOut` when no reply came within `timeout`.
    func send(_ frame: [UInt8], to service: String, timeout: Duration) async throws -> [UInt8] {
        try await requesters[service]!.request(frame, timeout: timeout)
    }

    func pid(of service: String) -> pid_t { processes[service]!.pid }

    func isRunning(_ service: String) -> Bool { processes[service]!.process.isRunning }

    func log(of service: String) -> String { processes[service]!.log }

    /// What a dead service's log says about its death: from the crashed thread's backtrace or the
    /// fatal error on, else the log's end.
    func crashReport(of service: String) -> String {
        let log = log(of: service)
        guard let start = log.range(of: "Fatal error") ?? log.range(of: " crashed:") else {
            return String(log.suffix(3_000))
        }
        return String(log[start.lowerBound...].prefix(3_000))
    }

    /// Resident memory now and at its peak (VmRSS and VmHWM), in MiB.
    func memory(of service: String) -> (resident: Int, peak: Int) {
        let status = (try? String(contentsOfFile: "/proc/\(pid(of: service))/status", encoding: .utf8)) ?? ""
        func kibibytes(_ key: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key) } ?? ""
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return (kibibytes("VmRSS:") / 1024, kibibytes("VmHWM:") / 1024)
    }

    /// How many events subscribers still have to apply, summed over every subscription of every
    /// service; nil while a service does not answer.
    func eventsBehind() async -> UInt64? {
        var statuses: [String: StatusResponse] = [:]
        for service in Catalogue.services {
            guard let status = try? await clients[service]!.status(timeout: .seconds(5)) else { return nil }
            statuses[service] = status
        }
        var behind: UInt64 = 0
        for status in statuses.values {
            for subscription in status.subscriptions {
                let latest = statuses[subscription.source]?.latestSeq ?? 0
                behind += latest > subscription.appliedSeq ? latest - subscription.appliedSeq : 0
            }
        }
        return behind
    }

    /// Waits until every subscriber has applied every event of every source.
    /// - Returns: whether they did within `limit`.
    func waitUntilCaughtUp(limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if await eventsBehind() == 0 { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// SIGTERMs every service and waits for each to exit.
    /// - Returns: each one's exit status (0 for a clean shutdown), nil for one still running after 60 s.
    func shutDown() async -> [String: Int32?] {
        for client in clients.values { client.close() }
        for requester in requesters.values { requester.close() }
        for process in processes.values { process.send(SIGTERM) }
        var statuses: [String: Int32?] = [:]
        for (service, process) in processes {
            statuses[service] = .some(try? await process.waitForExit(limit: .seconds(60)))
        }
        return statuses
    }

    /// SQLite's own checks of a stopped service's database: "ok" when the file is sound and no
    /// foreign key dangles, else what SQLite reported.
    func integrity(of service: String) throws -> String {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: "\(dataDirectory)/\(service).sqlite", configuration: configuration)
        return try database.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
            let danglingKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count
            return danglingKeys == 0 ? integrity : "\(integrity); \(danglingKeys) dangling foreign keys"
        }
    }

    /// Removes the data directory and the services' logs (a long run logs gigabytes of refusals).
    func removeFiles() {
        for process in processes.values { try? FileManager.default.removeItem(at: process.standardErrorFile) }
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    /// Kills whatever still runs, by pid.
    func kill() {
        for process in processes.values where process.process.isRunning { process.send(SIGKILL) }
    }
}

struct FuzzError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
