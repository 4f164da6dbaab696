import ArgumentParser
import Client
import Foundation
import Messaging

/// Where cxctl finds the services and which token it presents.
///
/// Every setting is looked up in three places, first found wins: the environment (`CX_AUTH_TOKEN`,
/// `CX_<SERVICE>_URL`, `CX_<SERVICE>_EVENTS_URL`, `CX_TLS_CERT`, `CX_TLS_KEY`, `CX_TLS_CA`), the
/// config file (see ``ConfigFile``), and the local cx-suite's defaults: the ipc sockets and the
/// admin token under the data directory (`CX_DATA_DIR`, else `$XDG_DATA_HOME/anchorage`, else
/// `~/.local/share/anchorage`) — the same place cx-suite uses. A `tls+tcp://` URL needs the three
/// TLS files — the same settings, and names, as the services': cxctl presents that client
/// certificate and checks each service's against the CA and the URL's host name.
struct Connection {
    static let services = ["feedback", "loyalty", "advocacy", "escalation", "health"]

    let token: String
    let endpoints: [String: Endpoint]
    let eventEndpoints: [String: Endpoint]
    let tls: TLSConfiguration?

    static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Connection {
        try Connection(ConnectionSettings.resolve(environment: environment))
    }

    init(_ settings: ConnectionSettings) throws {
        guard let token = settings["token"]?.value else {
            throw CommandError(
                "no token: set CX_AUTH_TOKEN or token in \(settings.configPath), or start cx-suite once so that it "
                    + "creates \(LocalSuite.adminTokenPath(dataDirectory: settings.dataDirectory))")
        }
        self.token = token
        func endpoint(_ key: String) throws -> Endpoint {
            let setting = settings[key]!
            do {
                return try Endpoint(setting.value!)
            } catch {
                throw CommandError("\(key) (from \(setting.source)): \(error.reason)")
            }
        }
        endpoints = try Dictionary(uniqueKeysWithValues: Self.services.map { ($0, try endpoint("\($0).url")) })
        eventEndpoints = try Dictionary(
            uniqueKeysWithValues: Self.services.map { ($0, try endpoint("\($0).events_url")) })
        let files = ["tls_cert", "tls_key", "tls_ca"].compactMap { settings[$0]?.value }
        switch files.count {
        case 0: tls = nil
        case 3:
            tls = TLSConfiguration(
                certificateFile: files[0], privateKeyFile: files[1], certificateAuthorityFile: files[2])
        default:
            throw CommandError(
                "tls_cert, tls_key and tls_ca (CX_TLS_CERT, CX_TLS_KEY, CX_TLS_CA) go together: set all three or none")
        }
    }

    /// ``resolve(environment:)``, or one line on standard error and exit status 2.
    static func resolveOrExit() throws -> Connection {
        do {
            return try resolve()
        } catch {
            FileHandle.standardError.write(Data("cxctl: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    func client(for service: String) throws -> ServiceClient {
        var options = ServiceClient.socketOptions
        options.tls = tls
        return try ServiceClient(
            service: service, endpoints: [endpoints[service]!], token: token, options: options,
            defaultTimeout: .seconds(3))
    }

    /// The service's PUB socket.
    func eventsEndpoint(_ service: String) -> Endpoint { eventEndpoints[service]! }
}

/// Every connection setting with its value and where the value came from (for `cxctl config show`).
struct ConnectionSettings {
    /// One setting: its key in the config file, the variable that overrides it, and what is in effect.
    struct Setting {
        let key: String
        let variable: String
        /// nil when nothing sets it (the TLS files without TLS; the token before cx-suite made one).
        var value: String?
        /// "environment CX_…", the config file's path, or "local suite".
        var source: String
    }

    /// The keys a config file may hold, in the order `config show` and `config init` list them, with
    /// the environment variable that overrides each.
    static let keys: [(key: String, variable: String)] =
        [("token", "CX_AUTH_TOKEN")]
        + Connection.services.flatMap { service in
            [
                ("\(service).url", "CX_\(service.uppercased())_URL"),
                ("\(service).events_url", "CX_\(service.uppercased())_EVENTS_URL"),
            ]
        } + [("tls_cert", "CX_TLS_CERT"), ("tls_key", "CX_TLS_KEY"), ("tls_ca", "CX_TLS_CA")]

    let dataDirectory: String
    let configPath: String
    /// Whether a config file was found at ``configPath``.
    let configFound: Bool
    let settings: [Setting]

    subscript(key: String) -> Setting? { settings.first { $0.key == key } }

    /// - Throws: when the config file cannot be read or holds something it should not.
    static func resolve(environment: [String: String]) throws -> ConnectionSettings {
        let dataDirectory = LocalSuite.dataDirectory(environment: environment)
        let path = ConfigFile.path(environment: environment)
        let file = try ConfigFile.load(path, required: environment["CX_CONFIG"].map { !$0.isEmpty } ?? false)
        let settings = keys.map { key, variable in
            if let value = environment[variable], !value.isEmpty {
                return Setting(key: key, variable: variable, value: value, source: "environment \(variable)")
            }
            if let value = file?.values[key] {
                return Setting(key: key, variable: variable, value: value, source: path)
            }
            return Setting(
                key: key, variable: variable, value: localSuiteDefault(key, dataDirectory: dataDirectory),
                source: "local suite")
        }
        return ConnectionSettings(
            dataDirectory: dataDirectory, configPath: path, configFound: file != nil, settings: settings)
    }

    /// What the local cx-suite uses for `key`: its sockets and its admin token; no TLS.
    static func localSuiteDefault(_ key: String, dataDirectory: String) -> String? {
        let parts = key.split(separator: ".").map(String.init)
        switch (parts.first!, parts.count == 2 ? parts[1] : "") {
        case ("token", _):
            let path = LocalSuite.adminTokenPath(dataDirectory: dataDirectory)
            return FileManager.default.contents(atPath: path).map {
                String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        case (let service, "url"): return LocalSuite.requestURL(service: service, dataDirectory: dataDirectory)
        case (let service, "events_url"): return LocalSuite.eventsURL(service: service, dataDirectory: dataDirectory)
        default: return nil
        }
    }
}

/// A failure cxctl reports as one line, exiting non-zero.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
