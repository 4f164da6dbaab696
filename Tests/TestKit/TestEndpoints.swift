import Foundation
public import Messaging

/// Fresh addresses for tests, so that tests running in parallel never share a socket.
public enum TestEndpoints {
    /// A new endpoint on `transport`: a unique inproc name, a unique ipc path under the temporary
    /// directory, or port 0 on loopback for tcp and tls+tcp (the listener reports the port it got).
    public static func fresh(_ transport: Endpoint.Transport) -> Endpoint {
        let id = UUID().uuidString.prefix(13).lowercased()
        let url =
            switch transport {
            case .inproc: "inproc://test-\(id)"
            case .ipc: "ipc://\(NSTemporaryDirectory())cx-test-\(id).sock"
            case .tcp: "tcp://127.0.0.1:0"
            case .tlsTCP: "tls+tcp://127.0.0.1:0"
            }
        return try! Endpoint(url)
    }
}
