import Client
import Foundation
import Messaging
import Models
import Synchronization

/// One fuzz run against running services: checks the catalogue against them, sends the inputs from
/// many lanes at once while watching the processes, and keeps the tally.
struct Campaign: Sendable {
    let targets: Targets
    let factory: InputFactory
    let oracle: Oracle
    let tally = Tally()
    /// How long one input may wait for its reply.
    static let replyTimeout: Duration = .seconds(30)

    /// Each service must list exactly the catalogue's methods, and each method must name the
    /// catalogue's request type when sent an undecodable body.
    /// - Returns: the differences, empty when the catalogue is right.
    func catalogueDifferences() async throws -> [String] {
        var differences: [String] = []
        for service in Catalogue.services {
            let known = Catalogue.methods(of: service)
            let probe = envelope("\(service).NoSuchMethod", body: [])
            let listing = try Response(
                serializedBytes: try await targets.send(probe, to: service, timeout: .seconds(10)))
            let listed = Set(
                listing.message.split(separator: "(methods: ").last.map { $0.dropLast() }?
                    .split(separator: ", ").map(String.init) ?? [])
            let catalogued = Set(known.map(\.fullName))
            for missing in listed.subtracting(catalogued).sorted() {
                differences.append("\(missing) is served but not in Benchmarks/Fuzz/Catalogue.swift")
            }
            for gone in catalogued.subtracting(listed).sorted() {
                differences.append("\(gone) is in the catalogue but \(service) does not serve it")
            }
            for method in known where listed.contains(method.fullName) {
                let reply = try Response(
                    serializedBytes: try await targets.send(
                        envelope(method.fullName, body: [0xFF]), to: service, timeout: .seconds(10)))
                if !reply.message.hasPrefix("request body (\(method.request.protoName))") {
                    differences.append(
                        "\(method.fullName) does not decode \(method.request.protoName): \"\(reply.message)\"")
                }
            }
        }
        return differences
    }

    /// The accounts plausible inputs refer to, created in health and known to every other service
    /// before the first input.
    func createCustomers(nowMs: Int64) async throws {
        for id in Values.customers {
            let account = Account(
                customer: CustomerId(value: id), name: id, segment: .midMarket, signupMs: nowMs - 200 * 86_400_000)
            let _: UpsertAccountResponse = try await targets.clients["health"]!.call(
                "UpsertAccount", UpsertAccountRequest(account: account))
        }
        guard try await targets.waitUntilCaughtUp(limit: .seconds(60)) else {
            throw FuzzError("the services did not learn the fuzz accounts within 60 s")
        }
    }

    /// Sends inputs `range` from `lanes` tasks until they are done, `seconds` have passed or a
    /// service has died.
    func run(_ range: Range<UInt64>, lanes: Int, seconds: Double?) async {
        let progress = Progress(first: range.lowerBound)
        let deadline = seconds.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
        let watcher = Task {
            while !Task.isCancelled && !progress.stop.load(ordering: .relaxed) {
                for service in Catalogue.services where !targets.isRunning(service) {
                    tally.crashed("cx-\(service) died:\n\(targets.crashReport(of: service))")
                    progress.stop.store(true, ordering: .relaxed)
                }
                if let deadline, ContinuousClock.now >= deadline { progress.stop.store(true, ordering: .relaxed) }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        await withDiscardingTaskGroup { group in
            for _ in 0..<lanes {
                group.addTask {
                    while !progress.stop.load(ordering: .relaxed) {
                        let number = progress.next.add(1, ordering: .relaxed).oldValue
                        guard number < range.upperBound else { return }
                        await send(factory.input(number))
                    }
                }
            }
        }
        watcher.cancel()
    }

    /// Sends one input and judges its reply.
    func send(_ input: Input) async {
        let method = oracle.methodName(in: input.frame)
        do {
            let reply = try await targets.send(input.frame, to: input.service, timeout: Self.replyTimeout)
            let (response, problem) = oracle.judge(reply, to: input.frame, service: input.service)
            tally.record(input, response, method: method)
            if let problem { tally.problem(problem, input) }
        } catch {
            tally.record(input, nil, method: method)
            if (error as? MessagingError)?.code == .timedOut {
                tally.timedOut(input)
            } else {
                tally.problem("the request failed: \(error)", input)
            }
        }
    }

    /// Frames beyond the services' receive limit: each must go unanswered (the service drops the
    /// connection that sent it) and leave the service answering everyone else.
    /// - Returns: how many were sent and how many got a reply (which would mean the limit is not enforced).
    func sendOversizedFrames(perService: Int) async throws -> (sent: Int, answered: Int) {
        var options = SocketOptions()
        options.maxMessageBytes = 4 * Targets.frameLimit
        options.requestResendInterval = .seconds(3600)
        var sent = 0
        var answered = 0
        for service in Catalogue.services {
            let endpoint = try Endpoint(
                LocalSuite.requestURL(service: service, dataDirectory: targets.dataDirectory))
            let requester = try Requester(dialing: [endpoint], options: options, maxInFlight: 1)
            defer { requester.close() }
            for index in 0..<perService {
                let excess = [1, 4_096, 1 << 20, 2 * Targets.frameLimit][index % 4]
                let frame = envelope(
                    "\(service).Ping",
                    body: Wire.lengthDelimited(1, [UInt8](repeating: 0x61, count: Targets.frameLimit + excess)))
                sent += 1
                if (try? await requester.request(frame, timeout: .seconds(2))) != nil { answered += 1 }
            }
        }
        return (sent, answered)
    }

    /// A well-formed envelope with the admin token.
    func envelope(_ method: String, body: [UInt8]) -> [UInt8] {
        Envelope(
            method: Array(method.utf8), requestID: Array("fz-probe".utf8), authToken: Array(oracle.tokens.admin.utf8),
            body: body
        )
        .encoded()
    }
}

/// The next input number to send, and whether to stop sending, shared by the lanes and the watcher.
private final class Progress: Sendable {
    let next: Atomic<UInt64>
    let stop = Atomic<Bool>(false)

    init(first: UInt64) { next = Atomic(first) }
}
