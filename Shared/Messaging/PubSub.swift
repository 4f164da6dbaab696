internal import CNNG
import Synchronization

/// One message on a PUB/SUB socket pair: the topic it was published under and its payload.
///
/// On the wire it is `<topic bytes> 0x00 <payload>`, so that libnng's prefix subscription can filter by
/// topic without decoding the payload.
public struct Publication: Hashable, Sendable {
    public var topic: String
    public var payload: [UInt8]

    public init(topic: String, payload: [UInt8]) {
        self.topic = topic
        self.payload = payload
    }

    func framed() throws(MessagingError) -> [UInt8] {
        guard !topic.utf8.contains(0) else {
            throw MessagingError(.invalidAddress, operation: "publish", reason: "a topic cannot contain NUL")
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(topic.utf8.count + 1 + payload.count)
        bytes.append(contentsOf: topic.utf8)
        bytes.append(0)
        bytes.append(contentsOf: payload)
        return bytes
    }

    init?(framed bytes: [UInt8]) {
        guard let separator = bytes.firstIndex(of: 0) else { return nil }
        self.topic = String(decoding: bytes[..<separator], as: UTF8.self)
        self.payload = Array(bytes[(separator + 1)...])
    }
}

/// The sending side of pub/sub. Publishing never blocks: libnng queues up to `publisherQueueDepth`
/// messages per subscriber and drops the rest for one that is slow or away (the event log and replay
/// make up for that).
public final class Publisher: Sendable {
    /// The endpoints listened on, with the ports the system chose for `tcp://host:0`.
    public let endpoints: [Endpoint]
    private let socket: Socket

    /// - Throws: ``MessagingError``: `.addressInUse`, `.invalidAddress`, `.tlsConfiguration`, …
    public init(listening endpoints: [Endpoint], options: SocketOptions = SocketOptions()) throws(MessagingError) {
        let socket = try Socket("pub0", options: options) { nng_pub0_open($0) }
        try socket.setInt(NNG_OPT_SENDBUF, min(max(options.publisherQueueDepth, 1), 8192))
        self.endpoints = try endpoints.map { endpoint throws(MessagingError) in try socket.listen(endpoint) }
        self.socket = socket
    }

    /// Sends `publication` to every subscriber whose prefix matches its topic.
    /// - Throws: ``MessagingError``: a topic with NUL, a payload over the cap, or a closed publisher.
    public func publish(_ publication: Publication) throws(MessagingError) {
        let bytes = try publication.framed()
        guard bytes.count <= socket.options.maxMessageBytes else {
            throw MessagingError(
                .messageTooLarge, operation: "publish \(publication.topic)",
                reason: "\(bytes.count) bytes exceed the \(socket.options.maxMessageBytes)-byte cap")
        }
        let message = try Message.make(bytes, operation: "publish \(publication.topic)")
        // PUB never blocks; NONBLOCK keeps it so even if that changed. On failure we still own the message.
        let rv = nng_sendmsg(socket.handle, message, Int32(NNG_FLAG_NONBLOCK))
        if rv != 0 { nng_msg_free(message) }
        try MessagingError.check(rv, "publish \(publication.topic)")
    }

    /// Closes the socket; later publishes fail with `.closed`. Idempotent.
    public func close() { socket.close() }
}

/// The receiving side of pub/sub: dials publishers and receives what matches its topic prefixes.
///
/// - Important: One ``receive(timeout:)`` at a time; a second concurrent call throws.
public final class Subscriber: Sendable {
    public let endpoints: [Endpoint]
    private let socket: Socket
    private let io: AsyncIO
    private let isReceiving = Atomic<Bool>(false)

    /// - Parameters:
    ///   - endpoints: publishers to dial (in the background; they may come up later).
    ///   - prefixes: topic prefixes to receive, e.g. `"health."`; an empty string receives everything.
    /// - Throws: ``MessagingError`` for an unusable endpoint or TLS configuration.
    public init(dialing endpoints: [Endpoint], prefixes: [String], options: SocketOptions = SocketOptions())
        throws(MessagingError)
    {
        let socket = try Socket("sub0", options: options) { nng_sub0_open($0) }
        try socket.setInt(NNG_OPT_RECVBUF, min(max(options.subscriberQueueDepth, 1), 8192))
        self.io = try AsyncIO()
        self.socket = socket
        self.endpoints = endpoints
        for prefix in prefixes { try subscribe(to: prefix) }
        for endpoint in endpoints { try socket.dial(endpoint) }
    }

    deinit { close() }

    /// Starts receiving topics that begin with `prefix`.
    public func subscribe(to prefix: String) throws(MessagingError) {
        try socket.setBytes(NNG_OPT_SUB_SUBSCRIBE, Array(prefix.utf8))
    }

    /// Dials the publishers anew: a subscriber that has heard nothing for a while (not even a
    /// heartbeat) calls this in case its dialer gave up (see `Socket.redial()`).
    public func redial() { socket.redial() }

    /// Stops receiving topics that begin with `prefix` (exactly as subscribed).
    public func unsubscribe(from prefix: String) throws(MessagingError) {
        try socket.setBytes(NNG_OPT_SUB_UNSUBSCRIBE, Array(prefix.utf8))
    }

    /// Waits for the next publication whose topic matches a subscribed prefix.
    /// - Parameter timeout: nil waits until one comes, the task is cancelled or the subscriber closes.
    /// - Throws: ``MessagingError``: `.timedOut`, `.cancelled`, `.closed`.
    public func receive(timeout: Duration? = nil) async throws -> Publication {
        guard !isReceiving.exchange(true, ordering: .acquiringAndReleasing) else {
            throw MessagingError(.transport, operation: "receive", reason: "another receive is in progress")
        }
        defer { isReceiving.store(false, ordering: .releasing) }
        let handle = socket.handle
        while true {
            let bytes = try await io.receive(timeout: timeout) { nng_recv_aio(handle, $0) }
            // A message without the topic separator is not from a suite publisher: skip it.
            if let publication = Publication(framed: bytes) { return publication }
        }
    }

    /// The next matching publication already queued on the socket, without waiting: nil when none is.
    /// A subscriber that applies what it receives in batches drains the queue with this after each
    /// ``receive(timeout:)``, instead of waiting once per message while libnng's queue overflows.
    /// - Throws: ``MessagingError``: `.closed`, or another receive is in progress.
    public func receiveIfReady() throws(MessagingError) -> Publication? {
        guard !isReceiving.exchange(true, ordering: .acquiringAndReleasing) else {
            throw MessagingError(.transport, operation: "receive", reason: "another receive is in progress")
        }
        defer { isReceiving.store(false, ordering: .releasing) }
        while true {
            // The socket is found by its id inside libnng, so this is safe against a concurrent close.
            var message: OpaquePointer?
            let rv = nng_recvmsg(socket.handle, &message, Int32(NNG_FLAG_NONBLOCK))
            if rv == NNG_EAGAIN.rawValue { return nil }
            try MessagingError.check(rv, "nng_recvmsg")
            guard let message else { return nil }
            if let publication = Publication(framed: Message.consume(message)) { return publication }
        }
    }

    /// Closes the subscriber: a pending receive fails, then the socket closes. Idempotent.
    public func close() {
        io.shutDown()
        socket.close()
    }
}
