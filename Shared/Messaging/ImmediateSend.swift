internal import CNNG

/// A REQ context's send that happens inside the call or not at all: a callback-less aio with a zero
/// timeout.
///
/// Why: a send on an aio with a callback finishes on one of libnng's task threads, which must be woken
/// to run the callback even when the message went out inside `nng_ctx_send`; for a small request that
/// wake-up is a sizable share of the round trip on a small machine (two cores share the caller, the
/// peer and every thread libnng wakes). A callback-less aio is finished inside the call that completes
/// it, and a zero timeout makes REQ's send either go out at once, to a connection ready for it, or fail
/// with `NNG_ETIMEDOUT` and hand the message back; it never waits and is never left pending.
///
/// - Important: REQ contexts only. A REP context forgets the request it answers as soon as a send is
///   tried (libnng 1.5.2), so a reply that failed this way could not be sent again.
final class ImmediateSend: @unchecked Sendable {  // one request at a time, by its context's owner
    private let aio: OpaquePointer

    init() throws(MessagingError) {
        var pointer: OpaquePointer?
        try MessagingError.check(nng_aio_alloc(&pointer, nil, nil), "nng_aio_alloc")
        aio = pointer!
        nng_aio_set_timeout(aio, nng_duration(NNG_DURATION_ZERO))
    }

    deinit { nng_aio_free(aio) }

    /// Sends `message` on `context` if a connection can take it now.
    /// - Parameter gate: the context's aio, whose gate keeps the call from overlapping the context's
    ///   teardown (see ``AsyncIO``).
    /// - Returns: nil when it went out (the message is nng's now); the message, still the caller's, when
    ///   no connection was ready or the context is closing.
    func send(_ message: OpaquePointer, on context: nng_ctx, gate: AsyncIO) -> OpaquePointer? {
        nng_aio_set_msg(aio, message)
        guard gate.callUnlessShutDown({ nng_ctx_send(context, aio) }) else {
            nng_aio_set_msg(aio, nil)
            return message
        }
        nng_aio_wait(aio)  // returns at once: the zero timeout finished the aio inside nng_ctx_send
        guard nng_aio_result(aio) != 0 else { return nil }
        let unsent = nng_aio_get_msg(aio)
        nng_aio_set_msg(aio, nil)
        return unsent
    }
}
