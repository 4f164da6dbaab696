internal import CNNG
import Synchronization

/// One nng context (a REQ or REP conversation of its own on a shared socket) and the aio that carries
/// its operations.
final class SocketContext: Sendable {
    let handle: nng_ctx
    let io: AsyncIO
    private let isClosed = Atomic<Bool>(false)

    init(socket: Socket) throws(MessagingError) {
        var context = nng_ctx()
        try MessagingError.check(nng_ctx_open(&context, socket.handle), "nng_ctx_open")
        do {
            io = try AsyncIO()
        } catch {
            nng_ctx_close(context)
            throw error
        }
        handle = context
    }

    /// Sends `bytes` on this context.
    func send(_ bytes: [UInt8], timeout: Duration?) async throws {
        let handle = self.handle
        try await io.send(bytes, timeout: timeout) { nng_ctx_send(handle, $0) }
    }

    /// Receives the next message on this context.
    func receive(timeout: Duration?, abortIf shouldAbort: () -> Bool = { false }) async throws -> [UInt8] {
        let handle = self.handle
        return try await io.receive(timeout: timeout, abortIf: shouldAbort) { nng_ctx_recv(handle, $0) }
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
