import Logging
import Models

/// The methods every service answers: Ping, Status and ReplayEvents, and Backup and
/// PauseSubscriptions for `cxctl backup`.
enum StandardMethods {
    static func register(on router: Router, runtime: ServiceRuntime, logger: Logger) {
        let service = router.service
        let clock = runtime.clock
        router.read("Ping", role: .reader) { (request: PingRequest, _) in
            guard request.nonce.utf8.count <= 128 else { throw RPCError.invalidArgument("nonce", "at most 128 bytes") }
            return PingResponse(nonce: request.nonce, service: service, nowMs: clock.nowMs)
        }
        router.read("Status", role: .reader) { (_: StatusRequest, _) in
            try await runtime.status()
        }
        let database = runtime.database
        router.read("ReplayEvents", role: .reader) { (request: ReplayEventsRequest, _) in
            let limit = request.limit == 0 ? 500 : min(Int(request.limit), 5000)
            return try await database.read { db in
                let events = try database.eventLog.events(after: request.afterSeq, limit: limit, in: db)
                return ReplayEventsResponse(
                    events: events.map { Event(storedEvent: $0, source: service) },
                    latestSeq: try database.eventLog.latestSeq(in: db))
            }
        }
        BackupMethods.register(
            on: router,
            snapshots: DatabaseSnapshots(service: service, database: database, clock: clock, logger: logger),
            pause: runtime.subscriptionPause)
    }
}
