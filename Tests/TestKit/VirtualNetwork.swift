public import Foundation
import Synchronization

/// Hosts on one virtual LAN: each host a Linux network namespace (`ip netns`) with one address, all joined
/// by a bridge in a namespace of its own. The calling process, in the root namespace, is on the LAN too
/// (address `<subnet>.1`), so it can reach every host. Needs root, `ip` (iproute2) and, to cut links
/// between two hosts, `nft` (nftables).
///
/// Links are cut like pulled cables: packets are dropped, so no reset comes and open connections hang
/// until the link comes back. A host is cut off from everyone by taking its port
/// on the bridge down; one host's traffic to another by an nftables rule on the bridge.
///
/// Every namespace's name starts with `tag`, so that a wrapper script can remove what a crashed run left
/// behind (deploy/tests/netns-tls.sh, deploy/tests/partitions.sh). ``tearDown()`` removes everything;
/// stop the processes started in the namespaces first.
public final class VirtualNetwork: Sendable {
    public let tag: String
    /// The first three bytes of every address, e.g. "10.213.78".
    public let subnet: String
    /// Each host's name and the last byte of its address (2…254; the root namespace is .1).
    public let hosts: [String: Int]
    /// The namespaces made so far (the LAN's first) and whether the drop rules' table exists.
    private let made = Mutex<(namespaces: [String], dropTable: Bool)>(([], false))

    private var lan: String { "\(tag)-lan" }

    /// Makes the LAN and its hosts, each with its loopback up.
    /// - Throws: ``TestProcessError`` naming the `ip` command that failed; what was made is removed.
    public init(tag: String, subnet: String, hosts: [String: Int]) throws {
        self.tag = tag
        self.subnet = subnet
        self.hosts = hosts
        do {
            try makeLAN()
        } catch {
            tearDown()
            throw error
        }
    }

    private func makeLAN() throws {
        try addNamespace(lan)
        try Self.run(["ip", "-n", lan, "link", "add", "br0", "type", "bridge"])
        try Self.run(["ip", "-n", lan, "link", "set", "br0", "up"])
        try Self.run(["ip", "link", "add", "\(tag)-root", "type", "veth", "peer", "name", "p-root", "netns", lan])
        try Self.run(["ip", "addr", "add", "\(subnet).1/24", "dev", "\(tag)-root"])
        try Self.run(["ip", "link", "set", "\(tag)-root", "up"])
        try Self.run(["ip", "-n", lan, "link", "set", "p-root", "master", "br0", "up"])
        for (host, byte) in hosts.sorted(by: { $0.value < $1.value }) {
            let namespace = namespace(of: host)
            try addNamespace(namespace)
            try Self.run(
                [
                    "ip", "-n", lan, "link", "add", port(of: host), "type", "veth", "peer", "name", "eth0", "netns",
                    namespace,
                ])
            try Self.run(["ip", "-n", lan, "link", "set", port(of: host), "master", "br0", "up"])
            try Self.run(["ip", "-n", namespace, "addr", "add", "\(subnet).\(byte)/24", "dev", "eth0"])
            try Self.run(["ip", "-n", namespace, "link", "set", "eth0", "up"])
            try Self.run(["ip", "-n", namespace, "link", "set", "lo", "up"])
        }
    }

    private func addNamespace(_ name: String) throws {
        try Self.run(["ip", "netns", "add", name])
        made.withLock { $0.namespaces.append(name) }
    }

    public func namespace(of host: String) -> String { "\(tag)-\(host)" }

    public func address(of host: String) -> String { "\(subnet).\(hosts[host]!)" }

    /// The host's port on the bridge (its veth's other end, in the LAN's namespace).
    private func port(of host: String) -> String { "p-\(host)" }

    /// Starts `executable` on `host`. `ip netns exec` joins the namespace and then execs the program, so
    /// the process has the program's pid (signal it, never anything by name).
    public func start(
        _ executable: URL, on host: String, arguments: [String] = [], environment: [String: String] = [:]
    ) throws -> ServiceProcess {
        let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        guard let ip else { throw TestProcessError("ip (iproute2) is not installed") }
        return try ServiceProcess(
            executable: URL(fileURLWithPath: ip),
            arguments: ["netns", "exec", namespace(of: host), executable.path] + arguments,
            environment: environment)
    }

