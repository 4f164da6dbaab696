import Foundation
import GRDB
import Models
import ServiceKit

/// The loyalty service's scheduled work. Each job reads time from the job's clock and does its work in
/// one write transaction, so its ledger entries and events commit together; each is safe to run again
/// at any time (a restart, a second replica): what it has done is recorded and not done twice.
struct LoyaltyJobs: Sendable {
    let program: LoyaltyProgram

    var all: [ScheduledJob] { [pointsApproval, tierReevaluation, pointsExpiry, anniversaries] }

    /// Counts points whose returns window has ended ("points.posted" for each).
    var pointsApproval: ScheduledJob {
        ScheduledJob(name: "points approval", every: .seconds(3600)) { context in
            let nowMs = context.clock.nowMs
            _ = try await context.database.write { db in try Ledger.postDue(nowMs: nowMs, in: db) }
        }
    }

    /// Re-evaluates every member's tier: down only after the grace period below it.
    var tierReevaluation: ScheduledJob {
        let program = program
        return ScheduledJob(name: "tier re-evaluation", every: .seconds(86_400)) { context in
            let nowMs = context.clock.nowMs
            try await context.database.write { db in
                let members = try Row.fetchAll(db, sql: "SELECT * FROM loyalty_members").map(Membership.member(from:))
                for member in members { try Membership.reevaluate(member, program: program, nowMs: nowMs, in: db) }
            }
        }
    }

    /// Lapses balances after `expiryInactivityMonths` without a purchase or redemption, and sends
    /// "points.expiring" once per silence `expiryWarningDays` ahead.
    var pointsExpiry: ScheduledJob {
        let program = program
        return ScheduledJob(name: "points expiry", every: .seconds(86_400)) { context in
            let nowMs = context.clock.nowMs
            try await context.database.write { db in try PointsExpiry(program: program).run(nowMs: nowMs, in: db) }
        }
    }

    /// Gives the anniversary gift on each anniversary of the subscription, once per year.
    var anniversaries: ScheduledJob {
        let program = program
        return ScheduledJob(name: "anniversaries", every: .seconds(3600)) { context in
            let nowMs = context.clock.nowMs
            try await context.database.write { db in
                try AnniversaryGifts(program: program).run(nowMs: nowMs, in: db)
            }
        }
    }
}
