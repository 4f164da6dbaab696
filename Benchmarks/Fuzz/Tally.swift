import Models
import Synchronization

/// What the run saw, counted from many lanes at once.
final class Tally: Sendable {
    struct Counts {
        var inputs: [String: Int] = [:]
        var kinds: [String: Int] = [:]
        /// Per service, per status code name.
        var codes: [String: [String: Int]] = [:]
        /// Per service, the methods that answered OK at least once.
        var methodsAnsweredOK: [String: Set<String>] = [:]
        var timeouts = 0
        var failures = 0
        /// The first problems found, each with the input that caused it.
        var problems: [String] = []
        var crashes: [String] = []
    }

    private let counts = Mutex(Counts())
    static let problemsKept = 25

    var snapshot: Counts { counts.withLock { $0 } }

    func record(_ input: Input, _ response: Response?, method: String?) {
        counts.withLock { counts in
            counts.inputs[input.service, default: 0] += 1
            counts.kinds[input.kind.rawValue, default: 0] += 1
            if let response {
                counts.codes[input.service, default: [:]][Self.name(of: response.code), default: 0] += 1
                if response.code == .ok, let method {
                    counts.methodsAnsweredOK[input.service, default: []].insert(method)
                }
            }
        }
    }

    func timedOut(_ input: Input) {
        counts.withLock { $0.timeouts += 1 }
        problem("no reply within the timeout", input)
    }

    func problem(_ description: String, _ input: Input) {
        counts.withLock { counts in
            counts.failures += 1
            guard counts.problems.count < Self.problemsKept else { return }
            counts.problems.append(
                "input \(input.number) (\(input.kind.rawValue), \(input.service), \(input.frame.count) bytes): \(description)"
            )
        }
    }

    func crashed(_ description: String) {
        counts.withLock { $0.crashes.append(description) }
    }

    static func name(of code: StatusCode) -> String {
        code.protoValueName.map { String($0.dropFirst("STATUS_CODE_".count)) } ?? "CODE_\(code.rawValue)"
    }
}
