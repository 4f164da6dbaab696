internal import CNNG
import Foundation
import Synchronization

/// One nng socket of any protocol, with the suite's options applied before any listener or dialer
/// exists (listeners and dialers copy the socket's options when they are created).
///
/// - Important: ``close()`` is the last step of a teardown: stop the aios and close the contexts that
///   use the socket first.
final class Socket {
    let handle: nng_socket
    let options: SocketOptions
    private let isClosed = Atomic<Bool>(false)
    /// The dialers started by ``dial(_:)``, so that ``redial()`` can replace them.
    private let dialers = Mutex<[(endpoint: Endpoint, dialer: nng_dialer)]>([])
    /// Made by the first ipc ``listen(_:)``: restarts ipc listeners libnng stopped (see the type).
    private let ipcRevival = Mutex<IPCListenerRevival?>(nil)

    /// - Parameters:
    ///   - protocolName: for error messages, e.g. "req0".
    ///   - open: the protocol's open function, e.g. `nng_req0_open`.
    init(_ protocolName: String, options: SocketOptions, open: (UnsafeMutablePointer<nng_socket>) -> Int32)
        throws(MessagingError)
    {
        var socket = nng_socket()
        try MessagingError.check(open(&socket), "nng_\(protocolName)_open")
        self.handle = socket
        self.options = options
        do {
            try apply(options)
        } catch {
            nng_close(socket)
            throw error
        }
    }

    deinit { close() }

    private func apply(_ options: SocketOptions) throws(MessagingError) {
        guard options.maxMessageBytes > 0 else {
            throw MessagingError(
                .messageTooLarge, operation: "socket options", reason: "maxMessageBytes must be above 0")
        }
        try MessagingError.check(
            nng_socket_set_size(handle, NNG_OPT_RECVMAXSZ, options.maxMessageBytes), "set \(NNG_OPT_RECVMAXSZ)")
        try setDuration(NNG_OPT_SENDTIMEO, options.sendTimeout)
        try setDuration(NNG_OPT_RECVTIMEO, options.receiveTimeout)
        try setDuration(NNG_OPT_RECONNMINT, options.reconnectMinimum)
        try setDuration(NNG_OPT_RECONNMAXT, options.reconnectMaximum)
    }

    func setDuration(_ option: String, _ value: Duration) throws(MessagingError) {
        try MessagingError.check(nng_socket_set_ms(handle, option, nngMilliseconds(value)), "set \(option)")
    }

    func setInt(_ option: String, _ value: Int) throws(MessagingError) {
        try MessagingError.check(nng_socket_set_int(handle, option, Int32(clamping: value)), "set \(option)")
    }

    func setBytes(_ option: String, _ bytes: [UInt8]) throws(MessagingError) {
        let rv = bytes.withUnsafeBytes { nng_socket_set(handle, option, $0.baseAddress, $0.count) }
        try MessagingError.check(rv, "set \(option)")
    }

    /// Listens on `endpoint`.
    /// - Returns: the endpoint actually bound: for `tcp://host:0` the port the system chose.
    /// - Throws: ``MessagingError`` (`.addressInUse`, `.invalidAddress`, `.tlsConfiguration`, …).
    @discardableResult
    func listen(_ endpoint: Endpoint) throws(MessagingError) -> Endpoint {
        let listener = try startListener(endpoint)
        if endpoint.transport == .ipc { try revival().watch(endpoint, listener) }
        guard endpoint.transport == .tcp || endpoint.transport == .tlsTCP, endpoint.port == 0 else { return endpoint }
        var port: Int32 = 0
        try MessagingError.check(
            nng_listener_get_int(listener, NNG_OPT_TCP_BOUND_PORT, &port), "bound port of \(endpoint)")
        return try Endpoint("\(endpoint.transport.rawValue)://\(endpoint.host):\(port)")
    }

    private func revival() throws(MessagingError) -> IPCListenerRevival {
        try ipcRevival.withLock { revival throws(MessagingError) in
            if let revival { return revival }
            let made = try IPCListenerRevival(socket: handle) { [weak self] endpoint throws(MessagingError) in
                guard let self else {
                    throw MessagingError(.closed, operation: "nng_listen(\(endpoint))", reason: "closed")
                }
                return try startListener(endpoint)
            }
            revival = made
            return made
        }
    }

