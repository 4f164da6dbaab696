internal import CNNG
import Dispatch
import Synchronization

/// Answers a request on one of nng's threads, or says who will: `late` later, or the serving task.
///
/// Answering there costs no hand-over between threads at all (the request never wakes a task), which is
/// most of what a small read costs; but the thread is one of libnng's few task threads, so only quick,
/// non-blocking work belongs here (a point read of a local database, not a report). Work that must wait
/// for something (a write for its group commit) is handed on with `late` and answered from there.
public typealias InlineAnswer = @Sendable (_ request: [UInt8], _ late: LateReply) -> InlineReply

/// What an ``InlineAnswer`` made of a request.
public enum InlineReply: Sendable {
    /// The reply, sent at once from nng's thread.
    case now([UInt8])
    /// The reply will be sent through the ``LateReply`` the answer was given.
    case later
    /// Not answered here: the request goes to the serving task's handler.
    case toTask
}

/// Sends the reply to a request an ``InlineAnswer`` answered ``InlineReply/later``, from any thread.
///
/// - Important: Send exactly once: until then the request's context serves no one else, and a replier that
///   stops waits for it.
public final class LateReply: Sendable {
    private let deliver: @Sendable ([UInt8]) -> Void
    private let isSent = Atomic<Bool>(false)

    /// - Parameter deliver: sends the reply (the replier's own; tests give theirs).
    public init(_ deliver: @escaping @Sendable ([UInt8]) -> Void) { self.deliver = deliver }

    /// Sends `reply`; a second call does nothing.
    public func send(_ reply: [UInt8]) {
        guard !isSent.exchange(true, ordering: .acquiringAndReleasing) else { return }
        deliver(reply)
    }
}

/// A REQ or REP context's turn (send, receive, and for REP, answering on nng's thread what can be answered
/// there) as one chain of operations on the context's aio: the waiting task is handed one result per turn
/// instead of one per operation (see ``AsyncIO/perform(abortIf:_:chain:)``).
extension SocketContext {
    /// Sends `request` and receives its reply, all before `deadline` (a REQ context's round trip).
    ///
    /// Most requests find a connection ready for them: sent inside this call (``ImmediateSend``), only the
    /// reply is waited for. Otherwise the send waits for a connection and its completion starts the
    /// receive, one turn.
    func request(_ request: [UInt8], deadline: ContinuousClock.Instant) async throws -> [UInt8] {
        let handle = self.handle
        guard let immediate else { preconditionFailure("a request on a context made without sendsRequests") }
        guard !Task.isCancelled else { throw MessagingError.cancelled }
        let message = try Message.make(request, operation: "nng_msg_alloc")
        guard let unsent = immediate.send(message, on: handle, gate: io) else {
            return try await io.receive(timeout: max(deadline - .now, .zero)) { nng_ctx_recv(handle, $0) }
        }
        // Held by the chain only while this turn waits, and this context holds it the whole time.
        let io = self.io
        let stage = TurnStage(sending: true)
        do {
            return try await turn(first: unsent, sendTimeout: deadline - .now, stage: stage) { aio in
                guard stage.isSending else { return .done }  // the reply came
                stage.isSending = false
                nng_aio_set_msg(aio, nil)  // the sent request now belongs to nng
                nng_aio_set_timeout(aio, nngMilliseconds(max(deadline - .now, .zero)))
                return io.startNext { nng_ctx_recv(handle, $0) } ? .started : .stopped
            }
        } catch {
            throw error.error
        }
    }

