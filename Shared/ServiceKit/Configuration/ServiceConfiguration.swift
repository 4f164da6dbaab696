public import Logging
public import Messaging

/// Everything a service needs to start: where it answers and publishes, where its peers are, where its data
/// lives, who may call it, and how it logs and reports.
///
/// Made by ``ConfigurationLoader/load(arguments:environment:defaults:)`` from flags, environment and a file,
/// over defaults that each executable supplies.
public struct ServiceConfiguration: Sendable, Hashable {
    /// The req/rep endpoints this service answers on (`listen`).
    public var listen: [Endpoint]
    /// The pub endpoints it publishes its events on (`publish`).
    public var publish: [Endpoint]
    /// For each source service whose events this service consumes (keyed by that service's name, e.g.
    /// `health`): where to request replays and where to subscribe (`peer.<name>.request`,
    /// `peer.<name>.events`).
    public var peers: [String: PeerEndpoints]
    /// The directory that holds the service's database and its local admin token (`data-dir`).
    public var dataDirectory: String
    /// The tokens callers may present (`token`, `tokens-file`). When empty, the service makes a
    /// ``LocalAdminToken`` rather than running without authentication.
    public var tokens: [AccessToken]
    /// Certificates for `tls+tcp://` endpoints (`tls-cert`, `tls-key`, `tls-ca`).
    public var tls: TLSConfiguration?
    /// The least severe level logged (`log-level`).
    public var logLevel: Logger.Level
    /// `.text` for people, `.json` (one object per line) for log collectors (`log-format`).
    public var logFormat: LogFormat
    /// `host:port` of the HTTP probe and metrics endpoint, e.g. `127.0.0.1:9101`; nil for none (`http`).
    public var httpAddress: String?
    /// What an acknowledged write survives: `process-crash` (the default) or `power-loss` (a sync to disk
    /// per commit, slower) (`durability`).
    public var durability: String

    /// The values `durability` accepts.
    public static let durabilityLevels = ["process-crash", "power-loss"]

    public init(
        listen: [Endpoint] = [],
        publish: [Endpoint] = [],
        peers: [String: PeerEndpoints] = [:],
        dataDirectory: String,
        tokens: [AccessToken] = [],
        tls: TLSConfiguration? = nil,
        logLevel: Logger.Level = .info,
        logFormat: LogFormat = .text,
        httpAddress: String? = nil,
        durability: String = "process-crash"
    ) {
        self.listen = listen
        self.publish = publish
        self.peers = peers
        self.dataDirectory = dataDirectory
        self.tokens = tokens
        self.tls = tls
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.httpAddress = httpAddress
        self.durability = durability
    }

    /// The effective configuration, one `key = value` line per setting in the config file's syntax, with
    /// token secrets replaced by `<redacted>`: safe to log at startup.
    public func describe() -> String {
        var lines: [String] = []
        func add(_ key: String, _ values: [String]) {
            if values.isEmpty {
                lines.append("\(key) = (none)")
            } else {
                lines += values.map { "\(key) = \($0)" }
            }
        }
        add("listen", listen.map(\.url))
        add("publish", publish.map(\.url))
        for name in peers.keys.sorted() {
            lines.append("peer.\(name).request = \(peers[name]!.request.url)")
            lines.append("peer.\(name).events = \(peers[name]!.events.url)")
        }
        lines.append("data-dir = \(dataDirectory)")
        add("token", tokens.map(\.redacted))
        if let tls {
            lines.append("tls-cert = \(tls.certificateFile)")
            lines.append("tls-key = \(tls.privateKeyFile)")
            lines.append("tls-ca = \(tls.certificateAuthorityFile)")
        }
        lines.append("log-level = \(logLevel.rawValue)")
        lines.append("log-format = \(logFormat.rawValue)")
        lines.append("http = \(httpAddress ?? "off")")
        lines.append("durability = \(durability)")
        return lines.joined(separator: "\n")
    }
}

/// Where to reach one peer service: its req/rep endpoint (for `ReplayEvents`) and its pub endpoint.
public struct PeerEndpoints: Sendable, Hashable {
    /// The peer's req/rep endpoint, dialed to request replays of missed events.
    public var request: Endpoint
    /// The peer's pub endpoint, dialed to subscribe to its events.
    public var events: Endpoint

    public init(request: Endpoint, events: Endpoint) {
        self.request = request
        self.events = events
    }
}

/// How log lines are written.
public enum LogFormat: String, Sendable, CaseIterable {
    /// Readable lines for a terminal.
    case text
    /// One JSON object per line, for log collectors.
    case json
}
