import Foundation
import Logging
import Messaging

/// Builds a ``ServiceConfiguration`` from the command line, the environment and a config file.
///
/// ## Precedence
///
/// Highest first: **command-line flags > environment (`CX_…`) > config file > defaults**. Each key is taken
/// from the highest source that gives it. A list key (`listen`, `publish`, `token`) given in a higher source
/// *replaces* the lower source's list rather than adding to it; `token` and `tokens-file` are separate keys
/// whose tokens are combined.
///
/// ## Keys
///
/// One name per key in all three sources — `data-dir` is `--data-dir DIR` (or `--data-dir=DIR`),
/// `CX_DATA_DIR` and `data-dir = DIR`:
///
/// | key | value |
/// |---|---|
/// | `listen` | req/rep endpoint URL (`inproc://`, `ipc://`, `tcp://`, `tls+tcp://`); list |
/// | `publish` | pub endpoint URL; list |
/// | `peer.<name>.request`, `peer.<name>.events` | a peer's req/rep and pub endpoints; both or neither (env: `CX_PEER_HEALTH_REQUEST`) |
/// | `data-dir` | data directory; made with mode 0700 if missing, must be writable |
/// | `token` | `role:name:secret` (role: reader, writer, admin, service); list |
/// | `tokens-file` | a file of `role:name:secret` lines, `#` comments |
/// | `tls-cert`, `tls-key`, `tls-ca` | PEM files for `tls+tcp://` endpoints; all three together |
/// | `log-level` | trace, debug, info, notice, warning, error, critical |
/// | `log-format` | text or json |
/// | `http` | `host:port` of the health and metrics endpoint, or `off` |
/// | `durability` | process-crash or power-loss |
/// | `config` | the config file (flag or environment only) |
///
/// In the environment a list is comma-separated and an empty variable counts as unset. The config file
/// has `key = value` lines, `#` comments and repeated lines for lists. Unknown keys and flags are errors,
/// with the nearest known key suggested; so is a `CX_` variable close to a setting's name (`CX_LISEN`),
/// while one far from every setting (`CX_LOYALTY_URL`, read by cxctl) is left alone.
public enum ConfigurationLoader {
    /// Merges the sources over `defaults`, checks every value and prepares the data directory.
    ///
    /// - Parameters:
    ///   - arguments: the command-line arguments after the program name (`CommandLine.arguments.dropFirst()`).
    ///   - environment: the process environment (`ProcessInfo.processInfo.environment`).
    ///   - defaults: the executable's own defaults, used for every key no source gives.
    /// - Returns: the effective configuration; its data directory exists and is writable.
    /// - Throws: ``ConfigurationError`` for the first problem found, naming the key, its source and the reason.
    public static func load(
        arguments: [String], environment: [String: String], defaults: ServiceConfiguration
    ) throws(ConfigurationError) -> ServiceConfiguration {
        let flags = try SettingLayer.flags(arguments)
        let variables = try SettingLayer.environment(environment)
        var layers = [flags, variables]
        if let config = flags.values("config")?.first ?? variables.values("config")?.first {
            layers.append(try SettingLayer.file(at: config.value, origin: config.source))
        }
        var merge = ConfigurationMerge(layers: layers, defaults: defaults)
        return try merge.resolve()
    }
}

/// One pass over the layers: each key from its highest source, then the checks that span keys.
private struct ConfigurationMerge {
    let layers: [SettingLayer]
    let defaults: ServiceConfiguration
    /// Where each key's effective value came from, for the errors of checks that span keys.
    var origins: [String: SettingSource] = [:]

    init(layers: [SettingLayer], defaults: ServiceConfiguration) {
        self.layers = layers
        self.defaults = defaults
    }

    /// The values of `key` from the highest source that gives it.
    mutating func winning(_ key: String) -> [Setting]? {
        for layer in layers {
            if let settings = layer.values(key) {
                origins[key] = settings[0].source
                return settings
            }
        }
        return nil
    }

    func origin(_ key: String) -> SettingSource { origins[key] ?? .defaults }

