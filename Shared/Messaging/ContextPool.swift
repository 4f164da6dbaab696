import Synchronization

/// A fixed set of reusable resources (REQ contexts) lent to one caller at a time; callers beyond the
/// set's size wait in FIFO order for one to be returned.
///
/// The set is made up front, not on demand: libnng 1.5 can lose a context opened while its socket is
/// closing, and then `nng_close` waits for it forever. It is bounded because libnng 1.5 pays a
/// per-request timer cost for every context with a request in flight.
final class ContextPool<Resource: Sendable>: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Resource, any Error>
    }

    private struct State {
        var idle: [Resource]
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var isClosed = false
    }

    /// Every resource of the pool, lent or idle.
    let all: [Resource]
    private let state: Mutex<State>

    init(_ resources: [Resource]) {
        precondition(!resources.isEmpty, "a pool needs at least one resource")
        self.all = resources
        self.state = Mutex(State(idle: resources))
    }

    /// Takes an idle resource or waits for one to be released, until `deadline`: a call's budget covers
    /// its wait, however long the calls holding the resources wait (on a peer the network cut off, say).
    /// - Throws: `.timedOut` when none came back by `deadline`; `.closed` once the pool is closed;
    ///   `CancellationError` when the waiting task is cancelled.
    func acquire(before deadline: ContinuousClock.Instant) async throws -> Resource {
        let id: UInt64 = try state.withLock { state throws(MessagingError) in
            if state.isClosed { throw Self.closedError }
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate: Result<Resource, any Error>? = state.withLock { state in
                    if state.isClosed { return .failure(Self.closedError) }
                    if let resource = state.idle.popLast() { return .success(resource) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let immediate {
                    continuation.resume(with: immediate)
                    return
                }
                // Only a caller that has to wait pays for a timer; once it was served, this does nothing.
                Task {
                    try? await Task.sleep(until: deadline)
                    self.stopWaiting(
                        id,
                        MessagingError(.timedOut, operation: "request", reason: "no free context before the deadline"))
                }
            }
        } onCancel: {
            stopWaiting(id, CancellationError())
        }
    }

    /// Fails waiter `id` with `error` if it is still waiting.
    private func stopWaiting(_ id: UInt64, _ error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    /// Returns a resource: to the longest waiter, or to the idle list.
    func release(_ resource: Resource) {
        let waiter = state.withLock { state -> Waiter? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.idle.append(resource)
            return nil
        }
        waiter?.continuation.resume(returning: resource)
    }

    /// Closes the pool: waiters fail with `.closed`, later acquires too.
    func close() {
        let waiters = state.withLock { state in
            state.isClosed = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(throwing: Self.closedError) }
    }

    var isClosed: Bool { state.withLock { $0.isClosed } }

    static var closedError: MessagingError {
        MessagingError(.closed, operation: "request", reason: "the requester is closed")
    }
}
