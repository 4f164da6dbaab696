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
/// `CX_LOYALTY_URL=tcp://10.0.0.5:7102`).
struct Connection {
    static let services = ["feedback", "loyalty", "advocacy", "escalation", "health"]

    let dataDirectory: String
    let token: String
    let endpoints: [String: Endpoint]

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
        return Connection(dataDirectory: dataDirectory, token: token, endpoints: endpoints)
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
        try ServiceClient(service: service, endpoints: [endpoints[service]!], token: token, defaultTimeout: .seconds(3))
    }
}

/// A failure cxctl reports as one line, exiting non-zero.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
