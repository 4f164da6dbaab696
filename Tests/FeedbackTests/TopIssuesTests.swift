import Models
import TestKit
import Testing

@testable import Feedback

@Suite("feedback top issues")
struct TopIssuesTests {
    @Test("terms are words without stop words, and the two-word phrases they form")
    func terms() {
        #expect(
            TopIssues.terms(of: "The support response is SLOW, isn't it?") == [
                "support", "response", "slow", "support response", "response slow",
            ])
    }

    @Test("terms detractors use and promoters do not rank first, with a minimum count and examples")
    func ranking() {
        let detractors = [
            "Support response is slow", "slow support response again", "Billing errors and slow support response",
            "the dashboard is slow",
        ]
        let promoters = ["Great support team", "great product, support is quick", "love the dashboard"]
        let issues = TopIssues.rank(detractors: detractors, promoters: promoters, minCount: 3, limit: 3)
        // "slow" is in 4 of 4 detractor comments and no promoter one: (4+1)/(4+2) ÷ (0+1)/(3+2) = 4.1667.
        #expect(issues.first?.term == "slow")
        #expect(abs((issues.first?.lift ?? 0) - 25.0 / 6) < 1e-9)
        // "support response" is in 3 detractor comments, none promoter: (3+1)/6 ÷ 1/5 = 3.333 > "response" (same)
        #expect(issues.map(\.term).contains("support response"))
        #expect(!issues.map(\.term).contains("support"), "promoters say support too: lower lift")
        #expect(!issues.map(\.term).contains("dashboard"), "below the minimum count")
        #expect(issues.first?.examples == Array(detractors.prefix(3)))
    }

    @Test("through the service: only NPS comments count, detractors against promoters")
    func throughService() async throws {
        let feedback = try await InProcessService.feedback()
        for (index, comment) in ["login keeps failing", "Login failing again", "login failing on mobile"].enumerated() {
            try await feedback.answer("d\(index)", score: 2, comment: comment)
        }
        try await feedback.answer("p", score: 10, comment: "login is smooth")
        try await feedback.answer("c", survey: "csat", score: 1, comment: "login failing")
        let reply: TopIssuesResponse = try await feedback.call("TopIssues", TopIssuesRequest(minCount: 2))
        #expect(reply.detractorComments == 3 && reply.promoterComments == 1)
        #expect(reply.issues.map(\.term) == ["failing", "login failing", "login"])
        #expect(reply.issues.first?.examples.first == "login failing on mobile", "newest first")
    }
}
