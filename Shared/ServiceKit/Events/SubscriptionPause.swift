import Synchronization

/// A pause in applying other services' events, set by `PauseSubscriptions` while `cxctl backup`
/// copies every service's database: with every subscriber held, no copy can hold the effect of an
/// event that its source's copy, taken a moment later, lacks. The service's own writes go on.
///
/// The pause ends by itself at a deadline, so a backup that dies midway stops delivery only for
/// a while; subscribers then catch up through replay, as after any silence.
///
/// - Important: A subscription checks ``isPaused(atMs:)`` inside the write transaction that would
///   apply events, so a write queued after ``pause(untilMs:)`` is a barrier: once it commits, no
///   cursor moves until the pause ends.
public final class SubscriptionPause: Sendable {
    private let untilMs = Atomic<Int64>(0)

    public init() {}

    /// Holds events back until `untilMs` (Unix epoch ms on the service's clock); a time already
    /// past resumes delivery.
    public func pause(untilMs: Int64) {
        self.untilMs.store(untilMs, ordering: .sequentiallyConsistent)
    }

    /// Whether events are held back at `nowMs`.
    public func isPaused(atMs nowMs: Int64) -> Bool {
        nowMs < untilMs.load(ordering: .sequentiallyConsistent)
    }

    /// When the pause ends; 0 or a past time when there is none.
    public var pausedUntilMs: Int64 { untilMs.load(ordering: .sequentiallyConsistent) }
}
