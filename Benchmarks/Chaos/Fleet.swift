import Client
import Foundation
import Messaging
import Models
import Synchronization
import TestKit

/// The five services as separate processes, placed by a ``Placement``, with a client each; any of them
/// can be killed with SIGKILL and started again (always by pid).
final class Fleet: Sendable {
    static let services = ["health", "feedback", "loyalty", "advocacy", "escalation"]

    let placement: any Placement
    let clients: [String: ServiceClient]
    private let token: String
    private let tokens: String
    private let processes: Mutex<[String: ServiceProcess]>
    /// Every process started so far, for their logs.
    private let started = Mutex<[ServiceProcess]>([])

    /// Starts the five and waits until each answers.
    /// - Parameters:
    ///   - tokens: the services' CX_TOKEN setting; `token` is the admin secret the clients send.
    init(placement: any Placement, tokens: String, token: String) async throws {
        self.placement = placement
        self.token = token
        self.tokens = tokens
        processes = Mutex([:])
        var clients: [String: ServiceClient] = [:]
        for service in Self.services {
            clients[service] = try ServiceClient(
                service: service, endpoints: [Endpoint(placement.requestURL(service))], token: token)
        }
        self.clients = clients
        for service in Self.services { try start(service) }
        for service in Self.services { try await waitUntilAnswering(service) }
    }

    private func start(_ service: String) throws {
        let process = try placement.start(service, tokens: tokens)
        processes.withLock { $0[service] = process }
        started.withLock { $0.append(process) }
    }

    func pid(of service: String) -> pid_t { processes.withLock { $0[service]!.pid } }

    /// SIGKILLs `service` (by its pid), waits for it to die, and starts it again.
    func killAndRestart(_ service: String) async throws {
        let victim = processes.withLock { $0[service]! }
        victim.send(SIGKILL)
        try await victim.waitForExit(limit: .seconds(10))
        try start(service)
    }

    /// Sends `signal` to `service`'s process.
    func send(_ signal: Int32, to service: String) { processes.withLock { $0[service]! }.send(signal) }

    func waitUntilAnswering(_ service: String, limit: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + limit
        while (try? await clients[service]!.ping(timeout: .milliseconds(500))) == nil {
            guard ContinuousClock.now < deadline else {
                throw ChaosError(
                    "cx-\(service) did not answer within \(limit) (\(await diagnose(service)))\n\(log(of: service))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Whether the process runs and whether a fresh connection gets an answer where the long-lived
    /// client does not: tells a hung service from a client that does not reconnect.
    private func diagnose(_ service: String) async -> String {
        let process = processes.withLock { $0[service]! }
        let running = process.process.isRunning ? "pid \(process.pid) running" : "pid \(process.pid) gone"
        guard
            let fresh = try? ServiceClient(
                service: service, endpoints: [Endpoint(placement.requestURL(service))], token: token)
        else { return running }
        defer { fresh.close() }
        let answered = (try? await fresh.ping(timeout: .seconds(2))) != nil
        return "\(running), a fresh client \(answered ? "gets an answer" : "gets no answer either")"
    }

    /// A client of each service on new connections, with few contexts: to look at the services just after
    /// a link came back without waiting for the long-lived clients' connections to recover. Close them.
    func makeProbeClients() throws -> [String: ServiceClient] {
        var probes: [String: ServiceClient] = [:]
        for service in Self.services {
            probes[service] = try ServiceClient(
                service: service, endpoints: [Endpoint(placement.requestURL(service))], token: token, maxInFlight: 2)
        }
        return probes
    }

    /// Every service's status, through `probes` if given, or nil while one does not answer.
    func statuses(using probes: [String: ServiceClient]? = nil) async -> [String: StatusResponse]? {
        var statuses: [String: StatusResponse] = [:]
        for service in Self.services {
            guard let status = try? await (probes ?? clients)[service]!.status(timeout: .seconds(2)) else {
                return nil
            }
            statuses[service] = status
        }
        return statuses
    }

    /// How many events subscribers still have to apply: for each subscription of each service, the
    /// source's latest seq less the subscription's applied seq. Nil while a service does not answer.
    func eventsBehind() async -> UInt64? {
        guard let statuses = await statuses() else { return nil }
        var behind: UInt64 = 0
        for status in statuses.values {
            for subscription in status.subscriptions {
                let latest = statuses[subscription.source]?.latestSeq ?? 0
                behind += latest > subscription.appliedSeq ? latest - subscription.appliedSeq : 0
                // A subscriber ahead of its source would be a lost or rewritten event log.
                if subscription.appliedSeq > latest { return UInt64.max }
            }
        }
        return behind
    }

    /// Waits until every subscriber has applied every event of every source (twice in a row, so a
    /// source that was still publishing is seen settled).
    func waitUntilCaughtUp(limit: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now + limit
        var settled = 0
        while settled < 2 {
            guard ContinuousClock.now < deadline else {
                throw ChaosError("subscribers did not catch up within \(limit): \(await describeSubscriptions())")
            }
            settled = await eventsBehind() == 0 ? settled + 1 : 0
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// "loyalty<-health applied 12 of 12, …", for failure messages and the final report.
    func describeSubscriptions() async -> String {
        guard let statuses = await statuses() else { return "(a service does not answer)" }
        return Self.services.flatMap { service in
            statuses[service]!.subscriptions.map {
                "\(service)<-\($0.source) applied \($0.appliedSeq) of \(statuses[$0.source]?.latestSeq ?? 0)"
            }
        }.joined(separator: ", ")
    }

    /// What the current process of `service` logged.
    func log(of service: String) -> String { processes.withLock { $0[service]?.log ?? "" } }

    /// Everything every process started so far logged.
    var allLogs: String { started.withLock { $0.map(\.log).joined(separator: "\n") } }

    /// SIGKILLs every service (by pid) and waits until they are gone.
    func stop() async {
        let running = processes.withLock { Array($0.values) }
        for process in running { process.send(SIGKILL) }
        for process in running { _ = try? await process.waitForExit(limit: .seconds(10)) }
        for client in clients.values { client.close() }
    }
}

struct ChaosError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
