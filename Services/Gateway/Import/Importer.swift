import Client
import Models

/// One data row of an import file: its values by field name, its line, and the original fields
/// (written back unchanged to the rejects file).
struct ImportRow {
    var line: Int
    var values: [String: String]
    var fields: [String]

    /// The value of `field`, or "" when the file has no such column or the cell is empty.
    subscript(field: String) -> String { values[field, default: ""].trimmingCharacters(in: .whitespaces) }
}

/// What an import did with a batch of rows.
struct ImportTally {
    var applied = 0
    var duplicates = 0
    var rejects: [(row: ImportRow, reason: String)] = []

    mutating func add(_ other: ImportTally) {
        applied += other.applied
        duplicates += other.duplicates
        rejects += other.rejects
    }
}

/// Turns rows of one kind of file into calls to a service. Each importer sends writes that are
/// idempotent by the row's own id (or by content), so running an import again applies nothing twice.
protocol Importer: Sendable {
    /// The service the rows go to.
    var service: String { get }
    /// The fields a row may have (the column names the header is matched against).
    var fields: [String] { get }
    /// The fields every file must have a column for.
    var required: [String] { get }
    /// How many rows go to `apply` at once.
    var batchSize: Int { get }
    /// Applies the rows; a row the service refuses is a reject with the service's reason, never an error.
    /// - Throws: only when the service cannot be reached or fails: the import stops there.
    func apply(_ rows: [ImportRow], client: ServiceClient) async throws -> ImportTally
}

extension Importer {
    /// Applies each row with `call`, 16 at a time: a refusal (INVALID_ARGUMENT, NOT_FOUND,
    /// FAILED_PRECONDITION) rejects the row with the service's reason; `call` returns whether the
    /// row changed anything (false: a duplicate).
    func applyEach(_ rows: [ImportRow], _ call: @escaping @Sendable (ImportRow) async throws -> Bool) async throws
        -> ImportTally
    {
        try await withThrowingTaskGroup(of: (Int, Result<Bool, RowError>).self) { group in
            var outcomes = [Result<Bool, RowError>?](repeating: nil, count: rows.count)
            var next = 0
            func start() {
                guard next < rows.count else { return }
                let index = next
                next += 1
                group.addTask {
                    do {
                        return (index, .success(try await call(rows[index])))
                    } catch let error as RowError {
                        return (index, .failure(error))
                    } catch let error as ClientError where error.isRefusal {
                        return (index, .failure(RowError(reason: error.message)))
                    }
                }
            }
            for _ in 0..<16 { start() }
            while let (index, outcome) = try await group.next() {
                outcomes[index] = outcome
                start()
            }
            var tally = ImportTally()
            for (row, outcome) in zip(rows, outcomes) {
                switch outcome! {
                case .success(true): tally.applied += 1
                case .success(false): tally.duplicates += 1
                case .failure(let error): tally.rejects.append((row, error.reason))
                }
            }
            return tally
        }
    }
}

extension ClientError {
    /// The service refused this input (the row is at fault), as opposed to being unreachable or broken.
    var isRefusal: Bool { [.invalidArgument, .notFound, .failedPrecondition, .alreadyExists].contains(code) }
}

/// A row whose value cannot be read before anything is sent: rejected with this reason.
struct RowError: Error {
    let reason: String
    init(_ field: String, _ reason: String) { self.reason = "\(field): \(reason)" }
    init(reason: String) { self.reason = reason }
}