    private func startListener(_ endpoint: Endpoint) throws(MessagingError) -> nng_listener {
        var listener = nng_listener()
        try MessagingError.check(nng_listener_create(&listener, handle, endpoint.url), "nng_listen(\(endpoint))")
        do {
            if endpoint.transport == .tlsTCP {
                let config = try tlsConfiguration(for: endpoint).makeConfig(for: .listener, host: endpoint.host)
                defer { nng_tls_config_free(config) }
                try MessagingError.check(
                    nng_listener_set_ptr(listener, NNG_OPT_TLS_CONFIG, UnsafeMutableRawPointer(config)),
                    "set TLS config on \(endpoint)")
            }
            try MessagingError.check(nng_listener_start(listener, 0), "nng_listen(\(endpoint))")
        } catch {
            nng_listener_close(listener)
            throw error
        }
        return listener
    }

    /// Dials `endpoint` in the background: succeeds although the peer is not up yet, and re-dials with
    /// back-off whenever the connection is lost.
    func dial(_ endpoint: Endpoint) throws(MessagingError) {
        var dialer = nng_dialer()
        try MessagingError.check(nng_dialer_create(&dialer, handle, endpoint.url), "nng_dial(\(endpoint))")
        do {
            if endpoint.transport == .tlsTCP {
                let config = try tlsConfiguration(for: endpoint).makeConfig(for: .dialer, host: endpoint.host)
                defer { nng_tls_config_free(config) }
                try MessagingError.check(
                    nng_dialer_set_ptr(dialer, NNG_OPT_TLS_CONFIG, UnsafeMutableRawPointer(config)),
                    "set TLS config on \(endpoint)")
            }
            try MessagingError.check(nng_dialer_start(dialer, Int32(NNG_FLAG_NONBLOCK)), "nng_dial(\(endpoint))")
        } catch {
            nng_dialer_close(dialer)
            throw error
        }
        dialers.withLock { $0.append((endpoint, dialer)) }
    }

    /// Replaces every dialer with a new one dialing the same endpoint.
    ///
    /// libnng 1.5.2's dialer stops re-dialing for good when a peer closes the connection during the SP
    /// handshake, which is what a peer killed (kill -9, a crash) while we were (re)connecting does:
    /// the socket would then never reach the peer's next incarnation. Callers that hear nothing for a
    /// while call this; a healthy connection is only re-made.
    func redial() {
        guard !isClosed.load(ordering: .acquiring) else { return }
        let old = dialers.withLock { dialers in
            defer { dialers = [] }
            return dialers
        }
        for (endpoint, dialer) in old {
            try? dial(endpoint)  // the endpoint was dialed before, so only a closed socket fails here
            nng_dialer_close(dialer)
        }
    }

    private func tlsConfiguration(for endpoint: Endpoint) throws(MessagingError) -> TLSConfiguration {
        guard let tls = options.tls else {
            throw MessagingError(
                .tlsConfiguration, operation: "\(endpoint)", reason: "tls+tcp needs certificate, key and CA files")
        }
        return tls
    }

    /// Closes the socket once; later calls do nothing. Pending operations on it fail with `.closed`.
    ///
    /// `nng_close` runs on a thread of its own and this returns at once: libnng 1.5.2 can deadlock in
    /// `nng_close` when a socket is closed while a peer is going away (nanomsg/nng#1543 and #1813, fixed
    /// upstream after 1.5.2), and a stuck close must not stop a service from shutting down or a task
    /// from going on. Our own operations never wait for it: they were shut down before this is called.
    func close() {
        if isClosed.exchange(true, ordering: .acquiringAndReleasing) { return }
        let handle = self.handle
        let revival = ipcRevival.withLock { $0 }
        revival?.stop()
        Self.closesInProgress.add(1, ordering: .relaxed)
        Thread.detachNewThread {
            withExtendedLifetime(revival) { _ = nng_close(handle) }  // its pipe callback may run until then
            Self.closesInProgress.subtract(1, ordering: .relaxed)
        }
    }

    /// How many `nng_close` calls have not returned yet (see ``close()``); for diagnostics and tests.
    static let closesInProgress = Atomic<Int>(0)
}

extension Socket: @unchecked Sendable {}  // nng sockets are thread-safe; the only mutable state is atomic.

extension Endpoint {
    /// The host part of a tcp or tls+tcp URL (brackets of an IPv6 literal kept).
    var host: String {
        let address = url[url.range(of: "://")!.upperBound...]
        guard let colon = address.lastIndex(of: ":") else { return String(address) }
        return String(address[..<colon])
    }

    /// The port of a tcp or tls+tcp URL; nil for other transports.
    var port: UInt16? {
        guard transport == .tcp || transport == .tlsTCP, let colon = url.lastIndex(of: ":") else { return nil }
        return UInt16(url[url.index(after: colon)...])
    }
}
