import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

/// The five executables deployed as on five hosts: each in its own Linux network namespace with its own
/// address on a bridge, talking `tls+tcp://` with mutual TLS by host name, certificates from
/// `deploy/make-dev-secrets`. Runs only under `deploy/tests/netns-tls.sh` (make deploy-check), which needs
/// root and `ip netns`, names the namespaces with `CX_NETNS_TAG` and removes them even when this process dies.
@Suite("deployment: five hosts over mutual TLS", .serialized, .enabled(if: NetworkLab.isAvailable))
struct NetworkNamespaceTLSTests {
    @Test("health's events reach every service across hosts; a certificate from another CA is refused")
    func customerFlowAcrossHosts() async throws {
        let lab = try NetworkLab()
        defer { lab.tearDown() }
        let good = try lab.makeSecrets("good", caName: "Anchorage Lab CA")
        let rogue = try lab.makeSecrets("rogue", caName: "Rogue CA")
        // Mid-way through a CA rotation: the services trust the current and the next CA (one PEM bundle).
        let next = try lab.makeSecrets("next", caName: "Anchorage Lab CA 2")
        let trusted = "\(lab.directory)/trusted-cas.crt"
        let bundle = try [good, next].map { try String(contentsOfFile: "\($0)/tls/ca.crt", encoding: .utf8) }
        try bundle.joined().write(toFile: trusted, atomically: true, encoding: .utf8)
        let token = "service:suite:\(TestTokens.admin)0,admin:ops:\(TestTokens.admin)"

        for service in NetworkLab.services {
            var environment = [
                "CX_DATA_DIR": "\(lab.directory)/data/\(service)", "CX_TOKEN": token,
                "CX_LISTEN": "tls+tcp://0.0.0.0:\(NetworkLab.requestPort(service))",
                "CX_PUBLISH": "tls+tcp://0.0.0.0:\(NetworkLab.eventsPort(service))",
                "CX_TLS_CERT": "\(good)/tls/\(service).crt", "CX_TLS_KEY": "\(good)/tls/\(service).key",
                "CX_TLS_CA": trusted, "CX_LOG_FORMAT": "json",
            ]
            let peers = service == "health" ? NetworkLab.services.filter { $0 != "health" } : ["health"]
            for peer in peers { environment.merge(NetworkLab.peerSettings(peer)) { $1 } }
            try lab.start(service, in: service, environment: environment)
        }
        // A loyalty replica on a sixth host whose certificate comes from another CA (it trusts the right CA,
        // so only health's check of the client certificate can keep it out). Its own sockets are ipc, so
        // that this test can read its Status from the root namespace.
        try lab.start(
            "loyalty", in: "rogue",
            environment: [
                "CX_DATA_DIR": "\(lab.directory)/data/rogue", "CX_TOKEN": token,
                "CX_LISTEN": "ipc://\(lab.directory)/rogue.rep", "CX_PUBLISH": "ipc://\(lab.directory)/rogue.pub",
                "CX_TLS_CERT": "\(rogue)/tls/loyalty.crt", "CX_TLS_KEY": "\(rogue)/tls/loyalty.key",
                "CX_TLS_CA": "\(good)/tls/ca.crt",
            ].merging(NetworkLab.peerSettings("health")) { $1 })

        // The test itself is a seventh host (the root namespace, on the bridge): a client with cxctl's certificate.
        let health = try lab.client(
            "health", certificate: "\(good)/tls/cxctl", authority: "\(good)/tls/ca.crt", token: TestTokens.admin)
        defer { health.close() }
        let up = try await eventually(.seconds(30)) { (try? await health.ping(timeout: .seconds(1))) != nil }
        try #require(up, "cx-health did not answer over tls+tcp:\n\(lab.logs)")

        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let account = Account(
            customer: .init(value: "harbour-7"), name: "Harbour Hosting", segment: .enterprise,
            signupMs: now - 60 * 86_400_000)
        let _: UpsertAccountResponse = try await health.call("UpsertAccount", UpsertAccountRequest(account: account))
        let usage = (0..<14).map { day in
            UsageEvent(
                usageId: "netns-\(day)", customer: .init(value: "harbour-7"), feature: "dns", count: 5,
                occurredAtMs: now - Int64(day) * 86_400_000)
        }
        let recorded: RecordUsageResponse = try await health.call("RecordUsage", RecordUsageRequest(events: usage))
        #expect(recorded.recorded == 14)
        let rescored: RescoreAccountsResponse = try await health.call("RescoreAccounts", RescoreAccountsRequest())
        #expect(rescored.scored == 1)
        let published = try await health.status().latestSeq
        #expect(published >= 2, "account upserted and score changed are events")

        // cxctl on an admin host, by host name, with its client certificate: every service up, and each of
        // the four has applied all of health's events to its account projection.
        let cxctl = lab.cxctlEnvironment(certificate: "\(good)/tls/cxctl", authority: "\(good)/tls/ca.crt")
        var last = ""
        let caughtUp = try await eventually(.seconds(30)) {
            let (status, output) = try lab.run(cxctl: ["status", "--json"], environment: cxctl)
            last = output
            guard status == 0 else { return false }
            let applied = NetworkLab.appliedHealthSeq(statusJSON: output)
            return NetworkLab.services.filter { $0 != "health" }.allSatisfy { (applied[$0] ?? 0) >= published }
        }
        #expect(caughtUp, "every service applies health's \(published) events across hosts:\n\(last)\n\(lab.logs)")
        let applied = NetworkLab.appliedHealthSeq(statusJSON: last).sorted { $0.key < $1.key }.map { "\($0) \($1)" }
        print("netns-tls: health published \(published) events; applied: \(applied.joined(separator: ", "))")

        for (host, namespace) in try lab.namespacesOfProcesses() {
            #expect(namespace == "\(lab.tag)-\(host)", "each service runs in its own host's namespace")
        }

        // The rogue replica reached health's address, but its handshake is refused: it applies nothing.
        let rogueStatus = try ServiceClient(
            service: "loyalty", endpoints: [Endpoint("ipc://\(lab.directory)/rogue.rep")], token: TestTokens.admin)
        defer { rogueStatus.close() }
        let rogueApplied = try await rogueStatus.status().subscriptions.first { $0.source == "health" }?.appliedSeq
        #expect(rogueApplied == 0, "a certificate from another CA gets no events:\n\(lab.logs)")

        // A client whose certificate comes from the next CA, trusting both: every service accepts it.
        let rotated = lab.cxctlEnvironment(certificate: "\(next)/tls/cxctl", authority: trusted)
        let (rotatedStatus, rotatedOutput) = try lab.run(cxctl: ["status", "--json"], environment: rotated)
        #expect(rotatedStatus == 0, "a certificate from the next CA is accepted during a rotation:\n\(rotatedOutput)")

        // cxctl with the rogue client certificate: refused by every service.
        let refused = lab.cxctlEnvironment(certificate: "\(rogue)/tls/cxctl", authority: "\(good)/tls/ca.crt")
        let (refusedStatus, refusedOutput) = try lab.run(cxctl: ["status", "--json"], environment: refused)
        #expect(refusedStatus == 3, "cxctl status exits 3 when services are unreachable:\n\(refusedOutput)")
        #expect(
            NetworkLab.services.allSatisfy { !NetworkLab.isUp($0, statusJSON: refusedOutput) },
            "\(refusedOutput)")
        // And a client that does not trust the services' CA refuses them.
        let distrusting = try lab.client(
            "health", certificate: "\(good)/tls/cxctl", authority: "\(rogue)/tls/ca.crt", token: TestTokens.admin)
        defer { distrusting.close() }
        await #expect(throws: ClientError.self) { try await distrusting.ping(timeout: .seconds(2)) }

