internal import CNNG
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps a socket's ipc listeners handing new connections to the socket.
///
/// libnng 1.5.2 stops for good when one peer connects to an ipc listener and goes away before the SP
/// handshake is over: writing the handshake to the gone peer fails with EPIPE, which nng reports as
/// NNG_ECLOSED, and the listener takes that for its own closing and never accepts again
/// (nanomsg/nng#1518, fixed upstream in 1.6.0; tcp is not affected). A single `connect()` and
/// `close()` — a client killed while connecting, a stale-socket check, `cx-fuzz`'s raw clients — would
/// leave a service unreachable for every new caller while the callers already connected go on.
///
/// So every ``probeInterval`` each watched listener gets a connection of our own that completes the
/// handshake as the socket's peer protocol; a live listener hands it to the socket, which reports a
/// new pipe. When none comes within ``probeTimeout`` the listener is closed and started again on the
/// same path. That drops its connections too; their peers re-dial and resend what they were waiting for.
///
/// - Important: Owned by one ``Socket``, which calls ``stop()`` before it closes and keeps the revival
///   (and so ``pipeCounter``, the pipe callback's argument) alive until `nng_close` returned.
final class IPCListenerRevival {
    static let probeInterval: Duration = .seconds(2)
    /// Generous, because a restart drops every connection of the listener: on a loaded machine a live
    /// listener can take seconds to report a new pipe, and restarting a healthy one costs all its
    /// clients a reconnect. 15 s still revives a stopped listener well within a minute.
    static let probeTimeout: Duration = .seconds(15)

    /// Pipes the socket added so far; the pipe callback's argument, so it must outlive the socket.
    let pipeCounter = PipeCounter()
    private let socket: nng_socket
    /// Starts a listener on an endpoint again: ``Socket``'s own listen, without the bookkeeping.
    private let restart: (Endpoint) throws(MessagingError) -> nng_listener
    private let watched = Mutex<[(endpoint: Endpoint, listener: nng_listener)]>([])
    private let isStopped = Atomic<Bool>(false)

    /// - Parameters:
    ///   - restart: creates and starts a listener on the endpoint.
    /// - Throws: ``MessagingError`` when the pipe callback cannot be registered.
    init(socket: nng_socket, restart: @escaping (Endpoint) throws(MessagingError) -> nng_listener)
        throws(MessagingError)
    {
        self.socket = socket
        self.restart = restart
        try MessagingError.check(
            nng_pipe_notify(
                socket, NNG_PIPE_EV_ADD_POST, pipeAdded, Unmanaged.passUnretained(pipeCounter).toOpaque()),
            "nng_pipe_notify")
    }

    /// Watches `listener`, which listens on the ipc `endpoint`; the first call starts the probing.
    func watch(_ endpoint: Endpoint, _ listener: nng_listener) {
        let first = watched.withLock { watched in
            watched.append((endpoint, listener))
            return watched.count == 1
        }
        if first { Thread.detachNewThread { [self] in probeUntilStopped() } }
    }

    /// Ends the probing; the probe thread leaves at its next wake-up without touching the socket again.
    func stop() { isStopped.store(true, ordering: .releasing) }

    private func probeUntilStopped() {
        while !isStopped.load(ordering: .acquiring) {
            Thread.sleep(forTimeInterval: Double(Self.probeInterval.components.seconds))
            for (index, entry) in watched.withLock({ Array($0.enumerated()) }) {
                guard !isStopped.load(ordering: .acquiring), !handsOverConnections(entry.endpoint, entry.listener)
                else { continue }
                nng_listener_close(entry.listener)
                guard !isStopped.load(ordering: .acquiring) else { return }
                // Messaging has no logger; a service's standard error is its log.
                do {
                    let listener = try restart(entry.endpoint)
                    watched.withLock { $0[index].listener = listener }
                    Self.report("restarted the listener on \(entry.endpoint): it had stopped taking connections")
                } catch {
                    Self.report("could not restart the listener on \(entry.endpoint) (\(error)); trying again")
                }
            }
        }
    }

    /// Whether a connection to `endpoint` that completes the SP handshake becomes a pipe of the socket.
    ///
    /// The connection is closed only once the listener took it or the timeout passed, never in the
    /// middle of the handshake, which is what breaks a listener.
    private func handsOverConnections(_ endpoint: Endpoint, _ listener: nng_listener) -> Bool {
        var peer: Int32 = 0
        guard nng_socket_get_int(socket, NNG_OPT_PEER, &peer) == 0 else { return true }
        let listenerID = nng_listener_id(listener)
        let before = pipeCounter.count(from: listenerID)
        guard let path = endpoint.ipcPath, let descriptor = Self.connect(path) else { return false }
        defer { close(descriptor) }
        let header: [UInt8] = [0x00, 0x53, 0x50, 0x00, UInt8(peer >> 8 & 0xFF), UInt8(peer & 0xFF), 0x00, 0x00]
        guard header.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == 8 else {
            return false
        }
        let deadline = ContinuousClock.now + Self.probeTimeout
        while ContinuousClock.now < deadline {
            if pipeCounter.count(from: listenerID) != before { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    private static func report(_ line: String) {
        FileHandle.standardError.write(Data("messaging: \(line)\n".utf8))
    }

    /// A connected unix-domain stream socket, or nil.
    private static func connect(_ path: String) -> Int32? {
        let descriptor = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            return nil
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// Counts the pipes a socket added, per listener; written by libnng's pipe callback.
    final class PipeCounter: Sendable {
        private let added = Mutex<[Int32: UInt64]>([:])
        func count(from listenerID: Int32) -> UInt64 { added.withLock { $0[listenerID] ?? 0 } }
        func increment(from listenerID: Int32) { added.withLock { $0[listenerID, default: 0] += 1 } }
    }
}

extension IPCListenerRevival: @unchecked Sendable {}  // nng handles are thread-safe; the rest is locked or atomic.

/// libnng's pipe callback: counts the pipe. `argument` is the revival's ``IPCListenerRevival/PipeCounter``.
private func pipeAdded(_ pipe: nng_pipe, _: nng_pipe_ev, _ argument: UnsafeMutableRawPointer?) {
    guard let argument else { return }
    let listenerID = nng_listener_id(nng_pipe_listener(pipe))
    Unmanaged<IPCListenerRevival.PipeCounter>.fromOpaque(argument).takeUnretainedValue().increment(from: listenerID)
}
