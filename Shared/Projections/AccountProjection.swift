public import GRDB
public import Models
public import ServiceKit

/// What a service other than health knows of an account: health's record, kept current from
/// health's events, with the latest health band.
public struct ProjectedAccount: Sendable, Hashable {
    public var customerID: String
    public var name: String
    public var segment: Segment
    public var stage: LifecycleStage
    public var plan: String
    /// Monthly recurring revenue in minor units of ``mrrCurrency`` ("" when not set).
    public var mrrMinorUnits: Int64
    public var mrrCurrency: String
    public var signupMs: Int64
    /// When it cancelled, 0 when it has not (or came back since: see ``reactivations``).
    public var cancelledAtMs: Int64
    public var reactivations: Int
    public var referralCode: String
    public var accountManager: String
    /// The latest health band; `.unspecified` before the first score.
    public var band: HealthScoreBand
    public var score: Double
    /// When health changed the record, Unix epoch ms.
    public var updatedAtMs: Int64

    public var isCancelled: Bool { stage == .cancelled }
}

/// The projection of health's accounts every other service keeps, in its own database.
///
/// It lives in the subscribing service's database so that its methods can check "is this a known,
/// active account, in which segment, how healthy" inside their own transaction without a call to
/// health. It is applied from health's events `account.upserted`, `account.cancelled`,
/// `account.reactivated` and `score.changed` in health's order, so it is exactly as current as
/// the subscription's cursor.
public enum AccountProjection {
    /// The table; add it to the service's migrations (its identifier never changes).
    public static let migration = ServiceMigration("account projection 1") { db in
        try db.execute(
            sql: """
                CREATE TABLE account_projection (
                    customer_id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    segment INTEGER NOT NULL,
                    stage INTEGER NOT NULL,
                    plan TEXT NOT NULL,
                    mrr_minor_units INTEGER NOT NULL,
                    mrr_currency TEXT NOT NULL,
                    signup_ms INTEGER NOT NULL,
                    cancelled_at_ms INTEGER NOT NULL,
                    reactivations INTEGER NOT NULL,
                    referral_code TEXT NOT NULL,
                    account_manager TEXT NOT NULL,
                    band INTEGER NOT NULL DEFAULT 0,
                    score REAL NOT NULL DEFAULT 0,
                    updated_at_ms INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX account_projection_referral ON account_projection(referral_code)
                    WHERE referral_code != '';
                """)
    }

    /// A subscription to health that keeps the projection and then hands every health event to
    /// `then` (in the same transaction), for services that react to health's events themselves.
    public static func subscription(
        then: (@Sendable (Event, Database) throws -> Void)? = nil
    ) -> SubscriptionDefinition {
        SubscriptionDefinition(source: "health") { event, db in
            try apply(event, in: db)
            try then?(event, db)
        }
    }

    /// Applies one health event; returns whether it was one the projection keeps.
    @discardableResult
    public static func apply(_ event: Event, in db: Database) throws -> Bool {
        switch event.type {
        case "account.upserted", "account.cancelled", "account.reactivated":
            // A body that does not decode is a publisher bug; retrying would block the subscription
            // forever on it, so it is skipped (the next change of the account carries the whole record).
            guard let account = try? AccountChanged(serializedBytes: event.body).account,
                let id = account.customer?.value
            else { return true }
            // Cached, as every statement here: a projection applies one event after another, and preparing
            // each statement anew cost more than running it.
            try db.cachedStatement(
                sql: """
                    INSERT INTO account_projection (customer_id, name, segment, stage, plan, mrr_minor_units,
                        mrr_currency, signup_ms, cancelled_at_ms, reactivations, referral_code, account_manager,
                        updated_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, segment = excluded.segment,
                        stage = excluded.stage, plan = excluded.plan, mrr_minor_units = excluded.mrr_minor_units,
                        mrr_currency = excluded.mrr_currency, signup_ms = excluded.signup_ms,
                        cancelled_at_ms = excluded.cancelled_at_ms, reactivations = excluded.reactivations,
                        referral_code = excluded.referral_code, account_manager = excluded.account_manager,
                        updated_at_ms = excluded.updated_at_ms
                    """
            ).execute(
                arguments: [
                    id, account.name, account.segment.rawValue, account.stage.rawValue, account.plan,
                    account.mrr?.minorUnits ?? 0, account.mrr?.currency ?? "", account.signupMs,
                    account.stage == .cancelled ? account.cancelledAtMs : 0, Int(account.reactivations),
                    account.referralCode, account.accountManager, account.updatedAtMs,
                ])
            return true
        case "score.changed":
            guard let score = try? ScoreChanged(serializedBytes: event.body).score,
                let id = score.customer?.value
            else { return true }
            try db.cachedStatement(sql: "UPDATE account_projection SET band = ?, score = ? WHERE customer_id = ?")
                .execute(arguments: [score.band.rawValue, score.score, id])
            return true
        default:
            return false
        }
    }

    /// The account, or nil when health has not published it (yet).
    public static func fetch(_ customerID: String, in db: Database) throws -> ProjectedAccount? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM account_projection WHERE customer_id = ?"), arguments: [customerID]
        ).map(account(from:))
    }

    /// The accounts that signed up with `referralCode`, oldest id first.
    public static func fetch(referralCode: String, in db: Database) throws -> [ProjectedAccount] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM account_projection WHERE referral_code = ? ORDER BY customer_id",
            arguments: [referralCode]
        ).map(account(from:))
    }

    /// The known account, or INVALID_ARGUMENT naming `field` when health has not published it.
    public static func require(_ customerID: String, field: String, in db: Database) throws -> ProjectedAccount {
        guard let account = try fetch(customerID, in: db) else {
            throw RPCError.invalidArgument(field, "unknown customer \"\(customerID)\" (no such account in health)")
        }
        return account
    }

    /// How many accounts each segment has; cancelled accounts count only when asked for.
    public static func countsBySegment(includingCancelled: Bool = false, in db: Database) throws -> [Segment: Int] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT segment, COUNT(*) AS n FROM account_projection
                WHERE ? OR stage != ? GROUP BY segment
                """,
            arguments: [includingCancelled, LifecycleStage.cancelled.rawValue])
        var counts: [Segment: Int] = [:]
        for row in rows { counts[Segment(rawValue: row["segment"]), default: 0] += row["n"] }
        return counts
    }

    private static func account(from row: Row) -> ProjectedAccount {
        ProjectedAccount(
            customerID: row["customer_id"], name: row["name"], segment: Segment(rawValue: row["segment"]),
            stage: LifecycleStage(rawValue: row["stage"]), plan: row["plan"], mrrMinorUnits: row["mrr_minor_units"],
            mrrCurrency: row["mrr_currency"], signupMs: row["signup_ms"], cancelledAtMs: row["cancelled_at_ms"],
            reactivations: row["reactivations"], referralCode: row["referral_code"],
            accountManager: row["account_manager"], band: HealthScoreBand(rawValue: row["band"]),
            score: row["score"], updatedAtMs: row["updated_at_ms"])
    }
}
