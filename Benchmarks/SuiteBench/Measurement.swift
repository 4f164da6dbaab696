import Foundation

/// Round trips measured over a run: their count, the time taken, and latency percentiles.
struct RoundTrips {
    var count: Int
    var seconds: Double
    var p50Microseconds: Double
    var p99Microseconds: Double

    var rate: Double { Double(count) / seconds }

    /// nng-echo's line: "requests=N seconds=S rate=R p50_us=A p99_us=B".
    init(echoLine: String) {
        var values: [String: Double] = [:]
        for pair in echoLine.split(whereSeparator: \.isWhitespace) {
            let parts = pair.split(separator: "=")
            if parts.count == 2 { values[String(parts[0])] = Double(parts[1]) }
        }
        count = Int(values["requests"] ?? 0)
        seconds = values["seconds"] ?? 1
        p50Microseconds = values["p50_us"] ?? 0
        p99Microseconds = values["p99_us"] ?? 0
    }

    /// Runs an nng-echo client (`run …` or `send …`) to its end and reads its line.
    init(nngEcho arguments: [String]) throws {
        self.init(echoLine: try Child("nng-echo", arguments).waitForOutput())
    }

    init(latenciesNanoseconds: [UInt64], seconds: Double) {
        let sorted = latenciesNanoseconds.sorted()
        count = sorted.count
        self.seconds = seconds
        p50Microseconds = sorted.isEmpty ? 0 : Double(sorted[sorted.count / 2]) / 1000
        p99Microseconds = sorted.isEmpty ? 0 : Double(sorted[Int(Double(sorted.count) * 0.99)]) / 1000
    }

    /// Runs `operation` from `inFlight` tasks at once for `duration`, timing each call.
    static func measure(
        inFlight: Int, for duration: Duration, _ operation: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> RoundTrips {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + duration
        let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for worker in 0..<inFlight {
                group.addTask {
                    var samples: [UInt64] = []
                    var sequence = 0
                    while clock.now < deadline {
                        let began = clock.now
                        try await operation(worker * 100_000_000 + sequence)
                        let elapsed = clock.now - began
                        samples.append(UInt64(elapsed.components.attoseconds / 1_000_000_000))
                        sequence += 1
                    }
                    return samples
                }
            }
            var all: [UInt64] = []
            for try await samples in group { all += samples }
            return all
        }
        let elapsed = clock.now - start
        return RoundTrips(
            latenciesNanoseconds: latencies,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

/// The printed table: each figure beside the baseline it is judged against.
struct Report {
    private var rows: [[String]] = [["MEASURE", "FIGURE", "BASELINE", "RATIO", "TARGET"]]

    mutating func add(
        _ measure: String, _ figure: String, baseline: String = "", ratio: String = "", target: String = ""
    ) {
        rows.append([measure, figure, baseline, ratio, target])
        FileHandle.standardError.write(Data("  \(measure): \(figure)\n".utf8))
    }

    func printed() -> String {
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(
                separator: "  ")
        }.joined(separator: "\n")
    }
}

func format(_ value: Double, _ decimals: Int = 0) -> String { String(format: "%.\(decimals)f", value) }

/// The middle value (the mean of the two middle ones for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
