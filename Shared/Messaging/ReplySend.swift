internal import CNNG
import Synchronization

/// A REP context's reply sent on a callback-less aio, so that a reply libnng writes inside the call wakes
/// no other thread.
///
/// Why: a send on an aio with a callback finishes on one of libnng's task threads, which must be woken to
/// run the callback (here: to post the context's next receive) although libnng handed the reply to the
/// connection inside `nng_ctx_send` when the connection was free. On a small machine that wake-up
/// competes with the caller for the cores. A C echo server that sends its replies this way answered
/// sequential round trips in 105–111 µs instead of 118–120 µs (alternated, same client); cx-health's
/// sequential GetAccount from the C client took 4–7 µs less, 1.21–1.25× → 1.15–1.23× the echo
/// (suite-bench, alternated with the build before).
///
/// A callback-less aio is finished inside the call that completes it. A REP context sends one reply at a
/// time, so when the connection is busy with an earlier reply to the same caller libnng queues this one
/// on the context, and the context must not send again (libnng 1.5.2 panics: "appending node already on
/// a list") until the queued reply is handed over: ``send(_:on:timeout:gate:)`` says which happened, and
/// the owner waits with ``waitUntilHandedOver()`` off libnng's task threads (one of them hands it over).
final class ReplySend: @unchecked Sendable {  // used by one context's turn at a time
    private let aio: OpaquePointer
    /// How many replies were queued behind another (for tests).
    let queuedCount = Atomic<Int>(0)

    init() throws(MessagingError) {
        var pointer: OpaquePointer?
        try MessagingError.check(nng_aio_alloc(&pointer, nil, nil), "nng_aio_alloc")
        aio = pointer!
    }

    deinit { nng_aio_free(aio) }

    enum Outcome {
        /// libnng handed the reply to the connection inside the call: the context may receive again.
        case handedOver
        /// The reply waits behind another one to the same caller: the context may neither send nor
        /// receive until ``ReplySend/waitUntilHandedOver()`` returned.
        case queued
        /// The context is closing: nothing was sent, and the message is still the caller's.
        case refused
    }

    /// Sends `message`, the reply to the request `context` received last.
    /// - Parameters:
    ///   - timeout: how long libnng may keep the reply queued behind others to the same caller.
    ///   - gate: the context's aio, whose gate keeps the send from overlapping the context's teardown
    ///     (see ``AsyncIO``).
    func send(_ message: OpaquePointer, on context: nng_ctx, timeout: Duration, gate: AsyncIO) -> Outcome {
        // A reply queued last time and handed over meanwhile may still be finishing on the thread that
        // handed it over (it is running, so this is short); the aio must be idle before it is reused.
        nng_aio_wait(aio)
        nng_aio_set_msg(aio, message)
        nng_aio_set_timeout(aio, nngMilliseconds(timeout))
        guard gate.callUnlessShutDown({ nng_ctx_send(context, aio) }) else {
            nng_aio_set_msg(aio, nil)
            return .refused
        }
        // libnng takes the message off the aio exactly when it hands it to the connection: inside the
        // call, or later on another thread, under its socket's lock, after taking the context off its
        // queue. Read here without that lock, an aligned pointer is either value; both are right: nil
        // means handed over (the context is free), the message means queued or failed (then waited for).
        guard nng_aio_get_msg(aio) != nil else { return .handedOver }
        queuedCount.add(1, ordering: .relaxed)
        return .queued
    }

    /// Blocks until a ``Outcome/queued`` reply is handed over or has failed (the caller went away, or the
    /// timeout passed: the reply is freed then). Never on libnng's task threads: one of them must run to
    /// hand the reply over.
    func waitUntilHandedOver() {
        nng_aio_wait(aio)
        if nng_aio_result(aio) != 0, let unsent = nng_aio_get_msg(aio) {
            nng_aio_set_msg(aio, nil)
            nng_msg_free(unsent)
        }
    }
}
