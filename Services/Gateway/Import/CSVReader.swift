import Foundation

/// One record of a CSV file, with the line it starts on (1 is the header) for error reports.
struct CSVRecord {
    var line: Int
    var fields: [String]
}

/// Reads RFC 4180 CSV from a file a chunk at a time, so a file of any size streams in constant
/// memory: quoted fields may hold commas, doubled quotes and line breaks; CRLF and LF both end a
/// record; a UTF-8 byte-order mark at the start is skipped.
final class CSVReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 1
    /// Bytes consumed so far, for progress.
    private(set) var bytesRead: Int64 = 0
    let fileSize: Int64

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CommandError("\(path): cannot open for reading")
        }
        self.handle = handle
        fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
        try fill()
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    deinit { try? handle.close() }

    /// The next record, or nil at the end of the file.
    func next() throws -> CSVRecord? {
        guard try peek() != nil else { return nil }
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        while let byte = try peek() {
            advance()
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if try peek() == UInt8(ascii: "\"") {
                        advance()
                        field.append(byte)
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\"") where field.isEmpty: quoted = true
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            case UInt8(ascii: "\r") where try peek() == UInt8(ascii: "\n"): continue
            case UInt8(ascii: "\n"):
                line += 1
                fields.append(String(decoding: field, as: UTF8.self))
                return CSVRecord(line: startLine, fields: fields)
            default: field.append(byte)
            }
        }
        if quoted { throw CommandError("line \(startLine): a quoted field is not closed before the end of the file") }
        fields.append(String(decoding: field, as: UTF8.self))
        return CSVRecord(line: startLine, fields: fields)
    }

    private func peek() throws -> UInt8? {
        if position == buffer.count {
            guard !atEnd else { return nil }
            try fill()
            if position == buffer.count { return nil }
        }
        return buffer[position]
    }

    private func advance() {
        position += 1
        bytesRead += 1
    }

    private func fill() throws {
        let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
        buffer = [UInt8](chunk)
        position = 0
        atEnd = chunk.isEmpty
    }

    /// A field as CSV writes it: quoted when it holds a comma, quote or line break.
    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
