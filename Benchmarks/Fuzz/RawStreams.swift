import Foundation
import SeededRandom

#if canImport(Glibc)
    import Glibc
#endif

/// Clients that misbehave below the messaging library, on the services' ipc sockets: garbage instead
/// of the SP handshake, the wrong protocol, frame headers that claim 2^63 bytes, frames without a
/// request id, half frames; and well-formed raw requests, one or fifty at a time, whose replies are
/// read and judged like any other.
struct RawStreams {
    let campaign: Campaign

    /// nng's ipc framing: an 8-byte SP header each way, then per message a type byte (1) and a
    /// big-endian 64-bit length.
    private static func handshake(protocol number: UInt16) -> [UInt8] {
        [0x00, 0x53, 0x50, 0x00, UInt8(number >> 8), UInt8(number & 0xFF), 0x00, 0x00]
    }
    private static let req0: UInt16 = 0x30
    private static func frame(_ payload: [UInt8], type: UInt8 = 1, claimedLength: UInt64? = nil) -> [UInt8] {
        [type] + Wire.littleEndian((claimedLength ?? UInt64(payload.count)).bigEndian) + payload
    }

    /// What the raw clients saw.
    struct Outcome {
        var connections = 0
        var requests = 0
        var answered = 0
        /// The longest a service took to answer new callers again after the misbehaving ones.
        var longestRecovery: Duration = .zero
        /// Services that did not answer new callers again within ``recoveryLimit``.
        var deaf: [String] = []
    }

    /// How long a service may take to answer new callers again after the misbehaving ones: libnng
    /// 1.5.2 stops an ipc listener that a caller hung up on mid-handshake, and the socket restarts it
    /// within a few seconds (IPCListenerRevival).
    static let recoveryLimit: Duration = .seconds(30)

    /// Runs `rounds` rounds of every misbehaviour against every service, then checks that each answers
    /// new callers again and sends it well-formed raw requests (one, or fifty pipelined).
    func run(rounds: Int, seed: UInt64) async throws -> Outcome {
        var random = SplitMix64(seed: seed ^ 0x7A11)
        var outcome = Outcome()
        for round in 0..<rounds {
            for service in Catalogue.services {
                let path = "\(campaign.targets.dataDirectory)/run/\(service).rep"
                for bytes in misbehaviours(using: &random) {
                    let connection = try RawConnection(path: path)
                    connection.send(bytes)
                    connection.close()
                    outcome.connections += 1
                }
                let started = ContinuousClock.now
                let ping = campaign.envelope("\(service).Ping", body: [])
                while (try? exchange([ping], path: path, silence: 1).count) != 1 {
                    outcome.connections += 1
                    guard ContinuousClock.now - started < Self.recoveryLimit else { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let recovery = ContinuousClock.now - started
                guard recovery < Self.recoveryLimit else {
                    outcome.deaf.append(service)
                    continue
                }
                outcome.longestRecovery = max(outcome.longestRecovery, recovery)
                let inputs = (0..<(round % 2 == 0 ? 1 : 50)).map { _ in
                    campaign.factory.input(
                        UInt64(Catalogue.services.firstIndex(of: service)!) + 5 * (random.next() % (1 << 40)))
                }
                let replies = try exchange(inputs.map(\.frame), path: path)
                outcome.connections += 1
                outcome.requests += inputs.count
                outcome.answered += replies.count
                for (index, reply) in replies {
                    let (_, problem) = campaign.oracle.judge(reply, to: inputs[index].frame, service: service)
                    if let problem { campaign.tally.problem("raw: \(problem)", inputs[index]) }
                }
            }
        }
        return outcome
    }

    /// Garbage instead of the SP handshake, the wrong protocol, frame headers that claim 2^63 bytes or
    /// more than the limit, a frame of an unknown type, frames without a request id or with twenty
    /// hops, half a frame, half a handshake.
    private func misbehaviours(using random: inout SplitMix64) -> [[UInt8]] {
        let limit = UInt64(Targets.frameLimit)
        return [
            (0..<(1 + random.below(4_096))).map { _ in UInt8(truncatingIfNeeded: random.next()) },
            Self.handshake(protocol: 0x21) + Self.frame([0x80, 0, 0, 1]),
            Self.handshake(protocol: Self.req0) + Self.frame([0x80, 0, 0, 1], claimedLength: 1 << 63),
            Self.handshake(protocol: Self.req0) + Self.frame([], claimedLength: .max),
            Self.handshake(protocol: Self.req0) + Self.frame([0x80], claimedLength: limit + 1),
            Self.handshake(protocol: Self.req0) + Self.frame([0x80, 0, 0, 2] + [1, 2, 3], type: 7),
            Self.handshake(protocol: Self.req0) + Self.frame([0x12, 0x34]),
            Self.handshake(protocol: Self.req0)
                + Self.frame(Array(repeatElement([UInt8]([0, 0, 0, 1]), count: 20).joined())),
            Self.handshake(protocol: Self.req0) + Self.frame([0x80, 0, 0, 3] + [9], claimedLength: 1_000),
            Array(Self.handshake(protocol: Self.req0).prefix(3)),
        ]
    }

    /// Sends `frames` as raw requests, pipelined on one new connection, and reads the replies until
    /// all came or the connection ends or stays silent for `silence` seconds.
    /// - Returns: each reply (without its request id) by the index of its frame.
    private func exchange(_ frames: [[UInt8]], path: String, silence: Int = 10) throws -> [Int: [UInt8]] {
        let connection = try RawConnection(path: path, silence: silence)
        defer { connection.close() }
        connection.send(Self.handshake(protocol: Self.req0))
        for (index, frame) in frames.enumerated() {
            connection.send(Self.frame(Wire.littleEndian((0x8000_0000 | UInt32(index)).bigEndian) + frame))
        }
        guard connection.receive(count: 8) != nil else { return [:] }  // the service's SP header
        var replies: [Int: [UInt8]] = [:]
        while replies.count < frames.count {
            guard let header = connection.receive(count: 9), header[0] == 1 else { break }
            let length = header[1...].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard length >= 4, length <= UInt64(4 * Targets.frameLimit),
                let payload = connection.receive(count: Int(length))
            else { break }
            let index = Int(
                UInt32(payload[0] & 0x7F) << 24 | UInt32(payload[1]) << 16 | UInt32(payload[2]) << 8
                    | UInt32(payload[3]))
            guard index < frames.count, replies[index] == nil else {
                throw FuzzError("a raw reply carries request id \(index), which was not sent or was answered before")
            }
            replies[index] = Array(payload[4...])
        }
        return replies
    }
}

/// A plain unix-domain stream connection that sends and reads whatever bytes it is given.
private final class RawConnection {
    private let descriptor: Int32

    /// - Parameter silence: how many seconds a read waits before it gives up.
    init(path: String, silence: Int = 10) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw FuzzError("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw FuzzError("path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw FuzzError("connect to \(path): errno \(errno)")
        }
        // Reads give up: a service that stops answering shows as a short read, not a hang.
        var timeout = timeval(tv_sec: silence, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends everything it can; a peer that closed the connection ends the sending quietly.
    func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = Glibc.send(
                    descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                guard sent > 0 else { return }
                offset += sent
            }
        }
    }

    /// Exactly `count` bytes, or nil when the connection closed or timed out first.
    func receive(count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let read = bytes.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + offset, count - offset, 0) }
            guard read > 0 else { return nil }
            offset += read
        }
        return bytes
    }

    func close() { Glibc.close(descriptor) }
}
