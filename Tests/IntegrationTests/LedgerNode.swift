import Client
import Foundation
import Messaging
import Models
import TestKit

/// One cx-test-ledger process and its data directory, restartable on the same data.
final class LedgerNode: @unchecked Sendable {  // used from one test task at a time
    let name: String
    let dataDirectory: String
    private let arguments: [String]
    private let environment: [String: String]
    private(set) var process: ServiceProcess?

    /// - Parameter follow: another node whose events this one mirrors.
    init(name: String = "ledger", follow: LedgerNode? = nil, arguments: [String] = []) throws {
        self.name = name
        self.dataDirectory = try makeTemporaryDirectory("cx-\(name)")
        var environment = ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting, "LEDGER_NAME": name]
        var arguments = arguments
        if let follow {
            environment["LEDGER_FOLLOW"] = follow.name
            arguments += [
                "--peer.\(follow.name).request", follow.requestURL, "--peer.\(follow.name).events", follow.eventsURL,
            ]
        }
        self.environment = environment
        self.arguments = arguments
    }

    var requestURL: String { LocalSuite.requestURL(service: name, dataDirectory: dataDirectory) }
    var eventsURL: String { LocalSuite.eventsURL(service: name, dataDirectory: dataDirectory) }

    /// Starts the process and waits until it answers Ping.
    func start() async throws {
        let process = try ServiceProcess("cx-test-ledger", arguments: arguments, environment: environment)
        self.process = process
        let client = try self.client()
        defer { client.close() }
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if let _ = try? await client.ping(timeout: .milliseconds(500)) { return }
            guard process.process.isRunning, ContinuousClock.now < deadline else {
                throw TestProcessError("\(name) did not come up:\n\(process.log)")
            }
        }
    }

    func client(token: String = TestTokens.admin, timeout: Duration = .seconds(10), maxInFlight: Int = 64) throws
        -> ServiceClient
    {
        try ServiceClient(
            service: name, endpoints: [Endpoint(requestURL)], token: token, defaultTimeout: timeout,
            maxInFlight: maxInFlight)
    }

    /// SIGKILL, and wait for it to be gone.
    func crash() async throws {
        process?.send(SIGKILL)
        try await process?.waitForExit()
    }

    /// SIGTERM, and wait for it to exit; returns its status.
    func stop() async throws -> Int32 {
        process?.send(SIGTERM)
        return try await process?.waitForExit() ?? 0
    }

    deinit {
        if let process, process.process.isRunning { process.send(SIGKILL) }
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }
}

extension ServiceClient {
    func append(_ entryID: String, account: String, amount: Int64 = 1, holdMs: Int64 = 0, copies: UInt32 = 0)
        async throws(ClientError) -> LedgerAppendResponse
    {
        try await call(
            "Append",
            LedgerAppendRequest(entryId: entryID, account: account, amount: amount, holdMs: holdMs, copies: copies))
    }

    func balance(_ account: String) async throws(ClientError) -> LedgerBalanceResponse {
        try await call("Balance", LedgerBalanceRequest(account: account))
    }

    func mirror() async throws(ClientError) -> LedgerMirrorResponse {
        try await call("Mirror", LedgerMirrorRequest())
    }
}