    mutating func resolve() throws(ConfigurationError) -> ServiceConfiguration {
        var configuration = defaults
        if let settings = winning("listen") { configuration.listen = try settings.map(Self.endpoint) }
        if let settings = winning("publish") { configuration.publish = try settings.map(Self.endpoint) }
        configuration.peers = try resolvePeers()
        if let setting = winning("data-dir")?.first { configuration.dataDirectory = setting.value }
        if let tokens = try resolveTokens() { configuration.tokens = tokens }
        configuration.tls = try resolveTLS()
        if let setting = winning("log-level")?.first {
            guard let level = Logger.Level(rawValue: setting.value.lowercased()) else {
                let known = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw Self.invalid(setting, "unknown level \"\(setting.value)\" (use one of \(known))")
            }
            configuration.logLevel = level
        }
        if let setting = winning("log-format")?.first {
            guard let format = LogFormat(rawValue: setting.value.lowercased()) else {
                throw Self.invalid(setting, "unknown format \"\(setting.value)\" (use text or json)")
            }
            configuration.logFormat = format
        }
        if let setting = winning("http")?.first {
            let off = ["off", "none"].contains(setting.value.lowercased())
            configuration.httpAddress = off ? nil : setting.value
        }
        if let setting = winning("durability")?.first { configuration.durability = setting.value.lowercased() }

        try check(configuration)
        return configuration
    }

    // MARK: - Keys that need more than one value

    private mutating func resolvePeers() throws(ConfigurationError) -> [String: PeerEndpoints] {
        var peers = defaults.peers
        let named = layers.flatMap(\.keys).compactMap { SettingKeys.peer($0)?.name }
        for name in Set(named).sorted() {
            let requestKey = "peer.\(name).request"
            let eventsKey = "peer.\(name).events"
            let request = try winning(requestKey).map { settings throws(ConfigurationError) in
                try Self.endpoint(settings[0])
            }
            let events = try winning(eventsKey).map { settings throws(ConfigurationError) in
                try Self.endpoint(settings[0])
            }
            guard let request = request ?? defaults.peers[name]?.request else {
                throw Self.missingPartner(requestKey, given: eventsKey, at: origin(eventsKey))
            }
            guard let events = events ?? defaults.peers[name]?.events else {
                throw Self.missingPartner(eventsKey, given: requestKey, at: origin(requestKey))
            }
            peers[name] = PeerEndpoints(request: request, events: events)
        }
        return peers
    }

    /// The tokens from `token` and `tokens-file` together, or nil when neither is given.
    private mutating func resolveTokens() throws(ConfigurationError) -> [AccessToken]? {
        let inline = winning("token")
        let file = winning("tokens-file")?.first
        guard inline != nil || file != nil else { return nil }
        var tokens: [(token: AccessToken, source: SettingSource)] = []
        for setting in inline ?? [] {
            tokens.append((try Self.token(setting.value, source: setting.source), setting.source))
        }
        if let file { tokens += try Self.tokens(inFile: file) }

        var seen: [String: AccessToken] = [:]
        for (token, source) in tokens {
            if let earlier = seen[token.secret] {
                throw ConfigurationError(
                    .inconsistent, key: "token", source: source.description,
                    reason: "\(token) has the same secret as \(earlier); every token needs its own secret")
            }
            seen[token.secret] = token
        }
        return tokens.map(\.token)
    }

    private mutating func resolveTLS() throws(ConfigurationError) -> TLSConfiguration? {
        let keys = ["tls-cert", "tls-key", "tls-ca"]
        var given: [String: String] = [:]
        for key in keys {
            if let setting = winning(key)?.first { given[key] = setting.value }
        }
        guard let firstGiven = keys.first(where: { given[$0] != nil }) else { return defaults.tls }
        let base = defaults.tls
        let fromDefaults = [
            "tls-cert": base?.certificateFile, "tls-key": base?.privateKeyFile,
            "tls-ca": base?.certificateAuthorityFile,
        ]
        var files: [String: String] = [:]
        for key in keys {
            guard let file = given[key] ?? fromDefaults[key] ?? nil else {
                throw ConfigurationError(
                    .inconsistent, key: key, source: "not set",
                    reason: "\(firstGiven) is given (\(origin(firstGiven))); tls-cert, tls-key and tls-ca go together")
            }
            files[key] = file
        }
        return TLSConfiguration(
            certificateFile: files["tls-cert"]!, privateKeyFile: files["tls-key"]!,
            certificateAuthorityFile: files["tls-ca"]!, serverName: base?.serverName,
            requirePeerCertificate: base?.requirePeerCertificate ?? true)
    }

    // MARK: - Checks across keys, and the data directory

