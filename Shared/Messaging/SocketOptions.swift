/// The options every socket of the suite sets explicitly, because libnng's defaults are unsafe for a
/// service: no receive-size cap, a 60-second request resend, infinite timeouts and a fixed 1-second
/// reconnect without back-off.
public struct SocketOptions: Hashable, Sendable {
    /// Messages larger than this are refused: a peer sending one is disconnected (tcp, ipc) or the
    /// message is dropped, and a local send of one fails with `.messageTooLarge`. Never 0 (unlimited).
    public var maxMessageBytes: Int = 4 << 20
    /// Socket-level send timeout (bounds the rare blocking path; per-call deadlines use aio timeouts).
    public var sendTimeout: Duration = .seconds(5)
    /// Socket-level receive timeout; see `sendTimeout`.
    public var receiveTimeout: Duration = .seconds(5)
    /// First wait before re-dialing a peer that is down or went away.
    public var reconnectMinimum: Duration = .milliseconds(100)
    /// Longest wait between re-dials: the wait doubles from `reconnectMinimum` up to this.
    public var reconnectMaximum: Duration = .seconds(2)
    /// REQ only: when no reply came within this, the request is sent again (to the same or another
    /// peer). Servers are idempotent, so a resend is safe; it rescues requests lost with a dead peer.
    public var requestResendInterval: Duration = .seconds(5)
    /// SUB only: messages queued on a subscriber before the oldest are dropped (libnng caps it at 8192).
    public var subscriberQueueDepth: Int = 8192
    /// PUB only: messages queued for each subscriber while its connection is busy, before libnng drops
    /// for that subscriber (capped at 8192). Its default, 16, lost most of every batch of committed
    /// events the publisher sends at once, for every subscriber, which then had to replay them.
    public var publisherQueueDepth: Int = 8192
    /// Certificates for `tls+tcp://` endpoints; required when one is used.
    public var tls: TLSConfiguration?

    public init() {}
}
