import Foundation
@testable import Messaging
import TestKit

#if canImport(Glibc)
    import Glibc
#endif

/// A connection to an ipc listener made with the socket calls themselves, for the tests that must
/// control every byte: what a caller sends, and when it reads.
///
/// It speaks libnng's ipc framing: an 8-byte SP header each way (`\0SP\0`, the sender's protocol
/// number, two zero bytes), then each message as a 1 and its length in 8 big-endian bytes. A req0
/// message starts with its 4-byte request id, high bit set; the rep0 reply starts with the same id.
final class RawIPCConnection {
    static let req0: UInt8 = 0x30

    private let descriptor: Int32

    /// Connects; receives wait at most `receiveTimeout`.
    init(to endpoint: Endpoint, receiveTimeout: Duration = .seconds(10)) throws {
        guard let path = endpoint.ipcPath else { throw TestProcessError("\(endpoint) is not an ipc endpoint") }
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
        guard connected else {
            let error = errno
            Glibc.close(descriptor)
            throw TestProcessError("cannot connect to \(path): errno \(error)")
        }
        let seconds = receiveTimeout.components.seconds
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func close() { Glibc.close(descriptor) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Sends the SP header of a peer speaking `protocolNumber`.
    func sendHeader(protocolNumber: UInt8) { send([0x00, 0x53, 0x50, 0x00, 0x00, protocolNumber, 0x00, 0x00]) }

    /// Sends a req0 request: `id` (the high bit is set here) and `payload`.
    func sendRequest(id: UInt32, _ payload: [UInt8]) {
        let body = bigEndianBytes(UInt64(id | 0x8000_0000)).suffix(4) + payload
        send([1] + bigEndianBytes(UInt64(body.count)) + body)
    }

    /// Bytes received and not read yet.
    var unreadBytes: Int {
        var count: Int32 = 0
        return ioctl(descriptor, UInt(FIONREAD), &count) == 0 ? Int(count) : 0
    }

    /// Reads the peer's SP header and returns its protocol number.
    func receiveHeader() throws -> UInt8 { try receive(8)[5] }

    /// Reads one message and returns its body.
    func receiveMessage() throws -> [UInt8] {
        let frame = try receive(9)
        let length = frame.dropFirst().reduce(0) { $0 << 8 | Int($1) }
        return try receive(length)
    }

    private func receive(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + filled, count - filled, 0) }
            guard got > 0 else {
                throw TestProcessError("receive: \(got == 0 ? "closed by the peer" : "errno \(errno)")")
            }
            filled += got
        }
        return bytes
    }

    private func bigEndianBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).reversed().map { UInt8(value >> ($0 * 8) & 0xFF) }
    }
}
