internal import CNNG
import Glibc
import Synchronization

/// One `nng_aio`, bridged to async/await: an operation is started inside a continuation and the aio's
/// completion callback resumes it, exactly once.
///
/// - Important: One operation at a time. The owner (a request context, a worker, a subscriber) runs its
///   operations one after another from one task. Cancelling that task, or calling ``cancel()``, aborts the
///   pending operation through `nng_aio_cancel`. ``shutDown()`` aborts it and makes every later operation
///   fail at once with `.closed`; it is the first step of every teardown.
///
/// Every libnng call that starts or cancels an operation on the aio (`nng_ctx_send`, `nng_ctx_recv`,
/// `nng_aio_cancel`, …) goes through this type, and ``shutDown()`` waits for those in progress and refuses
/// later ones. Why: libnng 1.5.2 is not safe against such a call overlapping the close of its context and
/// socket. The call holds a reference to the context (or the protocol's cancel function holds a pointer
/// into it) that it may drop only after `nng_ctx_close` and `nng_close` freed what it points to, and
/// libnng then locks a freed mutex and aborts the process ("pthread_mutex_lock: Invalid argument";
/// `scripts/libnng-ctx-close-race` shows it against libnng alone). After ``shutDown()`` returns, the owner
/// may close its context and socket.
///
/// Why not `nng_aio_stop` for that: libnng 1.5 silently drops an operation submitted after `nng_aio_stop`
/// (no callback ever runs), so a task that raced the stop would wait forever. `nng_aio_stop` therefore
/// runs only in deinit, when no operation can be in flight.
final class AsyncIO {
    let aio: OpaquePointer
    fileprivate let completion: Completion

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

