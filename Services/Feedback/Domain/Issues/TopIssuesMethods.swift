import GRDB
import Models
import ServiceKit

/// feedback.TopIssues: the NPS comments of a window, detractors against promoters.
enum TopIssuesMethods {
    static func register(on router: Router) {
        router.read("TopIssues", role: .reader) { (request: TopIssuesRequest, context) in
            guard request.limit <= 100 else { throw RPCError.invalidArgument("limit", "at most 100") }
            let window = try ReportWindow.resolve(request.window, field: "window", nowMs: context.nowMs)
            let answers = try await router.database.read { db in
                try ResponseStore.answers(kind: .nps, fromMs: window.fromMs, untilMs: window.untilMs, in: db)
            }
            let commented = answers.reversed().filter { !$0.comment.isEmpty }
            let detractors = commented.filter { $0.npsCategory == .detractor }.map(\.comment)
            let promoters = commented.filter { $0.npsCategory == .promoter }.map(\.comment)
            let issues = TopIssues.rank(
                detractors: detractors, promoters: promoters,
                minCount: request.minCount == 0 ? 3 : Int(request.minCount),
                limit: request.limit == 0 ? 10 : Int(request.limit))
            return TopIssuesResponse(
                issues: issues, detractorComments: UInt32(detractors.count), promoterComments: UInt32(promoters.count))
        }
    }
}
