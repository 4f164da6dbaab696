import Client
import Foundation
import Models
import Testing

/// What the suite reports about the backup tests' customers, read through the services' methods and
/// cxctl's reports: two suites with equal reports hold the same state for a manager.
enum SuiteReports {
    /// One line per customer and service, the programme figures, and cxctl's loyalty, NPS and
    /// advocacy reports as printed.
    static func take(_ suite: SuiteHarness) async throws -> [String: String] {
        var lines: [String: String] = [:]
        for id in BackupTraffic.customers {
            let customer = CustomerId(value: id)
            let statement: GetStatementResponse = try await suite.call(
                "loyalty", "GetStatement", GetStatementRequest(customer: customer, page: PageRequest(pageSize: 1000)))
            lines["\(id) loyalty"] =
                "balance=\(statement.balance) pending=\(statement.pending) tier=\(statement.tier?.name ?? "") "
                + "entries=\(statement.entries.map { "\($0.entryId):\($0.points)" }.sorted())"

            let cases: ListCasesResponse = try await suite.call(
                "escalation", "ListCases", ListCasesRequest(customer: customer, page: PageRequest(pageSize: 1000)))
            lines["\(id) escalation"] =
                cases.cases.map { "\($0.caseId)/\($0.origin)/\($0.externalId)/\($0.severity)/\($0.status)" }.sorted()
                .joined(separator: ",")

            let answers: ListResponsesResponse = try await suite.call(
                "feedback", "ListResponses", ListResponsesRequest(customer: customer, page: PageRequest(pageSize: 1000))
            )
            lines["\(id) feedback"] = answers.responses.map { "\($0.responseId)=\($0.score)" }.sorted()
                .joined(separator: ",")

            let value: GetValueReportResponse = try await suite.call(
                "health", "GetValueReport", GetValueReportRequest(customer: customer))
            if let report = value.report {
                lines["\(id) health"] =
                    "usage=\(report.usageEvents) days=\(report.activeDays) nps=\(report.npsAnswers)/\(report.latestNps) "
                    + "cases=\(report.casesOpened) earned=\(report.pointsEarned) redeemed=\(report.pointsRedeemed) "
                    + "tier=\(report.loyaltyTier) level=\(report.advocacyLevel)"
            }
            lines["\(id) advocacy"] = try await advocacyStatus(customer, suite)
        }
        let program: GetProgramReportResponse = try await suite.call(
            "loyalty", "GetProgramReport", GetProgramReportRequest())
        lines["loyalty program"] =
            "issued=\(program.pointsIssued) redeemed=\(program.pointsRedeemed) members=\(program.members)"
        for report in ["loyalty", "nps", "advocacy"] {
            let (status, output) = try await suite.cxctl(["report", report])
            lines["cxctl report \(report)"] = status == 0 ? output : "failed (\(status)): \(output)"
        }
        return lines
    }

    /// The lines that differ, described.
    static func differences(_ expected: [String: String], _ actual: [String: String]) -> [String] {
        Set(expected.keys).union(actual.keys).sorted().compactMap { key in
            expected[key] == actual[key]
                ? nil : "\(key):\n  source   \(expected[key] ?? "(none)")\n  restored \(actual[key] ?? "(none)")"
        }
    }

    /// The service's events with seq 1 through `last`, as "seq id type".
    static func events(_ service: String, through last: UInt64, in suite: SuiteHarness) async throws -> [String] {
        var events: [String] = []
        var after: UInt64 = 0
        while after < last {
            let page = try await suite.clients[service]!.replayEvents(after: after, limit: 1000)
            guard !page.events.isEmpty else { break }
            events += page.events.prefix { $0.seq <= last }.map { "\($0.seq) \($0.eventId) \($0.type)" }
            after = page.events.last!.seq
        }
        return events
    }

    /// The customer's status in the advocacy programme, "none" when it is not in it.
    private static func advocacyStatus(_ customer: CustomerId, _ suite: SuiteHarness) async throws -> String {
        do {
            let advocate: AdvocateResponse = try await suite.call(
                "advocacy", "GetAdvocate", GetAdvocateRequest(customer: customer))
            return "\(advocate.advocate?.status ?? .unspecified) \(advocate.advocate?.level ?? "")"
        } catch let error as ClientError where error.code == .notFound {
            return "none"
        }
    }
}
