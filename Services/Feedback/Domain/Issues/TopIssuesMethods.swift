import GRDB
import Models
import ServiceKit

/// feedback.TopIssues: the NPS comments of a window, detractors against promoters.
enum TopIssuesMethods {
    static func register(on router: Router) {
        router.read("TopIssues", role: .reader) { (request: TopIssuesRequest, context) in
            guard request.limit <= 100 else { throw RPCError.invalidArgument("limit", "at most 100") }
            let window = try ReportWindow.resolve(request.window, field: "window", nowMs: context.nowMs)
            let comments = try await router.database.read { db in
                try ResponseStore.npsComments(fromMs: window.fromMs, untilMs: window.untilMs, in: db)
            }
            let detractors = comments.filter { $0.0 == .detractor }.map(\.1)
            let promoters = comments.filter { $0.0 == .promoter }.map(\.1)
            let issues = TopIssues.rank(
                detractors: detractors, promoters: promoters,
                minCount: request.minCount == 0 ? 3 : Int(request.minCount),
                limit: request.limit == 0 ? 10 : Int(request.limit))
            return TopIssuesResponse(
                issues: issues, detractorComments: UInt32(detractors.count), promoterComments: UInt32(promoters.count))
        }
    }
}