    /// Starts one operation and waits for it, or for the chain of operations it starts.
    /// - Parameters:
    ///   - shouldAbort: read after the operation is registered and before it starts, so that a concurrent
    ///     ``cancel()`` that set the state it reads cannot be missed.
    ///   - sending: whether `submit` starts a send (see ``cancelReceive()``).
    ///   - submit: starts the operation on the aio (`nng_ctx_recv(ctx, aio)`, …). Called at most once.
    ///   - chain: when given, called by the completion callback on nng's thread each time an operation
    ///     succeeded; it may start the next one on the aio with ``startNext(_:)`` (e.g. the receive after a
    ///     send) and this call then waits for that too. The waiting task is resumed once for the whole
    ///     chain: each resumption is a hand-over between threads, which costs more than a small operation
    ///     itself.
    /// - Throws: ``MessagingError`` with the aio's result when it is not zero; `.cancelled` when the task
    ///   was cancelled, `shouldAbort` said so before the start, or `chain` said `.stopped`.
    func perform(
        abortIf shouldAbort: () -> Bool = { false }, sending: Bool = false, _ submit: (OpaquePointer) -> Void,
        chain: Chain? = nil
    ) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard let generation = completion.register(continuation, chain: chain) else {
                    continuation.resume(throwing: MessagingError.closedAIO)
                    return
                }
                if Task.isCancelled || shouldAbort() {
                    completion.abandon()
                    continuation.resume(throwing: MessagingError.cancelled)
                    return
                }
                if !completion.start(generation, sending: sending, submit) {
                    completion.resume(generation, throwing: MessagingError.closedAIO)
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// Starts the next operation of a chain from its step: `submit` starts it on the aio
    /// (`nng_ctx_recv(ctx, aio)`, …; `sending` says whether it is a send). Returns false, starting
    /// nothing, once the aio is shut down: the step then returns ``ChainStep/stopped``.
    func startNext(sending: Bool = false, _ submit: (OpaquePointer) -> Void) -> Bool {
        completion.submit(sending: sending, submit)
    }

    /// What a ``Chain`` did after an operation succeeded.
    enum ChainStep {
        /// It started another operation on the aio; the task keeps waiting.
        case started
        /// The chain is complete; the task resumes with success.
        case done
        /// It started nothing because its owner is stopping; the task resumes with `.cancelled`.
        case stopped
        /// It handed the next operation to another thread, through ``deferNext()``; the task keeps waiting.
        case later
    }

    /// For a ``Chain`` step that leaves the next operation to another thread (a reply that waits for a
    /// group commit): returns what starts it there, or fails the whole wait. The step then returns
    /// ``ChainStep/later``; the task keeps waiting for that operation and the chain after it.
    ///
    /// The late operation is started even when a cancel came meanwhile: it is the reply to a request
    /// already taken in, which a stopping owner still sends. Its completion then ends the chain with
    /// `.cancelled` as usual. Only a shut-down aio refuses it.
    /// - Important: Call only from a chain step, and use the result exactly once, from any thread; it may
    ///   run before the step has returned, so the step must not touch the aio after handing it over.
    func deferNext() -> DeferredOperation {
        // Stable while the step runs: the task is waiting, so nothing registers another operation.
        let generation = completion.currentGeneration
        return DeferredOperation(io: self, generation: generation)
    }

    /// The operation a chain step deferred (``AsyncIO/deferNext()``).
    struct DeferredOperation: Sendable {
        fileprivate let io: AsyncIO
        fileprivate let generation: UInt64

        /// Starts it: `submit` starts the operation on the aio (`nng_ctx_send(ctx, aio)`, …; `sending` says
        /// whether it is a send). Returns false when the aio was shut down meanwhile: `submit` did not run
        /// (what it would have handed to the aio is still the caller's) and the wait ends with `.closed`.
        @discardableResult
        func start(sending: Bool = true, _ submit: (OpaquePointer) -> Void) -> Bool {
            guard io.completion.submit(sending: sending, submit) else {
                io.completion.resume(generation, throwing: MessagingError.closedAIO)
                return false
            }
            // A cancel that came meanwhile does not stop a late reply (see deferNext()); a receive it does.
            if io.completion.markSubmitted(generation), !sending { _ = io.completion.call { nng_aio_cancel($0) } }
            return true
        }

        /// Ends the wait with `error` instead, starting nothing.
        func fail(_ error: any Error) {
            io.completion.resume(generation, throwing: error)
        }
    }

    /// The next step of a chain of operations (see ``perform(abortIf:_:chain:)``). It runs on one of
    /// nng's task threads, so it must not block for long nor wait for another aio.
    typealias Chain = @Sendable (OpaquePointer) -> ChainStep

    /// Aborts the operation in progress, if any (it then fails with `.cancelled` or `.timedOut`); does
    /// nothing between operations.
    func cancel() {
        completion.cancel(sparingSends: false)
    }

    /// Like ``cancel()``, except that a send in progress is not aborted: it finishes, and the wait
    /// then ends with `.cancelled` instead of going on with its chain. For a replier that stops taking
    /// requests: a reply still on its way (queued behind others for the same caller, say) is owed to a
    /// request already taken in, and aborting it lost that reply.
    func cancelReceive() {
        completion.cancel(sparingSends: true)
    }

    /// Aborts the operation in progress, if any, and makes every later one fail with `.closed`. Returns
    /// once no libnng call that starts or cancels an operation on the aio is in progress, and none will
    /// be made: the context and socket may be closed then.
    func shutDown() {
        completion.shutDown()
    }

    /// Runs `body`, a libnng call on the context this aio serves (a send on another aio of it), unless
    /// the aio is shut down; ``shutDown()`` waits for it like for this aio's own calls. Returns whether
    /// it ran.
    func callUnlessShutDown(_ body: () -> Void) -> Bool {
        completion.call { _ in body() }
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
        /// Called by the callback after each operation that succeeded.
        var chain: AsyncIO.Chain?
        var submitted = false
        var cancelRequested = false
        /// Whether the operation started last is a send.
        var isSend = false
        /// Whether the cancel requested spares a send (``AsyncIO/cancelReceive()``).
        var cancelSparesSends = false

        /// Whether the operation must be aborted for the cancel requested.
        var mustAbort: Bool { cancelRequested && !(cancelSparesSends && isSend) }
    }

    private struct State {
        var operation: Operation?
        /// Counts registered operations, so that the callback, which marks a chained operation submitted
        /// after starting it, never touches a later operation that the resumed task registered meanwhile.
        var generation: UInt64 = 0
        var isShutDown = false
        /// libnng calls on the aio in progress (see ``call(_:)``).
        var callsInProgress = 0
    }

    private let state = Mutex(State())
    // Set once in AsyncIO.init, before any operation can start.
    nonisolated(unsafe) var aio: OpaquePointer?

    /// Returns the operation's generation, or nil (registering nothing) once shut down.
    func register(_ continuation: CheckedContinuation<Void, any Error>, chain: AsyncIO.Chain?) -> UInt64? {
        state.withLock { state in
            guard !state.isShutDown else { return nil }
            state.generation &+= 1
            state.operation = Operation(continuation: continuation, chain: chain)
            return state.generation
        }
    }

    func abandon() {
        state.withLock { $0.operation = nil }
    }

    /// The generation of the operation registered last.
    var currentGeneration: UInt64 { state.withLock { $0.generation } }

    /// Returns whether a cancel that arrived while the operation of `generation` was being submitted
    /// means it must be aborted.
    func markSubmitted(_ generation: UInt64) -> Bool {
        state.withLock { state in
            guard state.generation == generation, state.operation != nil else { return false }  // completed
            state.operation!.submitted = true
            return state.operation!.mustAbort
        }
    }

    /// Submits an operation with `body` through ``call(_:)``, having recorded whether it is a send first,
    /// so that a cancel deciding on an operation marked submitted always sees its kind.
    func submit(sending: Bool, _ body: (OpaquePointer) -> Void) -> Bool {
        call { aio in
            state.withLock { $0.operation?.isSend = sending }
            body(aio)
        }
    }

    /// Requests a cancel of the operation in progress, and aborts it when it is already submitted and
    /// must be (if it is not submitted yet, the submitter sees the request in `markSubmitted`). A cancel
    /// that spares sends never weakens one that came before it and did not.
    func cancel(sparingSends: Bool) {
        let mustAbortNow = state.withLock { state in
            guard var operation = state.operation else { return false }
            operation.cancelSparesSends = sparingSends && (!operation.cancelRequested || operation.cancelSparesSends)
            operation.cancelRequested = true
            state.operation = operation
            return operation.submitted && operation.mustAbort
        }
        if mustAbortNow { _ = call { nng_aio_cancel($0) } }
    }

    /// Runs `body`, a libnng call that starts or cancels an operation on the aio, unless the aio is shut
    /// down; returns whether it ran. ``shutDown()`` waits for the calls in progress.
    func call(_ body: (OpaquePointer) -> Void) -> Bool {
        let isOpen = state.withLock { state in
            guard !state.isShutDown else { return false }
            state.callsInProgress += 1
            return true
        }
        guard isOpen else { return false }
        defer { state.withLock { $0.callsInProgress -= 1 } }
        body(aio!)
        return true
    }

    /// Starts the operation of `generation` with `submit` unless the aio is shut down (returns false then),
    /// and cancels it at once when a cancel came while it was being submitted.
    func start(_ generation: UInt64, sending: Bool, _ body: (OpaquePointer) -> Void) -> Bool {
        submit(sending: sending) { aio in
            body(aio)
            if markSubmitted(generation) { nng_aio_cancel(aio) }
        }
    }

    /// Refuses every later call, waits for those in progress (each a short, non-blocking libnng call on
    /// another thread), then aborts the operation in progress, if any.
    func shutDown() {
        state.withLock { state in
            state.isShutDown = true
            state.operation?.cancelRequested = true
            state.operation?.cancelSparesSends = false
        }
        while state.withLock({ $0.callsInProgress }) > 0 { sched_yield() }
        // Whether or not the operation was marked submitted yet: nothing can start one any more, and
        // cancelling an aio with nothing in progress does nothing.
        nng_aio_cancel(aio)
    }

    private enum Next {
        case resume(CheckedContinuation<Void, any Error>, (any Error)?)
        case chain(generation: UInt64)
        case none
    }

    func complete() {
        let result = nng_aio_result(aio)
        let next = state.withLock { state -> Next in
            guard var operation = state.operation else { return .none }
            if result == 0, operation.chain != nil, !operation.cancelRequested {
                operation.submitted = false
                state.operation = operation
                return .chain(generation: state.generation)
            }
            state.operation = nil
            if result != 0 { return .resume(operation.continuation, MessagingError(nng: result, operation: "nng_aio")) }
            // A cancel that came between two operations of a chain stops it there.
            return .resume(operation.continuation, operation.chain == nil ? nil : MessagingError.cancelled)
        }
        switch next {
        case .none:
            return
        case .resume(let continuation, let error):
            if let error { continuation.resume(throwing: error) } else { continuation.resume() }
        case .chain(let generation):
            switch runChain(generation) {
            case .started: if markSubmitted(generation) { _ = call { nng_aio_cancel($0) } }
            case .later: return  // started by another thread, which may already have done so
            case .done: resume(generation, throwing: nil)
            case .stopped: resume(generation, throwing: MessagingError.cancelled)
            case nil: return
            }
        }
    }

    /// Runs the chain of the operation of `generation`, holding it only as long as it runs.
    ///
    /// Why that matters: the chain may capture its owner (a replier, through its stop flag), and the
    /// task resumed next may drop every other reference at once. If this thread still held the chain
    /// then, the owner's deinit would run here, on nng's task thread, and wait in `nng_aio_stop` for
    /// the very callbacks this thread should be running: a deadlock of all of nng's task threads.
    private func runChain(_ generation: UInt64) -> AsyncIO.ChainStep? {
        let chain = state.withLock { state in state.generation == generation ? state.operation?.chain : nil }
        return chain?(aio!)
    }

    /// Resumes the operation of `generation`, if it is still pending, after dropping its chain (see
    /// ``runChain(_:)``).
    func resume(_ generation: UInt64, throwing error: (any Error)?) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard state.generation == generation else { return nil }
            defer { state.operation = nil }
            return state.operation?.continuation
        }
        if let error { continuation?.resume(throwing: error) } else { continuation?.resume() }
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

extension MessagingError {
    /// An operation aborted before it completed: its task was cancelled, or its owner stopped it.
    static var cancelled: MessagingError { MessagingError(.cancelled, operation: "nng_aio", reason: "cancelled") }

    /// An operation refused because its aio was shut down (its owner is closing).
    static var closedAIO: MessagingError { MessagingError(.closed, operation: "nng_aio", reason: "closed") }
}
