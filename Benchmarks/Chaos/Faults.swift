/// What a faulty run does to the fleet while the workload runs: ``ChaosMonkey`` kills services,
/// ``Partitioner`` cuts the links between them.
protocol Faults: Sendable {
    /// Injects faults until ``stop()``, then returns with the fleet whole: every service up, every link
    /// restored.
    func run() async throws
    func stop()
    /// How many faults were injected so far (kills, cuts).
    var count: Int { get }
    /// This run's figures for the summary line, e.g. "kills=12 events_replayed=40".
    var figures: String { get }
}

extension Duration {
    /// The duration in whole milliseconds.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
