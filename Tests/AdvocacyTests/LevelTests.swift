import Advocacy
import Models
import ServiceKit
import TestKit
import Testing

@Suite("advocacy levels")
struct LevelTests {
    @Test("approved points raise the level and emit level.changed with rank, count and incentives")
    func levelUp() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        try await svc.contribute("acme", .socialMention, contributionID: "s-1")  // 20: below fan
        #expect(try await svc.events("level.changed", as: AdvocacyLevelChanged.self).isEmpty)
        try await svc.contribute("acme", .caseStudy, contributionID: "cs-1")  // 420: advocate
        try await svc.contribute("acme", .referenceCall, contributionID: "rc-1")  // 620
        try await svc.contribute("acme", .caseStudy, contributionID: "cs-2")  // 1020: evangelist
        let changes = try await svc.events("level.changed", as: AdvocacyLevelChanged.self)
        #expect(changes.map(\.toLevel) == ["advocate", "evangelist"])
        #expect(changes.map(\.fromLevel) == ["", "advocate"])
        #expect(changes.map(\.levelRank) == [1, 2] && changes.allSatisfy { $0.levelCount == 4 })
        #expect(changes[1].incentives?.prioritySupport == true && changes[0].incentives?.prioritySupport == false)
        #expect(changes[1].pointsLast12Months == 1020)
        let incentives: GetAdvocacyIncentivesResponse = try await svc.call(
            "GetAdvocacyIncentives", GetAdvocacyIncentivesRequest(customer: CustomerId(value: "acme")))
        #expect(incentives.level == "evangelist" && incentives.levelRank == 2 && incentives.incentives!.prioritySupport)
        let nobody: GetAdvocacyIncentivesResponse = try await svc.call(
            "GetAdvocacyIncentives", GetAdvocacyIncentivesRequest(customer: CustomerId(value: "nobody")))
        #expect(nobody.levelRank == -1 && nobody.levelCount == 4 && !nobody.incentives!.prioritySupport)
    }

    @Test("points older than 12 months leave the window: the daily review lowers the level, lifetime points stay")
    func pointsAgeOut() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        try await svc.contribute("acme", .caseStudy, contributionID: "old", occurredAtMs: Time.start - 300 * Time.day)
        try await svc.contribute("acme", .review, contributionID: "new", occurredAtMs: Time.start)
        #expect(try await svc.advocate("acme").level == "advocate")  // 500 points
        svc.clock.advance(byMs: 70 * Time.day)  // the case study is now more than 12 months old
        try await svc.runJob("level review")
        let acme = try await svc.advocate("acme")
        #expect(acme.level == "fan" && acme.levelRank == 0 && acme.pointsLast12Months == 100)
        #expect(acme.lifetimePoints == 500 && acme.currentPoints == 500)
        let changes = try await svc.events("level.changed", as: AdvocacyLevelChanged.self)
        #expect(changes.map(\.toLevel) == ["advocate", "fan"])
        try await svc.runJob("level review")  // nothing left to change
        #expect(try await svc.events("level.changed", as: AdvocacyLevelChanged.self).count == 2)
        svc.clock.advance(byMs: 366 * Time.day)
        try await svc.runJob("level review")
        let last = try await svc.events("level.changed", as: AdvocacyLevelChanged.self).last!
        #expect(last.toLevel == "" && last.levelRank == -1 && last.incentives == AdvocacyIncentives())
    }

    @Test("an approved contribution older than 12 months earns lifetime points but no level")
    func oldContributionEarnsNoLevel() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        try await svc.contribute("acme", .eventTalk, contributionID: "talk", occurredAtMs: Time.start - 400 * Time.day)
        let acme = try await svc.advocate("acme")
        #expect(acme.lifetimePoints == 300 && acme.pointsLast12Months == 0 && acme.level == "")
    }

    @Test("admins set the program; bad programs are refused naming the field; new thresholds apply at review")
    func programSettings() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        try await svc.contribute("acme", .review, contributionID: "r-1")
        #expect(try await svc.advocate("acme").level == "fan")
        var program = AdvocacyProgram.standard
        program.levels[0].minPoints = 200
        program.levels[1].minPoints = 150
        let error = await svc.failure("SetAdvocacyProgram", SetAdvocacyProgramRequest(program: program))
        #expect(error?.code == .invalidArgument && error?.field == "program.levels[1].min_points")
        program.levels[1].minPoints = 300
        program.channelPoints.removeLast()
        let missing = await svc.failure("SetAdvocacyProgram", SetAdvocacyProgramRequest(program: program))
        #expect(missing?.field == "program.channel_points")
        program.channelPoints = AdvocacyProgram.standard.channelPoints
        let writer = await #expect(throws: RPCError.self) {
            let _: AdvocacyProgramResponse = try await svc.call(
                "SetAdvocacyProgram", SetAdvocacyProgramRequest(program: program), token: InProcessService.writer)
        }
        #expect(writer?.code == .permissionDenied)
        let _: AdvocacyProgramResponse = try await svc.call(
            "SetAdvocacyProgram", SetAdvocacyProgramRequest(program: program))
        let read: AdvocacyProgramResponse = try await svc.call("GetAdvocacyProgram", GetAdvocacyProgramRequest())
        #expect(read.program == program)
        #expect(try await svc.advocate("acme").level == "")
        let last = try await svc.events("level.changed", as: AdvocacyLevelChanged.self).last!
        #expect(last.fromLevel == "fan" && last.toLevel == "" && last.levelRank == -1)
    }

    @Test("new incentives for a level are announced to its advocates even though their level keeps its name")
    func newIncentivesAreAnnounced() async throws {
        let svc = try InProcessService.advocacy()
        try await svc.enroll("acme")
        try await svc.enroll("idle")
        try await svc.contribute("acme", .caseStudy, contributionID: "cs-1")
        var program = AdvocacyProgram.standard
        program.levels[1].incentives!.prioritySupport = true
        let _: AdvocacyProgramResponse = try await svc.call(
            "SetAdvocacyProgram", SetAdvocacyProgramRequest(program: program))
        let changes = try await svc.events("level.changed", as: AdvocacyLevelChanged.self)
        #expect(changes.count == 2 && changes[1].fromLevel == "advocate" && changes[1].toLevel == "advocate")
        #expect(changes[1].incentives?.prioritySupport == true && changes[1].customer?.value == "acme")
        program.spotlightSize = 5  // levels unchanged: nobody is told anything
        let _: AdvocacyProgramResponse = try await svc.call(
            "SetAdvocacyProgram", SetAdvocacyProgramRequest(program: program))
        #expect(try await svc.events("level.changed", as: AdvocacyLevelChanged.self).count == 2)
    }
}
