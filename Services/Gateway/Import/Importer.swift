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
    ///
    /// Rows with the same value in `key` (the row's own id) are sent one after another in file order, so
    /// the first version of a record in the file is the one applied and a later, different one is
    /// refused, as a reader of the file expects. Sent together, the service could take them in either
    /// order (it did, on a busy machine).
    func applyEach(
        _ rows: [ImportRow], key: String, _ call: @escaping @Sendable (ImportRow) async throws -> Bool
    ) async throws -> ImportTally {
        try await withThrowingTaskGroup(of: (Int, Result<Bool, RowError>).self) { group in
            var outcomes = [Result<Bool, RowError>?](repeating: nil, count: rows.count)
            var queue = RowQueue(keys: rows.map { $0[key] })
            var inFlight = 0
            func startWhileRoom() {
                while inFlight < 16, let index = queue.next() {
                    inFlight += 1
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
            }
            startWhileRoom()
            while let (index, outcome) = try await group.next() {
                outcomes[index] = outcome
                inFlight -= 1
                queue.finished(index)
                startWhileRoom()
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

extension Importer {
    /// Applies rows in one call of a method that takes many entries at once (the import hands over
    /// `batchSize` rows at a time) and refuses a whole call for one bad entry, naming it
    /// (`<list>[3].count`): that row is rejected with the service's reason and the rest are sent again.
    /// Rows the importer cannot make an entry of are rejected first.
    /// - Parameters:
    ///   - list: the request's repeated field, as the service names it in errors ("events").
    ///   - entry: the row as an entry of the request.
    ///   - send: sends entries; returns how many changed something and how many were already there.
    func applyInBatches<Entry>(
        _ rows: [ImportRow], list: String, entry: (ImportRow) throws(RowError) -> Entry,
        send: ([Entry]) async throws(ClientError) -> (applied: Int, duplicates: Int)
    ) async throws -> ImportTally {
        var tally = ImportTally()
        var pending: [(row: ImportRow, entry: Entry)] = []
        for row in rows {
            do {
                pending.append((row, try entry(row)))
            } catch {
                tally.rejects.append((row, error.reason))
            }
        }
        while !pending.isEmpty {
            let sent: (applied: Int, duplicates: Int)
            do {
                sent = try await send(pending.map(\.entry))
            } catch {
                guard error.code == .invalidArgument, let index = BatchField.index(error.field, list: list),
                    pending.indices.contains(index)
                else { throw error }
                tally.rejects.append((pending[index].row, BatchField.strippingIndex(error.message, list: list)))
                pending.remove(at: index)
                continue
            }
            tally.applied += sent.applied
            tally.duplicates += sent.duplicates
            pending.removeAll()
        }
        return tally
    }
}

/// Field names of an entry in a batch request, as services give them in errors ("events[3].count").
enum BatchField {
    /// 3 from "events[3].count" when `list` is "events".
    static func index(_ field: String, list: String) -> Int? {
        guard field.hasPrefix("\(list)["), let close = field.firstIndex(of: "]") else { return nil }
        return Int(field[field.index(field.startIndex, offsetBy: list.count + 1)..<close])
    }

    /// "count: must be …" from "events[3].count: must be …": the row's own column names the field.
    static func strippingIndex(_ message: String, list: String) -> String {
        guard message.hasPrefix("\(list)["), let close = message.firstIndex(of: "]") else { return message }
        let rest = message[message.index(after: close)...]
        return String(rest.hasPrefix(".") ? rest.dropFirst() : rest)
    }
}

/// The order rows are sent in: file order, except that a row waits while an earlier row with the same
/// key is being sent (an empty key waits for nothing).
struct RowQueue {
    private let keys: [String]
    private var nextInFile = 0
    /// Rows passed over because their key was busy, in file order.
    private var held: [Int] = []
    private var busyKeys: Set<String> = []

    init(keys: [String]) { self.keys = keys }

    /// The next row to send, or nil when every row left waits for a busy key (or none is left).
    mutating func next() -> Int? {
        // A held row comes before any row not reached yet, and before later held rows with its key.
        if let position = held.firstIndex(where: { !busyKeys.contains(keys[$0]) }) {
            return take(held.remove(at: position))
        }
        while nextInFile < keys.count {
            let index = nextInFile
            nextInFile += 1
            guard !busyKeys.contains(keys[index]) else {
                held.append(index)
                continue
            }
            return take(index)
        }
        return nil
    }

    /// Row `index` was answered: its key is free again.
    mutating func finished(_ index: Int) { busyKeys.remove(keys[index]) }

    private mutating func take(_ index: Int) -> Int {
        if !keys[index].isEmpty { busyKeys.insert(keys[index]) }
        return index
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
