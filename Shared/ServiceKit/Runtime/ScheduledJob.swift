public import Logging

/// Work a service does on a schedule rather than on a request (inactivity scans, expiry,
/// anniversaries). The runtime runs each job every `interval` while the service is up; a job reads
/// time from `clock` so tests call ``run`` directly with a moved clock instead of waiting.
public struct ScheduledJob: Sendable {
    public var name: String
    public var interval: Duration
    public var run: @Sendable (JobContext) async throws -> Void

    public init(name: String, every interval: Duration, run: @escaping @Sendable (JobContext) async throws -> Void) {
        self.name = name
        self.interval = interval
        self.run = run
    }
}

/// What a scheduled job works with.
public struct JobContext: Sendable {
    public let service: String
    public let database: ServiceDatabase
    public let clock: any ServiceClock
    public let logger: Logger

    public init(service: String, database: ServiceDatabase, clock: any ServiceClock, logger: Logger) {
        self.service = service
        self.database = database
        self.clock = clock
        self.logger = logger
    }
}
