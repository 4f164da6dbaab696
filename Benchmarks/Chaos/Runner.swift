import Client
import Foundation
import Models
import Synchronization

/// What became of each write, by idempotency key: "OK" or the code it was refused with, and for an
/// acknowledged one the reply, which a replay with the same key must reproduce byte for byte.
struct Outcomes: Sendable {
    var codes: [String: String] = [:]
    var replies: [String: [UInt8]] = [:]
    var resends = 0

    var acknowledged: Int { replies.count }
}

/// The outcomes of writes sent side by side.
final class OutcomeLog: Sendable {
    let state = Mutex(Outcomes())
}

/// Sends a workload to a fleet, each customer's writes in order, customers side by side.
struct Runner: Sendable {
    let fleet: Fleet
    /// How long one write may keep being resent (a service may be down several times meanwhile).
    var writeBudget: Duration = .seconds(180)
    /// A pause between one customer's writes, so that a faulty run spans many kills; the order of
    /// each customer's writes, and so the outcome, is the same with or without it.
    var pace: Duration = .zero

    func run(_ workload: Workload) async throws -> Outcomes {
        let outcomes = OutcomeLog()
        for write in workload.catalog { try await deliver(write, into: outcomes) }
        try await inParallel(workload.accounts, into: outcomes)
        // Every follower knows every account and its band before the customers do anything.
        try await fleet.waitUntilCaughtUp()
        try await inParallel(workload.activity, pace: pace, into: outcomes)
        return outcomes.state.withLock { $0 }
    }

    private func inParallel(_ sequences: [[Write]], pace: Duration = .zero, into outcomes: OutcomeLog) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writes in sequences {
                group.addTask {
                    for write in writes {
                        try await deliver(write, into: outcomes)
                        if pace > .zero { try await Task.sleep(for: pace) }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Sends `write` until it is answered, always with its own idempotency key: a resend after a
    /// lost reply must return the first answer, not apply the write again.
    private func deliver(_ write: Write, into outcomes: OutcomeLog) async throws {
        let deadline = ContinuousClock.now + writeBudget
        while true {
            do {
                let reply = try await write.send(fleet.clients[write.service]!, write.key)
                outcomes.state.withLock {
                    $0.codes[write.key] = "OK"
                    $0.replies[write.key] = reply
                }
                return
            } catch let error as ClientError where error.code == .unavailable || error.code == .deadlineExceeded {
                guard ContinuousClock.now < deadline else {
                    throw ChaosError("\(write.service).\(write.method) \(write.key) unanswered: \(error)")
                }
                outcomes.state.withLock { $0.resends += 1 }
                try await Task.sleep(for: .milliseconds(50))
            } catch let error as ClientError {
                outcomes.state.withLock { $0.codes[write.key] = "\(error.code)" }
                return
            }
        }
    }

    /// Sends every acknowledged write again with its key.
    /// - Returns: the keys whose replay did not return the first reply.
    func replay(_ workload: Workload, acknowledged outcomes: Outcomes) async throws -> [String] {
        let writes = (workload.catalog + workload.accounts.flatMap { $0 } + workload.activity.flatMap { $0 })
            .filter { outcomes.replies[$0.key] != nil }
        var mismatched: [String] = []
        for write in writes {
            let reply = try await write.send(fleet.clients[write.service]!, write.key)
            if reply != outcomes.replies[write.key] { mismatched.append(write.key) }
        }
        return mismatched
    }
}
