import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

/// The README's Python example, run as written against real cx-health and cx-loyalty processes, so
/// that what it tells engineers wiring their own systems in stays true.
@Suite("examples/python against cx-loyalty")
struct PythonExampleTests {
    /// The repository's root, from this file's place in it.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Runs a program to its end; returns its exit status and what it printed (both streams).
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A virtual environment under .build with pynng and protobuf from PyPI, made once.
    static func pythonWithPackages() throws -> String {
        let venv = repositoryRoot.appendingPathComponent(".build/python-example").path
        let python = venv + "/bin/python"
        let check = try? run(python, ["-c", "import pynng, google.protobuf"])
        if check?.status != 0 {
            let made = try run("/usr/bin/env", ["python3", "-m", "venv", venv])
            try #require(made.status == 0, "python3 -m venv: \(made.output)")
            let installed = try run(
                python,
                [
                    "-m", "pip", "install", "--quiet", "-r",
                    repositoryRoot.appendingPathComponent("examples/python/requirements.txt").path,
                ])
            try #require(installed.status == 0, "pip install: \(installed.output)")
        }
        return python
    }

    @Test("the example records a purchase and prints the statement; a repeat earns nothing; a bad amount is refused")
    func recordsPurchaseAndReadsStatement() async throws {
        let python = try Self.pythonWithPackages()
        let dataDirectory = try makeTemporaryDirectory("cx-python")
        let descriptors = dataDirectory + "/cx.desc"
        let protos = try FileManager.default.contentsOfDirectory(
            atPath: Self.repositoryRoot.appendingPathComponent("proto/cx/v1").path
        ).filter { $0.hasSuffix(".proto") }.sorted().map { "proto/cx/v1/" + $0 }
        let generated = try Self.run(
            "/usr/bin/env",
            [
                "protoc-c", "-I", Self.repositoryRoot.appendingPathComponent("proto").path, "--include_imports",
                "--descriptor_set_out=\(descriptors)",
            ]
                + protos.map { Self.repositoryRoot.appendingPathComponent($0).path })
        try #require(generated.status == 0, "protoc-c: \(generated.output)")

        var processes: [ServiceProcess] = []
        var clients: [String: ServiceClient] = [:]
        defer {
            for process in processes { process.send(SIGKILL) }
            for client in clients.values { client.close() }
        }
        for service in ["health", "loyalty"] {
            processes.append(
                try ServiceProcess(
                    "cx-\(service)", environment: ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting]))
            let client = try ServiceClient(
                service: service,
                endpoints: [Endpoint(LocalSuite.requestURL(service: service, dataDirectory: dataDirectory))],
                token: TestTokens.admin)
            clients[service] = client
            let up = try await eventually(.seconds(30)) { (try? await client.ping(timeout: .milliseconds(500))) != nil }
            try #require(up, "cx-\(service) did not come up")
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let _: UpsertAccountResponse = try await clients["health"]!.call(
            "UpsertAccount",
            UpsertAccountRequest(
                account: Account(
                    customer: .init(value: "acme"), name: "ACME", segment: .midMarket, signupMs: now - 86_400_000)))
        let latest = try await clients["health"]!.status().latestSeq
        let known = try await eventually(.seconds(30)) {
            let status = try? await clients["loyalty"]!.status()
            return (status?.subscriptions.first { $0.source == "health" }?.appliedSeq ?? 0) >= latest
        }
        try #require(known, "loyalty did not hear of the account")

        let arguments = [
            Self.repositoryRoot.appendingPathComponent("examples/python/loyalty_example.py").path,
            "--descriptors", descriptors, "--url",
            LocalSuite.requestURL(service: "loyalty", dataDirectory: dataDirectory),
            "--token", TestTokens.writer, "--customer", "acme", "--purchase-id", "inv-1001", "--amount", "12000",
        ]
        let first = try Self.run(python, arguments)
        #expect(first.status == 0, "\(first.output)")
        let statement: GetStatementResponse = try await clients["loyalty"]!.call(
            "GetStatement", GetStatementRequest(customer: .init(value: "acme")))
        let points = statement.balance + statement.pending
        #expect(points > 0, "\(statement)")
        #expect(first.output.contains("purchase inv-1001: \(points) points"), "\(first.output)")
        #expect(first.output.contains("acme: balance \(statement.balance) points, pending \(statement.pending)"))
        #expect(first.output.contains("inv-1001"), "the statement lists the purchase: \(first.output)")

        let repeated = try Self.run(python, arguments)
        #expect(repeated.status == 0 && repeated.output == first.output, "\(repeated.output)")
        let after: GetStatementResponse = try await clients["loyalty"]!.call(
            "GetStatement", GetStatementRequest(customer: .init(value: "acme")))
        #expect(after.balance + after.pending == points)

        let refused = try Self.run(
            python, arguments.map { $0 == "12000" ? "-5" : $0 == "inv-1001" ? "inv-1002" : $0 })
        #expect(refused.status == 1 && refused.output.contains("INVALID_ARGUMENT"), "\(refused.output)")
    }
}
