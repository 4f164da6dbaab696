/// An address a socket listens on or dials: `inproc://name`, `ipc:///path`, `tcp://host:port` or
/// `tls+tcp://host:port`.
///
/// Checked when made, so a typo in configuration is reported with the URL and the reason before any
/// socket exists.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    /// The transports the suite uses; libnng's others (ws, zerotier) are not offered.
    public enum Transport: String, Sendable, CaseIterable {
        case inproc
        case ipc
        case tcp
        case tlsTCP = "tls+tcp"
    }

    public let url: String
    public let transport: Transport

    /// - Throws: ``MessagingError`` with code `.invalidAddress` naming what is wrong with `url`.
    public init(_ url: String) throws(MessagingError) {
        func invalid(_ reason: String) -> MessagingError {
            MessagingError(.invalidAddress, operation: "endpoint \"\(url)\"", reason: reason)
        }
        guard let separator = url.range(of: "://") else {
            throw invalid("expected <transport>://<address>, e.g. tcp://127.0.0.1:7001")
        }
        let scheme = String(url[..<separator.lowerBound])
        let address = url[separator.upperBound...]
        guard let transport = Transport(rawValue: scheme) else {
            let known = Transport.allCases.map(\.rawValue).joined(separator: ", ")
            throw invalid("unknown transport \"\(scheme)\" (use one of \(known))")
        }
        guard !address.isEmpty else { throw invalid("the address after :// is empty") }
        guard !url.utf8.contains(0) else { throw invalid("contains a NUL character") }
        if transport == .tcp || transport == .tlsTCP {
            guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...])
            else { throw invalid("expected host:port with a port from 0 to 65535") }
            _ = port
        }
        self.url = url
        self.transport = transport
    }

    public var description: String { url }

    /// The socket file's path of an `ipc://` endpoint, as given (relative paths stay relative); nil for
    /// the other transports.
    var ipcPath: String? { transport == .ipc ? String(url.dropFirst("ipc://".count)) : nil }
}
