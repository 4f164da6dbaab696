import Client
import Foundation
import Models

/// `cxctl import purchases`: one loyalty.RecordPurchase per row, keyed by its purchase id; a purchase
/// recorded before is a duplicate (the router replays its first reply, or the service says
/// `duplicate` when it came under another key), and changes nothing.
struct PurchaseImporter: Importer {
    let service = "loyalty"
    let fields = ["purchase_id", "customer_id", "amount", "currency", "occurred_at"]
    let required = ["purchase_id", "customer_id", "amount", "currency", "occurred_at"]
    let batchSize = 256

    func apply(_ rows: [ImportRow], client: ServiceClient) async throws -> ImportTally {
        try await applyEach(rows, key: "purchase_id") { row in
            let request = RecordPurchaseRequest(
                purchaseId: row["purchase_id"], customer: CustomerId(value: row["customer_id"]),
                amount: Money(
                    minorUnits: try ImportValues.minorUnits(row["amount"], field: "amount"),
                    currency: row["currency"].uppercased()),
                purchasedAtMs: try ImportValues.time(row["occurred_at"], field: "occurred_at"))
            let (reply, replayed): (RecordPurchaseResponse, Bool) = try await client.callReportingReplay(
                "RecordPurchase", request)
            return !replayed && !reply.duplicate
        }
    }
}

/// `cxctl import responses`: one feedback.RecordResponse per row; a response id recorded before with
/// the same answer is a duplicate (the reply's `recorded` is false), with another answer a reject.
struct ResponseImporter: Importer {
    let service = "feedback"
    let fields = ["response_id", "survey_id", "customer_id", "score", "comment", "channel", "answered_at"]
    let required = ["response_id", "survey_id", "customer_id", "score", "answered_at"]
    let batchSize = 256

    func apply(_ rows: [ImportRow], client: ServiceClient) async throws -> ImportTally {
        try await applyEach(rows, key: "response_id") { row in
            let score = try ImportValues.integer(row["score"], field: "score")
            guard let score = Int32(exactly: score) else { throw RowError("score", "\(score) is out of range") }
            // The comment as written, surrounding spaces and all: a re-run must send the same answer.
            let request = RecordResponseRequest(
                responseId: row["response_id"], surveyId: row["survey_id"],
                customer: CustomerId(value: row["customer_id"]), score: score,
                comment: row.values["comment", default: ""], channel: row["channel"],
                answeredAtMs: try ImportValues.time(row["answered_at"], field: "answered_at"))
            let reply: RecordResponseResponse = try await client.call("RecordResponse", request)
            return reply.recorded
        }
    }
}

/// `cxctl import cases`: one escalation.OpenCase per row, keyed by its external id; a case opened
/// before is a duplicate (the router replays its first reply, or the reply's `created` is false),
/// and changes nothing. The case opens now: OpenCase takes no
/// opening time, so its SLA clock starts with the import.
struct CaseImporter: Importer {
    let service = "escalation"
    let fields = ["external_id", "customer_id", "severity", "title", "assignee", "details"]
    let required = ["external_id", "customer_id", "severity", "title"]
    let batchSize = 256

    func apply(_ rows: [ImportRow], client: ServiceClient) async throws -> ImportTally {
        try await applyEach(rows, key: "external_id") { row in
            let request = OpenCaseRequest(
                externalId: row["external_id"], customer: CustomerId(value: row["customer_id"]),
                severity: try severity(row["severity"]), title: row["title"], assignee: row["assignee"],
                details: row.values["details", default: ""])
            let (reply, replayed): (OpenCaseResponse, Bool) = try await client.callReportingReplay("OpenCase", request)
            return !replayed && reply.created
        }
    }

    private func severity(_ text: String) throws(RowError) -> Severity {
        guard let match = Severity.allCases.first(where: { $0 != .unspecified && $0.displayName == text.uppercased() })
        else { throw RowError("severity", "expected S1, S2, S3 or S4, got \"\(text)\"") }
        return match
    }
}
