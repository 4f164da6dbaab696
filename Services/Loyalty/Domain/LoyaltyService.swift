import Projections
public import ServiceKit

/// The loyalty service: membership tiers, a points ledger that never loses a point, and rewards.
///
/// It keeps a projection of health's accounts (see `AccountProjection`) to refuse unknown customers and
/// to know each subscription's anniversary.
public enum LoyaltyService {
    public static let definition = definition(program: .standard)

    /// The service with `program`'s rules (tests and benchmarks may use other rules).
    public static func definition(program: LoyaltyProgram) -> ServiceDefinition {
        ServiceDefinition(
            name: "loyalty", migrations: LoyaltySchema.migrations(initialCatalog: program.initialCatalog),
            subscriptions: [AccountProjection.subscription()],
            jobs: LoyaltyJobs(program: program).all,
            registerMethods: { router in
                PurchaseMethods.register(on: router, program: program)
                RewardMethods.register(on: router, program: program)
                AdjustmentMethods.register(on: router, program: program)
                TierMethods.register(on: router, program: program)
                StatementMethods.register(on: router, program: program)
            })
    }
}
