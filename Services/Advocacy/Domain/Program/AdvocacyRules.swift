import Foundation
import GRDB
public import Models
import ServiceKit

extension AdvocacyProgram {
    /// The program as the issue sketches it: four levels on points over the trailing 12 months,
    /// candidates after 90 days as a customer, lapsing after 12 months without a contribution.
    public static let standard = AdvocacyProgram(
        channelPoints: [
            ChannelPoints(channel: .referral, points: 500), ChannelPoints(channel: .review, points: 100),
            ChannelPoints(channel: .caseStudy, points: 400), ChannelPoints(channel: .socialMention, points: 20),
            ChannelPoints(channel: .communityAnswer, points: 30), ChannelPoints(channel: .referenceCall, points: 200),
            ChannelPoints(channel: .eventTalk, points: 300),
        ],
        levels: [
            AdvocacyLevel(name: "fan", minPoints: 50, incentives: AdvocacyIncentives(earlyPromotionNotice: true)),
            AdvocacyLevel(
                name: "advocate", minPoints: 300,
                incentives: AdvocacyIncentives(freeSupport: true, earlyPromotionNotice: true)),
            AdvocacyLevel(
                name: "evangelist", minPoints: 1000,
                incentives: AdvocacyIncentives(
                    freeSupport: true, prioritySupport: true, freeHostingMonths: 1, earlyPromotionNotice: true)),
            AdvocacyLevel(
                name: "champion", minPoints: 2500,
                incentives: AdvocacyIncentives(
                    freeSupport: true, prioritySupport: true, freeHostingMonths: 3, managedServices: true,
                    earlyPromotionNotice: true)),
        ],
        candidateMinTenureDays: 90, lapseAfterMonths: 12, maxReferralsPerMonth: 5, referralSignupWindowDays: 30,
        spotlightSize: 3, spotlightCooldownMonths: 6)

    /// Points an approved contribution through `channel` earns; nil for a channel the program lacks.
    func points(for channel: ContributionChannel) -> Int64? {
        channelPoints.first { $0.channel == channel }?.points
    }

    /// The highest level `points` reach, with its rank (0 lowest); nil below the lowest.
    func level(forPoints points: Int64) -> (rank: Int, level: AdvocacyLevel)? {
        levels.enumerated().last { points >= $0.element.minPoints }.map { ($0.offset, $0.element) }
    }

    /// The level called `name` with its rank; nil for "" or a name the program no longer has.
    func level(named name: String) -> (rank: Int, level: AdvocacyLevel)? {
        levels.enumerated().first { $0.element.name == name }.map { ($0.offset, $0.element) }
    }

    /// Refuses rules the service cannot apply, naming the field.
    func validate() throws {
        for channel in ContributionChannel.all {
            let entries = channelPoints.filter { $0.channel == channel }
            guard entries.count == 1 else {
                throw RPCError.invalidArgument(
                    "program.channel_points", "\(channel.displayName) must be listed exactly once")
            }
        }
        for (index, entry) in channelPoints.enumerated() {
            guard ContributionChannel.all.contains(entry.channel) else {
                throw RPCError.invalidArgument("program.channel_points[\(index)].channel", "unknown channel")
            }
            guard (1...100_000).contains(entry.points) else {
                throw RPCError.invalidArgument("program.channel_points[\(index)].points", "must be 1–100000")
            }
        }
        guard (1...10).contains(levels.count) else {
            throw RPCError.invalidArgument("program.levels", "must have 1–10 levels")
        }
        for (index, level) in levels.enumerated() {
            try Check.text(level.name, field: "program.levels[\(index)].name", min: 1, max: 50)
            if levels[..<index].contains(where: { $0.name == level.name }) {
                throw RPCError.invalidArgument("program.levels[\(index)].name", "\"\(level.name)\" is used twice")
            }
            let floor = index == 0 ? 0 : levels[index - 1].minPoints
            guard level.minPoints > floor else {
                throw RPCError.invalidArgument(
                    "program.levels[\(index)].min_points", "must be more than \(floor) (levels go up)")
            }
            guard (level.incentives?.freeHostingMonths ?? 0) >= 0 else {
                throw RPCError.invalidArgument(
                    "program.levels[\(index)].incentives.free_hosting_months", "must not be negative")
            }
        }
        try Self.range(candidateMinTenureDays, 0...3650, "program.candidate_min_tenure_days")
        try Self.range(lapseAfterMonths, 1...60, "program.lapse_after_months")
        try Self.range(maxReferralsPerMonth, 1...1000, "program.max_referrals_per_month")
        try Self.range(referralSignupWindowDays, 1...365, "program.referral_signup_window_days")
        try Self.range(spotlightSize, 1...20, "program.spotlight_size")
        try Self.range(spotlightCooldownMonths, 0...36, "program.spotlight_cooldown_months")
    }

    private static func range(_ value: Int32, _ range: ClosedRange<Int32>, _ field: String) throws {
        guard range.contains(value) else {
            throw RPCError.invalidArgument(field, "must be \(range.lowerBound)–\(range.upperBound)")
        }
    }
}

/// The program in force, stored in the service's database so that every process and every
/// transaction applies the same rules.
enum ProgramStore {
    /// The stored program, or the standard one when an admin never set one.
    static func current(in db: Database) throws -> AdvocacyProgram {
        guard let data = try Data.fetchOne(db, sql: "SELECT program FROM advocacy_program WHERE id = 1") else {
            return .standard
        }
        return try AdvocacyProgram(serializedBytes: [UInt8](data))
    }

    static func save(_ program: AdvocacyProgram, nowMs: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO advocacy_program (id, program, updated_at_ms) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET program = excluded.program, updated_at_ms = excluded.updated_at_ms
                """,
            arguments: [Data(program.serializedBytes()), nowMs])
    }
}
