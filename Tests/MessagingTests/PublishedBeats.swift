import Messaging

/// Publishes a "t.beat" every 100 ms until cancelled: something steady for a late or re-dialing
/// subscriber to hear.
func publishBeats(from publisher: Publisher) -> Task<Void, any Error> {
    Task {
        while !Task.isCancelled {
            try publisher.publish(Publication(topic: "t.beat", payload: [1]))
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
