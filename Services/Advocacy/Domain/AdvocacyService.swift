import GRDB
import Models
import Projections
public import ServiceKit

/// The advocacy service: advocates, their contributions and levels, referrals and the customer spotlight.
///
/// It follows feedback (a promoter answer may make a candidate) and health (the account projection;
/// a new account with an advocate's referral code converts a referral; a better health band may
/// turn a remembered promoter into a candidate).
public enum AdvocacyService {
    public static let definition = ServiceDefinition(
        name: "advocacy", migrations: [AccountProjection.migration] + AdvocacySchema.migrations,
        subscriptions: [
            AccountProjection.subscription(then: healthChanged),
            SubscriptionDefinition(source: "feedback") { event, db in try Candidates.responseRecorded(event, in: db) },
        ],
        jobs: [LevelReview.job, LapseMonitor.job, AnniversaryGifts.job, SpotlightMethods.job],
        registerMethods: { router in
            ProgramMethods.register(on: router)
            AdvocateMethods.register(on: router)
            ContributionMethods.register(on: router)
            ReferralMethods.register(on: router)
            SpotlightMethods.register(on: router)
        })

    /// Health's events after the projection applied them.
    @Sendable static func healthChanged(_ event: Event, in db: Database) throws {
        switch event.type {
        case "account.upserted":
            try Referrals.accountUpserted(event, in: db)
            try Candidates.recheck(event.customerId, nowMs: event.occurredAtMs, in: db)
        case "account.cancelled":
            try LapseMonitor.accountCancelled(event.customerId, nowMs: event.occurredAtMs, in: db)
        case "score.changed":
            try Candidates.recheck(event.customerId, nowMs: event.occurredAtMs, in: db)
        default:
            return
        }
    }
}
