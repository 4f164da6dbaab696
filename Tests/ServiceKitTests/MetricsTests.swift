import CoreMetrics
import ServiceKit
import Testing

@Suite("Metrics: Prometheus text format")
struct MetricsTests {
    @Test("a counter, a gauge and a timer with dimensions render exactly")
    func rendersSmallCase() {
        let metrics = PrometheusMetrics(latencyBuckets: [0.1, 1])
        metrics.describe("cx_requests_total", help: "Requests answered, by method and status.")
        let requests = Counter(
            label: "cx_requests_total", dimensions: [("method", "loyalty.RecordPurchase"), ("code", "OK")],
            factory: metrics)
        requests.increment(by: 3)
        Gauge(label: "cx_outbox_pending", dimensions: [("service", "loyalty")], factory: metrics).record(7)
        let latency = CoreMetrics.Timer(
            label: "cx_request_seconds", dimensions: [("method", "loyalty.RecordPurchase")], factory: metrics)
        latency.recordNanoseconds(62_500_000)
        latency.recordMilliseconds(500)
        latency.recordSeconds(2)

        #expect(
            metrics.render() == """
                # TYPE cx_outbox_pending gauge
                cx_outbox_pending{service="loyalty"} 7
                # TYPE cx_request_seconds histogram
                cx_request_seconds_bucket{method="loyalty.RecordPurchase",le="0.1"} 1
                cx_request_seconds_bucket{method="loyalty.RecordPurchase",le="1"} 2
                cx_request_seconds_bucket{method="loyalty.RecordPurchase",le="+Inf"} 3
                cx_request_seconds_sum{method="loyalty.RecordPurchase"} 2.5625
                cx_request_seconds_count{method="loyalty.RecordPurchase"} 3
                # HELP cx_requests_total Requests answered, by method and status.
                # TYPE cx_requests_total counter
                cx_requests_total{code="OK",method="loyalty.RecordPurchase"} 3

                """)
    }

    @Test("names and label values are escaped")
    func escapes() {
        let metrics = PrometheusMetrics()
        metrics.describe("cx.events", help: "Events with \\ and\nnewline")
        Counter(label: "cx.events", dimensions: [("event-type", "say \"hi\"\\\n")], factory: metrics).increment()
        #expect(
            metrics.render() == """
                # HELP cx_events Events with \\\\ and\\nnewline
                # TYPE cx_events counter
                cx_events{event_type="say \\"hi\\"\\\\\\n"} 1

                """)
    }

    @Test("the same label and dimensions share one series; others are separate")
    func sharesSeries() {
        let metrics = PrometheusMetrics()
        Counter(label: "hits", dimensions: [("a", "1")], factory: metrics).increment()
        Counter(label: "hits", dimensions: [("a", "1")], factory: metrics).increment(by: 2)
        Counter(label: "hits", factory: metrics).increment()
        #expect(metrics.render() == "# TYPE hits counter\nhits 1\nhits{a=\"1\"} 3\n")
    }

    @Test("meters go up and down; floating-point counters keep fractions")
    func meterAndFloatingCounter() {
        let metrics = PrometheusMetrics()
        let meter = Meter(label: "in_flight", factory: metrics)
        meter.increment(by: 3)
        meter.decrement(by: 1.5)
        FloatingPointCounter(label: "points", factory: metrics).increment(by: 2.25)
        #expect(metrics.render() == "# TYPE in_flight gauge\nin_flight 1.5\n# TYPE points counter\npoints 2.25\n")
    }

    @Test("a destroyed metric is no longer rendered")
    func destroy() {
        let metrics = PrometheusMetrics()
        let counter = Counter(label: "gone", factory: metrics)
        counter.increment()
        counter.destroy()
        #expect(metrics.render() == "")
    }

    @Test("a label reused for another kind is reported, not exported twice")
    func kindConflict() {
        let metrics = PrometheusMetrics()
        Counter(label: "x", factory: metrics).increment()
        Gauge(label: "x", factory: metrics).record(5)
        #expect(
            metrics.render() == "# TYPE x counter\nx 1\n# x is a counter; the gauge of the same name is not exported\n")
    }
}
