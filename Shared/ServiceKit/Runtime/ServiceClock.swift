import Foundation
import Synchronization

/// The time a service reads for everything that depends on it (SLA clocks, throttles, expiry,
/// heartbeats' timestamps), injected so tests can move time without sleeping.
public protocol ServiceClock: Sendable {
    /// Now, Unix epoch milliseconds (UTC).
    var nowMs: Int64 { get }
}

/// The real wall clock.
public struct SystemClock: ServiceClock {
    public init() {}
    public var nowMs: Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}

/// A clock that stands still until moved: for tests.
public final class ManualClock: ServiceClock {
    private let current: Atomic<Int64>

    public init(nowMs: Int64) { current = Atomic(nowMs) }
    public var nowMs: Int64 { current.load(ordering: .relaxed) }
    public func advance(byMs milliseconds: Int64) { current.add(milliseconds, ordering: .relaxed) }
    public func set(nowMs: Int64) { current.store(nowMs, ordering: .relaxed) }
}
