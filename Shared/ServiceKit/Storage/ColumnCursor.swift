public import GRDB

/// The rows of a statement, each read by column position straight from SQLite.
///
/// GRDB's `Row` cursors first index the statement's column names, lower-cased, every time one is made:
/// a string, a lower-casing and a hash per column per query, which was a fifth of the cost of a
/// fifteen-column point read. Code that selects known columns in a known order reads them here instead.
public final class ColumnCursor<Element>: DatabaseCursor {
    public let _statement: Statement
    public var _isDone = false
    private let decode: (Columns) throws -> Element

    /// Runs `statement` with `arguments`; each row becomes what `decode` makes of it.
    public init(
        _ statement: Statement, arguments: StatementArguments, _ decode: @escaping (Columns) throws -> Element
    ) throws {
        try statement.setArguments(arguments)  // resets the statement too
        _statement = statement
        self.decode = decode
    }

    deinit {
        // A cursor left before its last row would keep its statement (a cached one, usually) running, and
        // its read snapshot pinned, until the statement's next use; GRDB's own cursors reset it here too.
        // GRDB's `reset()` is internal; setting the arguments again resets (and fails only as a reset
        // after a failed step does, which changes nothing here).
        try? _statement.setArguments(_statement.arguments)
    }

    public func _element(sqliteStatement: SQLiteStatement) throws -> Element {
        try decode(Columns(statement: sqliteStatement))
    }
}

/// The current row of a ``ColumnCursor``; valid only while the cursor's `decode` runs.
public struct Columns {
    let statement: SQLiteStatement

    /// The value in column `index` (from 0). A NULL there is a programming error, as with GRDB's `Row`.
    public subscript<Value: StatementColumnConvertible>(_ index: Int32) -> Value {
        guard let value = Value.fromStatement(statement, atUncheckedIndex: index) else {
            preconditionFailure("column \(index) is NULL, or not a \(Value.self)")
        }
        return value
    }
}
