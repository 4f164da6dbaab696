// storage-crash-child: the process StorageCrashTests kill -9s. It opens a ServiceDatabase and
// writes from several tasks until killed, printing the id of each write on its own line once
// `write` has returned, i.e. once the write is acknowledged.
//
// Usage: storage-crash-child <database path> <processCrash|powerLoss>

import Foundation
import ServiceKit

let arguments = CommandLine.arguments
guard arguments.count == 3, let durability = Durability(rawValue: arguments[2]) else {
    FileHandle.standardError.write(Data("usage: storage-crash-child <database path> <processCrash|powerLoss>\n".utf8))
    exit(64)
}

/// The table the test reads back; each write also appends one event.
let acknowledgedTable = ServiceMigration("crash_child_v1_written") { db in
    try db.execute(sql: "CREATE TABLE written (id INTEGER PRIMARY KEY)")
}
let database = try ServiceDatabase(path: arguments[1], durability: durability, migrations: [acknowledgedTable])
let writers = 16

try await withThrowingTaskGroup(of: Void.self) { group in
    // Never outlive a test that died without killing us.
    group.addTask {
        try await Task.sleep(for: .seconds(60))
        exit(3)
    }
    for writer in 0..<writers {
        group.addTask {
            for id in stride(from: writer, to: Int.max, by: writers) {
                try await database.write { db in
                    try db.execute(sql: "INSERT INTO written (id) VALUES (?)", arguments: [id])
                    _ = try database.eventLog.append(
                        NewEvent(type: "crash.Written", occurredAtMs: Int64(id), body: []),
                        in: db
                    )
                }
                // One write(2) per line: lines from different writers never interleave on the pipe.
                FileHandle.standardOutput.write(Data("\(id)\n".utf8))
            }
        }
    }
    try await group.waitForAll()
}
