import ArgumentParser
import Client
import Foundation
import Messaging

/// Where cxctl finds the services and which token it presents.
///
/// With no configuration at all it talks to the local cx-suite: the ipc sockets and the admin token
/// under the data directory (`CX_DATA_DIR`, else `$XDG_DATA_HOME/anchorage`, else
/// `~/.local/share/anchorage`) — the same place cx-suite uses. Environment settings point it
/// anywhere else: `CX_AUTH_TOKEN` (the bearer token) and `CX_<SERVICE>_URL` (e.g.
/// `CX_LOYALTY_URL=tcp://10.0.0.5:7102`). A `tls+tcp://` URL needs `CX_TLS_CERT`, `CX_TLS_KEY` and
/// `CX_TLS_CA` — the same settings, and names, as the services': cxctl presents that client certificate
/// and checks each service's against the CA and the URL's host name.
struct Connection {
    static let services = ["feedback", "loyalty", "advocacy", "escalation", "health"]

    let dataDirectory: String
    let token: String
    let endpoints: [String: Endpoint]
    let tls: TLSConfiguration?

    static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Connection {
        let dataDirectory = LocalSuite.dataDirectory(environment: environment)
        let token: String
        if let configured = environment["CX_AUTH_TOKEN"], !configured.isEmpty {
            token = configured
        } else {
            let path = LocalSuite.adminTokenPath(dataDirectory: dataDirectory)
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CommandError(
                    "no token: set CX_AUTH_TOKEN, or start cx-suite once so that it creates \(path)")
            }
            token = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var endpoints: [String: Endpoint] = [:]
        for service in services {
            let key = "CX_\(service.uppercased())_URL"
            let url =
                environment[key].flatMap { $0.isEmpty ? nil : $0 }
                ?? LocalSuite.requestURL(service: service, dataDirectory: dataDirectory)
            do {
                endpoints[service] = try Endpoint(url)
            } catch {
                throw CommandError("\(key): \(error.reason)")
            }
        }
        return Connection(
            dataDirectory: dataDirectory, token: token, endpoints: endpoints, tls: try tlsConfiguration(environment))
    }

    /// The client certificate from `CX_TLS_CERT`, `CX_TLS_KEY` and `CX_TLS_CA` (all three or none).
    private static func tlsConfiguration(_ environment: [String: String]) throws -> TLSConfiguration? {
        let names = ["CX_TLS_CERT", "CX_TLS_KEY", "CX_TLS_CA"]
        let files = names.compactMap { name in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if files.isEmpty { return nil }
        guard files.count == names.count else {
            throw CommandError("\(names.joined(separator: ", ")) go together: set all three or none")
        }
        return TLSConfiguration(certificateFile: files[0], privateKeyFile: files[1], certificateAuthorityFile: files[2])
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
}

/// A failure cxctl reports as one line, exiting non-zero.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
