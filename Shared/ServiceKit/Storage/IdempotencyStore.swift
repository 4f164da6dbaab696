public import GRDB
import Foundation

/// The first response of each idempotent write, kept so that a repeat (NNG resends requests)
/// returns it and changes nothing.
///
/// - Important: Look up and record inside the same `ServiceDatabase.write` as the effect, so the
///   response exists exactly when the effect does.
public struct IdempotencyStore: Sendable {
    init() {}

    /// The response recorded for `key` under `method`, or nil when this is the first time.
    public func response(method: String, key: String, in db: Database) throws -> [UInt8]? {
        let response = try Data.fetchOne(
            db.cachedStatement(sql: "SELECT response FROM kit_idempotency WHERE method = ? AND key = ?"),
            arguments: [method, key]
        )
        return response.map { [UInt8]($0) }
    }

    /// Remembers `response` as the outcome of `key` under `method`. Keys are scoped by method, so
    /// two methods may use the same key. The first response stays: recording again is ignored.
    public func record(method: String, key: String, response: [UInt8], in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO kit_idempotency (method, key, response) VALUES (?, ?, ?)
                ON CONFLICT (method, key) DO NOTHING
                """
        ).execute(arguments: [method, key, Data(response)])
    }
}
