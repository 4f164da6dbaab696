import GRDB
import Models
import ServiceKit

/// Reads and writes the advocates table, and turns a row into the Advocate message with its
/// derived figures (current points, trailing points, level rank and incentives).
enum AdvocateStore {
    /// The advocate's row, or nil when the customer is not in the program.
    static func row(_ customerID: String, in db: Database) throws -> Row? {
        try Row.fetchOne(db, sql: "SELECT * FROM advocates WHERE customer_id = ?", arguments: [customerID])
    }

    /// The advocate as the methods return it, or nil when the customer is not in the program.
    static func fetch(_ customerID: String, nowMs: Int64, in db: Database) throws -> Advocate? {
        guard let row = try row(customerID, in: db) else { return nil }
        return try advocate(from: row, program: ProgramStore.current(in: db), nowMs: nowMs, in: db)
    }

    /// The advocate, or INVALID_ARGUMENT naming `field` when the customer is not in the program.
    static func require(_ customerID: String, field: String, nowMs: Int64, in db: Database) throws -> Advocate {
        guard let advocate = try fetch(customerID, nowMs: nowMs, in: db) else {
            throw RPCError.invalidArgument(
                field, "\"\(customerID)\" is not an advocate (nominate or enroll them first)")
        }
        return advocate
    }

    /// The first instant whose contributions still count towards the level at `nowMs`.
    static func windowStart(nowMs: Int64) -> Int64 { Months.ago(12, from: nowMs) }

    /// Approved points of contributions made in the trailing 12 months before `nowMs`.
    static func pointsLast12Months(_ customerID: String, nowMs: Int64, in db: Database) throws -> Int64 {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT COALESCE(SUM(points), 0) FROM contributions
                WHERE customer_id = ? AND state = ? AND occurred_at_ms > ? AND occurred_at_ms <= ?
                """,
            arguments: [customerID, ContributionState.approved.rawValue, windowStart(nowMs: nowMs), nowMs]) ?? 0
    }

    static func advocate(from row: Row, program: AdvocacyProgram, nowMs: Int64, in db: Database) throws -> Advocate {
        let id: String = row["customer_id"]
        let lifetime: Int64 = row["lifetime_points"]
        let spent: Int64 = row["spent_points"]
        let level = program.level(named: row["level"])
        return Advocate(
            customer: CustomerId(value: id), status: AdvocateStatus(rawValue: row["status"]), origin: row["origin"],
            reason: row["reason"], candidateSinceMs: row["candidate_since_ms"], invitedAtMs: row["invited_at_ms"],
            enrolledAtMs: row["enrolled_at_ms"], referralCode: row["referral_code"], lifetimePoints: lifetime,
            currentPoints: lifetime - spent, pointsLast12Months: try pointsLast12Months(id, nowMs: nowMs, in: db),
            level: level?.level.name ?? "", levelRank: Int32(level?.rank ?? -1),
            incentives: level?.level.incentives ?? AdvocacyIncentives(),
            lastContributionMs: row["last_contribution_ms"], lapsedAtMs: row["lapsed_at_ms"],
            anniversaryGifts: row["anniversary_gifts"])
    }

    /// Adds a customer to the program as a candidate.
    static func insertCandidate(
        _ customerID: String, origin: String, reason: String, nowMs: Int64, in db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO advocates (customer_id, status, origin, reason, candidate_since_ms, updated_at_ms)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [customerID, AdvocateStatus.candidate.rawValue, origin, reason, nowMs, nowMs])
    }

    /// Sets the status (and the time column that goes with it).
    static func setStatus(_ status: AdvocateStatus, of customerID: String, nowMs: Int64, in db: Database) throws {
        let stamp =
            switch status {
            case .invited: ", invited_at_ms = :now"
            case .active:
                ", lapsed_at_ms = 0, active_since_ms = :now,"
                    + " enrolled_at_ms = CASE enrolled_at_ms WHEN 0 THEN :now ELSE enrolled_at_ms END"
            case .lapsed: ", lapsed_at_ms = :now"
            default: ""
            }
        try db.execute(
            sql: "UPDATE advocates SET status = :status, updated_at_ms = :now\(stamp) WHERE customer_id = :id",
            arguments: ["status": status.rawValue, "now": nowMs, "id": customerID])
    }
}
