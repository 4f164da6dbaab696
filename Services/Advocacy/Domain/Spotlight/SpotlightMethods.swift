import GRDB
import Models
public import ServiceKit

/// advocacy.PickSpotlight and GetSpotlight: the customer spotlight of the newsletter, once per
/// month: the active advocates with the most approved points from contributions made in the month,
/// leaving out whoever was featured in the program's cooldown months before, each with the reason.
public enum SpotlightMethods {
    static func register(on router: Router) {
        router.write(
            "PickSpotlight",
            validate: { (request: PickSpotlightRequest, context) in
                let month = try range(request.month)
                guard month.endMs <= context.nowMs else {
                    throw RPCError.invalidArgument("month", "\(request.month) has not ended yet")
                }
            }
        ) { request, write in
            try fetch(request.month, in: write.db) ?? pick(request.month, nowMs: write.nowMs, in: write.db)
        }

        router.read("GetSpotlight", role: .reader) { (request: GetSpotlightRequest, _) in
            _ = try range(request.month)
            return try await router.database.read { db in
                try fetch(request.month, in: db) ?? Spotlight(month: request.month)
            }
        }
    }

    private static func range(_ month: String) throws -> (startMs: Int64, endMs: Int64) {
        guard let range = Months.range(month) else { throw RPCError.invalidArgument("month", "must be YYYY-MM") }
        return range
    }

    /// The job that picks last month's spotlight on its own once the month is over, so the
    /// newsletter has its picks even when nobody asked (PickSpotlight then returns them).
    public static var job: ScheduledJob {
        ScheduledJob(name: "monthly spotlight", every: .seconds(3600)) { context in
            let nowMs = context.clock.nowMs
            let lastMonth = Months.key(1, before: Months.key(nowMs))
            _ = try await context.database.write { db in
                if try fetch(lastMonth, in: db) == nil { _ = try pick(lastMonth, nowMs: nowMs, in: db) }
            }
        }
    }

    /// Picks and stores the month's spotlight, and emits `spotlight.picked`.
    static func pick(_ month: String, nowMs: Int64, in db: Database) throws -> Spotlight {
        let program = try ProgramStore.current(in: db)
        let (startMs, endMs) = Months.range(month)!
        let cooldownStart = Months.key(Int(program.spotlightCooldownMonths), before: month)
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.customer_id, SUM(c.points) AS points,
                    (SELECT MAX(month) FROM spotlight_picks p WHERE p.customer_id = c.customer_id) AS last_featured
                FROM contributions c JOIN advocates a ON a.customer_id = c.customer_id
                WHERE a.status = ? AND c.state = ? AND c.occurred_at_ms >= ? AND c.occurred_at_ms < ?
                    AND NOT EXISTS (SELECT 1 FROM spotlight_picks p WHERE p.customer_id = c.customer_id
                        AND p.month >= ? AND p.month < ?)
                GROUP BY c.customer_id ORDER BY points DESC, c.customer_id LIMIT ?
                """,
            arguments: [
                AdvocateStatus.active.rawValue, ContributionState.approved.rawValue, startMs, endMs, cooldownStart,
                month, Int(program.spotlightSize),
            ])
        var picks: [SpotlightPick] = []
        for row in rows {
            let id: String = row["customer_id"]
            let points: Int64 = row["points"]
            let lastFeatured: String? = row["last_featured"]
            let reason =
                "\(points) points in \(month) from \(try channels(of: id, from: startMs, until: endMs, in: db)); "
                + (lastFeatured.map { "last featured \($0)" } ?? "never featured")
            try db.execute(
                sql: "INSERT INTO spotlight_picks (month, rank, customer_id, points, reason) VALUES (?, ?, ?, ?, ?)",
                arguments: [month, picks.count, id, points, reason])
            picks.append(SpotlightPick(advocate: CustomerId(value: id), points: points, reason: reason))
        }
        try db.execute(
            sql: "INSERT INTO spotlight_months (month, picked_at_ms) VALUES (?, ?)", arguments: [month, nowMs])
        let spotlight = Spotlight(month: month, picks: picks, pickedAtMs: nowMs)
        try EventLog().append("spotlight.picked", occurredAtMs: nowMs, spotlight, in: db)
        return spotlight
    }

    /// "2 referral, 1 case-study": the approved contributions of the month by channel.
    private static func channels(of id: String, from startMs: Int64, until endMs: Int64, in db: Database) throws
        -> String
    {
        try Row.fetchAll(
            db,
            sql: """
                SELECT channel, COUNT(*) AS n FROM contributions
                WHERE customer_id = ? AND state = ? AND occurred_at_ms >= ? AND occurred_at_ms < ?
                GROUP BY channel ORDER BY n DESC, channel
                """,
            arguments: [id, ContributionState.approved.rawValue, startMs, endMs]
        ).map { "\($0["n"] as Int) \(ContributionChannel(rawValue: $0["channel"]).displayName)" }
            .joined(separator: ", ")
    }

    static func fetch(_ month: String, in db: Database) throws -> Spotlight? {
        guard
            let pickedAt = try Int64.fetchOne(
                db, sql: "SELECT picked_at_ms FROM spotlight_months WHERE month = ?", arguments: [month])
        else { return nil }
        let picks = try Row.fetchAll(
            db, sql: "SELECT * FROM spotlight_picks WHERE month = ? ORDER BY rank", arguments: [month]
        ).map {
            SpotlightPick(advocate: CustomerId(value: $0["customer_id"]), points: $0["points"], reason: $0["reason"])
        }
        return Spotlight(month: month, picks: picks, pickedAtMs: pickedAt)
    }
}
