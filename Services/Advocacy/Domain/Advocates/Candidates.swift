import GRDB
import Models
import Projections
import ServiceKit

/// Who becomes a candidate: an NPS promoter (9–10, from feedback's answers) whose account is in
/// good health and has been a customer for the program's minimum tenure; or whoever an admin
/// nominates.
///
/// A promoter whose account is not there yet (health band not good, tenure too short, account
/// not published by health yet) is remembered, one answer per customer (the latest), and
/// re-checked whenever health changes the account (a score or an upsert): it becomes a candidate
/// then, tenure being counted up to that moment, as long as the answer is at most
/// ``promoterAnswerLifetimeDays`` old. A later passive or detractor answer forgets it.
enum Candidates {
    /// How long a promoter answer stays good enough to make a candidate later.
    static let promoterAnswerLifetimeDays: Int64 = 180

    /// Adds a candidate and emits `candidate.added`.
    static func add(_ customerID: String, origin: String, reason: String, nowMs: Int64, in db: Database) throws
        -> Advocate
    {
        try AdvocateStore.insertCandidate(customerID, origin: origin, reason: reason, nowMs: nowMs, in: db)
        try db.execute(sql: "DELETE FROM promoter_answers WHERE customer_id = ?", arguments: [customerID])
        let advocate = try AdvocateStore.fetch(customerID, nowMs: nowMs, in: db)!
        try EventLog().append(
            "candidate.added", customerID: customerID, occurredAtMs: nowMs, AdvocateCandidateAdded(advocate: advocate),
            in: db)
        return advocate
    }

    /// Applies feedback's `response.recorded`.
    static func responseRecorded(_ event: Event, in db: Database) throws {
        guard event.type == "response.recorded",
            let response = try? ResponseRecorded(serializedBytes: event.body).response,
            response.kind == .nps, let id = response.customer?.value, !id.isEmpty
        else { return }
        let answeredAt = response.answeredAtMs == 0 ? event.occurredAtMs : response.answeredAtMs
        guard response.npsCategory == .promoter else {
            // Only a later answer speaks for the customer now (answers may be imported late).
            try db.execute(
                sql: "DELETE FROM promoter_answers WHERE customer_id = ? AND answered_at_ms <= ?",
                arguments: [id, answeredAt])
            return
        }
        guard try AdvocateStore.row(id, in: db) == nil else { return }
        if let account = try AccountProjection.fetch(id, in: db), !account.isCancelled,
            try qualifies(account, at: answeredAt, in: db)
        {
            _ = try add(
                id, origin: "promoter", reason: reason(score: response.score, answeredAt: answeredAt, account: account),
                nowMs: event.occurredAtMs, in: db)
            return
        }
        try db.execute(
            sql: """
                INSERT INTO promoter_answers (customer_id, response_id, score, answered_at_ms) VALUES (?, ?, ?, ?)
                ON CONFLICT (customer_id) DO UPDATE SET response_id = excluded.response_id, score = excluded.score,
                    answered_at_ms = excluded.answered_at_ms
                WHERE excluded.answered_at_ms >= promoter_answers.answered_at_ms
                """,
            arguments: [id, response.responseId, Int(response.score), answeredAt])
    }

    /// Re-checks a remembered promoter answer after health changed `customerID`'s account.
    static func recheck(_ customerID: String, nowMs: Int64, in db: Database) throws {
        guard
            let answer = try Row.fetchOne(
                db, sql: "SELECT * FROM promoter_answers WHERE customer_id = ?", arguments: [customerID])
        else { return }
        let answeredAt: Int64 = answer["answered_at_ms"]
        guard nowMs - answeredAt <= promoterAnswerLifetimeDays * dayMs else {
            try db.execute(sql: "DELETE FROM promoter_answers WHERE customer_id = ?", arguments: [customerID])
            return
        }
        guard let account = try AccountProjection.fetch(customerID, in: db), !account.isCancelled,
            try AdvocateStore.row(customerID, in: db) == nil, try qualifies(account, at: nowMs, in: db)
        else { return }
        _ = try add(
            customerID, origin: "promoter",
            reason: reason(score: answer["score"], answeredAt: answeredAt, account: account), nowMs: nowMs, in: db)
    }

    /// Good health, and a customer for at least the program's tenure at `ms`.
    private static func qualifies(_ account: ProjectedAccount, at ms: Int64, in db: Database) throws -> Bool {
        let tenureDays = Int64(try ProgramStore.current(in: db).candidateMinTenureDays)
        return account.band == .good && ms - account.signupMs >= tenureDays * dayMs
    }

    private static func reason(score: Int32, answeredAt: Int64, account: ProjectedAccount) -> String {
        "promoter: NPS \(score) on \(Months.day(answeredAt)), health good, "
            + "a customer since \(Months.day(account.signupMs))"
    }
}