    /// A REP context's turn: sends `reply` (the answer to the previous request, if any), then receives
    /// requests, answering on nng's thread those `answerInline` answers, until one needs the calling task,
    /// which it returns. Stops, with `.cancelled`, when `shouldStop()` says so after a reply is sent.
    ///
    /// A reply answered on nng's thread goes out through the context's ``ReplySend``: no other thread is
    /// woken when libnng hands it over at once, and the next receive is posted right away.
    func serve(
        reply: [UInt8]?, answerInline: InlineAnswer?, sendTimeout: Duration, owed: OwedReplies,
        stopIf shouldStop: @escaping @Sendable () -> Bool
    ) async throws(ExchangeError) -> [UInt8] {
        let handle = self.handle
        // Held by the chain only while this turn waits, and this context holds it the whole time.
        let io = self.io
        let replySend = self.replySend
        var first: OpaquePointer? = nil
        if let reply {
            do {
                first = try Message.make(reply, operation: "nng_msg_alloc")
            } catch {
                throw ExchangeError(step: .send, error: error)
            }
        }
        let stage = TurnStage(sending: first != nil)
        return try await turn(first: first, sendTimeout: sendTimeout, stage: stage, abortReceiveIf: shouldStop) { aio in
            if stage.isSending {
                nng_aio_set_msg(aio, nil)  // the sent reply now belongs to nng
                guard !shouldStop() else { return .stopped }
                stage.isSending = false
                nng_aio_set_timeout(aio, nng_duration(NNG_DURATION_INFINITE))
                return io.startNext { nng_ctx_recv(handle, $0) } ? .started : .stopped
            }
            guard let request = nng_aio_get_msg(aio) else { return .done }
            owed.tookRequest(from: nng_msg_get_pipe(request))
            guard let answerInline else { return .done }
            // Off the aio while it is answered: a late reply may take the aio before this step returns.
            nng_aio_set_msg(aio, nil)
            let late = LateReply(io.deferNext(), handle: handle, stage: stage, sendTimeout: sendTimeout)
            switch answerInline(Message.bytes(of: request), late) {
            case .toTask:
                nng_aio_set_msg(aio, request)  // for the task
                return .done
            case .later:
                nng_msg_free(request)
                return .later  // not a word more about the aio here: it may be sending the reply already
            case .now(let answer):
                guard let answerMessage = try? Message.make(answer, operation: "nng_msg_alloc") else {
                    nng_aio_set_msg(aio, request)  // no memory for the answer: the task answers it
                    return .done
                }
                nng_msg_free(request)
                switch replySend?.send(answerMessage, on: handle, timeout: sendTimeout, gate: io) {
                case .handedOver:
                    guard !shouldStop() else { return .stopped }
                    nng_aio_set_timeout(aio, nng_duration(NNG_DURATION_INFINITE))
                    return io.startNext { nng_ctx_recv(handle, $0) } ? .started : .stopped
                case .queued:
                    // Behind another reply to the same caller: receive once it is handed over, waiting on
                    // a thread of our own (one of nng's must run to hand it over).
                    let next = io.deferNext()
                    DispatchQueue.global().async {
                        replySend!.waitUntilHandedOver()
                        guard !shouldStop() else { return next.fail(MessagingError.cancelled) }
                        next.start(sending: false) { aio in
                            nng_aio_set_timeout(aio, nng_duration(NNG_DURATION_INFINITE))
                            nng_ctx_recv(handle, aio)
                        }
                    }
                    return .later
                case .refused, nil:
                    break  // sent on the turn's aio, which refuses it too when closing
                }
                nng_aio_set_msg(aio, answerMessage)  // left there when refused: the turn frees it
                stage.isSending = true
                nng_aio_set_timeout(aio, nngMilliseconds(sendTimeout))
                return io.startNext(sending: true) { nng_ctx_send(handle, $0) } ? .started : .stopped
            }
        }
    }

    /// Runs a turn whose first operation sends `first` (a message the turn now owns), or receives when it
    /// is nil (unless `shouldAbortReceive()` says stop, read once the receive is registered), and whose
    /// next ones `chain` starts; returns the message received last.
    private func turn(
        first: OpaquePointer?, sendTimeout: Duration, stage: TurnStage,
        abortReceiveIf shouldAbortReceive: () -> Bool = {
            false
        }, chain: @escaping AsyncIO.Chain
    ) async throws(ExchangeError) -> [UInt8] {
        let handle = self.handle
        let aio = io.aio
        do {
            if let first {
                nng_aio_set_msg(aio, first)
                io.setTimeout(sendTimeout)
                try await io.perform(sending: true, { nng_ctx_send(handle, $0) }, chain: chain)
            } else {
                io.setTimeout(nil)
                try await io.perform(abortIf: shouldAbortReceive, { nng_ctx_recv(handle, $0) }, chain: chain)
            }
        } catch {
            // A failed send hands its message back on the aio; a failed receive leaves none.
            if let unsent = nng_aio_get_msg(aio) { nng_msg_free(unsent) }
            nng_aio_set_msg(aio, nil)
            throw ExchangeError(step: stage.isSending ? .send : .receive, error: error)
        }
        guard let received = nng_aio_get_msg(aio) else { return [] }
        nng_aio_set_msg(aio, nil)
        return Message.consume(received)
    }
}

extension LateReply {
    /// The reply to a REP context's request, sent on the context's aio when it comes.
    fileprivate convenience init(
        _ deferred: AsyncIO.DeferredOperation, handle: nng_ctx, stage: TurnStage, sendTimeout: Duration
    ) {
        self.init { reply in
            stage.isSending = true  // a failure from here on is the send's: the caller went away
            let message: OpaquePointer
            do {
                message = try Message.make(reply, operation: "nng_msg_alloc")
            } catch {
                deferred.fail(error)
                return
            }
            let started = deferred.start { aio in
                nng_aio_set_msg(aio, message)
                nng_aio_set_timeout(aio, nngMilliseconds(sendTimeout))
                nng_ctx_send(handle, aio)
            }
            if !started { nng_msg_free(message) }  // the replier was torn down first
        }
    }
}

/// Whether a turn's operation on the aio is a send or a receive. Written by the turn's start, its
/// chain's steps and a late reply, one after another (each after the previous operation completed), and
/// read by the task after the chain resumed it. A late reply's thread and the nng thread that completes
/// its send are ordered only inside libnng, which ThreadSanitizer does not see: hence an atomic.
private final class TurnStage: Sendable {
    private let sending: Atomic<Bool>
    init(sending: Bool) { self.sending = Atomic(sending) }

    var isSending: Bool {
        get { sending.load(ordering: .acquiring) }
        set { sending.store(newValue, ordering: .releasing) }
    }
}

/// A failed turn (``SocketContext/request(_:deadline:)``, ``SocketContext/serve(reply:answerInline:sendTimeout:owed:stopIf:)``):
/// which operation failed, and why.
struct ExchangeError: Error {
    enum Step { case send, receive }
    let step: Step
    /// A ``MessagingError``, as thrown by ``AsyncIO/perform(abortIf:_:chain:)``.
    let error: any Error
}
