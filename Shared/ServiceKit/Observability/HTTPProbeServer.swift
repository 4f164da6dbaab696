internal import CNNG
import Synchronization

/// The HTTP endpoint that orchestrators and Prometheus scrape, served by libnng's own HTTP server:
///
/// | route | answer |
/// |---|---|
/// | `GET /healthz` | 200 `ok`: the process is alive and serving HTTP |
/// | `GET /readyz` | 200 `ready` or 503 `not ready`, from the readiness closure |
/// | `GET /metrics` | 200, `text/plain; version=0.0.4`, the rendered metrics |
///
/// `HEAD` works on each route; other paths get 404 and other methods 405, from libnng.
///
/// - Important: libnng calls the closures on one of its own threads, once per request, while the
///   connection waits. They must be synchronous and quick: read an atomic or a lock-guarded value, render
///   text. Never block, and never wait for Swift concurrency, from them.
public final class HTTPProbeServer: Sendable {
    /// The address as given, e.g. `127.0.0.1:0`.
    public let address: String
    /// The port the server listens on: the one asked for, or the one the system chose for port 0.
    public let boundPort: Int

    /// The `nng_http_server` this instance holds, until ``close()`` releases it.
    private let server: Mutex<OpaquePointer?>

    /// libnng shares one server between everyone who holds the same host and port in a process, and a
    /// server on port 0 keeps matching port 0 until it has started. Holding and starting under one lock
    /// keeps two probe servers asked for port 0 at once from being handed the same instance.
    private static let holdAndStart = Mutex(())

    /// Starts listening.
    ///
    /// - Parameters:
    ///   - address: `host:port`, e.g. `127.0.0.1:9101`, `[::1]:9101`, `:9101` (every IPv4 interface);
    ///     port 0 lets the system choose, reported by ``boundPort``.
    ///   - readiness: whether the process is ready for traffic; called for every `GET /readyz`.
    ///   - metrics: the Prometheus text for `GET /metrics`; called for every scrape.
    /// - Throws: ``HTTPProbeServerError`` naming the address: `.invalidAddress`, `.addressInUse` (another
    ///   process, or another server in this one, listens there), or `.server` for any other libnng failure.
    public init(
        address: String, readiness: @escaping @Sendable () -> Bool, metrics: @escaping @Sendable () -> String
    ) throws(HTTPProbeServerError) {
        let listen: HTTPListenAddress
        do {
            listen = try HTTPListenAddress(parsing: address)
        } catch {
            throw HTTPProbeServerError(.invalidAddress, address: address, reason: error.reason)
        }
        let routes: [(path: String, route: ProbeRoute)] = [
            ("/healthz", ProbeRoute { .text(200, "ok") }),
            ("/readyz", ProbeRoute { readiness() ? .text(200, "ready") : .text(503, "not ready") }),
            (
                "/metrics",
                ProbeRoute { ProbeReply(status: 200, contentType: "text/plain; version=0.0.4", body: metrics()) }
            ),
        ]
        let server = try Self.holdAndStart.withLock { _ throws(HTTPProbeServerError) in
            try Self.start(listen, address: address, routes: routes)
        }
        self.address = address
        self.boundPort = Self.boundPort(of: server) ?? listen.port
        self.server = Mutex(server)
    }

    /// Stops listening, drops open connections and releases the server. Idempotent; also done on deinit.
    public func close() {
        let held = server.withLock { server in
            defer { server = nil }
            return server
        }
        guard let held else { return }
        nng_http_server_stop(held)
        nng_http_server_release(held)
    }

    deinit {
        close()
    }

    // MARK: - libnng

    /// Holds the server for `listen`, registers one handler per route and starts it.
    /// - Returns: the held server; the caller owns one hold, given back with `nng_http_server_release`.
    private static func start(
        _ listen: HTTPListenAddress, address: String, routes: [(path: String, route: ProbeRoute)]
    ) throws(HTTPProbeServerError) -> OpaquePointer {
        func failure(_ rv: Int32, _ call: String) -> HTTPProbeServerError {
            HTTPProbeServerError(nng: rv, call: call, address: address)
        }
        var url: UnsafeMutablePointer<nng_url>?
        var rv = nng_url_parse(&url, listen.url)
        guard rv == 0, let url else { throw failure(rv, "nng_url_parse(\(listen.url))") }
        var held: OpaquePointer?
        rv = nng_http_server_hold(&held, url)
        nng_url_free(url)
        guard rv == 0, let server = held else { throw failure(rv, "nng_http_server_hold") }

        // Until nng_http_server_add_handler succeeds we own each handler; afterwards the server does, and
        // del_handler hands it back. Each handler owns one retain of its route, released by its destructor.
        var added: [OpaquePointer] = []
        func undo() {
            for handler in added where nng_http_server_del_handler(server, handler) == 0 {
                nng_http_handler_free(handler)
            }
            nng_http_server_release(server)
        }
        for (path, route) in routes {
            var allocated: OpaquePointer?
            rv = nng_http_handler_alloc(&allocated, path) { aio in HTTPProbeServer.respond(aio) }
            guard rv == 0, let handler = allocated else {
                undo()
                throw failure(rv, "nng_http_handler_alloc(\(path))")
            }
            let context = Unmanaged.passRetained(route).toOpaque()
            rv = nng_http_handler_set_data(handler, context) { context in
                if let context { Unmanaged<ProbeRoute>.fromOpaque(context).release() }
            }
            if rv != 0 {
                Unmanaged<ProbeRoute>.fromOpaque(context).release()
                nng_http_handler_free(handler)
                undo()
                throw failure(rv, "nng_http_handler_set_data(\(path))")
            }
            rv = nng_http_server_add_handler(server, handler)
            if rv != 0 {
                nng_http_handler_free(handler)
                undo()
                throw failure(rv, "nng_http_server_add_handler(\(path))")
            }
            added.append(handler)
        }
        rv = nng_http_server_start(server)
        if rv != 0 {
            undo()
            throw failure(rv, "nng_http_server_start")
        }
        return server
    }

