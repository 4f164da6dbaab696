import CoreMetrics
import Foundation
import ServiceKit
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 exchange over a plain POSIX socket: enough to check status, headers and body without
/// depending on URLSession's behaviour on Linux.
private struct HTTPExchange {
    let status: Int
    let headers: [String: String]
    let body: String

    /// Sends `method path` to 127.0.0.1:`port` with `Connection: close` and reads until the server closes.
    static func perform(_ path: String, method: String = "GET", port: Int) throws -> HTTPExchange {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ClientError("socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw ClientError("connect to port \(port): \(String(cString: strerror(errno)))") }

        let request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, 0) }) == request.count else {
            throw ClientError("send: \(String(cString: strerror(errno)))")
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 { throw ClientError("recv: \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            received += buffer[0..<count]
        }
        return try parse(String(decoding: received, as: UTF8.self))
    }

    private static func parse(_ text: String) throws -> HTTPExchange {
        guard let split = text.range(of: "\r\n\r\n") else { throw ClientError("no header end in: \(text)") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw ClientError("bad status line: \(lines[0])")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return HTTPExchange(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    struct ClientError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

@Suite("HTTP probe server")
struct HTTPProbeServerTests {
    private func withServer(
        readiness: @escaping @Sendable () -> Bool = { true },
        metrics: @escaping @Sendable () -> String = { "" },
        _ body: (HTTPProbeServer) throws -> Void
    ) throws {
        let server = try HTTPProbeServer(address: "127.0.0.1:0", readiness: readiness, metrics: metrics)
        defer { server.close() }
        try body(server)
    }

    @Test("GET /healthz answers 200 ok")
    func healthz() throws {
        try withServer { server throws in
            #expect(server.boundPort > 0)
            let exchange = try HTTPExchange.perform("/healthz", port: server.boundPort)
            #expect(exchange.status == 200)
            #expect(exchange.body == "ok")
        }
    }

    @Test("GET /readyz follows the readiness closure")
    func readyz() throws {
        let ready = Atomic(false)
        try withServer(readiness: { ready.load(ordering: .relaxed) }) { server throws in
            let before = try HTTPExchange.perform("/readyz", port: server.boundPort)
            #expect(before.status == 503)
            #expect(before.body == "not ready")
            ready.store(true, ordering: .relaxed)
            let after = try HTTPExchange.perform("/readyz", port: server.boundPort)
            #expect(after.status == 200)
            #expect(after.body == "ready")
        }
    }

    @Test("GET /metrics serves the rendered text as Prometheus 0.0.4")
    func metrics() throws {
        let registry = PrometheusMetrics()
        Counter(label: "cx_requests_total", dimensions: [("code", "OK")], factory: registry).increment(by: 5)
        try withServer(metrics: { registry.render() }) { server throws in
            let exchange = try HTTPExchange.perform("/metrics", port: server.boundPort)
            #expect(exchange.status == 200)
            #expect(exchange.headers["content-type"] == "text/plain; version=0.0.4")
            #expect(exchange.body.contains("cx_requests_total{code=\"OK\"} 5\n"))
        }
    }

    @Test("an empty metrics text is an empty 200")
    func emptyMetrics() throws {
        try withServer { server throws in
            let exchange = try HTTPExchange.perform("/metrics", port: server.boundPort)
            #expect(exchange.status == 200)
            #expect(exchange.body == "")
        }
    }

    @Test("an unknown path is 404 and another method 405")
    func unknownPath() throws {
        try withServer { server throws in
            #expect(try HTTPExchange.perform("/nope", port: server.boundPort).status == 404)
            #expect(try HTTPExchange.perform("/healthz/extra", port: server.boundPort).status == 404)
            #expect(try HTTPExchange.perform("/healthz", method: "POST", port: server.boundPort).status == 405)
        }
    }

    @Test("HEAD /healthz answers without a body")
    func head() throws {
        try withServer { server throws in
            let exchange = try HTTPExchange.perform("/healthz", method: "HEAD", port: server.boundPort)
            #expect(exchange.status == 200)
            #expect(exchange.body == "")
        }
    }

    @Test("a port another process listens on gives a clear error naming the address")
    func portInUseByAnotherSocket() throws {
        let (descriptor, port) = try listeningSocket()
        defer { close(descriptor) }
        let address = "127.0.0.1:\(port)"
        #expect {
            try HTTPProbeServer(address: address, readiness: { true }, metrics: { "" })
        } throws: { error in
            guard let error = error as? HTTPProbeServerError else { return false }
            return error.code == .addressInUse
                && error.description.hasPrefix("HTTP server on \(address): address in use")
        }
    }

    @Test("a second server on the same port in this process gives the same error")
    func portInUseInProcess() throws {
        try withServer { server throws in
            let address = "127.0.0.1:\(server.boundPort)"
            #expect {
                try HTTPProbeServer(address: address, readiness: { true }, metrics: { "" })
            } throws: { error in
                (error as? HTTPProbeServerError)?.code == .addressInUse
            }
            // The failed attempt must leave the first server serving.
            #expect(try HTTPExchange.perform("/healthz", port: server.boundPort).status == 200)
        }
    }

    @Test("an address that is not host:port is refused before listening")
    func invalidAddress() {
        #expect {
            try HTTPProbeServer(address: "localhost", readiness: { true }, metrics: { "" })
        } throws: { error in
            "\(error)" == "HTTP server on localhost: expected host:port, e.g. 127.0.0.1:9101"
        }
    }

    @Test("after close the port no longer answers")
    func closeStopsListening() throws {
        let server = try HTTPProbeServer(address: "127.0.0.1:0", readiness: { true }, metrics: { "" })
        let port = server.boundPort
        server.close()
        server.close()
        #expect(throws: (any Error).self) { try HTTPExchange.perform("/healthz", port: port) }
    }

    /// A TCP socket listening on a free loopback port, as another process's server would be.
    private func listeningSocket() throws -> (Int32, Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 1) == 0
                    && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw HTTPExchange.ClientError("bind: \(String(cString: strerror(errno)))") }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
