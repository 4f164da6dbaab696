import Client
import Foundation
public import Logging
public import Messaging
import Models
public import ServiceLifecycle
import Synchronization

/// One running service: its database, router, sockets, event publisher and subscriptions, run as a
/// `Service` of a `ServiceGroup`. On graceful shutdown (SIGTERM, SIGINT) it stops accepting
/// requests, answers those in flight, publishes what was committed last, and closes everything in
/// order: sockets after their operations, the database last.
public final class ServiceRuntime: Service, Sendable {
    public let definition: ServiceDefinition
    public let endpoints: ServiceEndpoints
    public let clock: any ServiceClock
    let database: ServiceDatabase
    private let router: Router
    private let replier: Replier
    private let publisher: Publisher
    private let eventPublisher: EventPublisher
    private let subscriptions: [SubscriptionRunner]
    /// Held by PauseSubscriptions while a backup copies the suite's databases.
    let subscriptionPause: SubscriptionPause
    private let logger: Logger
    private let startedAtMs: Int64
    private let ready = Atomic<Bool>(false)

    /// Opens the database and binds the sockets, so that every start-up error (unwritable data
    /// directory, address in use, bad certificate) is thrown here, before anything runs.
    /// - Parameters:
    ///   - peers: where the services it subscribes to answer and publish.
    ///   - peerToken: the token it presents to them for replays.
    public init(
        definition: ServiceDefinition, endpoints: ServiceEndpoints, dataDirectory: String, durability: Durability,
        tokens: [AccessToken], peers: [String: PeerEndpoints], peerToken: String, socketOptions: SocketOptions,
        clock: any ServiceClock = SystemClock(), logger: Logger
    ) throws {
        var logger = logger
        logger[metadataKey: "service"] = "\(definition.name)"
        self.logger = logger
        self.definition = definition
        self.clock = clock
        self.startedAtMs = clock.nowMs
        let database = try ServiceDatabase(
            path: LocalSuite.databasePath(service: definition.name, dataDirectory: dataDirectory),
            durability: durability,
            migrations: definition.migrations)
        self.database = database
        router = Router(
            service: definition.name, authenticator: TokenAuthenticator(tokens: tokens), database: database,
            clock: clock, logger: logger)
        replier = try Replier(listening: endpoints.listen, options: socketOptions, maxInFlight: 128)
        publisher = try Publisher(listening: endpoints.publish, options: socketOptions)
        self.endpoints = ServiceEndpoints(listen: replier.endpoints, publish: publisher.endpoints)
        eventPublisher = EventPublisher(
            source: definition.name, publisher: publisher, database: database, clock: clock, logger: logger)
        let subscriptionPause = SubscriptionPause()
        self.subscriptionPause = subscriptionPause
        subscriptions = try definition.subscriptions.map { subscription in
            guard let peer = peers[subscription.source] else {
                throw RuntimeError(
                    "\(definition.name) follows \(subscription.source)'s events: set peer.\(subscription.source).request and peer.\(subscription.source).events"
                )
            }
            return try SubscriptionRunner(
                definition: subscription, peer: peer, token: peerToken, database: database, clock: clock,
                tls: socketOptions.tls, pause: subscriptionPause, logger: logger)
        }
        StandardMethods.register(on: router, runtime: self, logger: logger)
        definition.registerMethods(router)
    }

    /// Whether it is answering requests (for `/readyz`).
    public var isReady: Bool { ready.load(ordering: .relaxed) }

    public func run() async throws {
        logger.info(
            "started",
            metadata: [
                "listen": "\(endpoints.listen.map(\.url))", "publish": "\(endpoints.publish.map(\.url))",
                "methods": "\(router.methods.count)",
            ])
        let publishing = Task { await eventPublisher.run() }
        await withTaskGroup(of: Void.self) { group in
            for subscription in subscriptions { group.addTask { await subscription.run() } }
            let context = JobContext(service: definition.name, database: database, clock: clock, logger: logger)
            for job in definition.jobs { group.addTask { await Self.repeatedly(job, context) } }
            ready.store(true, ordering: .relaxed)
            let replier = self.replier
            let router = self.router
            await withGracefulShutdownHandler {
                await replier.serve(
                    { await router.handle($0) }, answerInline: { router.answerInline($0, late: $1) },
                    replyToFailure: Self.internalFailure)
            } onGracefulShutdown: {
                replier.stopAccepting()
            }
            ready.store(false, ordering: .relaxed)
            group.cancelAll()
        }
        eventPublisher.finish()
        await publishing.value
        publisher.close()
        try await database.close()
        // The handlers hold the router and this runtime (the standard methods): let them all go.
        router.removeAllMethods()
        logger.info("stopped", metadata: ["requests": "\(router.requestsServed)"])
    }

    /// Runs `job` every interval until cancelled; a failure is logged and the job runs again next time.
    private static func repeatedly(_ job: ScheduledJob, _ context: JobContext) async {
        while !Task.isCancelled {
            do {
                try await job.run(context)
            } catch {
                context.logger.error("scheduled job failed", metadata: ["job": "\(job.name)", "error": "\(error)"])
            }
            try? await Task.sleep(for: job.interval)
        }
    }

    func status() async throws -> StatusResponse {
        let latest = try await database.read { try self.database.eventLog.latestSeq(in: $0) }
        let now = clock.nowMs
        return StatusResponse(
            service: definition.name, version: AnchorageVersion.current, startedAtMs: startedAtMs,
            uptimeMs: now - startedAtMs, latestSeq: latest,
            subscriptions: subscriptions.map(\.status).sorted { $0.source < $1.source },
            databaseBytes: UInt64(max(0, database.fileSizeBytes)), requestsServed: router.requestsServed,
            listen: endpoints.listen.map(\.url), publish: endpoints.publish.map(\.url))
    }

    @Sendable private static func internalFailure(_ error: any Error) -> [UInt8] {
        Response(code: .internal, message: "internal error: \(error)").serializedBytes()
    }
}

/// Where a service answers requests and publishes events.
public struct ServiceEndpoints: Sendable, Hashable {
    public var listen: [Endpoint]
    public var publish: [Endpoint]

    public init(listen: [Endpoint], publish: [Endpoint]) {
        self.listen = listen
        self.publish = publish
    }

    /// The local default: ipc sockets under `<dataDirectory>/run/`, which `cxctl` finds from the
    /// same data directory without any configuration.
    public static func local(service: String, dataDirectory: String) throws -> ServiceEndpoints {
        ServiceEndpoints(
            listen: [try Endpoint(LocalSuite.requestURL(service: service, dataDirectory: dataDirectory))],
            publish: [try Endpoint(LocalSuite.eventsURL(service: service, dataDirectory: dataDirectory))])
    }
}

/// A start-up failure in words an operator acts on.
public struct RuntimeError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
