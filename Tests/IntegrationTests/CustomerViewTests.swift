import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

/// cxctl against a running suite: imports of purchases, survey answers and cases, counted exactly;
/// then `customer show` of what the five services know of one customer.
@Suite("cxctl import and customer show against the suite")
struct CustomerViewTests {
    static let dayMs: Int64 = 86_400_000
    let now = Int64(Date().timeIntervalSince1970 * 1000)

    /// acme and globex in health (imported with cxctl), acme used and scored; the followers have
    /// heard of both; two surveys defined.
    private func accounts(in suite: SuiteHarness) async throws {
        let accounts = try suite.file(
            "accounts.csv",
            "customer_id,name,segment,plan,mrr,currency,signup\n"
                + "acme,\"ACME, Inc.\",key,pro,499.00,EUR,2025-01-15\nglobex,Globex,small,basic,19,EUR,2025-03-01\n")
        let (status, output) = try await suite.cxctl(["import", "accounts", accounts])
        try #require(status == 0, "\(output)")
        let usage = (0..<14).map { day in
            UsageEvent(
                usageId: "u-\(day)", customer: .init(value: "acme"), feature: "dns", count: 3,
                occurredAtMs: now - Int64(day) * Self.dayMs)
        }
        let _: RecordUsageResponse = try await suite.call("health", "RecordUsage", RecordUsageRequest(events: usage))
        let _: RescoreAccountsResponse = try await suite.call(
            "health", "RescoreAccounts", RescoreAccountsRequest(customers: [.init(value: "acme")]))
        try await suite.caughtUp(with: "health")
        for (id, kind, touchpoint) in [
            ("relationship", SurveyKind.nps, Touchpoint.relationship), ("support", .csat, .supportCaseResolved),
        ] {
            let _: DefineSurveyResponse = try await suite.call(
                "feedback", "DefineSurvey",
                DefineSurveyRequest(survey: Survey(surveyId: id, kind: kind, touchpoint: touchpoint, question: "?")))
        }
    }

