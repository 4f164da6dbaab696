import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

@Suite("cxctl import against a real service")
struct ImportTests {
    @Test("accounts: good, duplicate and broken rows are counted exactly, rejects say why, a re-run applies nothing")
    func importAccounts() async throws {
        let health = try await SuiteHarness(["health"], separate: true)
        defer { health.stop() }
        let dataDirectory = health.dataDirectory
        let file = dataDirectory + "/accounts.csv"
        let csv = """
            Customer ID,name,segment,plan,mrr,currency,signup
            acme,"ACME, Inc.",key,pro,499.00,EUR,2025-01-15
            globex,Globex,small,basic,19.5,usd,2025-03-01T10:00:00Z
            acme,"ACME, Inc.",key,pro,499.00,EUR,2025-01-15
            initech,Initech,huge,pro,10,EUR,2025-01-01
            hooli,Hooli,enterprise,pro,10,EUR,yesterday
            umbrella,Umbrella,mid-market
            "multi
            line",Multi,small,pro,1,EUR,2025-02-02

            """
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, output) = try await health.cxctl(
            ["import", "accounts", file, "--map", "Customer ID=customer_id"])
        #expect(status == 4, "\(output)")
        #expect(output.contains("7 rows: 2 applied, 1 duplicates, 4 rejected"), "\(output)")
        let rejects = try String(contentsOfFile: file + ".rejects.csv", encoding: .utf8)
        #expect(rejects.hasPrefix("line,reason,Customer ID,name,segment,plan,mrr,currency,signup\n"), "\(rejects)")
        #expect(
            rejects.contains("\n5,\"segment: expected small, mid-market, enterprise or key, got \"\"huge\"\"\",initech")
        )
        #expect(rejects.contains("\n6,\"signup: \"\"yesterday\"\" is not a date"), "\(rejects)")
        #expect(rejects.contains("\n7,\"has 3 fields, the header has 7\",umbrella,Umbrella,mid-market\n"), "\(rejects)")
        // The service's own refusal, with the row written back as it was (its quoted line break kept).
        #expect(
            rejects.hasSuffix(
                "\n8,customer: must not contain control characters,\"multi\nline\",Multi,small,pro,1,EUR,2025-02-02\n"
            ),
            "\(rejects)")

        let (again, rerun) = try await health.cxctl(
            ["import", "accounts", file, "--map", "Customer ID=customer_id"])
        #expect(again == 4 && rerun.contains("7 rows: 0 applied, 3 duplicates, 4 rejected"), "\(rerun)")

        let (_, shown) = try await health.cxctl(
            ["health", "accounts", "show", "acme", "--json"])
        let account = try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: Any]
        #expect(account?["name"] as? String == "ACME, Inc.")
        #expect((account?["mrr"] as? [String: Any])?["minor_units"] as? Int == 49_900)
    }

    @Test("usage: the service's refusals reject only their rows; re-running counts every event as a duplicate")
    func importUsage() async throws {
        let health = try await SuiteHarness(["health"], separate: true)
        defer { health.stop() }
        let dataDirectory = health.dataDirectory
        let accounts = dataDirectory + "/accounts.csv"
        try "customer_id,name,segment,signup\nacme,ACME,key,2025-01-15\n".write(
            toFile: accounts, atomically: true, encoding: .utf8)
        _ = try await health.cxctl(["import", "accounts", accounts])

        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var lines = ["usage_id,customer_id,feature,count,occurred_at"]
        for index in 0..<2500 { lines.append("u\(index),acme,dns,2,\(now - Int64(index) * 60_000)") }
        lines.append("u7,acme,dns,2,\(now)")  // the id of an earlier row: a duplicate
        lines.append("bad-count,acme,dns,-3,\(now)")  // refused by the service: events[i].count
        lines.append("nobody,ghost,dns,1,\(now)")  // refused by the service: unknown customer
        lines.append("bad-time,acme,dns,1,soon")  // refused before sending
        let file = dataDirectory + "/usage.csv"
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)

        let (status, output) = try await health.cxctl(["import", "usage", file])
        #expect(status == 4, "\(output)")
        #expect(output.contains("2504 rows: 2500 applied, 1 duplicates, 3 rejected"), "\(output)")
        let rejects = try String(contentsOfFile: file + ".rejects.csv", encoding: .utf8).split(separator: "\n")
        #expect(rejects.count == 4, "\(rejects)")
        #expect(rejects[1].hasPrefix("2503,\"count: must be from 1"), "\(rejects)")
        #expect(rejects[2].hasPrefix("2504,\"customer: unknown customer"), "\(rejects)")
        #expect(rejects[3].hasPrefix("2505,\"occurred_at: \"\"soon\"\" is not a date"), "\(rejects)")

        let (again, rerun) = try await health.cxctl(["import", "usage", file])
        #expect(again == 4 && rerun.contains("2504 rows: 0 applied, 2501 duplicates, 3 rejected"), "\(rerun)")
    }
}
