import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

/// Services up on one data directory — as one cx-suite or as separate cx-<service> processes (so
/// that one can be killed, or only some run) — with admin clients, and cxctl run as a process
/// against them.
final class SuiteHarness: @unchecked Sendable {  // used from one test task at a time
    let dataDirectory: String
    private(set) var processes: [String: ServiceProcess] = [:]
    let clients: [String: ServiceClient]

    /// - Parameters:
    ///   - services: the services to run and talk to (all five unless given; with cx-suite all five run).
    ///   - separate: one process per service instead of one cx-suite.
    ///   - dataDirectory: where their data is (a restored backup); a new empty directory unless given.
    init(_ services: [String] = suiteServices, separate: Bool, dataDirectory given: String? = nil) async throws {
        let dataDirectory = try given ?? makeTemporaryDirectory("cx-harness")
        self.dataDirectory = dataDirectory
        let environment = ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting]
        if separate {
            for service in services {
                processes[service] = try ServiceProcess("cx-\(service)", environment: environment)
            }
        } else {
            processes["suite"] = try ServiceProcess("cx-suite", environment: environment)
        }
        var clients: [String: ServiceClient] = [:]
        for service in services {
            clients[service] = try ServiceClient(
                service: service,
                endpoints: [Endpoint(LocalSuite.requestURL(service: service, dataDirectory: dataDirectory))],
                token: TestTokens.admin)
        }
        self.clients = clients
        for (service, client) in clients {
            let up = try await eventually(.seconds(30)) { (try? await client.ping(timeout: .milliseconds(500))) != nil }
            try #require(up, "\(service) did not come up:\n\(processes.values.map(\.log).joined())")
        }
    }

    func kill(_ service: String) async throws {
        processes[service]!.send(SIGKILL)
        try await processes[service]!.waitForExit()
    }

    func stop() {
        for process in processes.values { process.send(SIGKILL) }
        for client in clients.values { client.close() }
    }

    func call<Request: ProtoMessage, Reply: ProtoMessage>(
        _ service: String, _ method: String, _ request: Request
    ) async throws -> Reply {
        try await clients[service]!.call(method, request)
    }

    /// Waits until every service that follows `source` has applied all it has published so far.
    func caughtUp(with source: String) async throws {
        let latest = try await clients[source]!.status().latestSeq
        for (follower, client) in clients where follower != source {
            let done = try await eventually(.seconds(30)) {
                guard let status = try? await client.status() else { return false }
                guard let subscription = status.subscriptions.first(where: { $0.source == source }) else { return true }
                return subscription.appliedSeq >= latest
            }
            try #require(done, "\(follower) did not catch up with \(source)'s seq \(latest)")
        }
    }

    /// Runs cxctl with the admin token against this data directory; its exit status and output.
    func cxctl(_ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32, String) {
        let process = try ServiceProcess(
            "cxctl", arguments: arguments,
            environment: ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.admin].merging(environment) { $1 })
        let status = try await process.waitForExit(limit: .seconds(60))
        return (status, process.log)
    }

    /// Writes `text` to a file in the data directory; its path.
    func file(_ name: String, _ text: String) throws -> String {
        let path = "\(dataDirectory)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// The five services, as cxctl names them.
let suiteServices = ["feedback", "loyalty", "advocacy", "escalation", "health"]

/// A JSON object from cxctl's output.
func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
}