    /// Runs the import twice: the first run's summary must be `first`, the second's `again`; both exit 4
    /// (rows were rejected). - Returns: the rejects file's lines.
    private func importTwice(
        _ kind: String, _ csv: String, in suite: SuiteHarness, first: String, again: String
    ) async throws -> [String] {
        let file = try suite.file("\(kind).csv", csv)
        let (status, output) = try await suite.cxctl(["import", kind, file])
        #expect(status == 4 && output.contains(first), "\(output)")
        let rejects = try String(contentsOfFile: file + ".rejects.csv", encoding: .utf8)
        let (rerunStatus, rerun) = try await suite.cxctl(["import", kind, file])
        #expect(rerunStatus == 4 && rerun.contains(again), "\(rerun)")
        let rerunRejects = try String(contentsOfFile: file + ".rejects.csv", encoding: .utf8)
        let lines = rejects.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func lineNumbers(_ lines: [String]) -> [Substring] { lines.map { $0.prefix { $0 != "," } } }
        #expect(
            lineNumbers(lines)
                == lineNumbers(rerunRejects.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)),
            "the same rows rejected again: \(rerunRejects)")
        return lines
    }

    @Test("status, three imports counted exactly (re-runs apply nothing), and customer show with --json")
    func importsAndCustomerPage() async throws {
        let suite = try await SuiteHarness(separate: false)
        defer { suite.stop() }
        let (statusExit, status) = try await suite.cxctl(["status"])
        #expect(statusExit == 0, "\(status)")
        for service in suiteServices {
            #expect(
                status.split(separator: "\n").contains { $0.hasPrefix(service) && $0.contains(" up ") }, "\(status)")
        }
        try await accounts(in: suite)
        let day = now - Self.dayMs

        let purchases = try await importTwice(
            "purchases",
            """
            purchase_id,customer_id,amount,currency,occurred_at
            p-1,acme,120.00,EUR,\(day)
            p-2,acme,30.5,eur,\(day)
            p-1,acme,120.00,EUR,\(day)
            p-3,acme,lots,EUR,\(day)
            p-4,ghost,10,EUR,\(day)
            p-5,acme,-5,EUR,\(day)
            p-6,acme,5,EUR,\(now + 10 * Self.dayMs)

            """, in: suite, first: "7 rows: 2 applied, 1 duplicates, 4 rejected",
            again: "7 rows: 0 applied, 3 duplicates, 4 rejected")
        #expect(purchases[0] == "line,reason,purchase_id,customer_id,amount,currency,occurred_at")
        #expect(purchases[1].hasPrefix("5,\"amount: \"\"lots\"\" is not an amount"), "\(purchases)")
        #expect(purchases[2].hasPrefix("6,\"customer: unknown customer \"\"ghost\"\""), "\(purchases)")
        #expect(purchases[3].hasPrefix("7,\"amount.minor_units: must be above zero, got -500\""), "\(purchases)")
        #expect(purchases[4].hasPrefix("8,purchased_at_ms: "), "\(purchases)")
        #expect(purchases.count == 6 && purchases[5] == "", "\(purchases)")
        // Nothing doubled: two purchases' points, pending, after two runs.
        let statement: GetStatementResponse = try await suite.call(
            "loyalty", "GetStatement", GetStatementRequest(customer: .init(value: "acme")))
        #expect(statement.entries.count == 2 && statement.balance + statement.pending == 150, "\(statement)")

        let responses = try await importTwice(
            "responses",
            """
            response_id,survey_id,customer_id,score,comment,channel,answered_at
            r-1,relationship,acme,9,"Great support, fast",email,\(day - Self.dayMs)
            r-2,support,acme,4,,in-app,\(day)
            r-1,relationship,acme,9,"Great support, fast",email,\(day - Self.dayMs)
            r-3,relationship,acme,11,,email,\(day)
            r-4,nosuch,acme,5,,email,\(day)
            r-1,relationship,acme,3,changed my mind,email,\(day - Self.dayMs)
            r-5,relationship,acme,high,,email,\(day)

            """, in: suite, first: "7 rows: 2 applied, 1 duplicates, 4 rejected",
            again: "7 rows: 0 applied, 3 duplicates, 4 rejected")
        #expect(responses[1].hasPrefix("5,\"score: NPS scores are 0–10, got 11\",r-3"), "\(responses)")
        #expect(responses[2].hasPrefix("6,\"survey_id: unknown survey \"\"nosuch\"\""), "\(responses)")
        #expect(
            responses[3].hasPrefix("7,\"score: response \"\"r-1\"\" is already recorded with score 9"), "\(responses)")
        #expect(responses[4].hasPrefix("8,\"score: \"\"high\"\" is not a whole number\""), "\(responses)")
        #expect(responses.count == 6 && responses[5] == "", "four rejects, nothing else: \(responses)")

        let answers: ListResponsesResponse = try await suite.call(
            "feedback", "ListResponses", ListResponsesRequest(customer: .init(value: "acme")))
        #expect(answers.responses.map(\.responseId) == ["r-2", "r-1"] && answers.page?.totalCount == 2)
        #expect(answers.responses.last?.comment == "Great support, fast", "the quoted comma kept")

        let cases = try await importTwice(
            "cases",
            """
            external_id,customer_id,severity,title,assignee
            Z-1,acme,S2,DNS zone does not propagate,kim
            Z-2,acme,s3,Invoice address wrong,
            Z-1,acme,S2,DNS zone does not propagate,kim
            Z-3,acme,S9,Broken severity,
            Z-4,acme,S1,,
            Z-5,ghost,S1,Who is this,

            """, in: suite, first: "6 rows: 2 applied, 1 duplicates, 3 rejected",
            again: "6 rows: 0 applied, 3 duplicates, 3 rejected")
        #expect(cases[1].hasPrefix("5,\"severity: expected S1, S2, S3 or S4, got \"\"S9\"\"\""), "\(cases)")
        #expect(cases[2].hasPrefix("6,title: "), "\(cases)")
        #expect(cases[3].hasPrefix("7,\"customer: unknown customer \"\"ghost\"\""), "\(cases)")
        #expect(cases.count == 5 && cases[4] == "", "three rejects, nothing else: \(cases)")
        let opened: ListCasesResponse = try await suite.call(
            "escalation", "ListCases", ListCasesRequest(customer: .init(value: "acme")))
        #expect(opened.cases.map(\.externalId).sorted() == ["Z-1", "Z-2"], "each case opened once")

        let _: AdvocateResponse = try await suite.call(
            "advocacy", "EnrollAdvocate", EnrollAdvocateRequest(customer: .init(value: "acme")))
        let _: ContributionResponse = try await suite.call(
            "advocacy", "RecordContribution",
            RecordContributionRequest(
                contribution: Contribution(
                    contributionId: "k-1", advocate: .init(value: "acme"), channel: .caseStudy,
                    description: "ACME on Anchorage")))
        let _: ContributionResponse = try await suite.call(
            "advocacy", "ReviewContribution", ReviewContributionRequest(contributionId: "k-1", approve: true))

        let (showExit, page) = try await suite.cxctl(["customer", "show", "acme"])
        #expect(showExit == 0, "\(page)")
        #expect(page.hasPrefix("customer acme: ACME, Inc.\n"), "\(page)")
        #expect(page.contains("EUR 499.00") && page.contains("\nhealth: ") && page.contains("\ntrend: "), "\(page)")
        #expect(page.contains("usage_recency"), "the factor breakdown: \(page)")
        #expect(page.contains("\"Great support, fast\"") && page.contains("(promoter)"), "\(page)")
        #expect(page.split(separator: "\n").contains { $0.hasPrefix("CSAT") && $0.contains("4") }, "\(page)")
        #expect(page.contains("\nloyalty: tier ") && page.contains("(150 pending)") || page.contains("balance 150"))
        #expect(page.contains("\nadvocacy: active") && page.contains("case-study"), "\(page)")
        #expect(page.contains("\nescalation: 2 open cases") && page.contains("DNS zone does not propagate"), "\(page)")
        #expect(page.contains("first response due in") || page.contains("overdue"), "the SLA state: \(page)")

        let (jsonExit, json) = try await suite.cxctl(["customer", "show", "acme", "--json"])
        #expect(jsonExit == 0)
        let object = try jsonObject(json)
        #expect(object["customer"] as? String == "acme")
        let health = object["health"] as? [String: Any]
        #expect(
            ((health?["account"] as? [String: Any])?["account"] as? [String: Any])?["name"] as? String == "ACME, Inc.")
        #expect(((health?["score"] as? [String: Any])?["current"] as? [String: Any])?["factors"] != nil)
        let nps = (object["feedback"] as? [String: Any])?["nps"] as? [String: Any]
        #expect((nps?["responses"] as? [[String: Any]])?.first?["response_id"] as? String == "r-1")
        #expect((object["loyalty"] as? [String: Any])?["entries"] as? [Any] != nil)
        #expect(((object["advocacy"] as? [String: Any])?["contributions"] as? [String: Any])?["contributions"] != nil)
        #expect(((object["escalation"] as? [String: Any])?["cases"] as? [Any])?.count == 2)

        // globex: an account with nothing elsewhere; ghost: no account at all.
        let (globexExit, globex) = try await suite.cxctl(["customer", "show", "globex"])
        #expect(globexExit == 0, "\(globex)")
        #expect(globex.contains("\nadvocacy: not an advocate") && globex.contains("\nescalation: no open cases"))
        #expect(globex.contains("NPS   no answer") || globex.contains("NPS  no answer"), "\(globex)")
        let (ghostExit, ghost) = try await suite.cxctl(["customer", "show", "ghost"])
        #expect(ghostExit == 1 && ghost.hasPrefix("customer ghost: no such account in health"), "\(ghost)")
    }

    @Test("customer show with one service down: that service says so, the rest still prints, exit 3")
    func oneServiceDown() async throws {
        let suite = try await SuiteHarness(separate: true)
        defer { suite.stop() }
        try await accounts(in: suite)
        let purchases = try suite.file(
            "purchases.csv", "purchase_id,customer_id,amount,currency,occurred_at\np-1,acme,80,EUR,\(now)\n")
        #expect(try await suite.cxctl(["import", "purchases", purchases]).0 == 0)
        try await suite.kill("escalation")

        let (exit, page) = try await suite.cxctl(["customer", "show", "acme"])
        #expect(exit == 3, "\(page)")
        #expect(page.contains("\nescalation: down (no answer)"), "\(page)")
        #expect(page.hasPrefix("customer acme: ACME, Inc.") && page.contains("\nhealth: "), "\(page)")
        #expect(page.contains("(80 pending)") || page.contains("balance 80"), "\(page)")
        #expect(page.contains("\nadvocacy: not an advocate"), "\(page)")

        let (jsonExit, json) = try await suite.cxctl(["customer", "show", "acme", "--json"])
        #expect(jsonExit == 3)
        let escalation = try jsonObject(json)["escalation"] as? [String: Any]
        #expect((escalation?["error"] as? [String: Any])?["code"] as? String != nil, "\(json)")
    }
}
