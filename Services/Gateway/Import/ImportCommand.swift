import ArgumentParser
import Client
import Foundation

/// `cxctl import <kind> FILE.csv`: loads a CSV file through the services' public methods, in
/// batches, with progress, and accounts for every row: applied, a duplicate of one applied before,
/// or rejected (written to a rejects file with its line and the reason).
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Load accounts, usage, purchases, survey answers or cases from a CSV file (a header row names the fields).",
        discussion: """
            accounts: customer_id, name, segment, signup (required); plan, mrr, currency, account_manager,
                      referral_code, stage
            usage:    usage_id, customer_id, feature, occurred_at (required); count (default 1)
            purchases: purchase_id, customer_id, amount, currency, occurred_at (all required)
            responses: response_id, survey_id, customer_id, score, answered_at (required); comment, channel
            cases:    external_id, customer_id, severity (S1–S4), title (required); assignee, details
                      (a case opens when it is imported: its SLA clock starts then)
            Times are 2026-03-31, 2026-03-31T14:05:00Z or epoch ms; amounts like 499.00.
            Running the same import again applies nothing twice.
            """)

    static let importers: [String: any Importer] = [
        "accounts": AccountImporter(), "usage": UsageImporter(), "purchases": PurchaseImporter(),
        "responses": ResponseImporter(), "cases": CaseImporter(),
    ]

    @Argument(help: "What the file holds: \(importers.keys.sorted().joined(separator: ", ")).") var kind: String
    @Argument(help: "The CSV file.") var file: String
    @Option(help: "column=field for a column named otherwise, e.g. --map \"Customer ID=customer_id\"; repeatable.")
    var map: [String] = []
    @Option(help: "Where rejected rows go (default: FILE.rejects.csv).") var rejects: String?

    func validate() throws {
        guard Self.importers[kind] != nil else {
            throw ValidationError(
                "unknown kind \(kind); one of \(Self.importers.keys.sorted().joined(separator: ", "))")
        }
    }

    func run() async throws {
        let importer = Self.importers[kind]!
        let reader = try CSVReader(path: file)
        guard let header = try reader.next() else { throw CommandError("\(file): empty, no header row") }
        let columns = try fieldNames(header.fields, importer: importer)
        let connection = try Connection.resolveOrExit()
        let client = try connection.client(for: importer.service)
        defer { client.close() }

        var progress = ImportProgress(totalBytes: reader.fileSize)
        var tally = ImportTally()
        var rows = 0
        var batch: [ImportRow] = []
        func flush() async throws {
            guard !batch.isEmpty else { return }
            tally.add(try await importer.apply(batch, client: client))
            batch.removeAll(keepingCapacity: true)
        }
        do {
            while let record = try reader.next() {
                if record.fields == [""] { continue }  // a blank line
                rows += 1
                let row = ImportRow(
                    line: record.line, values: Dictionary(zip(columns, record.fields)) { first, _ in first },
                    fields: record.fields)
                if record.fields.count != columns.count {
                    tally.rejects.append(
                        (row, "has \(record.fields.count) fields, the header has \(columns.count)"))
                } else {
                    batch.append(row)
                }
                if batch.count == importer.batchSize { try await flush() }
                progress.update(rows: rows, bytes: reader.bytesRead)
            }
            try await flush()
        } catch {
            progress.finish(rows: rows, bytes: reader.bytesRead)
            FileHandle.standardError.write(
                Data(
                    "cxctl: import stopped: \(error)\nrows before the failure are applied; run it again to resume\n"
                        .utf8))
            throw ExitCode(1)
        }
        progress.finish(rows: rows, bytes: reader.bytesRead)
        let rejectsPath = rejects ?? file + ".rejects.csv"
        try writeRejects(tally.rejects, header: header.fields, to: rejectsPath)
        print("\(rows) rows: \(tally.applied) applied, \(tally.duplicates) duplicates, \(tally.rejects.count) rejected")
        if !tally.rejects.isEmpty {
            print("rejected rows and why: \(rejectsPath)")
            throw ExitCode(4)
        }
    }

    /// The field each column feeds, after --map; every required field must have a column.
    private func fieldNames(_ header: [String], importer: any Importer) throws -> [String] {
        var renames: [String: String] = [:]
        for entry in map {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--map \(entry): expected column=field") }
            guard importer.fields.contains(parts[1]) else {
                throw ValidationError("--map \(entry): \(kind) has no field \(parts[1])")
            }
            renames[parts[0]] = parts[1]
        }
        let columns = header.map { column in
            renames[column] ?? column.trimmingCharacters(in: .whitespaces).lowercased()
        }
        let missing = importer.required.filter { !columns.contains($0) }
        guard missing.isEmpty else {
            throw CommandError(
                "\(file): no column for \(missing.joined(separator: ", ")) (columns: \(header.joined(separator: ", ")); "
                    + "use --map column=field)")
        }
        return columns
    }

    /// The rejected rows in file order, each with its line and reason before its original fields.
    private func writeRejects(_ rejects: [(row: ImportRow, reason: String)], header: [String], to path: String) throws {
        guard !rejects.isEmpty else {
            try? FileManager.default.removeItem(atPath: path)  // no stale rejects from an earlier run
            return
        }
        var text = (["line", "reason"] + header).map(CSVReader.escape).joined(separator: ",") + "\n"
        for (row, reason) in rejects.sorted(by: { $0.row.line < $1.row.line }) {
            text += (["\(row.line)", reason] + row.fields).map(CSVReader.escape).joined(separator: ",") + "\n"
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw CommandError("\(path): cannot write the rejects file")
        }
    }
}
