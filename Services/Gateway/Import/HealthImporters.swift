import Client
import Models

/// `cxctl import accounts`: rows go to health.UpsertAccounts, 256 at a time, in file order (a
/// customer listed twice ends as its later row). Upserting an account exactly as it is stored
/// changes nothing, so a re-run counts every row as a duplicate.
struct AccountImporter: Importer {
    let service = "health"
    let fields = [
        "customer_id", "name", "segment", "plan", "mrr", "currency", "signup", "account_manager", "referral_code",
        "stage",
    ]
    let required = ["customer_id", "name", "segment", "signup"]
    let batchSize = 256

    func apply(_ rows: [ImportRow], client: ServiceClient) async throws -> ImportTally {
        try await applyInBatches(rows, list: "accounts", entry: account) { accounts throws(ClientError) in
            let reply: UpsertAccountsResponse = try await client.call(
                "UpsertAccounts", UpsertAccountsRequest(accounts: accounts))
            return (Int(reply.changed), Int(reply.unchanged))
        }
    }

    private func account(_ row: ImportRow) throws(RowError) -> Account {
        var account = Account(
            customer: CustomerId(value: row["customer_id"]), name: row["name"],
            segment: try ImportValues.named(row["segment"], field: "segment", Names.segment), plan: row["plan"],
            signupMs: try ImportValues.time(row["signup"], field: "signup"), accountManager: row["account_manager"],
            referralCode: row["referral_code"])
        if !row["mrr"].isEmpty {
            account.mrr = Money(
                minorUnits: try ImportValues.minorUnits(row["mrr"], field: "mrr"),
                currency: row["currency"].uppercased())
        }
        if !row["stage"].isEmpty { account.stage = try ImportValues.named(row["stage"], field: "stage", Names.stage) }
        return account
    }
}

/// `cxctl import usage`: rows go to health.RecordUsage in batches of 1,000. The service skips usage
/// ids it has recorded before, so a re-run counts them as duplicates.
struct UsageImporter: Importer {
    let service = "health"
    let fields = ["usage_id", "customer_id", "feature", "count", "occurred_at"]
    let required = ["usage_id", "customer_id", "feature", "occurred_at"]
    let batchSize = 1000

    func apply(_ rows: [ImportRow], client: ServiceClient) async throws -> ImportTally {
        try await applyInBatches(rows, list: "events", entry: event) { events throws(ClientError) in
            let reply: RecordUsageResponse = try await client.call("RecordUsage", RecordUsageRequest(events: events))
            return (Int(reply.recorded), Int(reply.duplicates))
        }
    }

    private func event(_ row: ImportRow) throws(RowError) -> UsageEvent {
        UsageEvent(
            usageId: row["usage_id"], customer: CustomerId(value: row["customer_id"]), feature: row["feature"],
            count: row["count"].isEmpty ? 1 : try ImportValues.integer(row["count"], field: "count"),
            occurredAtMs: try ImportValues.time(row["occurred_at"], field: "occurred_at"))
    }
}
