import Foundation
import GRDB
import Models
import ServiceKit

/// Reads and writes cases, their notes and their SLA audit in the `cases` tables.
enum CaseStore {
    private static let columns = [
        "external_id", "customer_id", "segment", "severity", "status", "level", "origin", "title", "assignee",
        "opened_at_ms", "first_response_at_ms", "resolved_at_ms", "closed_at_ms", "band", "priority_support", "policy",
        "first_response_target_ms", "resolution_target_ms", "sla_elapsed_ms", "sla_as_of_ms", "paused_since_ms",
        "paused_total_ms", "first_response_warn_at_ms", "first_response_due_ms", "resolution_warn_at_ms",
        "resolution_due_ms", "alarms", "sla_met", "next_due_ms",
    ]

    private static func values(_ record: CaseRecord) -> StatementArguments {
        [
            record.externalID, record.customerID, record.segment.rawValue, record.severity.rawValue,
            record.status.rawValue, record.level.rawValue, record.origin.rawValue, record.title, record.assignee,
            record.openedAtMs, record.firstResponseAtMs, record.resolvedAtMs, record.closedAtMs, record.band.rawValue,
            record.prioritySupport, record.policy, record.firstResponseTargetMs, record.resolutionTargetMs,
            record.slaElapsedMs, record.slaAsOfMs, record.pausedSinceMs, record.pausedTotalMs,
            record.firstResponseWarnAtMs, record.firstResponseDueMs, record.resolutionWarnAtMs, record.resolutionDueMs,
            record.alarms.rawValue, record.slaMet, record.nextDueMs,
        ]
    }

    /// Stores a new case and gives it its id.
    static func insert(_ record: inout CaseRecord, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO cases (\(columns.joined(separator: ", ")))
                VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
                """,
            arguments: values(record))
        record.id = db.lastInsertedRowID
    }

    /// Stores every field of an existing case.
    static func save(_ record: CaseRecord, in db: Database) throws {
        var arguments = values(record)
        arguments += [record.id]
        try db.execute(
            sql: "UPDATE cases SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?",
            arguments: arguments)
    }

    static func fetch(caseID: String, in db: Database) throws -> CaseRecord? {
        guard let id = CaseRecord.rowID(caseID) else { return nil }
        return try fetchOne(db, where: "id = ?", [id])
    }

    static func fetch(externalID: String, in db: Database) throws -> CaseRecord? {
        try fetchOne(db, where: "external_id = ?", [externalID])
    }

    /// The case, or NOT_FOUND.
    static func require(caseID: String, in db: Database) throws -> CaseRecord {
        guard let record = try fetch(caseID: caseID, in: db) else {
            throw RPCError.notFound("no case \"\(caseID)\"")
        }
        return record
    }

    static func fetchAll(_ db: Database, where filter: String, _ arguments: StatementArguments, suffix: String = "")
        throws -> [CaseRecord]
    {
        try Row.fetchAll(db, sql: "SELECT * FROM cases WHERE \(filter) \(suffix)", arguments: arguments)
            .map(record(from:))
    }

    private static func fetchOne(_ db: Database, where filter: String, _ arguments: StatementArguments) throws
        -> CaseRecord?
    {
        try Row.fetchOne(db, sql: "SELECT * FROM cases WHERE \(filter)", arguments: arguments).map(record(from:))
    }

    static func record(from row: Row) -> CaseRecord {
        CaseRecord(
            id: row["id"], externalID: row["external_id"], customerID: row["customer_id"],
            segment: Segment(rawValue: row["segment"]), severity: Severity(rawValue: row["severity"]),
            status: CaseStatus(rawValue: row["status"]), level: EscalationLevel(rawValue: row["level"]),
            origin: CaseOrigin(rawValue: row["origin"]), title: row["title"], assignee: row["assignee"],
            openedAtMs: row["opened_at_ms"], firstResponseAtMs: row["first_response_at_ms"],
            resolvedAtMs: row["resolved_at_ms"], closedAtMs: row["closed_at_ms"],
            band: HealthScoreBand(rawValue: row["band"]), prioritySupport: row["priority_support"],
            policy: row["policy"], firstResponseTargetMs: row["first_response_target_ms"],
            resolutionTargetMs: row["resolution_target_ms"], slaElapsedMs: row["sla_elapsed_ms"],
            slaAsOfMs: row["sla_as_of_ms"], pausedSinceMs: row["paused_since_ms"],
            pausedTotalMs: row["paused_total_ms"], firstResponseWarnAtMs: row["first_response_warn_at_ms"],
            firstResponseDueMs: row["first_response_due_ms"], resolutionWarnAtMs: row["resolution_warn_at_ms"],
            resolutionDueMs: row["resolution_due_ms"], alarms: SlaAlarms(rawValue: row["alarms"]),
            slaMet: row["sla_met"])
    }

    /// Adds a note; a repeat of `key` (the caller's note id) is ignored.
    /// - Returns: whether it was added.
    @discardableResult
    static func addNote(_ note: CaseNote, key: String?, to caseRowID: Int64, in db: Database) throws -> Bool {
        try db.execute(
            sql: """
                INSERT INTO case_notes (case_id, note_key, author, text, customer_reply, added_at_ms)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """,
            arguments: [caseRowID, key, note.author, note.text, note.customerReply, note.addedAtMs])
        return db.changesCount > 0
    }

    static func notes(of caseRowID: Int64, in db: Database) throws -> [CaseNote] {
        try Row.fetchAll(
            db, sql: "SELECT author, text, customer_reply, added_at_ms FROM case_notes WHERE case_id = ? ORDER BY id",
            arguments: [caseRowID]
        ).map {
            CaseNote(
                author: $0["author"], text: $0["text"], customerReply: $0["customer_reply"],
                addedAtMs: $0["added_at_ms"])
        }
    }

    static func appendAudit(_ entry: SlaPolicyApplied, to caseRowID: Int64, in db: Database) throws {
        try db.execute(
            sql: "INSERT INTO case_sla_audit (case_id, record) VALUES (?, ?)",
            arguments: [caseRowID, Data(entry.serializedBytes())])
    }

    static func audit(of caseRowID: Int64, in db: Database) throws -> [SlaPolicyApplied] {
        try Data.fetchAll(
            db, sql: "SELECT record FROM case_sla_audit WHERE case_id = ? ORDER BY id", arguments: [caseRowID]
        )
        .map { try SlaPolicyApplied(serializedBytes: [UInt8]($0)) }
    }
}
