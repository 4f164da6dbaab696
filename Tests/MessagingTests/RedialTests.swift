import Foundation
import Messaging
import Synchronization
import TestKit
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A peer killed at the wrong moment (kill -9 of a service while a client was (re)connecting) leaves
/// the client's connection half made; the client must still reach the peer's next incarnation.
@Suite("Redial after a peer died mid-connection")
struct RedialTests {
    @Test(
        "a requester reaches a replier that comes up after a peer that closed connections mid-handshake",
        arguments: [HalfPeer.Behaviour.closeAtOnce, .sendHeaderThenClose, .readHeaderThenClose, .stall])
    func requesterOutlivesHalfPeer(behaviour: HalfPeer.Behaviour) async throws {
        let endpoint = TestEndpoints.fresh(.ipc)
        let requester = try Requester(dialing: [endpoint])
        defer { requester.close() }
        let path = String(endpoint.url.dropFirst("ipc://".count))
        let half = try HalfPeer(path: path, behaviour: behaviour)
        // Let the requester connect to the half peer a few times (it re-dials after each failure).
        _ = try? await requester.request([1], timeout: .seconds(1))
        half.stop()
        let replier = try Replier(listening: [endpoint])
        let serving = Task { await replier.serve({ $0 }, replyToFailure: { _ in [] }) }
        defer { replier.stopAccepting(); serving.cancel() }
        var answered = false
        for _ in 0..<30 where !answered {
            answered = (try? await requester.request([42], timeout: .milliseconds(500))) == [42]
        }
        #expect(answered, "no answer within 15 s from the replier that came up after the half peer")
    }

    @Test(
        "a subscriber that re-dials after a silence hears a publisher that came up after a half peer",
        arguments: [HalfPeer.Behaviour.closeAtOnce, .sendHeaderThenClose])
    func subscriberOutlivesHalfPeer(behaviour: HalfPeer.Behaviour) async throws {
        let endpoint = TestEndpoints.fresh(.ipc)
        let subscriber = try Subscriber(dialing: [endpoint], prefixes: ["t."])
        defer { subscriber.close() }
        let half = try HalfPeer(
            path: String(endpoint.url.dropFirst("ipc://".count)), behaviour: behaviour, protocolNumber: 0x20)  // pub0
        try await Task.sleep(for: .seconds(1))
        half.stop()
        let publisher = try Publisher(listening: [endpoint])
        defer { publisher.close() }
        let publishing = publishBeats(from: publisher)
        defer { publishing.cancel() }
        var heard = false
        for _ in 0..<10 where !heard {
            do {
                heard = try await subscriber.receive(timeout: .seconds(1.5)).topic == "t.beat"
            } catch let error as MessagingError where error.code == .timedOut {
                subscriber.redial()  // what a subscription does after a silence
            }
        }
        #expect(heard, "nothing heard within 15 s from the publisher that came up after the half peer")
    }
}

/// A unix socket listener that accepts connections and misbehaves in the SP handshake, as a peer
/// SIGKILLed mid-handshake does; it removes its socket file when stopped.
final class HalfPeer: Sendable {
    enum Behaviour: Sendable {
        case closeAtOnce, sendHeaderThenClose, readHeaderThenClose, stall
    }

    private let descriptor: Int32
    private let path: String
    private let stalled = Stalled()

    /// Connections kept open without a word (the `.stall` behaviour).
    private final class Stalled: Sendable {
        private let connections = Mutex<[Int32]>([])
        func withLock<T>(_ body: (inout [Int32]) -> T) -> T { connections.withLock { body(&$0) } }
    }

    /// - Parameter protocolNumber: the SP protocol it claims in `.sendHeaderThenClose` (rep0 by default).
    init(path: String, behaviour: Behaviour, protocolNumber: UInt8 = 0x31) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
        guard bound, listen(descriptor, 16) == 0 else { throw TestProcessError("cannot listen on \(path)") }
        let listener = descriptor
        let stalled = stalled
        Thread.detachNewThread {
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                switch behaviour {
                case .closeAtOnce:
                    close(connection)
                case .sendHeaderThenClose:
                    let header: [UInt8] = [0x00, 0x53, 0x50, 0x00, 0x00, protocolNumber, 0x00, 0x00]
                    _ = header.withUnsafeBytes { send(connection, $0.baseAddress, 8, Int32(MSG_NOSIGNAL)) }
                    close(connection)
                case .readHeaderThenClose:
                    var buffer = [UInt8](repeating: 0, count: 8)
                    _ = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, 8, 0) }
                    close(connection)
                case .stall:
                    stalled.withLock { $0.append(connection) }
                }
            }
        }
    }

    /// Closes the listener and every stalled connection, and removes the socket file: the peer is gone.
    func stop() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
        for connection in stalled.withLock({ $0 }) { close(connection) }
        unlink(path)
    }
}