    /// Cuts `host` off from every other host and from the root namespace (`connected: false`), or plugs
    /// it back in.
    public func setConnected(_ host: String, _ connected: Bool) async throws {
        try await Self.runOffPool(["ip", "-n", lan, "link", "set", port(of: host), connected ? "up" : "down"])
    }

    /// Drops every packet each pair's first host sends its second on the bridge (one direction: give a
    /// pair both ways round to cut it), until ``allowAll()``. One nft command for all the pairs, so that
    /// they are cut at the same moment.
    public func drop(_ pairs: [(from: String, to: String)]) async throws {
        let rules = pairs.map {
            "add rule bridge cuts forward ip saddr \(address(of: $0.from)) ip daddr \(address(of: $0.to)) counter drop"
        }
        // The table is made with the first rules, so that a LAN that never drops needs no nft at all.
        let table =
            made.withLock { $0.dropTable }
            ? []
            : [
                "add table bridge cuts",
                "add chain bridge cuts forward { type filter hook forward priority 0; policy accept; }",
            ]
        try await Self.runOffPool(["ip", "netns", "exec", lan, "nft", (table + rules).joined(separator: "; ")])
        made.withLock { $0.dropTable = true }
    }

    /// How many packets the rules of ``drop(_:)`` dropped since they were added: a cut that dropped nothing
    /// cut nothing.
    public func droppedPackets() async throws -> Int {
        guard made.withLock({ $0.dropTable }) else { return 0 }
        let listing = try await Self.runOffPool([
            "ip", "netns", "exec", lan, "nft", "-j", "list", "chain", "bridge", "cuts", "forward",
        ])
        let object = try JSONSerialization.jsonObject(with: Data(listing.utf8)) as? [String: Any]
        let rules = (object?["nftables"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? [String: Any] }
        return rules.flatMap { $0["expr"] as? [[String: Any]] ?? [] }
            .compactMap { ($0["counter"] as? [String: Any])?["packets"] as? Int }.reduce(0, +)
    }

    /// Removes every rule ``drop(_:)`` added.
    public func allowAll() async throws {
        guard made.withLock({ $0.dropTable }) else { return }
        try await Self.runOffPool(["ip", "netns", "exec", lan, "nft", "flush", "chain", "bridge", "cuts", "forward"])
    }

    /// Deletes the namespaces (their veths, the root one included, and rules go with them). Idempotent.
    public func tearDown() {
        let namespaces = made.withLock { made in
            defer { made.namespaces = [] }
            return made.namespaces
        }
        for namespace in namespaces.reversed() { _ = try? Self.shell(["ip", "netns", "delete", namespace]) }
    }

    /// Whether this process can make namespaces and cut links: root, with `ip netns` and `nft`.
    /// - Returns: nil when it can, else why not.
    public static func unavailableReason() -> String? {
        guard getuid() == 0 else { return "needs root (network namespaces)" }
        guard (try? shell(["ip", "netns", "list"]).status) == 0 else {
            return "'ip netns' is not available (install iproute2)"
        }
        guard (try? shell(["nft", "--version"]).status) == 0 else { return "'nft' is not available (install nftables)" }
        return nil
    }

    /// ``run(_:)`` on a thread of its own: an async caller keeps no thread of the concurrency pool (two on
    /// a two-core machine) blocked while the command runs.
    @discardableResult
    private static func runOffPool(_ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try run(arguments) }) }
        }
    }

    /// Runs a command that must succeed. - Returns: its output.
    @discardableResult
    private static func run(_ arguments: [String]) throws -> String {
        let (status, output) = try shell(arguments)
        guard status == 0 else { throw TestProcessError("\(arguments.joined(separator: " ")): \(output)") }
        return output
    }

    /// Runs a command (found on PATH) to completion.
    /// - Returns: its exit status and what it printed on standard output and error.
    public static func shell(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        // ip and nft live in sbin, which a non-login PATH may lack.
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/usr/sbin:/sbin:" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
