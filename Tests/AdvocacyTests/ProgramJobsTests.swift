import Advocacy
import Models
import ServiceKit
import TestKit
import Testing

@Suite("advocacy lapsing, anniversaries and the spotlight")
struct ProgramJobsTests {
    @Test("an active advocate without a contribution for 12 months lapses once; a contribution brings them back")
    func lapsing() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("quiet")
        try await svc.enroll("busy")
        svc.clock.advance(byMs: 200 * Time.day)
        try await svc.contribute("busy", .review, contributionID: "r-1")
        svc.clock.advance(byMs: 170 * Time.day)  // quiet: 370 days since enrolling; busy: 170 since contributing
        try await svc.runJob("lapse scan")
        try await svc.runJob("lapse scan")
        let lapsed = try await svc.events("advocate.lapsed", as: AdvocateLapsed.self)
        #expect(lapsed.map { $0.customer!.value } == ["quiet"] && lapsed[0].lastActiveMs == Time.start)
        #expect(lapsed[0].reason == "no approved contribution for 12 months")
        #expect(try await svc.advocate("quiet").status == .lapsed)
        #expect(try await svc.advocate("busy").status == .active)
        try await svc.contribute("quiet", .communityAnswer, contributionID: "ca-1")
        let back = try await svc.advocate("quiet")
        #expect(back.status == .active && back.lapsedAtMs == 0)
    }

    @Test("an advocate whose account cancels in health lapses at once")
    func cancellationLapses() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        var cancelled = InProcessService.account("acme", signupMs: Time.start - 400 * Time.day)
        cancelled.stage = .cancelled
        cancelled.cancelledAtMs = Time.start
        try await svc.deliverAccount(cancelled, change: "cancelled")
        try await svc.deliverAccount(cancelled, change: "cancelled")
        let lapsed = try await svc.events("advocate.lapsed", as: AdvocateLapsed.self)
        #expect(lapsed.count == 1 && lapsed[0].reason == "the account cancelled")
        #expect(try await svc.advocate("acme").status == .lapsed)
    }

    @Test("active advocates get one anniversary gift a year; lapsed ones none")
    func anniversaries() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        try await svc.enroll("gone")
        svc.clock.advance(byMs: 364 * Time.day)
        try await svc.contribute("acme", .review, contributionID: "r-1")
        try await svc.runJob("anniversary gifts")
        #expect(try await svc.events("anniversary.gift", as: AnniversaryGift.self).isEmpty)
        svc.clock.advance(byMs: 2 * Time.day)
        try await svc.runJob("lapse scan")
        try await svc.runJob("anniversary gifts")
        try await svc.runJob("anniversary gifts")
        let gifts = try await svc.events("anniversary.gift", as: AnniversaryGift.self)
        #expect(gifts.map { $0.customer!.value } == ["acme"] && gifts[0].years == 1 && gifts[0].level == "fan")
        svc.clock.advance(byMs: 300 * Time.day)
        try await svc.contribute("acme", .review, contributionID: "r-2")
        svc.clock.advance(byMs: 70 * Time.day)
        try await svc.runJob("anniversary gifts")
        #expect(try await svc.events("anniversary.gift", as: AnniversaryGift.self).map(\.years) == [1, 2])
    }

    @Test("the spotlight picks the month's top active contributors not featured recently, with reasons, once")
    func spotlight() async throws {
        let svc = try InProcessService.advocacy()
        for id in ["a", "b", "c", "d"] { try await svc.enroll(id) }
        let january = Time.start + 5 * Time.day
        try await svc.contribute("a", .caseStudy, contributionID: "a-1", occurredAtMs: Time.start)
        try await svc.contribute("b", .eventTalk, contributionID: "b-1", occurredAtMs: Time.start)
        svc.clock.advance(byMs: 40 * Time.day)  // 10 February
        try await svc.contribute("c", .review, contributionID: "c-1", occurredAtMs: january)
        try await svc.contribute("c", .review, contributionID: "c-2", occurredAtMs: january)
        try await svc.contribute("d", .review, contributionID: "d-1", occurredAtMs: Time.start + 35 * Time.day)
        let notOver = await svc.failure("PickSpotlight", PickSpotlightRequest(month: "2026-02"))
        #expect(notOver?.code == .invalidArgument && notOver?.field == "month")
        #expect(await svc.failure("PickSpotlight", PickSpotlightRequest(month: "January"))?.field == "month")
        let picked: Spotlight = try await svc.call("PickSpotlight", PickSpotlightRequest(month: "2026-01"))
        #expect(picked.picks.map { $0.advocate!.value } == ["a", "b", "c"])
        #expect(picked.picks.map(\.points) == [400, 300, 200])
        #expect(picked.picks[2].reason == "200 points in 2026-01 from 2 review; never featured")
        let again: Spotlight = try await svc.call("PickSpotlight", PickSpotlightRequest(month: "2026-01"))
        #expect(again == picked)
        #expect(try await svc.events("spotlight.picked", as: Spotlight.self).count == 1)

        svc.clock.advance(byMs: 30 * Time.day)  // 12 March
        try await svc.contribute("a", .caseStudy, contributionID: "a-2", occurredAtMs: Time.start + 40 * Time.day)
        let february: Spotlight = try await svc.call("PickSpotlight", PickSpotlightRequest(month: "2026-02"))
        #expect(february.picks.map { $0.advocate!.value } == ["d"], "a was featured in January")
        let read: Spotlight = try await svc.call("GetSpotlight", GetSpotlightRequest(month: "2026-02"))
        #expect(read == february)
        let none: Spotlight = try await svc.call("GetSpotlight", GetSpotlightRequest(month: "2025-12"))
        #expect(none.picks.isEmpty && none.pickedAtMs == 0)
    }

    @Test("the monthly job picks last month's spotlight once when nobody did")
    func monthlyJob() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("a")
        try await svc.contribute("a", .review, contributionID: "a-1")
        try await svc.runJob("monthly spotlight")  // January 1: December had nobody
        svc.clock.advance(byMs: 32 * Time.day)  // 2 February
        try await svc.runJob("monthly spotlight")
        try await svc.runJob("monthly spotlight")
        let picked = try await svc.events("spotlight.picked", as: Spotlight.self)
        #expect(picked.map(\.month) == ["2025-12", "2026-01"])
        #expect(picked[1].picks.map { $0.advocate!.value } == ["a"])
        let read: Spotlight = try await svc.call("PickSpotlight", PickSpotlightRequest(month: "2026-01"))
        #expect(read == picked[1])
    }
}
