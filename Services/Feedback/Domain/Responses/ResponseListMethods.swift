import GRDB
import Models
import ServiceKit

/// feedback.ListResponses: one customer's answers, newest first, for a customer page (cxctl
/// customer show) or a support agent's view. The page token is the last answer's time and id, so a
/// page never repeats or skips an answer recorded while paging.
enum ResponseListMethods {
    static func register(on router: Router) {
        router.read("ListResponses", role: .reader) { (request: ListResponsesRequest, _) in
            let customerID = try Check.customer(request.customer, field: "customer")
            let pageSize = Int(request.page?.pageSize ?? 0) == 0 ? 50 : min(Int(request.page!.pageSize), 1000)
            let after = try pageStart(request.page?.pageToken ?? "")
            return try await router.database.read { db in
                let (responses, total) = try ResponseStore.customerPage(
                    customer: customerID, kind: request.kind, after: after, limit: pageSize + 1, in: db)
                let page = Array(responses.prefix(pageSize))
                let next = responses.count > pageSize ? token(after: page.last!) : ""
                return ListResponsesResponse(
                    responses: page, page: PageInfo(nextPageToken: next, totalCount: UInt64(total)))
            }
        }
    }

    /// "1767225600000/r-17": where the next page starts.
    private static func token(after response: SurveyResponse) -> String {
        "\(response.answeredAtMs)/\(response.responseId)"
    }

    private static func pageStart(_ token: String) throws -> (answeredAtMs: Int64, responseID: String)? {
        guard !token.isEmpty else { return nil }
        let parts = token.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let answeredAtMs = Int64(parts[0]) else {
            throw RPCError.invalidArgument("page.page_token", "is not a token this service gave out")
        }
        return (answeredAtMs, String(parts[1]))
    }
}
