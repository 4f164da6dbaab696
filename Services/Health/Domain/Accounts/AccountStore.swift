import GRDB
import Models

/// Reads and writes account rows; the only place that knows the `accounts` table's columns.
enum AccountStore {
    static func fetch(_ customerID: String, in db: Database) throws -> Account? {
        try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE customer_id = ?", arguments: [customerID])
            .map(account(from:))
    }

    static func save(_ account: Account, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO accounts (customer_id, name, segment, plan, mrr_minor_units, mrr_currency, signup_ms,
                    account_manager, referral_code, stage, cancelled_at_ms, cancellation_reason, reactivations,
                    last_seen_ms, updated_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(customer_id) DO UPDATE SET name = excluded.name, segment = excluded.segment,
                    plan = excluded.plan, mrr_minor_units = excluded.mrr_minor_units,
                    mrr_currency = excluded.mrr_currency, signup_ms = excluded.signup_ms,
                    account_manager = excluded.account_manager, referral_code = excluded.referral_code,
                    stage = excluded.stage, cancelled_at_ms = excluded.cancelled_at_ms,
                    cancellation_reason = excluded.cancellation_reason, reactivations = excluded.reactivations,
                    last_seen_ms = excluded.last_seen_ms, updated_at_ms = excluded.updated_at_ms
                """,
            arguments: [
                account.customer?.value ?? "", account.name, account.segment.rawValue, account.plan,
                account.mrr?.minorUnits ?? 0, account.mrr?.currency ?? "", account.signupMs, account.accountManager,
                account.referralCode, account.stage.rawValue, account.cancelledAtMs, account.cancellationReason,
                Int64(account.reactivations), account.lastSeenMs, account.updatedAtMs,
            ])
    }

    static func account(from row: Row) -> Account {
        let currency: String = row["mrr_currency"]
        let minorUnits: Int64 = row["mrr_minor_units"]
        return Account(
            customer: CustomerId(value: row["customer_id"]), name: row["name"],
            segment: Segment(rawValue: row["segment"]), plan: row["plan"],
            mrr: currency.isEmpty && minorUnits == 0 ? nil : Money(minorUnits: minorUnits, currency: currency),
            signupMs: row["signup_ms"], accountManager: row["account_manager"], referralCode: row["referral_code"],
            stage: LifecycleStage(rawValue: row["stage"]), cancelledAtMs: row["cancelled_at_ms"],
            cancellationReason: row["cancellation_reason"], reactivations: UInt32(row["reactivations"] as Int64),
            lastSeenMs: row["last_seen_ms"], updatedAtMs: row["updated_at_ms"])
    }
}
