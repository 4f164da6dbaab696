public import Foundation

/// An executable of this package run as a real child process, for integration tests: started with
/// arguments and environment, signalled by pid, waited for with a limit.
public final class ServiceProcess: @unchecked Sendable {  // Process is thread-safe for these calls.
    public let process: Process
    public let standardErrorFile: URL

    /// Starts `name` (an executable product built next to the test bundle).
    public convenience init(_ name: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
        try self.init(
            executable: Self.productsDirectory.appendingPathComponent(name), arguments: arguments,
            environment: environment)
    }

    /// Starts any executable (a tool such as chromium or tmux) the same way.
    public init(executable: URL, arguments: [String] = [], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("CX_") && !$0.key.hasPrefix("LEDGER_")
        }
        merged.merge(environment) { $1 }
        process.environment = merged
        standardErrorFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cx-\(executable.lastPathComponent)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: standardErrorFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: standardErrorFile)
        process.standardError = log
        process.standardOutput = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Where `swift build` put this package's executables: beside the test bundle.
    public static var productsDirectory: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.deletingLastPathComponent()
        while url.pathExtension == "xctest" || url.lastPathComponent == "Contents" || url.lastPathComponent == "MacOS" {
            url.deleteLastPathComponent()
        }
        return url
    }

    public var pid: pid_t { process.processIdentifier }

    /// Sends `signal` to this process (by its pid, never by name).
    public func send(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the process to end.
    /// - Returns: its exit status, or 128 + the signal that killed it.
    /// - Throws: when it is still running after `limit`.
    @discardableResult
    public func waitForExit(limit: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                throw TestProcessError(
                    "\(process.executableURL!.lastPathComponent) still running after \(limit)\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// What the process wrote on standard output and error so far.
    public var log: String {
        (try? String(contentsOf: standardErrorFile, encoding: .utf8)) ?? ""
    }
}

public struct TestProcessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A fresh, short temporary directory (ipc socket paths must stay under ~100 bytes).
public func makeTemporaryDirectory(_ prefix: String = "cx") throws -> String {
    let path = "/tmp/\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
