import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension Reliability {
    /// cx-health on a tcp:// listener, treated badly: callers with the wrong role, a replayed request,
    /// thousands of idle connections, a half-sent message; and its log read for the secrets it saw.
    @Suite("a service under abuse keeps its data and keeps serving")
    struct AbuseTests {
        /// A health process listening on loopback tcp, with a client of each role.
        private struct Target {
            let process: ServiceProcess
            let port: UInt16
            let admin: ServiceClient
            let writer: ServiceClient
            let reader: ServiceClient

            init() async throws {
                port = try RawConnection.freePort()
                let dataDirectory = try makeTemporaryDirectory("cx-abuse")
                process = try ServiceProcess(
                    "cx-health",
                    environment: [
                        "CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting,
                        "CX_LISTEN": "tcp://127.0.0.1:\(port)",
                    ])
                let endpoint = try Endpoint("tcp://127.0.0.1:\(port)")
                admin = try ServiceClient(service: "health", endpoints: [endpoint], token: TestTokens.admin)
                writer = try ServiceClient(service: "health", endpoints: [endpoint], token: TestTokens.writer)
                reader = try ServiceClient(service: "health", endpoints: [endpoint], token: TestTokens.reader)
                let admin = admin
                let up = try await eventually(.seconds(30)) {
                    (try? await admin.ping(timeout: .milliseconds(500))) != nil
                }
                try #require(up, "cx-health did not answer on tcp:\n\(process.log)")
            }

            func stop() {
                process.send(SIGKILL)
                for client in [admin, writer, reader] { client.close() }
            }

            func upsert(_ id: String, as client: ServiceClient, key: String = "") async throws(ClientError)
                -> UpsertAccountResponse
            {
                let account = Account(
                    customer: .init(value: id), name: id.capitalized, segment: .small,
                    signupMs: Int64(Date().timeIntervalSince1970 * 1000) - 86_400_000)
                return try await client.call(
                    "UpsertAccount", UpsertAccountRequest(account: account), idempotencyKey: key, timeout: .seconds(10))
            }

            func accountExists(_ id: String) async throws -> Bool {
                do {
                    let _: GetAccountResponse = try await reader.call(
                        "GetAccount", GetAccountRequest(customer: .init(value: id)))
                    return true
                } catch {
                    guard error.code == .notFound else { throw error }
                    return false
                }
            }
        }

        @Test("a token without the method's role is refused and changes nothing")
        func wrongRole() async throws {
            let target = try await Target()
            defer { target.stop() }
            let before = try await target.admin.status().latestSeq
            let refused = await #expect(throws: ClientError.self) { try await target.upsert("acme", as: target.reader) }
            #expect(refused?.code == .permissionDenied, "\(String(describing: refused))")
            let adminOnly = await #expect(throws: ClientError.self) {
                let _: RescoreAccountsResponse = try await target.writer.call(
                    "RescoreAccounts", RescoreAccountsRequest())
            }
            #expect(adminOnly?.code == .permissionDenied, "\(String(describing: adminOnly))")
            let stranger = try ServiceClient(
                service: "health", endpoints: [Endpoint("tcp://127.0.0.1:\(target.port)")],
                token: "not-a-token-at-all-42")
            defer { stranger.close() }
            let unknown = await #expect(throws: ClientError.self) { try await target.upsert("acme", as: stranger) }
            #expect(unknown?.code == .unauthenticated, "\(String(describing: unknown))")

            #expect(try await target.accountExists("acme") == false)
            #expect(try await target.admin.status().latestSeq == before, "a refused write emitted an event")
        }

        @Test("a request replayed with its idempotency key gets the first answer and is applied once")
        func replayedRequest() async throws {
            let target = try await Target()
            defer { target.stop() }
            let first = try await target.upsert("acme", as: target.writer, key: "upsert-acme-1")
            let afterFirst = try await target.admin.status().latestSeq
            for _ in 0..<5 {
                let again = try await target.upsert("acme", as: target.writer, key: "upsert-acme-1")
                #expect(again == first)
            }
            #expect(try await target.admin.status().latestSeq == afterFirst, "a replay emitted events again")
        }

        @Test("thousands of idle connections and a half-sent message do not stop the service serving others")
        func floodOfConnections() async throws {
            let target = try await Target()
            defer { target.stop() }
            // A client that sends the start of a request (SP header and a length of 1000, then 10 bytes)
            // and stalls, and 3,000 more that connect and send nothing.
            let stalled = try RawConnection(port: target.port)
            defer { stalled.close() }
            stalled.send([0x00, 0x53, 0x50, 0x00, 0x00, 0x30, 0x00, 0x00])  // SP header of a req0 peer
            stalled.send([0, 0, 0, 0, 0, 0, 0x03, 0xE8] + [UInt8](repeating: 0x41, count: 10))
            var idle: [RawConnection] = []
            defer { for connection in idle { connection.close() } }
            let connecting = try await measure {
                for _ in 0..<3_000 { idle.append(try RawConnection(port: target.port)) }
            }
            let serving = try await measure {
                for index in 0..<20 {
                    _ = try await target.upsert("acme-\(index)", as: target.writer)
                }
            }
            print("abuse: 3000 idle connections in \(connecting), then 20 writes from another client in \(serving)")
            #expect(try await target.accountExists("acme-19"))
            let ping = try await target.reader.ping(timeout: .seconds(5))
            #expect(ping.service == "health")
            #expect(target.process.process.isRunning, "\(target.process.log)")
        }

        @Test("the service log never contains a token secret, not even a rejected one")
        func noSecretInLogs() async throws {
            let target = try await Target()
            defer { target.stop() }
            let wrong = "wrong-secret-value-0123456789"
            let stranger = try ServiceClient(
                service: "health", endpoints: [Endpoint("tcp://127.0.0.1:\(target.port)")], token: wrong)
            defer { stranger.close() }
            let rejected = await #expect(throws: ClientError.self) { try await target.upsert("acme", as: stranger) }
            #expect(rejected.map { !"\($0)".contains(wrong) } == true, "the answer echoes the secret")
            _ = try? await target.upsert("acme", as: target.reader)
            _ = try await target.upsert("acme", as: target.writer)
            _ = try? await target.upsert("", as: target.admin)
            target.process.send(SIGTERM)
            try await target.process.waitForExit()
            let log = target.process.log
            #expect(
                log.contains("unauthenticated") && log.contains("permissionDenied"),
                "the refusals were not logged:\n\(log)"
            )
            for secret in [TestTokens.admin, TestTokens.writer, TestTokens.reader, wrong] {
                #expect(!log.contains(secret), "the log shows a token secret:\n\(log)")
            }
        }
    }
}

/// A plain TCP connection to loopback that sends whatever bytes it is given, for callers that
/// misbehave below the messaging layer.
private final class RawConnection {
    let descriptor: Int32

    init(port: UInt16) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestProcessError("socket: errno \(errno)") }
        var address = Self.loopback(port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            Glibc.close(descriptor)
            throw TestProcessError("connect to port \(port): errno \(errno)")
        }
    }

    func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) } }

    func close() { Glibc.close(descriptor) }

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A loopback port nobody listens on now (bound to port 0, read back, released).
    static func freePort() throws -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(descriptor) }
        var address = loopback(0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw TestProcessError("no free port: errno \(errno)") }
        return UInt16(bigEndian: address.sin_port)
    }
}
