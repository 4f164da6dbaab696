internal import CNNG
import Synchronization

/// The requests a replier took in from each pipe (one caller's connection), so that a stopping replier
/// can wait until its replies have really been written, and read, before it closes its socket.
///
/// Why written: libnng 1.5's REP context reports a reply sent as soon as it hands the message to the
/// pipe's own send, before the pipe has written it, and `nng_close` aborts that write: the reply is lost
/// although its request was handled (the last of a burst of replies to one caller, typically;
/// IntegrationTests' SIGTERM test lost 1 of 100 so in 1 of 6 runs under load). libnng has no linger. Over
/// ipc it counts the messages each pipe has written (`tx_msgs`, per-pipe statistics), and on a REP socket
/// every message a pipe writes is a reply to a request taken in from it: when the two counts meet, all
/// is written.
///
/// Why read: a reply written is not yet a reply received. When the caller's REQ socket sends on a
/// connection we closed (its resend timer fires for a request whose reply waits unread in its receive
/// queue), the send fails and libnng closes that connection with every reply still unread in it; the
/// requests then wait for a resend to a replier that is gone. Under load the same SIGTERM test lost 53
/// of 100 so (a resend every second, replies after a 4-second hold: both come at once). So a stopping
/// replier also waits until its ipc connections' peers have read everything sent to them
/// (``unreadBytes(onConnectionsAcceptedAt:)``).
///
/// libnng's tcp, tls and inproc transports count nothing, so their pipes are not waited for (over tcp
/// the kernel's buffers take even a 4 MiB reply whole: the test that loses one over ipc without the
/// wait does not over tcp). A caller whose reply is lost all the same resends the request after REQ's
/// resend interval, and a replier answers it again from its idempotency record.
final class OwedReplies: Sendable {
    private struct State {
        var takenIn: [UInt32: UInt64] = [:]
        /// Pipes are forgotten only when they are gone, checked when the table has grown to this.
        var pruneAt: Int
    }

    private let smallestPruneThreshold: Int
    private let stallLimit: Duration
    private let state: Mutex<State>

    /// - Parameters:
    ///   - pruneThreshold: how many pipes are counted before those gone are looked for (a snapshot of
    ///     libnng's statistics); the threshold then doubles with the pipes still open.
    ///   - stallLimit: how long the pipes still behind may write nothing before a stopping replier gives
    ///     up on them. A pipe writes a small reply in microseconds and 4 MiB in milliseconds, but a
    ///     loaded machine can keep either process off the CPU for a good part of a second; a caller that
    ///     stopped reading (or whose socket is closing) never lets it finish.
    init(pruneThreshold: Int = 1024, stallLimit: Duration = .seconds(1)) {
        smallestPruneThreshold = pruneThreshold
        self.stallLimit = stallLimit
        state = Mutex(State(pruneAt: pruneThreshold))
    }

    /// The pipes counted now (for tests).
    var trackedPipes: Int { state.withLock { $0.takenIn.count } }

    /// Counts a request received on `pipe`. Called on nng's thread, once per request.
    func tookRequest(from pipe: nng_pipe) {
        let needsPruning = state.withLock { state in
            state.takenIn[pipe.id, default: 0] += 1
            return state.takenIn.count >= state.pruneAt
        }
        if needsPruning { forgetClosedPipes() }
    }

    /// Waits until every pipe of `socket` still open whose writes libnng counts (ipc) has written a
    /// message for each request taken in from it, and the peers of the connections accepted at `ipcPaths`
    /// have read all of it. Gives up when the pipes behind wrote nothing and their peers read nothing for
    /// the stall limit (a caller that stopped reading would hold its replies forever), at `limit`, or
    /// when the task is cancelled.
    func waitUntilDelivered(by socket: nng_socket, listeningAt ipcPaths: Set<String>, limit: Duration) async {
        let start = ContinuousClock.now
        var lastProgress = start
        var writtenBehind: UInt64 = 0
        var unreadBefore = 0
        while true {
            let pipes = openPipes(of: socket)
            let (behind, written) = state.withLock { state in
                var behind = 0
                var written: UInt64 = 0
                for (id, pipe) in pipes {
                    guard let messagesWritten = pipe.messagesWritten, messagesWritten < state.takenIn[id, default: 0]
                    else { continue }
                    behind += 1
                    written += messagesWritten
                }
                return (behind, written)
            }
            let unread = unreadBytes(onConnectionsAcceptedAt: ipcPaths)
            let now = ContinuousClock.now
            if written != writtenBehind || unread != unreadBefore {
                (writtenBehind, unreadBefore) = (written, unread)
                lastProgress = now
            }
            let isStalled = now - lastProgress >= stallLimit
            if (behind == 0 && unread == 0) || isStalled || now - start >= limit || Task.isCancelled { return }
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Drops the counts of pipes that are gone (their replies can no longer be written).
    private func forgetClosedPipes() {
        let open = Set(openPipes(of: nil).keys)
        state.withLock { state in
            state.takenIn = state.takenIn.filter { open.contains($0.key) }
            state.pruneAt = max(smallestPruneThreshold, 2 * state.takenIn.count)
        }
    }
}

/// An open pipe as libnng's statistics show it.
private struct OpenPipe {
    /// Messages the pipe has written, when its transport counts them (ipc only, in libnng 1.5).
    var messagesWritten: UInt64?
}

/// The open pipes (by id) of `socket`, or of every socket when nil, from one snapshot of libnng's
/// statistics.
private func openPipes(of socket: nng_socket?) -> [UInt32: OpenPipe] {
    var root: OpaquePointer?
    guard nng_stats_get(&root) == 0, let root else { return [:] }
    defer { nng_stats_free(root) }
    // Whether a pipe's writes are counted depends on its transport, known from its listener's or dialer's URL.
    var countingListeners: Set<UInt64> = []
    var countingDialers: Set<UInt64> = []
    for node in children(of: root) {
        let kind = String(cString: nng_stat_name(node))
        guard kind == "listener" || kind == "dialer", let id = nng_stat_find(node, "id"),
            let url = nng_stat_find(node, "url"), let text = nng_stat_string(url),
            String(cString: text).hasPrefix("ipc://")
        else { continue }
        if kind == "listener" {
            countingListeners.insert(nng_stat_value(id))
        } else {
            countingDialers.insert(nng_stat_value(id))
        }
    }
    let socketID = socket.map { UInt64(nng_socket_id($0)) }
    var pipes: [UInt32: OpenPipe] = [:]
    for node in children(of: root) where String(cString: nng_stat_name(node)) == "pipe" {
        guard let id = nng_stat_find(node, "id"), let owner = nng_stat_find(node, "socket") else { continue }
        if let socketID, nng_stat_value(owner) != socketID { continue }
        let isCounted =
            nng_stat_find(node, "listener").map { countingListeners.contains(nng_stat_value($0)) }
            ?? nng_stat_find(node, "dialer").map { countingDialers.contains(nng_stat_value($0)) } ?? false
        let written = isCounted ? nng_stat_find(node, "tx_msgs").map(nng_stat_value) : nil
        pipes[UInt32(truncatingIfNeeded: nng_stat_value(id))] = OpenPipe(messagesWritten: written)
    }
    return pipes
}

private func children(of scope: OpaquePointer) -> UnfoldSequence<OpaquePointer, OpaquePointer?> {
    sequence(state: nng_stat_child(scope)) { next in
        defer { next = next.flatMap(nng_stat_next) }
        return next
    }
}
