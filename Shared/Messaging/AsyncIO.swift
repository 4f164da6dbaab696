internal import CNNG
import Synchronization

/// One `nng_aio`, bridged to async/await: an operation is started inside a continuation and the aio's
/// completion callback resumes it, exactly once.
///
/// - Important: One operation at a time. The owner (a request context, a worker, a subscriber) runs its
///   operations one after another from one task. Cancelling that task, or calling ``cancel()``, aborts the
///   pending operation through `nng_aio_cancel`. ``shutDown()`` aborts it and makes every later operation
///   fail at once with `.closed`; it is the first step of every teardown.
///
/// Why not `nng_aio_stop` for that: libnng 1.5 silently drops an operation submitted after `nng_aio_stop`
/// (no callback ever runs), so a task that raced the stop would wait forever. `nng_aio_stop` therefore
/// runs only in deinit, when no operation can be in flight.
final class AsyncIO {
    let aio: OpaquePointer
    private let completion: Completion

    init() throws(MessagingError) {
        let completion = Completion()
        var pointer: OpaquePointer?
        // The callback's argument is the completion box, unretained: this object keeps it alive, and
        // `nng_aio_free` in deinit waits for a running callback before the box can go.
        try MessagingError.check(
            nng_aio_alloc(&pointer, asyncIOCallback, Unmanaged.passUnretained(completion).toOpaque()),
            "nng_aio_alloc")
        self.aio = pointer!
        self.completion = completion
        completion.aio = pointer
    }

    deinit {
        nng_aio_stop(aio)
        nng_aio_free(aio)
    }

    /// Starts one operation and waits for it.
    /// - Parameters:
    ///   - shouldAbort: read after the operation is registered and before it starts, so that a concurrent
    ///     ``cancel()`` that set the state it reads cannot be missed.
    ///   - submit: starts the operation on the aio (`nng_ctx_recv(ctx, aio)`, …). Called at most once.
    /// - Throws: ``MessagingError`` with the aio's result when it is not zero; `.cancelled` when the task
    ///   was cancelled or `shouldAbort` said so before the start.
    func perform(abortIf shouldAbort: () -> Bool = { false }, _ submit: (OpaquePointer) -> Void) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard completion.register(continuation) else {
                    continuation.resume(throwing: MessagingError(.closed, operation: "nng_aio", reason: "closed"))
                    return
                }
                if Task.isCancelled || shouldAbort() {
                    completion.abandon()
                    continuation.resume(throwing: MessagingError(.cancelled, operation: "nng_aio", reason: "cancelled"))
                    return
                }
                submit(aio)
                if completion.markSubmitted() { nng_aio_cancel(aio) }
            }
        } onCancel: {
            cancel()
        }
    }

    /// Aborts the operation in progress, if any (it then fails with `.cancelled` or `.timedOut`); does
    /// nothing between operations.
    func cancel() {
        if completion.requestCancel() { nng_aio_cancel(aio) }
    }

    /// Aborts the operation in progress, if any, and makes every later one fail with `.closed`.
    func shutDown() {
        if completion.shutDown() { nng_aio_cancel(aio) }
    }

    /// Sets the timeout of the next operation (per aio, so no socket-wide option changes per call).
    func setTimeout(_ duration: Duration?) {
        nng_aio_set_timeout(aio, duration.map(nngMilliseconds) ?? nng_duration(NNG_DURATION_INFINITE))
    }
}

extension AsyncIO: @unchecked Sendable {}  // The aio pointer is immutable; all mutable state is in `Completion`.

/// The state an operation shares with the aio callback, behind one lock.
private final class Completion: Sendable {
    private struct Operation {
        var continuation: CheckedContinuation<Void, any Error>
        var submitted = false
        var cancelRequested = false
    }

    private struct State {
        var operation: Operation?
        var isShutDown = false
    }

    private let state = Mutex(State())
    // Set once in AsyncIO.init, before any operation can start.
    nonisolated(unsafe) var aio: OpaquePointer?

    /// Returns false, registering nothing, once shut down.
    func register(_ continuation: CheckedContinuation<Void, any Error>) -> Bool {
        state.withLock { state in
            guard !state.isShutDown else { return false }
            state.operation = Operation(continuation: continuation)
            return true
        }
    }

    func abandon() {
        state.withLock { $0.operation = nil }
    }

    /// Returns whether a cancel arrived while the operation was being submitted.
    func markSubmitted() -> Bool {
        state.withLock { state in
            guard state.operation != nil else { return false }  // already completed
            state.operation!.submitted = true
            return state.operation!.cancelRequested
        }
    }

    /// Returns whether the caller must call `nng_aio_cancel` (the operation is already submitted; if it
    /// is not yet, the submitter sees the request in `markSubmitted` and cancels it itself).
    func requestCancel() -> Bool {
        state.withLock { state in
            guard state.operation != nil else { return false }
            state.operation!.cancelRequested = true
            return state.operation!.submitted
        }
    }

    func shutDown() -> Bool {
        state.withLock { $0.isShutDown = true }
        return requestCancel()
    }

    func complete() {
        let result = nng_aio_result(aio)
        let continuation = state.withLock { state in
            defer { state.operation = nil }
            return state.operation?.continuation
        }
        if result == 0 {
            continuation?.resume()
        } else {
            continuation?.resume(throwing: MessagingError(nng: result, operation: "nng_aio"))
        }
    }
}

/// Runs on an nng thread; it only resumes a continuation, so it never blocks nor closes anything.
private let asyncIOCallback: @convention(c) (UnsafeMutableRawPointer?) -> Void = { argument in
    guard let argument else { return }
    Unmanaged<Completion>.fromOpaque(argument).takeUnretainedValue().complete()
}

/// Milliseconds for an nng option or aio timeout, clamped to what `nng_duration` (Int32) holds.
func nngMilliseconds(_ duration: Duration) -> nng_duration {
    let (seconds, attoseconds) = duration.components
    let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
    return nng_duration(clamping: max(0, milliseconds))
}
