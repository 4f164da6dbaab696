import Foundation
@testable import Messaging
import Synchronization
import TestKit
import Testing

@Suite("Request/reply")
struct RequestReplyTests {
    @Test("a request round-trips", arguments: [Endpoint.Transport.inproc, .ipc, .tcp])
    func roundTrip(transport: Endpoint.Transport) async throws {
        try await withConnectedPair(transport, handler: { Array("echo:".utf8) + $0 }) { requester, _ in
            let reply = try await requester.request(Array("hello ☕️".utf8), timeout: .seconds(5))
            #expect(String(decoding: reply, as: UTF8.self) == "echo:hello ☕️")
            let empty = try await requester.request([], timeout: .seconds(5))
            #expect(empty == Array("echo:".utf8))
        }
    }

    @Test("1,000 concurrent requests are each answered with their own reply")
    func concurrentRequestsMatchTheirCallers() async throws {
        try await withConnectedPair(.tcp, maxInFlight: 64) { requester, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        let payload = Array("request-\(index)".utf8)
                        let reply = try await requester.request(payload, timeout: .seconds(30))
                        #expect(reply == payload)
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test(
        "requests answered inline, late and by the handler each reach their own caller", arguments: [1, 64])
    func inlineLateAndTaskAnswersMatchTheirCallers(maxInFlight: Int) async throws {
        let handled = Atomic<Int>(0)
        let byTask: @Sendable ([UInt8]) async throws -> [UInt8] = { request in
            handled.add(1, ordering: .relaxed)
            try await Task.sleep(for: .microseconds(Int.random(in: 0...200)))
            return Array("task:".utf8) + request
        }
        // By the request's last byte: answered on nng's thread, late from another thread (some before the
        // answer returns, most after a while), or by the handler's task.
        let inline: InlineAnswer = { request, late in
            switch request.last! % 3 {
            case 0: return .now(Array("inline:".utf8) + request)
            case 1:
                let reply = Array("late:".utf8) + request
                if request.last! % 2 == 0 {
                    late.send(reply)
                } else {
                    DispatchQueue.global().asyncAfter(deadline: .now() + .microseconds(Int.random(in: 0...300))) {
                        late.send(reply)
                    }
                }
                return .later
            default: return .toTask
            }
        }
        try await withConnectedPair(.ipc, maxInFlight: maxInFlight, handler: byTask, answerInline: inline) {
            requester, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<1200 {
                    group.addTask {
                        let last = UInt8(index % 240)
                        let payload = Array("request-\(index)".utf8) + [last]
                        let reply = try await requester.request(payload, timeout: .seconds(30))
                        let by = ["inline:", "late:", "task:"][Int(last % 3)]
                        #expect(reply == Array(by.utf8) + payload)
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(handled.load(ordering: .relaxed) == 400)
    }

    @Test("replies answered on nng's thread while the caller's connection is busy wait their turn and all arrive")
    func inlineRepliesQueuedBehindOthersArrive() async throws {
        let inline: InlineAnswer = { request, _ in .now(Array("inline:".utf8) + request) }
        try await withConnectedPair(.ipc, maxInFlight: 64, answerInline: inline) { requester, replier in
            // One connection, 64 requests on it at once: the replies are written one after another, so
            // most find it busy with the one before and are queued on their context.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<64 {
                    group.addTask {
                        for index in 0..<50 {
                            let payload = Array("request-\(worker)-\(index)".utf8)
                            let reply = try await requester.request(payload, timeout: .seconds(30))
                            #expect(reply == Array("inline:".utf8) + payload)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(replier.queuedReplies > 0, "no reply was queued: the busy-connection path went untested")
        }
    }

    @Test("a handler that throws gives the caller the failure reply, not a hang")
    func throwingHandlerAnswers() async throws {
        struct Refused: Error, CustomStringConvertible { var description: String { "refused" } }
        try await withConnectedPair(.inproc, handler: { _ in throw Refused() }) { requester, _ in
            let reply = try await requester.request([1, 2, 3], timeout: .seconds(5))
            #expect(String(decoding: reply, as: UTF8.self) == "failed: refused")
        }
    }

    @Test("a requester made before its peer listens works once the peer is up")
    func dialBeforeListen() async throws {
        let endpoint = TestEndpoints.fresh(.ipc)
        let requester = try Requester(dialing: [endpoint])
        defer { requester.close() }
        try await Task.sleep(for: .milliseconds(50))
        let replier = try Replier(listening: [endpoint])
        let serving = Task { await replier.serve({ $0 }, replyToFailure: failureReply) }
        defer { replier.stopAccepting(); serving.cancel() }
        #expect(try await requester.request([42], timeout: .seconds(10)) == [42])
    }

    @Test("a request made while no peer is connected waits for one, and a later one goes out at once")
    func requestBeforeAnyPeer() async throws {
        // The first request finds no connection ready, so its send waits for one (the callback path);
        // the second finds the connection and is sent inside the call (ImmediateSend).
        let endpoint = TestEndpoints.fresh(.ipc)
        let requester = try Requester(dialing: [endpoint])
        defer { requester.close() }
        let early = Task { try await requester.request([7], timeout: .seconds(10)) }
        try await Task.sleep(for: .milliseconds(100))
        let replier = try Replier(listening: [endpoint])
        let serving = Task { await replier.serve({ $0 }, replyToFailure: failureReply) }
        defer { replier.stopAccepting(); serving.cancel() }
        #expect(try await early.value == [7])
        #expect(try await requester.request([8], timeout: .seconds(10)) == [8])
    }

    @Test("a deadline that passes fails promptly with timedOut and leaks no context")
    func deadlineExceeded() async throws {
        let slow: @Sendable ([UInt8]) async throws -> [UInt8] = { request in
            if request == [0] { try await Task.sleep(for: .seconds(60)) }
            return request
        }
        try await withConnectedPair(.tcp, maxInFlight: 2, handler: slow) { requester, _ in
            for _ in 0..<10 {
                let elapsed = await measure {
                    let error = await #expect(throws: MessagingError.self) {
                        try await requester.request([0], timeout: .milliseconds(100))
                    }
                    #expect(error?.code == .timedOut)
                }
                #expect(elapsed < .seconds(10), "far below the handler's 60 s, whatever else the machine runs")
            }
            // Both contexts came back: two fast requests at once still go through.
            async let first = requester.request([1], timeout: .seconds(5))
            async let second = requester.request([2], timeout: .seconds(5))
            let replies = try await [first, second]
            #expect(replies == [[1], [2]])
        }
    }

    @Test("a call waiting for a free context gives up at its own deadline, not when a context comes back")
    func deadlineCoversTheWaitForAContext() async throws {
        let slow: @Sendable ([UInt8]) async throws -> [UInt8] = { request in
            if request == [0] { try await Task.sleep(for: .seconds(60)) }
            return request
        }
        try await withConnectedPair(.tcp, maxInFlight: 1, handler: slow) { requester, _ in
            // The only context, held for up to 60 s: as by a call to a peer the network cut off.
            let holder = Task { try await requester.request([0], timeout: .seconds(60)) }
            try await Task.sleep(for: .milliseconds(20))
            let elapsed = await measure {
                let error = await #expect(throws: MessagingError.self) {
                    try await requester.request([1], timeout: .milliseconds(100))
                }
                #expect(error?.code == .timedOut)
            }
            #expect(elapsed < .seconds(10), "far below the holder's 60 s, whatever else the machine runs")
            holder.cancel()
            _ = await holder.result
            // The waiter that gave up took nothing with it: the context serves the next call.
            let reply = try await requester.request([2], timeout: .seconds(5))
            #expect(reply == [2])
        }
    }

    @Test("cancelling the calling task fails promptly with cancelled and leaks no context")
    func cancellationReturnsPromptly() async throws {
        let never: @Sendable ([UInt8]) async throws -> [UInt8] = { request in
            if request == [0] { try await Task.sleep(for: .seconds(60)) }
            return request
        }
        try await withConnectedPair(.ipc, maxInFlight: 1, handler: never) { requester, _ in
            for _ in 0..<5 {
                let call = Task { try await requester.request([0], timeout: .seconds(60)) }
                try await Task.sleep(for: .milliseconds(20))
                let elapsed = await measure {
                    call.cancel()
                    let result = await call.result
                    #expect(throws: MessagingError.self) { try result.get() }
                }
                #expect(elapsed < .seconds(10), "far below the handler's 60 s, whatever else the machine runs")
            }
            let reply = try await requester.request([7], timeout: .seconds(5))
            #expect(reply == [7])
        }
    }

    @Test("a request over the requester's cap is refused before it is sent")
    func oversizedRequestIsRefusedLocally() async throws {
        var small = SocketOptions()
        small.maxMessageBytes = 1024
        try await withConnectedPair(.inproc, requesterOptions: small) { requester, _ in
            let error = await #expect(throws: MessagingError.self) {
                try await requester.request([UInt8](repeating: 1, count: 1025), timeout: .seconds(1))
            }
            #expect(error?.code == .messageTooLarge)
            let reply = try await requester.request([UInt8](repeating: 1, count: 1000), timeout: .seconds(5))
            #expect(reply.count == 1000)
        }
    }

    @Test("a request over the replier's cap never reaches the handler, and the replier keeps serving")
    func oversizedRequestIsDroppedByTheReplier() async throws {
        var small = SocketOptions()
        small.maxMessageBytes = 4096
        let handled = Atomic<Int>(0)
        let counting: @Sendable ([UInt8]) async throws -> [UInt8] = { request in
            handled.add(1, ordering: .relaxed)
            return request
        }
        try await withConnectedPair(.tcp, replierOptions: small, handler: counting) { oversized, replier in
            let error = await #expect(throws: MessagingError.self) {
                try await oversized.request([UInt8](repeating: 7, count: 100_000), timeout: .milliseconds(500))
            }
            #expect(error?.code == .timedOut)
            #expect(handled.load(ordering: .relaxed) == 0)
            // The replier dropped that connection; a well-behaved peer is still served.
            let requester = try Requester(dialing: replier.endpoints)
            defer { requester.close() }
            let reply = try await requester.request([1, 2], timeout: .seconds(10))
            #expect(reply == [1, 2])
        }
    }

    @Test("stopping a replier answers the requests already in flight")
    func stopAcceptingFinishesInFlight() async throws {
        let received = Atomic<Int>(0)
        let replier = try Replier(listening: [TestEndpoints.fresh(.ipc)])
        let serving = Task {
            await replier.serve(
                { request in
                    received.add(1, ordering: .relaxed)
                    try await Task.sleep(for: .milliseconds(300))
                    return request
                }, replyToFailure: failureReply)
        }
        let requester = try Requester(dialing: replier.endpoints)
        defer { requester.close() }
        let calls = (0..<20).map { index in
            Task { try await requester.request([UInt8(index)], timeout: .seconds(10)) }
        }
        while received.load(ordering: .relaxed) < 20 { try await Task.sleep(for: .milliseconds(5)) }
        replier.stopAccepting()
        for (index, call) in calls.enumerated() {
            let reply = try await call.value
            #expect(reply == [UInt8(index)])
        }
        await serving.value
    }

    @Test("stopping a replier while its replies queue for one caller still delivers every reply")
    func stopAcceptingSparesRepliesBeingSent() async throws {
        let count = 100
        let entered = Atomic<Int>(0)
        let answered = Atomic<Int>(0)
        let replier = try Replier(listening: [TestEndpoints.fresh(.ipc)], maxInFlight: count)
        let serving = Task {
            await replier.serve(
                { request in
                    // All requests are taken in, then answered at once: their replies queue for the one
                    // caller's pipe, and the stop comes while half of them are on their way.
                    entered.add(1, ordering: .relaxed)
                    while entered.load(ordering: .relaxed) < count { try await Task.sleep(for: .milliseconds(1)) }
                    if answered.add(1, ordering: .relaxed).newValue == count / 2 { replier.stopAccepting() }
                    return request
                }, replyToFailure: failureReply)
        }
        let requester = try Requester(dialing: replier.endpoints, maxInFlight: count)
        defer { requester.close() }
        let calls = (0..<count).map { index in
            Task { try await requester.request([UInt8(index)], timeout: .seconds(10)) }
        }
        var replies: [[UInt8]] = []
        for call in calls { replies.append(try await call.value) }
        #expect(replies == (0..<count).map { [UInt8($0)] })
        await serving.value
    }

    @Test(
        "a stopped replier closes its socket only after its last replies are written",
        arguments: [Endpoint.Transport.ipc, .tcp])
    func stopWaitsUntilRepliesAreWritten(transport: Endpoint.Transport) async throws {
        // libnng reports a REP reply sent when the pipe takes it, before it is written; a reply of
        // megabytes is still being written (the caller reads it in pieces) when the replier stops.
        // Over ipc the replier waits until libnng counts it written; over tcp the kernel takes it whole.
        let count = 4
        let reply = [UInt8](repeating: 7, count: (4 << 20) - 4096)
        let replier = try Replier(listening: [TestEndpoints.fresh(transport)], maxInFlight: count)
        let serving = Task {
            await replier.serve(stoppingOnceAllAreIn(count, replier) { _ in reply }, replyToFailure: failureReply)
        }
        let requester = try Requester(dialing: replier.endpoints, maxInFlight: count)
        defer { requester.close() }
        let calls = (0..<count).map { index in
            Task { try await requester.request([UInt8(index)], timeout: .seconds(10)) }
        }
        var received = 0
        for call in calls where (try? await call.value) == reply { received += 1 }
        #expect(received == count)
        await serving.value
    }

    @Test("a stopped replier closes its socket only after its caller has read its replies")
    func stopWaitsUntilRepliesAreRead() async throws {
        // A REQ socket that sends on a connection the replier closed (a resend, say) loses that connection
        // and every reply still unread in it. So the replier keeps the connection open until they are read.
        let count = 50
        let replier = try Replier(
            listening: [TestEndpoints.fresh(.ipc)], options: SocketOptions(), maxInFlight: count,
            owedReplies: OwedReplies(stallLimit: .seconds(30)))
        let serving = Task {
            await replier.serve(stoppingOnceAllAreIn(count, replier) { $0 }, replyToFailure: failureReply)
        }
        let hasStopped = Atomic<Bool>(false)
        let stopped = Task {
            await serving.value
            hasStopped.store(true, ordering: .releasing)
        }
        let caller = try RawIPCConnection(to: replier.endpoints[0])
        defer { caller.close() }
        caller.sendHeader(protocolNumber: RawIPCConnection.req0)
        for index in 0..<count { caller.sendRequest(id: UInt32(index), [UInt8(index)]) }
        // The replies are written (the SP header, then 14 bytes each) and wait unread.
        let written = 8 + 14 * count
        let deadline = ContinuousClock.now + .seconds(10)
        while caller.unreadBytes < written && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(caller.unreadBytes == written)
        try await Task.sleep(for: .milliseconds(300))
        let stoppedUnread = hasStopped.load(ordering: .acquiring)
        #expect(!stoppedUnread, "the replier closed with replies its caller had not read")

        #expect(try caller.receiveHeader() == 0x31)  // rep0
        var replies: [[UInt8]] = []
        for _ in 0..<count { replies.append(try caller.receiveMessage()) }
        let reading = ContinuousClock.now
        await stopped.value
        #expect(ContinuousClock.now - reading < .seconds(4), "kept waiting after its replies were read")
        let expected = (0..<count).map { [0x80, 0, 0, UInt8($0), UInt8($0)] }
        #expect(replies.sorted { $0.lexicographicallyPrecedes($1) } == expected)
    }

    @Test("a replier forgets the callers that hung up, and waits for no reply of theirs when it stops")
    func owedRepliesForgetClosedPipes() async throws {
        let owed = OwedReplies(pruneThreshold: 4)
        let replier = try Replier(
            listening: [TestEndpoints.fresh(.ipc)], options: SocketOptions(), maxInFlight: 8, owedReplies: owed)
        let serving = Task { await replier.serve({ $0 }, replyToFailure: failureReply) }
        for index in 0..<12 {
            let requester = try Requester(dialing: replier.endpoints)
            #expect(try await requester.request([UInt8(index)], timeout: .seconds(10)) == [UInt8(index)])
            requester.close()
        }
        // Twelve callers came and went: pruned when the table reached four, it holds the few since.
        #expect(owed.trackedPipes < 12)
        #expect(owed.trackedPipes > 0)
        replier.stopAccepting()
        let stopping = ContinuousClock.now
        await serving.value
        #expect(ContinuousClock.now - stopping < .seconds(4), "waited for replies to callers long gone")
    }

    @Test("stopping a replier still sends the replies it owes late, and waits for them")
    func stopAcceptingSendsLateReplies() async throws {
        let owed = Mutex<[LateReply]>([])
        let replier = try Replier(listening: [TestEndpoints.fresh(.ipc)])
        let serving = Task {
            await replier.serve(
                { _ in Array("not by the task".utf8) },
                answerInline: { _, late in
                    owed.withLock { $0.append(late) }
                    return .later
                }, replyToFailure: failureReply)
        }
        let requester = try Requester(dialing: replier.endpoints)
        defer { requester.close() }
        let calls = (0..<20).map { index in
            Task { try await requester.request([UInt8(index)], timeout: .seconds(10)) }
        }
        while owed.withLock({ $0.count }) < 20 { try await Task.sleep(for: .milliseconds(5)) }
        replier.stopAccepting()
        let hasStopped = Atomic<Bool>(false)
        let stopped = Task {
            await serving.value
            hasStopped.store(true, ordering: .releasing)
        }
        try await Task.sleep(for: .milliseconds(200))
        let stoppedEarly = hasStopped.load(ordering: .acquiring)
        #expect(!stoppedEarly, "the replier stopped with replies still owed")
        // The late replies come after the stop, each to whichever caller it was owed to.
        for (index, late) in owed.withLock({ $0 }).enumerated() { late.send([UInt8(100 + index)]) }
        var replies: Set<[UInt8]> = []
        for call in calls { replies.insert(try await call.value) }
        #expect(replies == Set((0..<20).map { [UInt8(100 + $0)] }))
        await stopped.value
    }

    @Test("closing a busy pair 200 times never hangs")
    func closingWithRequestsInFlight() async throws {
        try await withWatchdog("close with requests in flight", limit: .seconds(120)) {
            for round in 0..<200 {
                let transport: Endpoint.Transport = [.inproc, .ipc, .tcp][round % 3]
                // Its callers close at once, and libnng keeps their pipes open a while without reading:
                // the replier would wait its whole stall limit for replies nobody takes.
                let replier = try Replier(
                    listening: [TestEndpoints.fresh(transport)], options: SocketOptions(), maxInFlight: 4,
                    owedReplies: OwedReplies(stallLimit: .milliseconds(20)))
                let serving = Task {
                    await replier.serve(
                        { request in
                            try await Task.sleep(for: .milliseconds(Int.random(in: 0...5)))
                            return request
                        },
                        answerInline: { request, late in
                            switch request {
                            case [2]: return .now(request)
                            case [3]:
                                DispatchQueue.global().asyncAfter(
                                    deadline: .now() + .microseconds(Int.random(in: 0...3000))
                                ) {
                                    late.send(request)
                                }
                                return .later
                            default: return .toTask
                            }
                        }, replyToFailure: failureReply)
                }
                let requester = try Requester(dialing: replier.endpoints, maxInFlight: 8)
                // A third of the requests are answered inline on nng's threads, a third late from another
                // thread, a third by the handler's tasks.
                let calls = (0..<18).map { index in
                    Task { try? await requester.request([UInt8(1 + index % 3)], timeout: .seconds(5)) }
                }
                try await Task.sleep(for: .microseconds(Int.random(in: 0...2000)))
                close(requester, replier, requesterFirst: round.isMultiple(of: 2))
                for call in calls { _ = await call.value }
                await serving.value
            }
        }
    }

    @Test("an endpoint with a bad URL is refused with the reason")
    func badEndpointsAreRefused() throws {
        for (url, reason) in [
            ("localhost:7001", "expected <transport>://"), ("http://x:1", "unknown transport \"http\""),
            ("tcp://127.0.0.1", "expected host:port"), ("tcp://127.0.0.1:99999", "expected host:port"),
            ("ipc://", "empty"),
        ] {
            let error = #expect(throws: MessagingError.self) { try Endpoint(url) }
            #expect(error?.code == .invalidAddress)
            #expect(error?.description.contains(reason) == true, "\(url): \(error?.description ?? "")")
        }
    }

    @Test("listening on an address in use fails with addressInUse")
    func addressInUse() throws {
        let first = try Replier(listening: [TestEndpoints.fresh(.tcp)])
        let error = #expect(throws: MessagingError.self) { try Replier(listening: first.endpoints) }
        #expect(error?.code == .addressInUse)
    }
}

/// A handler that stops `replier` when the `count`-th request comes in and answers none before then, so
/// that all `count` replies are sent at once, just after the stop.
private func stoppingOnceAllAreIn(
    _ count: Int, _ replier: Replier, answer: @escaping @Sendable ([UInt8]) -> [UInt8]
) -> @Sendable ([UInt8]) async throws -> [UInt8] {
    let entered = Atomic<Int>(0)
    return { request in
        if entered.add(1, ordering: .relaxed).newValue == count { replier.stopAccepting() }
        while entered.load(ordering: .relaxed) < count { try await Task.sleep(for: .milliseconds(1)) }
        return answer(request)
    }
}
