/// What makes a service a service: its name, its tables, its methods and the events it follows.
/// The runtime does everything else (sockets, auth, storage, events, shutdown) the same for all.
public struct ServiceDefinition: Sendable {
    /// The name in method names, topics and files: "loyalty", "health", …
    public var name: String
    /// The service's own migrations, in order; identifiers never change once released.
    public var migrations: [ServiceMigration]
    /// Other services' events it applies.
    public var subscriptions: [SubscriptionDefinition]
    /// Registers the service's own methods on the router (the standard ones are registered already).
    public var registerMethods: @Sendable (Router) -> Void
    /// Work done on a schedule while the service runs.
    public var jobs: [ScheduledJob]

    public init(
        name: String, migrations: [ServiceMigration] = [], subscriptions: [SubscriptionDefinition] = [],
        jobs: [ScheduledJob] = [], registerMethods: @escaping @Sendable (Router) -> Void = { _ in }
    ) {
        self.name = name
        self.migrations = migrations
        self.subscriptions = subscriptions
        self.jobs = jobs
        self.registerMethods = registerMethods
    }
}

/// The version every executable of this build reports.
public enum AnchorageVersion {
    public static let current = "0.1.0"
}
