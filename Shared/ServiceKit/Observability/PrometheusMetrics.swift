public import CoreMetrics
import Synchronization

/// A swift-metrics backend that keeps every metric in memory and renders them in the Prometheus text
/// exposition format (version 0.0.4), for `GET /metrics`.
///
/// | swift-metrics | Prometheus |
/// |---|---|
/// | `Counter`, `FloatingPointCounter` | `counter` |
/// | `Meter`, `Recorder(aggregate: false)`, `Gauge` | `gauge` (the last value) |
/// | `Timer` | `histogram` in seconds, over ``latencyBuckets`` |
/// | `Recorder(aggregate: true)` | `histogram` of the recorded values, over the same buckets |
///
/// A metric's label is its name, with any character Prometheus does not allow replaced by `_`; its
/// dimensions are its labels. The same label and dimensions always reach the same series. A label first
/// made as one kind (say a counter) and then asked for as another keeps recording, but only the first kind
/// is exported; a `#` comment in the output says so.
///
/// - Important: `MetricsSystem.bootstrap` may run once per process: executables call
///   ``bootstrapOnce()``, which installs ``shared``. Tests make their own instance and pass it as the
///   `factory:` of a metric, so they never touch the global system.
public final class PrometheusMetrics: MetricsFactory, Sendable {
    /// The instance ``bootstrapOnce()`` installs and `GET /metrics` renders.
    public static let shared = PrometheusMetrics()

    /// Prometheus' default buckets, in seconds: 5 ms to 10 s.
    public static let defaultLatencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// The upper bounds of the histogram buckets, ascending; `+Inf` is implied.
    public let latencyBuckets: [Double]

    private let registry = Mutex(Registry())

    /// - Parameter latencyBuckets: upper bounds for timers and aggregating recorders, in seconds.
    public init(latencyBuckets: [Double] = PrometheusMetrics.defaultLatencyBuckets) {
        self.latencyBuckets = Array(Set(latencyBuckets.filter(\.isFinite))).sorted()
    }

    /// Installs ``shared`` as the process's metrics backend, the first time only; later calls do nothing.
    ///
    /// - Important: swift-metrics stops the process if anything else bootstraps `MetricsSystem` too.
    public static func bootstrapOnce() {
        _ = bootstrapped
    }

    private static let bootstrapped: Void = MetricsSystem.bootstrap(shared)

    /// Sets the `# HELP` text of a metric; without one, only `# TYPE` is written.
    /// - Parameters:
    ///   - label: the metric's label, as given to swift-metrics.
    ///   - help: one line describing what it counts and in which unit.
    public func describe(_ label: String, help: String) {
        registry.withLock { $0.help[PrometheusText.metricName(label)] = help }
    }

    // MARK: - MetricsFactory

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        series(label, dimensions, .counter) { IntegerCounter() }
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
        -> any FloatingPointCounterHandler
    {
        series(label, dimensions, .counter) { DecimalCounter() }
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        series(label, dimensions, .gauge) { GaugeValue() }
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        if aggregate {
            let buckets = latencyBuckets
            return series(label, dimensions, .histogram) { Histogram(bounds: buckets, unitsPerExportedUnit: 1) }
        }
        return series(label, dimensions, .gauge) { GaugeValue() }
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let buckets = latencyBuckets
        return series(label, dimensions, .histogram) { Histogram(bounds: buckets, unitsPerExportedUnit: 1e9) }
    }

    public func destroyCounter(_ handler: any CounterHandler) { remove(handler) }
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { remove(handler) }
    public func destroyMeter(_ handler: any MeterHandler) { remove(handler) }
    public func destroyRecorder(_ handler: any RecorderHandler) { remove(handler) }
    public func destroyTimer(_ handler: any TimerHandler) { remove(handler) }

    // MARK: - Rendering

    /// Every metric in the Prometheus text format: families sorted by name, series by labels, each family
    /// under its `# HELP` (when described) and `# TYPE` lines.
    public func render() -> String {
        let (families, help, conflicts) = registry.withLock { ($0.families, $0.help, $0.conflicts) }
        var output = ""
        for name in families.keys.sorted() {
            let family = families[name]!
            if let text = help[name] { output += "# HELP \(name) \(PrometheusText.escapeHelp(text))\n" }
            output += "# TYPE \(name) \(family.kind.rawValue)\n"
            for labels in family.series.keys.sorted() {
                family.series[labels]!.render(name: name, labels: labels, into: &output)
            }
        }
        for conflict in conflicts.sorted() { output += "# \(conflict)\n" }
        return output
    }

    // MARK: - Registry

    private func series<Handler: MetricSeries>(
        _ label: String, _ dimensions: [(String, String)], _ kind: MetricKind, make: () -> Handler
    ) -> Handler {
        let name = PrometheusText.metricName(label)
        let labels = PrometheusText.labels(dimensions)
        return registry.withLock { registry in
            var family = registry.families[name] ?? MetricFamily(kind: kind)
            guard family.kind == kind else {
                registry.conflicts.insert(
                    "\(name) is a \(family.kind.rawValue); the \(kind.rawValue) of the same name is not exported")
                return make()
            }
            let created = make()
            if let existing = family.series[labels] {
                if existing.flavour == created.flavour, let existing = existing as? Handler { return existing }
                registry.conflicts.insert(
                    "\(name)\(labels) was made as another kind of \(kind.rawValue); the later one is not exported")
                return created
            }
            family.series[labels] = created
            registry.families[name] = family
            return created
        }
    }

