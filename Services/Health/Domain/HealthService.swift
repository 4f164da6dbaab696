public import ServiceKit

/// The health service: accounts and their lifecycle, product usage, and the health score that sees
/// churn coming. It owns the account records every other service keeps a projection of.
public enum HealthService {
    public static let definition = definition(scorer: .standard)

    /// The service with another scorer than the standard one (tests: smaller rescoring slices).
    public static func definition(scorer: HealthScorer) -> ServiceDefinition {
        ServiceDefinition(
            name: "health", migrations: HealthSchema.migrations, subscriptions: SignalSubscriptions.all,
            jobs: [InactivityMonitor.standard.job, scorer.job],
            registerMethods: { router in
                AccountMethods.register(on: router)
                UsageMethods.register(on: router)
                OnboardingMethods.register(on: router)
                ScoreMethods.register(on: router, scorer: scorer)
                ScoringModelMethods.register(on: router, scorer: scorer)
                BacktestMethods.register(on: router, scorer: scorer)
                ValueReportMethods.register(on: router)
                SettingsMethods.register(on: router, monitor: .standard)
                HealthReportMethods.register(on: router)
                ReviewMethods.register(on: router)
            })
    }
}
