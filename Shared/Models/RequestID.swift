import Synchronization

/// Ids for request envelopes: unique within a process by a counter, and across processes by a random
/// prefix drawn once per process.
///
/// Why not random per request: the standard library draws each random number with a `getrandom`
/// system call, a twentieth of a client's CPU per call (perf, suite-bench's writes). The id only has to
/// be unique (logs correlate on it, and a backup's resends are recognised by it), not unguessable.
public enum RequestID {
    private static let processPrefix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    private static let issued = Atomic<UInt64>(0)

    /// A new id: "<process prefix>-<counter>", both base 36.
    public static func next() -> String {
        processPrefix + "-" + String(issued.add(1, ordering: .relaxed).newValue, radix: 36)
    }
}
