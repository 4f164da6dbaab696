import Messaging
import TestKit
import Testing

@Suite("Publish/subscribe")
struct PubSubTests {
    @Test(
        "subscribers with different prefixes each receive only their topics",
        arguments: [
            Endpoint.Transport.inproc, .ipc, .tcp,
        ])
    func prefixesFilter(transport: Endpoint.Transport) async throws {
        let publisher = try Publisher(listening: [TestEndpoints.fresh(transport)])
        defer { publisher.close() }
        let health = try Subscriber(dialing: publisher.endpoints, prefixes: ["health."])
        let loyalty = try Subscriber(dialing: publisher.endpoints, prefixes: ["loyalty.tier."])
        defer {
            health.close()
            loyalty.close()
        }
        // Subscribers dial in the background and miss what is published before they are connected,
        // so publish until each has seen a marker of its own.
        try await publishUntilReceived(publisher, Publication(topic: "health.ready", payload: []), by: health)
        try await publishUntilReceived(publisher, Publication(topic: "loyalty.tier.ready", payload: []), by: loyalty)

        let topics = [
            "health.account.upserted", "loyalty.tier.changed", "loyalty.points.earned", "feedback.response",
            "health.score.changed",
        ]
        for (index, topic) in topics.enumerated() {
            try publisher.publish(Publication(topic: topic, payload: [UInt8(index)]))
        }
        try publisher.publish(Publication(topic: "health.end", payload: []))
        try publisher.publish(Publication(topic: "loyalty.tier.end", payload: []))

        #expect(
            try await drain(health, until: "health.end").map(\.topic) == [
                "health.account.upserted", "health.score.changed",
            ])
        let loyaltyReceived = try await drain(loyalty, until: "loyalty.tier.end")
        #expect(loyaltyReceived == [Publication(topic: "loyalty.tier.changed", payload: [1])])
    }

    @Test("a receive times out when nothing matching is published")
    func receiveTimesOut() async throws {
        let publisher = try Publisher(listening: [TestEndpoints.fresh(.inproc)])
        let subscriber = try Subscriber(dialing: publisher.endpoints, prefixes: ["nothing."])
        defer {
            subscriber.close()
            publisher.close()
        }
        try publisher.publish(Publication(topic: "something.else", payload: [1]))
        let error = await #expect(throws: MessagingError.self) {
            try await subscriber.receive(timeout: .milliseconds(100))
        }
        #expect(error?.code == .timedOut)
    }

    @Test("closing a subscriber ends a pending receive")
    func closeEndsReceive() async throws {
        let publisher = try Publisher(listening: [TestEndpoints.fresh(.ipc)])
        let subscriber = try Subscriber(dialing: publisher.endpoints, prefixes: [""])
        let pending = Task { try await subscriber.receive() }
        try await Task.sleep(for: .milliseconds(50))
        subscriber.close()
        await #expect(throws: MessagingError.self) { try await pending.value }
        publisher.close()
    }

    @Test("a topic with NUL is refused")
    func topicWithNULIsRefused() throws {
        let publisher = try Publisher(listening: [TestEndpoints.fresh(.inproc)])
        #expect(throws: MessagingError.self) { try publisher.publish(Publication(topic: "a\0b", payload: [])) }
    }

    private func publishUntilReceived(_ publisher: Publisher, _ marker: Publication, by subscriber: Subscriber)
        async throws
    {
        for _ in 0..<200 {
            try publisher.publish(marker)
            if let received = try? await subscriber.receive(timeout: .milliseconds(50)), received == marker { return }
        }
        Issue.record("subscriber never received \(marker.topic)")
    }

    private func drain(_ subscriber: Subscriber, until endTopic: String) async throws -> [Publication] {
        var received: [Publication] = []
        while true {
            let publication = try await subscriber.receive(timeout: .seconds(5))
            if publication.topic == endTopic { return received }
            if !publication.topic.hasSuffix(".ready") { received.append(publication) }
        }
    }
}
