import Client
import Foundation
import TestKit

/// Where a fleet's services run and how the driver reaches them.
protocol Placement: Sendable {
    /// The URL the driver calls `service` at.
    func requestURL(_ service: String) -> String
    /// Starts `service`, which accepts the tokens in `tokens` (a CX_TOKEN setting).
    func start(_ service: String, tokens: String) throws -> ServiceProcess
}

/// The five on this host, on their default ipc sockets under one data directory.
struct LocalPlacement: Placement {
    let dataDirectory: String

    func requestURL(_ service: String) -> String {
        LocalSuite.requestURL(service: service, dataDirectory: dataDirectory)
    }

    func start(_ service: String, tokens: String) throws -> ServiceProcess {
        try ServiceProcess("cx-\(service)", environment: ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": tokens])
    }
}

/// Each service on a host of its own: its own network namespace and address on `network`, its own data
/// directory, and plain tcp to its peers (the same ports on every host, as on real machines). TLS between
/// hosts is covered by NetworkNamespaceTLSTests; here the links are what is tested.
struct HostPlacement: Placement {
    static let requestPort = 7301
    static let eventsPort = 7401

    let network: VirtualNetwork
    let dataDirectory: String

    func requestURL(_ service: String) -> String { "tcp://\(network.address(of: service)):\(Self.requestPort)" }

    private func eventsURL(_ service: String) -> String { "tcp://\(network.address(of: service)):\(Self.eventsPort)" }

    func start(_ service: String, tokens: String) throws -> ServiceProcess {
        var environment = [
            "CX_DATA_DIR": "\(dataDirectory)/\(service)", "CX_TOKEN": tokens,
            "CX_LISTEN": requestURL(service), "CX_PUBLISH": eventsURL(service),
        ]
        // Every peer, whether or not this service follows it: a service ignores peers it does not follow.
        for peer in Fleet.services where peer != service {
            environment["CX_PEER_\(peer.uppercased())_REQUEST"] = requestURL(peer)
            environment["CX_PEER_\(peer.uppercased())_EVENTS"] = eventsURL(peer)
        }
        let executable = ServiceProcess.productsDirectory.appendingPathComponent("cx-\(service)")
        return try network.start(executable, on: service, environment: environment)
    }
}
