import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

/// cx-suite with a small business in it, put there through the services' own methods and
/// `cxctl import`: accounts in every segment, usage, six months of NPS answers, support cases and
/// purchases. The report tests read it back through `cxctl report`.
struct ReportFixture {
    static let dayMs: Int64 = 86_400_000
    static let segments = ["small", "mid-market", "enterprise", "key"]
    static let accountCount = 24

    let dataDirectory: String
    let suite: ServiceProcess
    let clients: [String: ServiceClient]

    /// The environment cxctl needs to reach this suite as an admin.
    var cxctlEnvironment: [String: String] { ["CX_DATA_DIR": dataDirectory, "CX_AUTH_TOKEN": TestTokens.admin] }

    init() async throws {
        dataDirectory = try makeTemporaryDirectory("cx-report")
        suite = try ServiceProcess(
            "cx-suite", environment: ["CX_DATA_DIR": dataDirectory, "CX_TOKEN": TestTokens.setting])
        var clients: [String: ServiceClient] = [:]
        for service in ["feedback", "loyalty", "advocacy", "escalation", "health"] {
            let client = try ServiceClient(
                service: service,
                endpoints: [Endpoint(LocalSuite.requestURL(service: service, dataDirectory: dataDirectory))],
                token: TestTokens.admin)
            clients[service] = client
            let up = try await eventually(.seconds(30)) { (try? await client.ping(timeout: .milliseconds(500))) != nil }
            try #require(up, "cx-suite's \(service) did not come up:\n\(suite.log)")
        }
        self.clients = clients
    }

    func stop() {
        suite.send(SIGKILL)
        for client in clients.values { client.close() }
    }

    static func customer(_ index: Int) -> String { String(format: "c%02d", index) }

    /// The accounts as `cxctl import accounts` reads them: segments in turn.
    func writeAccountsCSV() throws -> String {
        var csv = "customer_id,name,segment,plan,mrr,currency,signup\n"
        for index in 0..<Self.accountCount {
            csv += "\(Self.customer(index)),Customer \(index),\(Self.segments[index % 4]),pro,99.00,EUR,2025-01-15\n"
        }
        let path = dataDirectory + "/accounts.csv"
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Usage as `cxctl import usage` reads it: the first half of the accounts busy every day for four
    /// weeks, the others silent, so their health bands differ.
    func writeUsageCSV() throws -> String {
        var csv = "usage_id,customer_id,feature,count,occurred_at\n"
        let now = Date()
        let formatter = ISO8601DateFormatter()
        for index in 0..<(Self.accountCount / 2) {
            for day in 0..<28 {
                for feature in ["login", "dns", "backups"] {
                    let at = formatter.string(from: now.addingTimeInterval(-Double(day) * 86_400 - 60))
                    csv += "u-\(index)-\(day)-\(feature),\(Self.customer(index)),\(feature),3,\(at)\n"
                }
            }
        }
        let path = dataDirectory + "/usage.csv"
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs cxctl to its end. - Returns: its exit status and everything it printed.
    func cxctl(_ arguments: [String]) async throws -> (Int32, String) {
        let process = try ServiceProcess("cxctl", arguments: arguments, environment: cxctlEnvironment)
        let status = try await process.waitForExit(limit: .seconds(120))
        return (status, process.log)
    }

    /// Scores every account, then the rest of the business: six months of NPS answers (each month a
    /// different mix, so the trend moves), cases (some resolved), purchases; and waits until every
    /// service has heard what the others published.
    func addActivity() async throws {
        let health = clients["health"]!
        let _: RescoreAccountsResponse = try await health.call("RescoreAccounts", RescoreAccountsRequest())
        for follower in ["feedback", "loyalty", "advocacy", "escalation"] {
            try await caughtUp(follower, with: "health")
        }

        let _: DefineSurveyResponse = try await clients["feedback"]!.call(
            "DefineSurvey",
            DefineSurveyRequest(
                survey: Survey(
                    surveyId: "relationship", kind: .nps, touchpoint: .relationship,
                    question: "How likely are you to recommend us?", recontactDays: 1)))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for month in 0..<6 {
            for index in 0..<Self.accountCount {
                // Later months have more promoters: an NPS rising from about -40 to +60.
                let score: Int32 = index < 4 + month * 3 ? 10 : index % 3 == 0 ? 8 : 3
                let _: RecordResponseResponse = try await clients["feedback"]!.call(
                    "RecordResponse",
                    RecordResponseRequest(
                        responseId: "r-\(month)-\(index)", surveyId: "relationship",
                        customer: .init(value: Self.customer(index)), score: score,
                        comment: score < 7 ? "the control panel is slow" : "great support",
                        answeredAtMs: now - Int64(5 - month) * 30 * Self.dayMs - Self.dayMs))
            }
        }
        for index in 0..<6 {
            let opened: OpenCaseResponse = try await clients["escalation"]!.call(
                "OpenCase",
                OpenCaseRequest(
                    externalId: "ext-\(index)", customer: .init(value: Self.customer(index)),
                    severity: index % 2 == 0 ? .s3 : .s4, title: "DNS propagation is slow (\(index))"))
            if index < 4 {
                let _: CaseResponse = try await clients["escalation"]!.call(
                    "SetCaseStatus",
                    SetCaseStatusRequest(caseId: opened.supportCase!.caseId, status: .resolved, reason: "fixed"))
            }
        }
        for index in 0..<Self.accountCount {
            let _: RecordPurchaseResponse = try await clients["loyalty"]!.call(
                "RecordPurchase",
                RecordPurchaseRequest(
                    purchaseId: "p-\(index)", customer: .init(value: Self.customer(index)),
                    amount: Money(minorUnits: Int64(index + 1) * 40_000, currency: "EUR"),
                    purchasedAtMs: now - 60 * Self.dayMs))
        }
        for (follower, source) in [
            ("advocacy", "feedback"), ("escalation", "feedback"), ("health", "feedback"), ("health", "escalation"),
        ] {
            try await caughtUp(follower, with: source)
        }
    }

    /// Waits until `follower` has applied every event `source` has published so far.
    func caughtUp(_ follower: String, with source: String) async throws {
        let latest = try await clients[source]!.status().latestSeq
        let done = try await eventually(.seconds(30)) {
            let status = try? await clients[follower]!.status()
            return (status?.subscriptions.first { $0.source == source }?.appliedSeq ?? 0) >= latest
        }
        try #require(done, "\(follower) did not catch up with \(source)'s seq \(latest)")
    }

    /// The full path of a tool on PATH, or nil when it is not installed.
    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Runs a tool to its end. - Returns: its exit status and everything it printed.
    static func run(_ tool: String, _ arguments: [String], limit: Duration = .seconds(60)) async throws -> (
        Int32, String
    ) {
        let process = try ServiceProcess(executable: URL(fileURLWithPath: tool), arguments: arguments)
        let status = try await process.waitForExit(limit: limit)
        return (status, process.log)
    }

    /// The repository's root (for scripts/), from this file's path.
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }
}
