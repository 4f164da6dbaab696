import Foundation

/// A program of this build (beside this executable), run in the background until stopped.
final class Child {
    let process = Process()
    let output = Pipe()

    init(_ name: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws {
        process.executableURL = Bench.binDirectory.appendingPathComponent(name)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CX_") }
            .merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Resident memory now, from /proc (MiB).
    var residentMiB: Double {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    /// Resident memory now that no other process shares (MiB): RSS less the pages of the binary and the
    /// shared libraries that every service maps too (from /proc smaps_rollup).
    var privateMiB: Double {
        let rollup = (try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8)) ?? ""
        let kibibytes = rollup.split(separator: "\n").filter { $0.hasPrefix("Private_") }.compactMap { line in
            line.split(separator: " ").dropFirst().first.flatMap { Double($0) }
        }
        return kibibytes.reduce(0, +) / 1024
    }

    /// Waits for the first line the program prints (e.g. nng-echo's "ready").
    func firstLine() -> String {
        var bytes: [UInt8] = []
        while let byte = try? output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 10 {
            bytes.append(first)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Everything the program printed until it exited.
    func waitForOutput() -> String {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        process.waitUntilExit()
    }
}

enum Bench {
    static let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent()

    static func temporaryDirectory(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
