import Client
import Foundation
import Models
import TestKit
import Testing

@Suite("Graceful shutdown and auth against a real process", .serialized)
struct ShutdownAndAuthTests {
    @Test("SIGTERM with 100 requests in flight answers all 100, then exits 0")
    func sigtermFinishesInFlight() async throws {
        let node = try LedgerNode()
        try await node.start()
        let client = try node.client(timeout: .seconds(20), maxInFlight: 100)
        defer { client.close() }
        let calls = (0..<100).map { index in
            Task { try await client.append("held-\(index)", account: "h", holdMs: 4000) }
        }
        let observer = try node.client()
        defer { observer.close() }
        let allInside = try await eventually(.seconds(3)) { try await observer.balance("h").holding == 100 }
        try #require(allInside, "not all 100 requests reached the service within 3 s")
        node.process?.send(SIGTERM)
        var answered = 0
        for call in calls {
            if (try? await call.value) != nil { answered += 1 }
        }
        #expect(answered == 100)
        let status = try await node.process?.waitForExit()
        #expect(status == 0, "exit status \(status ?? -1):\n\(node.process?.log ?? "")")
    }

    @Test("a missing or wrong token, or a reader token on a write, is refused and changes nothing")
    func unauthorizedWritesAreRefused() async throws {
        let node = try LedgerNode()
        try await node.start()
        for (token, expected) in [
            ("", StatusCode.unauthenticated), ("not-a-token", .unauthenticated), (TestTokens.reader, .permissionDenied),
        ] {
            let client = try node.client(token: token)
            defer { client.close() }
            let error = await #expect(throws: ClientError.self) { try await client.append("x", account: "guarded") }
            #expect(error?.code == expected, "token \(token.isEmpty ? "(none)" : token)")
            #expect(error?.message.contains(TestTokens.reader) == false, "the reply must not echo a secret")
        }
        let admin = try node.client()
        defer { admin.close() }
        let balance = try await admin.balance("guarded")
        #expect(balance.entries == 0)
        let writer = try node.client(token: TestTokens.writer)
        defer { writer.close() }
        #expect(try await writer.append("w", account: "guarded").balance == 1)
    }

    @Test("bad input gets INVALID_ARGUMENT naming the field, and changes nothing")
    func badInputNamesTheField() async throws {
        let node = try LedgerNode()
        try await node.start()
        let client = try node.client()
        defer { client.close() }
        let error = await #expect(throws: ClientError.self) { try await client.append("z", account: "", amount: 1) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.field == "account")
        let unknown = await #expect(throws: ClientError.self) {
            try await client.call("Nope", PingRequest(), returning: PingResponse.self)
        }
        #expect(unknown?.code == .notFound)
        #expect(unknown?.message.contains("ledger.Append") == true)
    }
}
