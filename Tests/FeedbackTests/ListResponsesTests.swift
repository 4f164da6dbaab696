import Feedback
import Models
import ServiceKit
import TestKit
import Testing

@Suite("feedback.ListResponses: one customer's answers")
struct ListResponsesTests {
    private func list(
        _ feedback: InProcessService, customer: String = "acme", kind: SurveyKind = .unspecified, size: UInt32 = 0,
        token: String = ""
    ) async throws -> ListResponsesResponse {
        try await feedback.call(
            "ListResponses",
            ListResponsesRequest(
                customer: CustomerId(value: customer), kind: kind, page: PageRequest(pageSize: size, pageToken: token)))
    }

    @Test("only that customer's answers, newest first, filtered by kind, paged without repeats or gaps")
    func newestFirstByKindPaged() async throws {
        let feedback = try await InProcessService.feedback(accounts: [("acme", .key), ("globex", .small)])
        let now = feedback.clock.nowMs
        try await feedback.answer("n-old", score: 3, comment: "slow", answeredAtMs: now - 3 * InProcessService.dayMs)
        try await feedback.answer("c-1", survey: "csat", score: 4, answeredAtMs: now - 2 * InProcessService.dayMs)
        // Two answers at the same moment: the id breaks the tie, so paging between them loses neither.
        try await feedback.answer("n-a", score: 9, answeredAtMs: now - InProcessService.dayMs)
        try await feedback.answer("n-b", score: 10, answeredAtMs: now - InProcessService.dayMs)
        try await feedback.answer("g-1", customer: "globex", score: 0)

        let all = try await list(feedback)
        #expect(all.responses.map(\.responseId) == ["n-b", "n-a", "c-1", "n-old"])
        #expect(all.page?.totalCount == 4 && all.page?.nextPageToken == "")
        #expect(all.responses.last?.comment == "slow" && all.responses.last?.kind == .nps)

        let nps = try await list(feedback, kind: .nps)
        #expect(nps.responses.map(\.responseId) == ["n-b", "n-a", "n-old"] && nps.page?.totalCount == 3)

        var seen: [String] = []
        var token = ""
        repeat {
            let page = try await list(feedback, size: 1, token: token)
            #expect(page.responses.count == 1 && page.page?.totalCount == 4)
            seen += page.responses.map(\.responseId)
            token = page.page?.nextPageToken ?? ""
        } while !token.isEmpty
        #expect(seen == ["n-b", "n-a", "c-1", "n-old"])

        #expect(try await list(feedback, customer: "initech").responses.isEmpty)
    }

    @Test("a missing customer or a forged page token is INVALID_ARGUMENT naming the field")
    func refusals() async throws {
        let feedback = try await InProcessService.feedback()
        let noCustomer = await #expect(throws: RPCError.self) {
            let _: ListResponsesResponse = try await feedback.call("ListResponses", ListResponsesRequest())
        }
        #expect(noCustomer?.code == .invalidArgument && noCustomer?.field == "customer")
        let forged = await #expect(throws: RPCError.self) { try await list(feedback, token: "yesterday") }
        #expect(forged?.code == .invalidArgument && forged?.field == "page.page_token")
    }
}
