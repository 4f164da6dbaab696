import GRDB
import ServiceKit
import Models

/// Reads and writes account rows; the only place that knows the `accounts` table's columns.
///
/// Hot paths (every GetAccount, every UpsertAccount) use cached statements, so SQLite compiles each
/// once per connection, and read a row's columns by position in ``columns``' order (``ColumnCursor``)
/// rather than through GRDB's `Row`, which indexes the column names of every query.
enum AccountStore {
    /// The columns ``account(from:)`` reads, in its order; select exactly these.
    static let columns = """
        customer_id, name, segment, plan, mrr_minor_units, mrr_currency, signup_ms, account_manager, referral_code,
        stage, cancelled_at_ms, cancellation_reason, reactivations, last_seen_ms, updated_at_ms
        """

    /// Built once: interpolated in `fetch`, the 300-character string was made and hashed (for the statement
    /// cache) on every GetAccount.
    static let fetchSQL = "SELECT \(columns) FROM accounts WHERE customer_id = ?"

    static func fetch(_ customerID: String, in db: Database) throws -> Account? {
        let statement = try db.cachedStatement(sql: fetchSQL)
        return try ColumnCursor(statement, arguments: [customerID], account(from:)).next()
    }

    static func save(_ account: Account, in db: Database) throws {
        try db.cachedStatement(
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
                """
        ).execute(arguments: [
            account.customer?.value ?? "", account.name, account.segment.rawValue, account.plan,
            account.mrr?.minorUnits ?? 0, account.mrr?.currency ?? "", account.signupMs, account.accountManager,
            account.referralCode, account.stage.rawValue, account.cancelledAtMs, account.cancellationReason,
            Int64(account.reactivations), account.lastSeenMs, account.updatedAtMs,
        ])
    }

    /// The account in a row of ``columns``.
    static func account(from row: Columns) -> Account {
        let minorUnits: Int64 = row[4]
        let currency: String = row[5]
        return Account(
            customer: CustomerId(value: row[0]), name: row[1], segment: Segment(rawValue: row[2]), plan: row[3],
            mrr: currency.isEmpty && minorUnits == 0 ? nil : Money(minorUnits: minorUnits, currency: currency),
            signupMs: row[6], accountManager: row[7], referralCode: row[8], stage: LifecycleStage(rawValue: row[9]),
            cancelledAtMs: row[10], cancellationReason: row[11], reactivations: UInt32(row[12] as Int64),
            lastSeenMs: row[13], updatedAtMs: row[14])
    }
}
