import Client
import Models

/// `cxctl import accounts`: one health.UpsertAccount per row. Upserting an account exactly as it
/// is stored changes nothing, so a re-run counts every row as a duplicate.
struct AccountImporter: Importer {
    let service = "health"
    let fields = [
        "customer_id", "name", "segment", "plan", "mrr", "currency", "signup", "account_manager", "referral_code",
        "stage",
    ]
    let required = ["customer_id", "name", "segment", "signup"]
    let batchSize = 256

    func apply(_ rows: [ImportRow], client: ServiceClient) async throws -> ImportTally {
        try await applyEach(rows, key: "customer_id") { row in
            let reply: UpsertAccountResponse = try await client.call(
                "UpsertAccount", UpsertAccountRequest(account: try account(row)))
            return reply.changed
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
        var tally = ImportTally()
        var pending: [(row: ImportRow, event: UsageEvent)] = []
        for row in rows {
            do {
                pending.append((row, try event(row)))
            } catch {
                tally.rejects.append((row, error.reason))
            }
        }
        // The service refuses a whole batch for one bad event and names it (events[i].field):
        // reject that row and send the rest again.
        while !pending.isEmpty {
            let reply: RecordUsageResponse
            do {
                reply = try await client.call("RecordUsage", RecordUsageRequest(events: pending.map(\.event)))
            } catch {
                guard error.code == .invalidArgument, let index = Self.eventIndex(error.field),
                    pending.indices.contains(index)
                else { throw error }
                tally.rejects.append((pending[index].row, Self.stripIndex(error.message)))
                pending.remove(at: index)
                continue
            }
            tally.applied += Int(reply.recorded)
            tally.duplicates += Int(reply.duplicates)
            pending.removeAll()
        }
        return tally
    }

    private func event(_ row: ImportRow) throws(RowError) -> UsageEvent {
        UsageEvent(
            usageId: row["usage_id"], customer: CustomerId(value: row["customer_id"]), feature: row["feature"],
            count: row["count"].isEmpty ? 1 : try ImportValues.integer(row["count"], field: "count"),
            occurredAtMs: try ImportValues.time(row["occurred_at"], field: "occurred_at"))
    }

    /// 3 from "events[3].count".
    static func eventIndex(_ field: String) -> Int? {
        guard field.hasPrefix("events["), let close = field.firstIndex(of: "]") else { return nil }
        return Int(field[field.index(field.startIndex, offsetBy: 7)..<close])
    }

    /// "count: must be …" from "events[3].count: must be …": the row's own field names the column.
    static func stripIndex(_ message: String) -> String {
        guard message.hasPrefix("events["), let dot = message.firstIndex(of: "]") else { return message }
        let rest = message[message.index(after: dot)...]
        return String(rest.hasPrefix(".") ? rest.dropFirst() : rest)
    }
}
