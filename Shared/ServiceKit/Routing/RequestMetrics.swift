import Metrics
import Models
import Synchronization

/// The router's per-request metrics (`cx_requests_total{method,code}` and
/// `cx_request_duration_seconds{method}`), each handle made once and kept.
///
/// Making a swift-metrics handle goes through the factory every time (label and dimension
/// rendering, a registry lookup under its lock); done twice per request it cost more than a
/// small read itself. Handles are made on first use, not at registration, so that they reach
/// the backend bootstrapped by then.
final class RequestMetrics: Sendable {
    private struct Handles {
        var counters: [CounterKey: Counter] = [:]
        var timers: [String: Timer] = [:]
    }

    private struct CounterKey: Hashable {
        let method: String
        let code: StatusCode
    }

    private let handles = Mutex(Handles())

    /// Counts one answered request of `method` (a registered name or "unknown") and its latency.
    func record(method: String, code: StatusCode, elapsed: Duration) {
        let (counter, timer) = handles.withLock { handles in
            let key = CounterKey(method: method, code: code)
            let counter =
                handles.counters[key]
                ?? Counter(label: "cx_requests_total", dimensions: [("method", method), ("code", "\(code)")])
            handles.counters[key] = counter
            let timer =
                handles.timers[method] ?? Timer(label: "cx_request_duration_seconds", dimensions: [("method", method)])
            handles.timers[method] = timer
            return (counter, timer)
        }
        counter.increment()
        timer.recordInterval(elapsed)
    }
}
