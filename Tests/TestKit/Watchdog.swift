import Foundation

/// Runs `body` and crashes the test process with `name` if it has not finished within `limit`.
///
/// A hang is the failure these tests look for, and a hung task cannot be cancelled from outside, so
/// the watchdog ends the process loudly instead of letting the test run wait forever.
public func withWatchdog<T: Sendable>(
    _ name: String, limit: Duration, _ body: @Sendable () async throws -> T
) async rethrows -> T {
    let watchdog = Task.detached {
        try await Task.sleep(for: limit)
        FileHandle.standardError.write(Data("watchdog: \(name) did not finish within \(limit)\n".utf8))
        exit(70)
    }
    defer { watchdog.cancel() }
    return try await body()
}

/// How long `body` took.
public func measure(_ body: () async throws -> Void) async rethrows -> Duration {
    let start = ContinuousClock.now
    try await body()
    return ContinuousClock.now - start
}
