internal import CNNG
import Synchronization

/// The answering side of request/reply: receives requests on the endpoints it listens on and answers
/// each with what a handler returns.
///
/// ``serve(_:replyToFailure:)`` runs `maxInFlight` workers, each a REP context that receives a request,
/// awaits the handler and sends the reply, so that many requests are handled at once and each reply goes
/// back to its own caller.
public final class Replier: Sendable {
    /// The endpoints listened on, with the ports the system chose for `tcp://host:0`.
    public let endpoints: [Endpoint]
    private let socket: Socket
    private let workers: [SocketContext]
    private let isStopping = Atomic<Bool>(false)
    let owedReplies: OwedReplies

    /// - Throws: ``MessagingError``: `.addressInUse`, `.invalidAddress`, `.tlsConfiguration`, …
    public convenience init(
        listening endpoints: [Endpoint], options: SocketOptions = SocketOptions(), maxInFlight: Int = 128
    ) throws(MessagingError) {
        try self.init(listening: endpoints, options: options, maxInFlight: maxInFlight, owedReplies: OwedReplies())
    }

    /// - Parameter owedReplies: tests give one that forgets closed pipes sooner.
    init(listening endpoints: [Endpoint], options: SocketOptions, maxInFlight: Int, owedReplies: OwedReplies)
        throws(MessagingError)
    {
        self.owedReplies = owedReplies
        precondition(maxInFlight > 0, "a replier needs at least one worker")
        let socket = try Socket("rep0", options: options) { nng_rep0_open($0) }
        var workers: [SocketContext] = []
        do {
            for _ in 0..<maxInFlight { workers.append(try SocketContext(socket: socket)) }
            self.endpoints = try endpoints.map { endpoint throws(MessagingError) in try socket.listen(endpoint) }
        } catch {
            SocketContext.tearDown(workers, socket: socket)
            throw error
        }
        self.socket = socket
        self.workers = workers
    }

    deinit { SocketContext.tearDown(workers, socket: socket) }

    /// Answers requests until ``stopAccepting()`` is called (or the task is cancelled), then finishes the
    /// requests in flight, sends their replies, waits until they are written (up to the send timeout) and
    /// closes the socket.
    /// - Parameters:
    ///   - handler: turns a request into its reply. Called concurrently from up to `maxInFlight` tasks.
    ///   - answerInline: answers, on nng's thread, the requests it can answer quickly without awaiting, or
    ///     later from elsewhere (see ``InlineAnswer``); those it sends ``InlineReply/toTask`` go to `handler`.
    ///   - replyToFailure: the reply sent when `handler` throws, so that the caller gets an answer
    ///     instead of waiting for its deadline.
    public func serve(
        _ handler: @escaping @Sendable ([UInt8]) async throws -> [UInt8],
        answerInline: InlineAnswer? = nil,
        replyToFailure: @escaping @Sendable (any Error) -> [UInt8]
    ) async {
        let sendTimeout = socket.options.sendTimeout
        await withDiscardingTaskGroup { group in
            for worker in workers {
                group.addTask {
                    await worker.serveRequests(
                        handler: handler, answerInline: answerInline, replyToFailure: replyToFailure,
                        sendTimeout: sendTimeout, owed: self.owedReplies,
                        isStopping: { self.isStopping.load(ordering: .acquiring) })
                }
            }
        }
        // A reply counts as sent once libnng took it, not once written, let alone read by its caller:
        // closing now could abort the last ones, or lose those a caller has not read yet.
        await owedReplies.waitUntilDelivered(
            by: socket.handle, listeningAt: Set(endpoints.compactMap(\.ipcPath)), limit: sendTimeout)
        SocketContext.tearDown(workers, socket: socket)
    }

    /// How many replies sent on nng's threads waited behind another reply to the same caller (for tests).
    var queuedReplies: Int { workers.reduce(0) { $0 + ($1.replySend?.queuedCount.load(ordering: .relaxed) ?? 0) } }

    /// Stops taking new requests; requests already received are still handled and answered. Requests
    /// that arrive afterwards wait on the socket and are resent by their REQ peers to another replier.
    public func stopAccepting() {
        isStopping.store(true, ordering: .releasing)
        // A worker registers its receive before reading the flag, so either it sees the flag or this
        // cancel sees the receive. A reply being sent is not aborted: its request was taken in.
        for worker in workers { worker.io.cancelReceive() }
    }

}

extension SocketContext {
    /// Loops on one REP context: receive, handle, reply, until stopped. Each reply and the receives after
    /// it are one turn (``serve(reply:answerInline:sendTimeout:owed:stopIf:)``): a request costs this task at
    /// most one hand-over from nng's threads, and none when answered inline.
    fileprivate func serveRequests(
        handler: @Sendable ([UInt8]) async throws -> [UInt8],
        answerInline: InlineAnswer?,
        replyToFailure: @Sendable (any Error) -> [UInt8],
        sendTimeout: Duration, owed: OwedReplies,
        isStopping: @escaping @Sendable () -> Bool
    ) async {
        var reply: [UInt8]? = nil
        // A reply still to send is sent even when stopping: its request was taken in.
        while reply != nil || !isStopping() {
            let request: [UInt8]
            do {
                request = try await serve(
                    reply: reply, answerInline: answerInline, sendTimeout: sendTimeout, owed: owed, stopIf: isStopping)
            } catch {
                reply = nil
                // A failed send means the caller went away (REQ resends if it still wants the answer);
                // a receive that failed otherwise than by a timeout means stopped, cancelled or closed.
                guard error.step == .send || (error.error as? MessagingError)?.code == .timedOut else { return }
                continue
            }
            do {
                reply = try await handler(request)
            } catch {
                reply = replyToFailure(error)
            }
        }
    }
}
