import ServiceKit
import Synchronization

/// Makes the rescorings of one database run one after another: the minute's scheduled one and an
/// admin's `RescoreAccounts` (or two of those: a resent request, two operators).
///
/// Why: a rescoring decides which scores changed, and so which `score.changed` events to publish,
/// against the scores it read when it claimed its accounts, and writes them a slice at a time later.
/// Two at once would both see the same old score and both publish the same change.
final class RescoringTurns: Sendable {
    static let shared = RescoringTurns()

    /// Per database with a rescoring running: the rescorings waiting for it, in arrival order.
    private let waiting = Mutex<[ObjectIdentifier: [CheckedContinuation<Void, Never>]]>([:])

    /// Runs `body` once no other rescoring of `database` runs, and lets the next one go after it.
    func run<T>(on database: ServiceDatabase, _ body: () async throws -> T) async throws -> T {
        let key = ObjectIdentifier(database)
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            let isFree = waiting.withLock { waiting in
                guard waiting[key] != nil else {
                    waiting[key] = []
                    return true
                }
                waiting[key]!.append(turn)
                return false
            }
            if isFree { turn.resume() }
        }
        defer {
            let next = waiting.withLock { waiting -> CheckedContinuation<Void, Never>? in
                guard let queue = waiting[key], !queue.isEmpty else {
                    waiting[key] = nil
                    return nil
                }
                waiting[key] = Array(queue.dropFirst())
                return queue[0]
            }
            next?.resume()
        }
        return try await body()
    }
}
