import Escalation
import Models
import ServiceKit
import TestKit
import Testing

@Suite("Opening, reading and listing cases")
struct CaseMethodsTests {
    @Test("a new case starts open at the support level with the matrix's targets and an audit entry")
    func openCase() async throws {
        let service = try await makeService()
        let start = service.clock.nowMs
        let opened = try await service.openCase(severity: .s2)
        #expect(opened.caseId == "C1" && opened.status == .open && opened.level == .support && opened.origin == .api)
        // S2 for an account not scored yet (treated as average), no priority: 4 h / 24 h around the clock.
        #expect(opened.firstResponseDueMs == start + 4 * hourMs)
        #expect(opened.resolutionDueMs == start + 24 * hourMs)
        let detail = try await service.getCase("C1")
        #expect(detail.slaAudit.map(\.reason) == ["opened"])
        #expect(detail.slaAudit.first?.policy == "S2/average/standard")
        #expect(detail.calendar == "24x7" && detail.segment == .midMarket)
        let changed = try await service.events("case.opened", as: CaseChanged.self)
        #expect(changed.map { $0.supportCase?.caseId } == ["C1"])
    }

    @Test("opening again with the same external id returns the same case and emits nothing more")
    func idempotentOpen() async throws {
        let service = try await makeService()
        let first = try await service.openCase("zd-7")
        let second = try await service.openCase("zd-7", severity: .s1)
        #expect(second.caseId == first.caseId && second.severity == .s2)
        let list: ListCasesResponse = try await service.call("ListCases", ListCasesRequest())
        #expect(list.cases.count == 1)
        #expect(try await service.eventTypes().filter { $0 == "case.opened" }.count == 1)
    }

    @Test("an unknown severity, a missing title or an unknown customer is refused by field, and nothing is stored")
    func badInput() async throws {
        let service = try await makeService()
        let unknownSeverity = await rpcError { _ = try await service.openCase(severity: .unrecognized(9)) }
        #expect(unknownSeverity?.code == .invalidArgument && unknownSeverity?.field == "severity")
        #expect(unknownSeverity?.message.contains("S1, S2, S3 or S4") == true)
        let noSeverity = await rpcError { _ = try await service.openCase(severity: .unspecified) }
        #expect(noSeverity?.field == "severity")
        let noTitle = await rpcError { _ = try await service.openCase(title: "") }
        #expect(noTitle?.field == "title")
        let stranger = await rpcError { _ = try await service.openCase(customer: "nobody") }
        #expect(stranger?.code == .invalidArgument && stranger?.field == "customer")
        let list: ListCasesResponse = try await service.call("ListCases", ListCasesRequest())
        #expect(list.cases.isEmpty)
        #expect(try await service.eventTypes().isEmpty)
    }

    @Test("cases list newest first, filter by customer and activity, and page")
    func listing() async throws {
        let service = try await makeService(accounts: ["acme", "globex"])
        for index in 1...3 { _ = try await service.openCase("a-\(index)", customer: "acme") }
        _ = try await service.openCase("g-1", customer: "globex")
        _ = try await service.setStatus("C1", .resolved)
        let acme: ListCasesResponse = try await service.call(
            "ListCases", ListCasesRequest(customer: CustomerId(value: "acme"), page: PageRequest(pageSize: 2)))
        #expect(acme.cases.map(\.caseId) == ["C3", "C2"] && acme.page?.totalCount == 3)
        let next: ListCasesResponse = try await service.call(
            "ListCases",
            ListCasesRequest(
                customer: CustomerId(value: "acme"), page: PageRequest(pageSize: 2, pageToken: acme.page!.nextPageToken)
            ))
        #expect(next.cases.map(\.caseId) == ["C1"] && next.page?.nextPageToken == "")
        let active: ListCasesResponse = try await service.call("ListCases", ListCasesRequest(activeOnly: true))
        #expect(active.cases.map(\.caseId) == ["C4", "C3", "C2"])
        let unknown = await rpcError { _ = try await service.getCase("C99") }
        #expect(unknown?.code == .notFound)
    }
}