        // SIGTERM stops each host's service cleanly.
        for (name, status) in lab.stopAll() {
            #expect(status == 0, "\(name) exits 0 on SIGTERM:\n\(lab.logs)")
        }
    }
}

/// A ``VirtualNetwork`` of one namespace per host, with host names in each namespace's
/// `/etc/netns/<ns>/hosts` (which `ip netns exec` mounts over `/etc/hosts`).
final class NetworkLab: @unchecked Sendable {  // used by one test task
    static let services = ["feedback", "loyalty", "advocacy", "escalation", "health"]
    static let subnet = "10.213.77"
    /// Hosts and their last address byte; the root namespace is .1.
    static let hosts = [
        "feedback": 11, "loyalty": 12, "advocacy": 13, "escalation": 14, "health": 15, "admin": 20, "rogue": 21,
    ]

    static func requestPort(_ service: String) -> Int { 7101 + services.firstIndex(of: service)! }
    static func eventsPort(_ service: String) -> Int { 7201 + services.firstIndex(of: service)! }

    static func peerSettings(_ peer: String) -> [String: String] {
        [
            "CX_PEER_\(peer.uppercased())_REQUEST": "tls+tcp://cx-\(peer):\(requestPort(peer))",
            "CX_PEER_\(peer.uppercased())_EVENTS": "tls+tcp://cx-\(peer):\(eventsPort(peer))",
        ]
    }

