/// A `host:port` the HTTP probe server listens on: `127.0.0.1:9101`, `localhost:9101`, `[::1]:9101`, or
/// `:9101` / `*:9101` / `0.0.0.0:9101` for every IPv4 interface. Port 0 asks the system for a free port.
struct HTTPListenAddress: Hashable, Sendable {
    let host: String
    let port: Int

    /// - Throws: a reason in words when `text` is not `host:port`.
    init(parsing text: String) throws(HTTPListenAddress.FormatError) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw FormatError(reason: "expected [ipv6]:port, e.g. [::1]:9101")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw FormatError(reason: "expected host:port, e.g. 127.0.0.1:9101")
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            guard !hostPart.contains(":") else {
                throw FormatError(reason: "write an IPv6 host in brackets, e.g. [::1]:9101")
            }
        }
        guard let port = UInt16(portPart) else {
            throw FormatError(reason: "the port \"\(portPart)\" is not a number from 0 to 65535")
        }
        let allowed = hostPart.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-"
                || $0 == ":" || $0 == "*"
        }
        guard allowed else { throw FormatError(reason: "the host \"\(hostPart)\" is not a name or an IP address") }
        self.host = hostPart.isEmpty || hostPart == "*" ? "0.0.0.0" : String(hostPart)
        self.port = Int(port)
    }

    /// The URL libnng's HTTP server is held by.
    var url: String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }

    struct FormatError: Error, Sendable, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }
}
