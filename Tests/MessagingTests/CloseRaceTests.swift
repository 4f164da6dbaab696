import Foundation
import Messaging
import Synchronization
import TestKit
import Testing

/// libnng 1.5.2 aborts the process ("pthread_mutex_lock: Invalid argument") when a call that starts or
/// cancels an operation on a context overlaps the close of the context and its socket: the call drops its
/// reference after the close freed what it points to (scripts/libnng-ctx-close-race shows it against
/// libnng alone). AsyncIO.shutDown keeps them apart; these tests close while such calls run on every side.
@Suite("Closing while operations start and cancel")
struct CloseRaceTests {
    @Test("closing a requester and replier amid calls, cancels and late replies never crashes")
    func closeAmidCalls() async throws {
        try await withWatchdog("close amid calls", limit: .seconds(240)) {
            for round in 0..<2000 {
                let replier = try Replier(listening: [TestEndpoints.fresh(.inproc)], maxInFlight: 8)
                let serving = Task {
                    await replier.serve(
                        { $0 },
                        answerInline: { request, late in
                            // Late replies from other threads, so a send starts there as the close comes.
                            guard request.first == 1 else { return .now(request) }
                            DispatchQueue.global().async { late.send(request) }
                            return .later
                        }, replyToFailure: failureReply)
                }
                let requester = try Requester(dialing: replier.endpoints, maxInFlight: 8)
                let isClosing = Flag()
                // Callers that go round as fast as the pair answers (a receive starts on nng's thread after
                // each send), and some that cancel their own call (nng_aio_cancel from the task's thread).
                var callers: [Task<Void, Never>] = []
                for index in 0..<12 {
                    callers.append(
                        Task {
                            while !isClosing.isSet {
                                let call = Task {
                                    try? await requester.request([UInt8(index % 2)], timeout: .seconds(5))
                                }
                                if index.isMultiple(of: 3) { call.cancel() }
                                _ = await call.value
                            }
                        })
                }
                try await Task.sleep(for: .microseconds(Int.random(in: 200...3000)))
                close(requester, replier, requesterFirst: round.isMultiple(of: 2))
                isClosing.set()
                for caller in callers { await caller.value }
                await serving.value
            }
        }
    }
}

private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}

/// Closes both sides of a busy pair, in either order (each order races different libnng paths).
func close(_ requester: Requester, _ replier: Replier, requesterFirst: Bool) {
    if requesterFirst {
        requester.close()
        replier.stopAccepting()
    } else {
        replier.stopAccepting()
        requester.close()
    }
}