    /// Started by deploy/tests/netns-tls.sh, as root, and `ip netns` works here.
    static let isAvailable: Bool = {
        guard ProcessInfo.processInfo.environment["CX_NETNS_TAG"] != nil, getuid() == 0 else { return false }
        return (try? shell(["ip", "netns", "list"]).status) == 0
    }()

    /// Namespace names start with this tag (`CX_NETNS_TAG`, from the wrapper script).
    let tag: String
    let directory: String
    private let network: VirtualNetwork
    private var processes: [(name: String, process: Process, log: String)] = []
    private let createdEtcNetns: Bool

    init() throws {
        tag = ProcessInfo.processInfo.environment["CX_NETNS_TAG"] ?? "cxnetns"
        directory = try makeTemporaryDirectory("cx-netns")
        createdEtcNetns = !FileManager.default.fileExists(atPath: "/etc/netns")
        network = try VirtualNetwork(tag: tag, subnet: Self.subnet, hosts: Self.hosts)
        var hostsFile = "127.0.0.1 localhost\n"
        for (host, byte) in Self.hosts { hostsFile += "\(Self.subnet).\(byte) cx-\(host)\n" }
        for host in Self.hosts.keys {
            let folder = "/etc/netns/\(network.namespace(of: host))"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try hostsFile.write(toFile: "\(folder)/hosts", atomically: true, encoding: .utf8)
        }
    }

    /// Stops what is still running (SIGKILL), deletes the namespaces (their veths go with them) and the
    /// hosts files.
    func tearDown() {
        for entry in processes where entry.process.isRunning { kill(entry.process.processIdentifier, SIGKILL) }
        for entry in processes { entry.process.waitUntilExit() }
        network.tearDown()
        for host in Self.hosts.keys {
            try? FileManager.default.removeItem(atPath: "/etc/netns/\(network.namespace(of: host))")
        }
        if createdEtcNetns, (try? FileManager.default.contentsOfDirectory(atPath: "/etc/netns"))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: "/etc/netns")
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `deploy/make-dev-secrets` into a fresh folder.
    /// - Returns: the folder (`tls/ca.crt`, `tls/<name>.crt|key`).
    func makeSecrets(_ name: String, caName: String) throws -> String {
        let out = "\(directory)/\(name)"
        let script = Self.repository.appendingPathComponent("deploy/make-dev-secrets").path
        let (status, output) = try Self.shell([script, "--out", out, "--ca-name", caName, "--days", "2"])
        guard status == 0 else { throw TestProcessError("make-dev-secrets failed:\n\(output)") }
        return out
    }