    private func check(_ configuration: ServiceConfiguration) throws(ConfigurationError) {
        if let address = configuration.httpAddress {
            do {
                _ = try HTTPListenAddress(parsing: address)
            } catch {
                throw ConfigurationError(
                    .invalidValue, key: "http", source: origin("http").description,
                    reason: "\"\(address)\": \(error.reason) (or off for none)")
            }
        }
        guard ServiceConfiguration.durabilityLevels.contains(configuration.durability) else {
            throw ConfigurationError(
                .invalidValue, key: "durability", source: origin("durability").description,
                reason: "unknown durability \"\(configuration.durability)\" "
                    + "(use \(ServiceConfiguration.durabilityLevels.joined(separator: " or ")))")
        }
        try checkTLS(configuration)
        try prepareDataDirectory(configuration.dataDirectory)
    }

    /// Every `tls+tcp://` endpoint needs certificates, and the certificate files must be readable.
    private func checkTLS(_ configuration: ServiceConfiguration) throws(ConfigurationError) {
        var endpoints = configuration.listen.map { ("listen", $0) } + configuration.publish.map { ("publish", $0) }
        for name in configuration.peers.keys.sorted() {
            endpoints.append(("peer.\(name).request", configuration.peers[name]!.request))
            endpoints.append(("peer.\(name).events", configuration.peers[name]!.events))
        }
        guard let (key, endpoint) = endpoints.first(where: { $0.1.transport == .tlsTCP }) else { return }
        guard let tls = configuration.tls else {
            throw ConfigurationError(
                .inconsistent, key: key, source: origin(key).description,
                reason: "\(endpoint.url) uses tls+tcp, which needs tls-cert, tls-key and tls-ca")
        }
        let files = [
            ("tls-cert", tls.certificateFile), ("tls-key", tls.privateKeyFile),
            ("tls-ca", tls.certificateAuthorityFile),
        ]
        for (fileKey, path) in files {
            do {
                try ConfigurationFiles.checkReadable(path)
            } catch {
                throw ConfigurationError(
                    .fileSystem, key: fileKey, source: origin(fileKey).description, reason: error.description)
            }
        }
    }

    private func prepareDataDirectory(_ path: String) throws(ConfigurationError) {
        guard !path.isEmpty else {
            throw ConfigurationError(
                .inconsistent, key: "data-dir", source: "not set",
                reason: "required: the directory for the service's database and admin token")
        }
        do {
            try ConfigurationFiles.ensureDirectory(path)
            try ConfigurationFiles.checkWritable(path)
        } catch {
            throw ConfigurationError(
                .fileSystem, key: "data-dir", source: origin("data-dir").description, reason: error.description)
        }
    }

    // MARK: - Values

    private static func endpoint(_ setting: Setting) throws(ConfigurationError) -> Endpoint {
        do {
            return try Endpoint(setting.value)
        } catch {
            throw invalid(setting, "\"\(setting.value)\": \(error.reason)")
        }
    }

    private static func token(_ text: String, source: SettingSource) throws(ConfigurationError) -> AccessToken {
        do {
            return try AccessToken(parsing: text)
        } catch {
            throw ConfigurationError(.invalidValue, key: "token", source: source.description, reason: error.reason)
        }
    }

    /// The tokens in a tokens file: `role:name:secret` lines, blank lines and `#` comments.
    private static func tokens(inFile setting: Setting) throws(ConfigurationError)
        -> [(token: AccessToken, source: SettingSource)]
    {
        let text: String
        do {
            text = try ConfigurationFiles.readText(setting.value)
        } catch {
            throw ConfigurationError(
                .fileSystem, key: "tokens-file", source: setting.source.description, reason: error.description)
        }
        var tokens: [(token: AccessToken, source: SettingSource)] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            // Names and secrets cannot contain '#', so everything after one is a comment.
            let content = line.prefix { $0 != "#" }.trimmingCharacters(in: .whitespaces)
            guard !content.isEmpty else { continue }
            let source = SettingSource.file(path: setting.value, line: offset + 1)
            tokens.append((try token(content, source: source), source))
        }
        return tokens
    }

    private static func invalid(_ setting: Setting, _ reason: String) -> ConfigurationError {
        ConfigurationError(.invalidValue, key: setting.key, source: setting.source.description, reason: reason)
    }

    private static func missingPartner(_ key: String, given: String, at source: SettingSource) -> ConfigurationError {
        ConfigurationError(
            .inconsistent, key: key, source: "not set",
            reason: "\(given) is given (\(source)); a peer needs both its request and its events endpoint")
    }
}
