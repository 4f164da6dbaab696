import GRDB
import Models
import ServiceKit

/// health.RecordBusinessReview and health.ListReviewsDue: the business-review cadence by segment.
enum ReviewMethods {

    /// Days between reviews: key accounts every quarter, the others every year.
    static func cadenceDays(_ segment: Segment) -> Int64 { segment == .key ? 91 : 365 }

    static func register(on router: Router) {
        router.write(
            "RecordBusinessReview",
            validate: { (request: RecordBusinessReviewRequest, context) in
                _ = try Check.customer(request.customer, field: "customer")
                guard request.heldAtMs > 0 else { throw RPCError.invalidArgument("held_at_ms", "is required") }
                try Check.notInFuture(request.heldAtMs, field: "held_at_ms", nowMs: context.nowMs, slackMs: 0)
                try Check.text(request.notes, field: "notes", max: 2000)
            }
        ) { request, write in
            let account = try AccountMethods.existingAccount(request.customer!.value, in: write.db)
            try write.db.execute(
                sql:
                    "INSERT INTO business_reviews (customer_id, held_at_ms, notes) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [request.customer!.value, request.heldAtMs, request.notes])
            let last =
                try Int64.fetchOne(
                    write.db, sql: "SELECT MAX(held_at_ms) FROM business_reviews WHERE customer_id = ?",
                    arguments: [request.customer!.value]) ?? request.heldAtMs
            return RecordBusinessReviewResponse(nextDueMs: last + cadenceDays(account.segment) * dayMs)
        }

        router.read("ListReviewsDue", role: .reader) { (request: ListReviewsDueRequest, context) in
            let before = request.dueBeforeMs == 0 ? context.nowMs : request.dueBeforeMs
            let segment = request.segment
            return try await router.database.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT a.customer_id, a.segment, a.signup_ms, a.account_manager,
                            (SELECT MAX(held_at_ms) FROM business_reviews r WHERE r.customer_id = a.customer_id) AS last
                        FROM accounts a WHERE a.stage != ? AND (? = 0 OR a.segment = ?)
                        """,
                    arguments: [LifecycleStage.cancelled.rawValue, segment.rawValue, segment.rawValue])
                let reviews = rows.compactMap { row -> ReviewDue? in
                    let accountSegment = Segment(rawValue: row["segment"])
                    let last: Int64 = row["last"] ?? 0
                    let from = last > 0 ? last : row["signup_ms"] as Int64
                    let due = from + cadenceDays(accountSegment) * dayMs
                    guard due < before else { return nil }
                    return ReviewDue(
                        customer: CustomerId(value: row["customer_id"]), segment: accountSegment, lastReviewMs: last,
                        dueMs: due, overdue: due < context.nowMs, accountManager: row["account_manager"])
                }
                return ListReviewsDueResponse(reviews: reviews.sorted { $0.dueMs < $1.dueMs })
            }
        }
    }
}
