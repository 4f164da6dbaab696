import Client
import Foundation
import Logging
import Messaging
import Metrics
import ServiceLifecycle

/// The `main` of every executable that runs services: `cx-loyalty` runs one, `cx-suite` all five.
///
/// Reads the configuration (flags > `CX_…` environment > config file > defaults), makes sure auth is
/// on (creating a local admin token on first start when no tokens are configured), binds everything,
/// and runs until SIGTERM or SIGINT. Exit status: 0 after a clean stop, 2 for bad configuration, 1 for
/// a start-up or runtime failure — each with one line on standard error saying why.
public enum ServiceMain {
    public static func run(_ definitions: [ServiceDefinition], program: String) async -> Never {
        let configuration: ServiceConfiguration
        do {
            configuration = try ConfigurationLoader.load(
                arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment,
                defaults: LocalDefaults.configuration())
        } catch {
            fail(program, "\(error)", status: 2)
        }
        LogSetup.bootstrap(level: configuration.logLevel, format: configuration.logFormat)
        PrometheusMetrics.bootstrapOnce()
        let logger = Logger(label: program)
        logger.debug("configuration", metadata: ["effective": "\(configuration.describe())"])
        do {
            let services = try makeRuntimes(definitions, configuration: configuration, logger: logger)
            let probes = try configuration.httpAddress.map { address in
                try HTTPProbeServer(
                    address: address, readiness: { services.allSatisfy(\.isReady) },
                    metrics: { PrometheusMetrics.shared.render() })
            }
            defer { probes?.close() }
            if let probes {
                logger.info(
                    "health and metrics over HTTP",
                    metadata: ["address": "\(probes.address)", "port": "\(probes.boundPort)"])
            }
            let group = ServiceGroup(
                configuration: .init(
                    services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await group.run()
        } catch {
            fail(program, "\(error)", status: 1)
        }
        exit(0)
    }

    static func makeRuntimes(
        _ definitions: [ServiceDefinition], configuration: ServiceConfiguration, logger: Logger
    ) throws -> [ServiceRuntime] {
        let dataDirectory = configuration.dataDirectory
        var tokens = configuration.tokens
        if tokens.isEmpty {
            let admin = try LocalAdminToken.loadOrCreate(in: dataDirectory)
            logger.notice(
                "no tokens configured: using the local admin token",
                metadata: ["file": "\(LocalAdminToken.path(in: dataDirectory))"])
            tokens = [admin]
        }
        let peerToken = (tokens.first { $0.role == .service } ?? tokens.first { $0.role == .admin })?.secret ?? ""
        try FileManager.default.createDirectory(
            atPath: "\(dataDirectory)/run", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var socketOptions = SocketOptions()
        socketOptions.tls = configuration.tls
        let single = definitions.count == 1
        if !single && (!configuration.listen.isEmpty || !configuration.publish.isEmpty) {
            throw RuntimeError(
                "listen and publish name one service's endpoints; the suite places each service's own under \(dataDirectory)/run"
            )
        }
        let durability: Durability = configuration.durability == "power-loss" ? .powerLoss : .processCrash
        return try definitions.map { definition in
            var endpoints = try ServiceEndpoints.local(service: definition.name, dataDirectory: dataDirectory)
            if single && !configuration.listen.isEmpty { endpoints.listen = configuration.listen }
            if single && !configuration.publish.isEmpty { endpoints.publish = configuration.publish }
            var peers: [String: PeerEndpoints] = [:]
            for subscription in definition.subscriptions {
                let local = try ServiceEndpoints.local(service: subscription.source, dataDirectory: dataDirectory)
                peers[subscription.source] =
                    configuration.peers[subscription.source]
                    ?? PeerEndpoints(request: local.listen[0], events: local.publish[0])
            }
            return try ServiceRuntime(
                definition: definition, endpoints: endpoints, dataDirectory: dataDirectory, durability: durability,
                tokens: tokens, peers: peers, peerToken: peerToken, socketOptions: socketOptions, logger: logger)
        }
    }

    private static func fail(_ program: String, _ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("\(program): \(message)\n".utf8))
        exit(status)
    }
}

/// Defaults that need no configuration at all: a per-user data directory.
public enum LocalDefaults {
    /// The per-user data directory (``LocalSuite/dataDirectory(environment:)``); `CX_DATA_DIR` also
    /// reaches the loader as the `data-dir` setting.
    public static var dataDirectory: String { LocalSuite.dataDirectory() }

    static func configuration() -> ServiceConfiguration {
        ServiceConfiguration(dataDirectory: dataDirectory)
    }
}
