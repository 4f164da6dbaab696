internal import CNNG
import Synchronization

/// One nng context (a REQ or REP conversation of its own on a shared socket) and the aio that carries
/// its operations.
final class SocketContext: Sendable {
    let handle: nng_ctx
    let io: AsyncIO
    /// A REQ context's way to send a request inside the call (see ``ImmediateSend``); nil for REP.
    let immediate: ImmediateSend?
    /// A REP context's way to send a reply that wakes no other thread (see ``ReplySend``); nil for REQ.
    let replySend: ReplySend?
    private let isClosed = Atomic<Bool>(false)

    /// - Parameter sendsRequests: a REQ context, which also gets an ``ImmediateSend``; otherwise a REP
    ///   context, which gets a ``ReplySend``.
    init(socket: Socket, sendsRequests: Bool = false) throws(MessagingError) {
        var context = nng_ctx()
        try MessagingError.check(nng_ctx_open(&context, socket.handle), "nng_ctx_open")
        do {
            io = try AsyncIO()
            immediate = sendsRequests ? try ImmediateSend() : nil
            replySend = sendsRequests ? nil : try ReplySend()
        } catch {
            nng_ctx_close(context)
            throw error
        }
        handle = context
    }

    /// Closes the context once; later calls do nothing.
    func close() {
        if !isClosed.exchange(true, ordering: .acquiringAndReleasing) { nng_ctx_close(handle) }
    }

    /// The teardown order libnng requires: abort every operation, close the contexts, then the socket.
    static func tearDown(_ contexts: [SocketContext], socket: Socket) {
        for context in contexts { context.io.shutDown() }
        for context in contexts { context.close() }
        socket.close()
    }
}
