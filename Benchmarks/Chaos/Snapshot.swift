import Client
import Models

/// What the services derived from a workload, one line per customer and service, from their own
/// reports: balances, cases, the health value report's counts.
///
/// Advocacy's candidates are left out of the comparison with the fault-free run: whether a promoter
/// becomes one depends on the account's band when the answer arrives, and health rescores changed
/// accounts on a timer (and at start), so a run with restarts legitimately sees bands change at
/// other moments. ``advocacyAnnouncements(_:customers:)`` checks them for doubles instead.
enum Snapshot {
    static func take(_ fleet: Fleet, customers: Int) async throws -> [String: String] {
        var lines: [String: String] = [:]
        for index in 0..<customers {
            let id = "cust-\(index)"
            let customer = CustomerId(value: id)
            let statement: GetStatementResponse = try await fleet.clients["loyalty"]!.call(
                "GetStatement", GetStatementRequest(customer: customer))
            lines["\(id) loyalty"] =
                "balance=\(statement.balance) pending=\(statement.pending) tier=\(statement.tier?.name ?? "")"

            let cases: ListCasesResponse = try await fleet.clients["escalation"]!.call(
                "ListCases", ListCasesRequest(customer: customer, page: PageRequest(pageSize: 500)))
            lines["\(id) escalation"] = cases.cases.map { "\($0.origin)/\($0.externalId)/\($0.severity)" }.sorted()
                .joined(separator: ",")

            let value: GetValueReportResponse = try await fleet.clients["health"]!.call(
                "GetValueReport", GetValueReportRequest(customer: customer))
            if let report = value.report {
                lines["\(id) health"] =
                    "usage=\(report.usageEvents) days=\(report.activeDays) nps=\(report.npsAnswers)/\(report.latestNps) "
                    + "cases=\(report.casesOpened) earned=\(report.pointsEarned) redeemed=\(report.pointsRedeemed) "
                    + "tier=\(report.loyaltyTier) level=\(report.advocacyLevel)"
            }

        }
        let program: GetProgramReportResponse = try await fleet.clients["loyalty"]!.call(
            "GetProgramReport", GetProgramReportRequest())
        lines["loyalty program"] =
            "issued=\(program.pointsIssued) redeemed=\(program.pointsRedeemed) redemptions=\(program.redemptions)"
        return lines
    }

    /// Customers whose advocacy status disagrees with advocacy's own event log: a candidate must have
    /// been announced exactly once (a doubled write or event would announce it twice), anyone else
    /// never.
    static func advocacyAnnouncements(_ fleet: Fleet, customers: Int) async throws -> [String] {
        var announced: [String: Int] = [:]
        var after: UInt64 = 0
        while true {
            let page = try await fleet.clients["advocacy"]!.replayEvents(after: after, limit: 1000)
            for event in page.events where event.type == "candidate.added" {
                announced[event.customerId, default: 0] += 1
            }
            guard let last = page.events.last, last.seq < page.latestSeq else { break }
            after = last.seq
        }
        var wrong: [String] = []
        for index in 0..<customers {
            let id = "cust-\(index)"
            let status = try await advocacyStatus(CustomerId(value: id), fleet)
            let expected = status == "none" ? 0 : 1
            if announced[id, default: 0] != expected {
                wrong.append(
                    "\(id): advocacy status \(status) but candidate.added announced \(announced[id, default: 0]) times")
            }
        }
        return wrong
    }

    /// The customer's status in the advocacy programme, "none" when it is not in it.
    private static func advocacyStatus(_ customer: CustomerId, _ fleet: Fleet) async throws -> String {
        do {
            let advocate: AdvocateResponse = try await fleet.clients["advocacy"]!.call(
                "GetAdvocate", GetAdvocateRequest(customer: customer))
            return "\(advocate.advocate?.status ?? .unspecified)"
        } catch {
            guard error.code == .notFound else { throw error }
            return "none"
        }
    }

    /// The lines that differ between two snapshots, described.
    static func differences(_ reference: [String: String], _ other: [String: String]) -> [String] {
        Set(reference.keys).union(other.keys).sorted().compactMap { key in
            reference[key] == other[key]
                ? nil : "\(key): fault-free \(reference[key] ?? "(none)") vs chaos \(other[key] ?? "(none)")"
        }
    }
}
