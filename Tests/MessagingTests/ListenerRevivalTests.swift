import Foundation
import Messaging
import TestKit
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// libnng 1.5.2 stops an ipc listener for good when a peer connects and hangs up before the SP
/// handshake is over (nanomsg/nng#1518): one `connect()` and `close()` would leave a service deaf to
/// every new caller. The socket notices and listens again (IPCListenerRevival).
///
/// `make test` runs this suite in a process of its own (the Makefile's ISOLATED_SUITES says why).
@Suite("An ipc listener survives callers that hang up mid-handshake")
struct ListenerRevivalTests {
    @Test(
        "a replier answers a new requester after peers hung up on it mid-handshake",
        arguments: [HangUp.atOnce, .afterPartOfTheHeader])
    func replierAnswersAfterHangUps(hangUp: HangUp) async throws {
        let replier = try Replier(listening: [TestEndpoints.fresh(.ipc)])
        let serving = Task { await replier.serve({ $0 }, replyToFailure: failureReply) }
        defer {
            replier.stopAccepting()
            serving.cancel()
        }
        let endpoint = replier.endpoints[0]
        let before = try Requester(dialing: [endpoint])
        defer { before.close() }
        #expect(try await before.request([1], timeout: .seconds(5)) == [1])

        for _ in 0..<3 { try hangUp.connect(to: endpoint) }

        let after = try Requester(dialing: [endpoint])
        defer { after.close() }
        var answered = false
        let deadline = ContinuousClock.now + .seconds(30)
        while !answered && ContinuousClock.now < deadline {
            answered = (try? await after.request([42], timeout: .milliseconds(500))) == [42]
        }
        #expect(answered, "a requester that connected after the hang-ups got no answer within 30 s")
    }

    @Test("a subscriber that connects after a peer hung up on the publisher hears its publications")
    func publisherReachesLateSubscriber() async throws {
        let publisher = try Publisher(listening: [TestEndpoints.fresh(.ipc)])
        defer { publisher.close() }
        let endpoint = publisher.endpoints[0]
        try HangUp.atOnce.connect(to: endpoint)
        let subscriber = try Subscriber(dialing: [endpoint], prefixes: ["t."])
        defer { subscriber.close() }
        let publishing = publishBeats(from: publisher)
        defer { publishing.cancel() }
        var heard = false
        let deadline = ContinuousClock.now + .seconds(30)
        while !heard && ContinuousClock.now < deadline {
            heard = (try? await subscriber.receive(timeout: .seconds(1)))?.topic == "t.beat"
        }
        #expect(heard, "a subscriber that connected after the hang-up heard nothing within 30 s")
    }
}

/// A caller that connects to an ipc listener and goes away before the handshake is done.
enum HangUp: Sendable, CustomTestStringConvertible {
    /// Connects and closes without a byte, as a client killed while connecting does.
    case atOnce
    /// Sends 3 of the 8 bytes of the SP header, then closes.
    case afterPartOfTheHeader

    var testDescription: String { self == .atOnce ? "at once" : "after part of the header" }

    func connect(to endpoint: Endpoint) throws {
        let connection = try RawIPCConnection(to: endpoint)
        defer { connection.close() }
        if self == .afterPartOfTheHeader { connection.send([0x00, 0x53, 0x50]) }
    }
}
