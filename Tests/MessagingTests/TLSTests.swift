import Messaging
import TestKit
import Testing

@Suite("TLS")
struct TLSTests {
    @Test("a tls+tcp round trip with mutual authentication")
    func mutualTLSRoundTrip() async throws {
        let certificates = try TestCertificates.make()
        var server = SocketOptions()
        server.tls = certificates.server
        var client = SocketOptions()
        client.tls = certificates.client
        try await withConnectedPair(.tlsTCP, requesterOptions: client, replierOptions: server) { requester, _ in
            let reply = try await requester.request(Array("secret".utf8), timeout: .seconds(10))
            #expect(reply == Array("secret".utf8))
        }
    }

    @Test("a dialer whose certificate another CA signed is refused")
    func foreignCertificateIsRefused() async throws {
        let ours = try TestCertificates.make()
        let theirs = try TestCertificates.make(authorityName: "Somebody Else's CA")
        var server = SocketOptions()
        server.tls = ours.server
        var intruder = SocketOptions()
        intruder.tls = theirs.client
        try await withConnectedPair(.tlsTCP, requesterOptions: intruder, replierOptions: server) { requester, _ in
            let error = await #expect(throws: MessagingError.self) {
                try await requester.request([1], timeout: .milliseconds(1500))
            }
            #expect(error?.code == .timedOut)
        }
    }

    @Test("tls+tcp without certificates is a configuration error naming what is missing")
    func tlsWithoutCertificates() throws {
        let error = #expect(throws: MessagingError.self) { try Replier(listening: [TestEndpoints.fresh(.tlsTCP)]) }
        #expect(error?.code == .tlsConfiguration)
        #expect(error?.description.contains("certificate") == true)
    }

    @Test("an unreadable certificate file is named in the error")
    func unreadableCertificate() throws {
        var options = SocketOptions()
        options.tls = TLSConfiguration(
            certificateFile: "/nonexistent/server.crt", privateKeyFile: "/nonexistent/server.key",
            certificateAuthorityFile: "/nonexistent/ca.crt")
        let error = #expect(throws: MessagingError.self) {
            try Replier(listening: [TestEndpoints.fresh(.tlsTCP)], options: options)
        }
        #expect(error?.description.contains("/nonexistent/server.crt") == true)
    }
}