    /// Starts `cx-<service>` on `host` (its namespace) with `environment` only.
    func start(_ service: String, in host: String, environment: [String: String]) throws {
        let executable = ServiceProcess.productsDirectory.appendingPathComponent("cx-\(service)").path
        let log = "\(directory)/\(host).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", network.namespace(of: host), executable]
        process.environment = environment.merging(["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]) { $1 }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        processes.append((host, process, log))
    }

    /// The network namespace each started process is in, by `ip netns identify <pid>`.
    func namespacesOfProcesses() throws -> [(String, String)] {
        try processes.map { entry in
            let (_, output) = try Self.shell(["ip", "netns", "identify", "\(entry.process.processIdentifier)"])
            return (entry.name, output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// SIGTERM to every process (by pid), then their exit statuses.
    func stopAll() -> [(String, Int32)] {
        for entry in processes where entry.process.isRunning { kill(entry.process.processIdentifier, SIGTERM) }
        return processes.map { entry in
            let deadline = Date().addingTimeInterval(20)
            while entry.process.isRunning && Date() < deadline { usleep(20_000) }
            if entry.process.isRunning { return (entry.name, -1) }
            return (entry.name, entry.process.terminationStatus)
        }
    }

    /// A client in the root namespace for `service`, by address, checking the service's certificate name.
    func client(_ service: String, certificate: String, authority: String, token: String) throws -> ServiceClient {
        var options = ServiceClient.socketOptions
        options.tls = TLSConfiguration(
            certificateFile: "\(certificate).crt", privateKeyFile: "\(certificate).key",
            certificateAuthorityFile: authority, serverName: "cx-\(service)")
        let url = "tls+tcp://\(Self.subnet).\(Self.hosts[service]!):\(Self.requestPort(service))"
        return try ServiceClient(service: service, endpoints: [Endpoint(url)], token: token, options: options)
    }

    /// cxctl's settings on the admin host: every service by host name, a client certificate.
    func cxctlEnvironment(certificate: String, authority: String) -> [String: String] {
        var environment = [
            "CX_AUTH_TOKEN": TestTokens.admin, "CX_TLS_CERT": "\(certificate).crt",
            "CX_TLS_KEY": "\(certificate).key", "CX_TLS_CA": authority, "CX_DATA_DIR": "\(directory)/cxctl",
        ]
        for service in Self.services {
            environment["CX_\(service.uppercased())_URL"] = "tls+tcp://cx-\(service):\(Self.requestPort(service))"
        }
        return environment
    }

    /// Runs cxctl on the admin host.
    /// - Returns: its exit status and standard output.
    func run(cxctl arguments: [String], environment: [String: String]) throws -> (Int32, String) {
        let executable = ServiceProcess.productsDirectory.appendingPathComponent("cxctl").path
        return try Self.shell(
            ["ip", "netns", "exec", "\(tag)-admin", executable] + arguments,
            environment: environment.merging(["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]) { $1 })
    }

    /// Every process's log, for failure messages.
    var logs: String {
        processes.map { "--- \($0.name)\n" + ((try? String(contentsOfFile: $0.log, encoding: .utf8)) ?? "") }
            .joined(separator: "\n")
    }

    /// The applied seq of each service's `health` subscription in `cxctl status --json` output.
    static func appliedHealthSeq(statusJSON: String) -> [String: UInt64] {
        var applied: [String: UInt64] = [:]
        for service in statusEntries(statusJSON) {
            guard let name = service["service"] as? String,
                let subscriptions = service["subscriptions"] as? [[String: Any]],
                let health = subscriptions.first(where: { $0["source"] as? String == "health" })
            else { continue }
            applied[name] = (health["applied_seq"] as? NSNumber)?.uint64Value
        }
        return applied
    }

    static func isUp(_ service: String, statusJSON: String) -> Bool {
        statusEntries(statusJSON).contains { $0["service"] as? String == service && $0["up"] as? Bool == true }
    }

    private static func statusEntries(_ json: String) -> [[String: Any]] {
        let object = try? JSONSerialization.jsonObject(with: Data(json.utf8))
        if let list = object as? [[String: Any]] { return list }
        return (object as? [String: Any])?["services"] as? [[String: Any]] ?? []
    }

    /// The package root: three folders up from this file.
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Runs a command to completion.
    /// - Returns: its exit status and its standard output (standard error follows it when the status is not 0).
    static func shell(_ arguments: [String], environment: [String: String]? = nil) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let environment { process.environment = environment }
        let errorsFile = FileManager.default.temporaryDirectory.appendingPathComponent("cx-shell-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorsFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorsFile) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = try FileHandle(forWritingTo: errorsFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let errors = (try? String(contentsOf: errorsFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, process.terminationStatus == 0 ? output : output + errors)
    }
}