    private func remove(_ handler: AnyObject) {
        registry.withLock { registry in
            for (name, var family) in registry.families {
                guard let labels = family.series.first(where: { $0.value === handler })?.key else { continue }
                family.series[labels] = nil
                registry.families[name] = family.series.isEmpty ? nil : family
                return
            }
        }
    }
}

private struct Registry {
    var families: [String: MetricFamily] = [:]
    var help: [String: String] = [:]
    var conflicts: Set<String> = []
}

private enum MetricKind: String {
    case counter, gauge, histogram
}

private struct MetricFamily {
    let kind: MetricKind
    /// Keyed by the rendered label set (`{a="1",b="2"}`, or empty), which is also the sort order.
    var series: [String: any MetricSeries] = [:]
}

/// One time series: a handler swift-metrics records into, and its lines in the output.
private protocol MetricSeries: AnyObject, Sendable {
    /// Tells apart handlers that export as the same type but record differently (an integer and a
    /// floating-point counter; a timer's nanoseconds and a recorder's plain values).
    var flavour: String { get }
    func render(name: String, labels: String, into output: inout String)
}

private final class IntegerCounter: CounterHandler, MetricSeries {
    let flavour = "integer counter"
    private let value = Mutex<Int64>(0)

    func increment(by amount: Int64) { value.withLock { $0 &+= max(0, amount) } }
    func reset() { value.withLock { $0 = 0 } }

    func render(name: String, labels: String, into output: inout String) {
        output += "\(name)\(labels) \(value.withLock { $0 })\n"
    }
}

private final class DecimalCounter: FloatingPointCounterHandler, MetricSeries {
    let flavour = "floating-point counter"
    private let value = Mutex<Double>(0)

    func increment(by amount: Double) { value.withLock { $0 += max(0, amount) } }
    func reset() { value.withLock { $0 = 0 } }

    func render(name: String, labels: String, into output: inout String) {
        output += "\(name)\(labels) \(PrometheusText.number(value.withLock { $0 }))\n"
    }
}

private final class GaugeValue: MeterHandler, RecorderHandler, MetricSeries {
    let flavour = "gauge"
    private let value = Mutex<Double>(0)

    func set(_ value: Int64) { self.value.withLock { $0 = Double(value) } }
    func set(_ value: Double) { self.value.withLock { $0 = value } }
    func increment(by amount: Double) { value.withLock { $0 += amount } }
    func decrement(by amount: Double) { value.withLock { $0 -= amount } }
    func record(_ value: Int64) { set(value) }
    func record(_ value: Double) { set(value) }

    func render(name: String, labels: String, into output: inout String) {
        output += "\(name)\(labels) \(PrometheusText.number(value.withLock { $0 }))\n"
    }
}

/// Cumulative buckets, sum and count, as Prometheus histograms are.
private final class Histogram: TimerHandler, RecorderHandler, MetricSeries {
    private struct State {
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    private let bounds: [Double]
    /// How many recorded units make one exported unit: 1e9 turns a timer's nanoseconds into seconds.
    /// (Dividing, rather than multiplying by 1e-9, keeps 62.5 ms exactly 0.0625 s.)
    private let unitsPerExportedUnit: Double
    private let state: Mutex<State>

    var flavour: String { "histogram of 1/\(unitsPerExportedUnit)" }

    init(bounds: [Double], unitsPerExportedUnit: Double) {
        self.bounds = bounds
        self.unitsPerExportedUnit = unitsPerExportedUnit
        self.state = Mutex(State(counts: Array(repeating: 0, count: bounds.count)))
    }

    func recordNanoseconds(_ duration: Int64) { observe(Double(duration) / unitsPerExportedUnit) }
    func record(_ value: Int64) { observe(Double(value) / unitsPerExportedUnit) }
    func record(_ value: Double) { observe(value / unitsPerExportedUnit) }

    private func observe(_ value: Double) {
        guard !value.isNaN else { return }
        let bucket = bounds.firstIndex { value <= $0 }
        state.withLock { state in
            if let bucket { state.counts[bucket] += 1 }
            state.sum += value
            state.count += 1
        }
    }

    func render(name: String, labels: String, into output: inout String) {
        let snapshot = state.withLock { $0 }
        var cumulative: UInt64 = 0
        for (bound, count) in zip(bounds, snapshot.counts) {
            cumulative += count
            let le = PrometheusText.withLabel(labels, "le", PrometheusText.number(bound))
            output += "\(name)_bucket\(le) \(cumulative)\n"
        }
        output += "\(name)_bucket\(PrometheusText.withLabel(labels, "le", "+Inf")) \(snapshot.count)\n"
        output += "\(name)_sum\(labels) \(PrometheusText.number(snapshot.sum))\n"
        output += "\(name)_count\(labels) \(snapshot.count)\n"
    }
}
