import Health
import Models
import ServiceKit
import TestKit
import Testing

@Suite("health business reviews")
struct ReviewMethodsTests {
    static let dayMs: Int64 = 86_400_000

    @Test("key accounts are due quarterly and others yearly, from their last review or signup")
    func cadenceBySegment() async throws {
        let health = try InProcessService(HealthService.definition)
        let now = health.clock.nowMs
        for (id, segment, signupDaysAgo) in [
            ("key-a", Segment.key, 100), ("small-a", .small, 100), ("small-b", .small, 400),
        ] {
            let _: UpsertAccountResponse = try await health.call(
                "UpsertAccount",
                UpsertAccountRequest(
                    account: AccountMethodsTests.account(
                        id, segment: segment, signupMs: now - Int64(signupDaysAgo) * Self.dayMs)))
        }
        let due: ListReviewsDueResponse = try await health.call("ListReviewsDue", ListReviewsDueRequest())
        #expect(due.reviews.map { $0.customer!.value } == ["small-b", "key-a"])
        #expect(due.reviews.allSatisfy { $0.overdue })

        let recorded: RecordBusinessReviewResponse = try await health.call(
            "RecordBusinessReview",
            RecordBusinessReviewRequest(customer: .init(value: "key-a"), heldAtMs: now - Self.dayMs, notes: "QBR"))
        #expect(recorded.nextDueMs == now - Self.dayMs + 91 * Self.dayMs)
        let after: ListReviewsDueResponse = try await health.call("ListReviewsDue", ListReviewsDueRequest())
        #expect(after.reviews.map { $0.customer!.value } == ["small-b"])
        let nextHalfYear: ListReviewsDueResponse = try await health.call(
            "ListReviewsDue", ListReviewsDueRequest(dueBeforeMs: now + 300 * Self.dayMs, segment: .small))
        #expect(nextHalfYear.reviews.map { $0.customer!.value } == ["small-b", "small-a"])
        #expect(nextHalfYear.reviews.last?.overdue == false)
    }

    @Test("a review in the future or for an unknown account is refused")
    func badReviews() async throws {
        let health = try InProcessService(HealthService.definition)
        let future = await #expect(throws: RPCError.self) {
            let _: RecordBusinessReviewResponse = try await health.call(
                "RecordBusinessReview",
                RecordBusinessReviewRequest(customer: .init(value: "x"), heldAtMs: health.clock.nowMs + 1))
        }
        #expect(future?.field == "held_at_ms")
        let unknown = await #expect(throws: RPCError.self) {
            let _: RecordBusinessReviewResponse = try await health.call(
                "RecordBusinessReview", RecordBusinessReviewRequest(customer: .init(value: "x"), heldAtMs: 1))
        }
        #expect(unknown?.code == .notFound)
    }
}
