import Foundation
import Synchronization
import GRDB
import Models
import ServiceKit

/// The test-only "ledger" service: appends signed amounts to accounts (an idempotent, acknowledged
/// write that publishes an event) and, when told to follow another ledger, applies that ledger's
/// events to a mirror, counting any event applied twice. Integration tests run it as a real process
/// to prove the runtime: durability under kill -9, exactly-once subscriptions, graceful shutdown.
///
/// Environment (besides the usual CX_… settings): LEDGER_NAME (default "ledger") names the service;
/// LEDGER_FOLLOW names the ledger whose events it mirrors.
enum LedgerService {
    /// Appends waiting out their hold right now.
    static let holding = Atomic<Int>(0)

    static func definition(name: String, follow: String?) -> ServiceDefinition {
        ServiceDefinition(
            name: name, migrations: migrations,
            subscriptions: follow.map { [SubscriptionDefinition(source: $0, apply: applyToMirror)] } ?? [],
            registerMethods: registerMethods)
    }

    static let migrations = [
        ServiceMigration("create ledger") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ledger_entries (
                        entry_id TEXT PRIMARY KEY NOT NULL, account TEXT NOT NULL, amount INTEGER NOT NULL);
                    CREATE INDEX ledger_entries_account ON ledger_entries(account);
                    CREATE TABLE mirror_entries (entry_id TEXT PRIMARY KEY NOT NULL, amount INTEGER NOT NULL);
                    CREATE TABLE mirror_stats (id INTEGER PRIMARY KEY CHECK (id = 1), duplicates INTEGER NOT NULL);
                    INSERT INTO mirror_stats (id, duplicates) VALUES (1, 0);
                    """)
        }
    ]

    static func registerMethods(_ router: Router) {
        router.write(
            "Append", naturalKey: { (request: LedgerAppendRequest) in request.entryId },
            validate: { request, _ in
                try require(request.entryId, "entry_id")
                try require(request.account, "account")
                guard request.amount != 0 else { throw RPCError.invalidArgument("amount", "must not be 0") }
                guard request.copies <= 100_000 else { throw RPCError.invalidArgument("copies", "at most 100000") }
                guard (0...10_000).contains(request.holdMs) else {
                    throw RPCError.invalidArgument("hold_ms", "must be from 0 to 10000")
                }
            },
            awaitBefore: { request, _ in
                if request.holdMs > 0 {
                    holding.add(1, ordering: .relaxed)
                    defer { holding.subtract(1, ordering: .relaxed) }
                    try await Task.sleep(for: .milliseconds(request.holdMs))
                }
            }
        ) { request, write in
            let ids = request.copies <= 1 ? [request.entryId] : (1...request.copies).map { "\(request.entryId)#\($0)" }
            var lastEvent: StoredEvent?
            for id in ids {
                try write.db.execute(
                    sql: "INSERT INTO ledger_entries (entry_id, account, amount) VALUES (?, ?, ?)",
                    arguments: [id, request.account, request.amount])
                lastEvent = try write.emit(
                    "entry.appended", customerID: request.account,
                    LedgerEntryAppended(entryId: id, account: request.account, amount: request.amount))
            }
            let balance =
                try Int64.fetchOne(
                    write.db, sql: "SELECT SUM(amount) FROM ledger_entries WHERE account = ?",
                    arguments: [request.account]) ?? 0
            return LedgerAppendResponse(entryId: request.entryId, balance: balance, eventSeq: lastEvent?.seq ?? 0)
        }
        router.read("Balance", role: .reader) { (request: LedgerBalanceRequest, context) in
            try require(request.account, "account")
            return try await database(router).read { db in
                let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT COALESCE(SUM(amount), 0) AS total, COUNT(*) AS entries FROM ledger_entries WHERE account = ?",
                    arguments: [request.account])
                return LedgerBalanceResponse(
                    account: request.account, balance: row?["total"] ?? 0, entries: row?["entries"] ?? 0,
                    holding: UInt64(holding.load(ordering: .relaxed)))
            }
        }
        router.read("Mirror", role: .reader) { (_: LedgerMirrorRequest, _) in
            try await database(router).read { db in
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT (SELECT COUNT(*) FROM mirror_entries) AS applied,
                               (SELECT COALESCE(SUM(amount), 0) FROM mirror_entries) AS total,
                               (SELECT duplicates FROM mirror_stats WHERE id = 1) AS duplicates
                        """)
                let cursors = try router.database.cursors.all(in: db)
                return LedgerMirrorResponse(
                    appliedEvents: row?["applied"] ?? 0, appliedTotal: row?["total"] ?? 0,
                    duplicates: row?["duplicates"] ?? 0, appliedSeq: cursors.values.max() ?? 0)
            }
        }
    }

    private static func database(_ router: Router) -> ServiceDatabase { router.database }

    /// Applies another ledger's entry to the mirror; an entry seen before counts as a duplicate.
    static func applyToMirror(_ event: Event, _ db: Database) throws {
        guard event.type == "entry.appended" else { return }
        let entry = try LedgerEntryAppended(serializedBytes: event.body)
        let known =
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM mirror_entries WHERE entry_id = ?", arguments: [entry.entryId]) ?? false
        if known {
            try db.execute(sql: "UPDATE mirror_stats SET duplicates = duplicates + 1 WHERE id = 1")
        } else {
            try db.execute(
                sql: "INSERT INTO mirror_entries (entry_id, amount) VALUES (?, ?)",
                arguments: [entry.entryId, entry.amount])
        }
    }

    private static func require(_ value: String, _ field: String) throws {
        guard !value.isEmpty else { throw RPCError.invalidArgument(field, "is required") }
        guard value.utf8.count <= 128 else { throw RPCError.invalidArgument(field, "at most 128 bytes") }
    }
}