    private static func boundPort(of server: OpaquePointer) -> Int? {
        var socketAddress = nng_sockaddr()
        guard nng_http_server_get_addr(server, &socketAddress) == 0 else { return nil }
        let networkOrder =
            switch Int32(socketAddress.s_family) {
            case Int32(NNG_AF_INET.rawValue): socketAddress.s_in.sa_port
            case Int32(NNG_AF_INET6.rawValue): socketAddress.s_in6.sa_port
            default: UInt16(0)
            }
        let port = Int(UInt16(bigEndian: networkOrder))
        return port == 0 ? nil : port
    }

    /// The handler callback, on an nng thread: answers from the route's closure and completes the aio.
    ///
    /// Input 1 of the aio is the `nng_http_handler`, whose data is the route. On success the response
    /// becomes output 0 and libnng owns it; on failure we free it and finish with the error, which makes
    /// libnng close the connection.
    private static func respond(_ aio: OpaquePointer?) {
        guard let aio else { return }
        guard let handler = nng_aio_get_input(aio, 1), let context = nng_http_handler_get_data(OpaquePointer(handler))
        else {
            nng_aio_finish(aio, Int32(NNG_EINVAL.rawValue))
            return
        }
        let reply = Unmanaged<ProbeRoute>.fromOpaque(context).takeUnretainedValue().reply()
        var response: OpaquePointer?
        var rv = nng_http_res_alloc(&response)
        if rv == 0 { rv = nng_http_res_set_status(response, reply.status) }
        if rv == 0 { rv = nng_http_res_set_header(response, "Content-Type", reply.contentType) }
        if rv == 0 { rv = nng_http_res_set_header(response, "Cache-Control", "no-store") }
        if rv == 0 && !reply.body.isEmpty {
            rv = Array(reply.body.utf8).withUnsafeBytes { nng_http_res_copy_data(response, $0.baseAddress, $0.count) }
        }
        guard rv == 0, let response else {
            if let response { nng_http_res_free(response) }
            nng_aio_finish(aio, rv == 0 ? Int32(NNG_ENOMEM.rawValue) : rv)
            return
        }
        nng_aio_set_output(aio, 0, UnsafeMutableRawPointer(response))
        nng_aio_finish(aio, 0)
    }
}

/// What one route answers; the handler's data, retained by libnng's handler until it is freed, which may
/// be after ``HTTPProbeServer/close()`` returns (libnng frees a released server on its reaper thread).
private final class ProbeRoute: Sendable {
    let reply: @Sendable () -> ProbeReply
    init(_ reply: @escaping @Sendable () -> ProbeReply) { self.reply = reply }
}

private struct ProbeReply {
    let status: UInt16
    let contentType: String
    let body: String

    static func text(_ status: UInt16, _ body: String) -> ProbeReply {
        ProbeReply(status: status, contentType: "text/plain; charset=utf-8", body: body)
    }
}

/// The HTTP probe server could not start; the message names the address.
public struct HTTPProbeServerError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }

        /// The address is not `host:port`, or libnng cannot use it.
        public static let invalidAddress = Code("invalid address")
        /// Something else already listens there.
        public static let addressInUse = Code("address in use")
        /// Any other libnng failure.
        public static let server = Code("HTTP server failure")

        public var description: String { name }
    }

    public let code: Code
    /// The address as configured.
    public let address: String
    /// Why, in words.
    public let reason: String

    public init(_ code: Code, address: String, reason: String) {
        self.code = code
        self.address = address
        self.reason = reason
    }

    init(nng rv: Int32, call: String, address: String) {
        let text = String(cString: nng_strerror(rv))
        switch UInt32(bitPattern: rv) {
        case NNG_EADDRINUSE.rawValue:
            self.init(
                .addressInUse, address: address,
                reason: "address in use: another process, or another HTTP server in this one, listens there "
                    + "(\(call))")
        case NNG_EADDRINVAL.rawValue, NNG_EINVAL.rawValue:
            self.init(.invalidAddress, address: address, reason: "\(call): \(text)")
        default:
            self.init(.server, address: address, reason: "\(call): \(text)")
        }
    }

    public var description: String { "HTTP server on \(address): \(reason)" }
}
