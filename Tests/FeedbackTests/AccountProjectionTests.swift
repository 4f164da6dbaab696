import Feedback
import GRDB
import Models
import Projections
import ServiceKit
import TestKit
import Testing

/// The account projection every service but health keeps, exercised through the feedback service's
/// subscription to health (the others use the same piece).
@Suite("account projection")
struct AccountProjectionTests {
    @Test("health's account and score events keep the projection current; other events leave it alone")
    func followsHealth() async throws {
        let feedback = try InProcessService(FeedbackService.definition)
        let acme = InProcessService.account("acme", segment: .key, referralCode: "FRIEND-1")
        try await feedback.deliverAccount(acme)
        try await feedback.deliverScore("acme", band: .poor, score: 42.5)
        try await feedback.deliver("usage.recorded", from: "health", body: acme)  // not kept: ignored

        var projected = try #require(try await feedback.database.read { try AccountProjection.fetch("acme", in: $0) })
        #expect(projected.segment == .key && projected.band == .poor && projected.score == 42.5)
        #expect(projected.referralCode == "FRIEND-1" && projected.mrrMinorUnits == 49_900 && !projected.isCancelled)

        var cancelled = acme
        cancelled.stage = .cancelled
        cancelled.cancelledAtMs = 1_767_000_000_000
        try await feedback.deliverAccount(cancelled, change: "cancelled")
        projected = try #require(try await feedback.database.read { try AccountProjection.fetch("acme", in: $0) })
        #expect(projected.isCancelled && projected.cancelledAtMs == 1_767_000_000_000)
        #expect(projected.band == .poor, "an account change keeps the band the last score set")

        let referred = try await feedback.database.read {
            try AccountProjection.fetch(referralCode: "FRIEND-1", in: $0)
        }
        #expect(referred.map(\.customerID) == ["acme"])
    }

    @Test("segment counts leave cancelled accounts out unless asked, and unknown customers are refused by name")
    func countsAndRequire() async throws {
        let feedback = try InProcessService(FeedbackService.definition)
        try await feedback.deliverAccount(InProcessService.account("a", segment: .small))
        try await feedback.deliverAccount(InProcessService.account("b", segment: .small))
        var gone = InProcessService.account("c", segment: .enterprise)
        gone.stage = .cancelled
        try await feedback.deliverAccount(gone, change: "cancelled")

        let active = try await feedback.database.read { try AccountProjection.countsBySegment(in: $0) }
        let all = try await feedback.database.read {
            try AccountProjection.countsBySegment(includingCancelled: true, in: $0)
        }
        #expect(active == [.small: 2])
        #expect(all == [.small: 2, .enterprise: 1])
        await #expect(throws: RPCError.self) {
            try await feedback.database.read { try AccountProjection.require("nobody", field: "customer", in: $0) }
        }
    }
}
