import GRDB
import Models
import ServiceKit

/// health.Get/SetOnboardingProgram and health.Get/SetInactivityThresholds: the checklist and the
/// silence thresholds are settings, validated before anything is stored.
enum SettingsMethods {
    static func register(on router: Router, monitor: InactivityMonitor) {
        router.read("GetOnboardingProgram", role: .reader) { (_: GetOnboardingProgramRequest, _) in
            try await router.database.read { db in
                let stored = try HealthSettings.load(
                    OnboardingProgram.settingKey, as: OnboardingProgramResponse.self, in: db)
                return stored ?? OnboardingProgramResponse(steps: OnboardingProgram.standard.steps)
            }
        }

        router.write(
            "SetOnboardingProgram", role: .admin,
            validate: { (request: SetOnboardingProgramRequest, _) in try validate(request.steps) }
        ) { request, write in
            let program = OnboardingProgramResponse(steps: request.steps, updatedAtMs: write.nowMs)
            try HealthSettings.save(OnboardingProgram.settingKey, program, nowMs: write.nowMs, in: write.db)
            return program
        }

        router.read("GetInactivityThresholds", role: .reader) { (_: GetInactivityThresholdsRequest, _) in
            try await router.database.read { try thresholds(monitor, in: $0) }
        }

        router.write(
            "SetInactivityThresholds", role: .admin,
            validate: { (request: SetInactivityThresholdsRequest, _) in
                guard !request.thresholds.isEmpty else { throw RPCError.invalidArgument("thresholds", "is required") }
                for (index, threshold) in request.thresholds.enumerated() {
                    guard Segment.allCases.contains(threshold.segment), threshold.segment != .unspecified else {
                        throw RPCError.invalidArgument(
                            "thresholds[\(index)].segment", "must be small, mid-market, enterprise or key")
                    }
                    guard (1...365).contains(threshold.days) else {
                        throw RPCError.invalidArgument(
                            "thresholds[\(index)].days", "must be 1–365, got \(threshold.days)")
                    }
                }
            }
        ) { request, write in
            var merged = try monitor.thresholds(in: write.db)
            for threshold in request.thresholds { merged[threshold.segment] = Int(threshold.days) }
            let stored = InactivityThresholdsResponse(
                thresholds: Segment.allCases.compactMap { segment in
                    merged[segment].map { SegmentThreshold(segment: segment, days: UInt32($0)) }
                }, updatedAtMs: write.nowMs)
            try HealthSettings.save(InactivityMonitor.settingKey, stored, nowMs: write.nowMs, in: write.db)
            return stored
        }
    }

    private static func thresholds(_ monitor: InactivityMonitor, in db: Database) throws -> InactivityThresholdsResponse
    {
        let stored = try HealthSettings.load(
            InactivityMonitor.settingKey, as: InactivityThresholdsResponse.self, in: db)
        let merged = try monitor.thresholds(in: db)
        return InactivityThresholdsResponse(
            thresholds: Segment.allCases.compactMap { segment in
                merged[segment].map { SegmentThreshold(segment: segment, days: UInt32($0)) }
            }, updatedAtMs: stored?.updatedAtMs ?? 0)
    }

    /// A checklist people can follow: 1–20 steps, unique well-formed keys, due within onboarding.
    static func validate(_ steps: [OnboardingStep]) throws {
        guard (1...20).contains(steps.count) else {
            throw RPCError.invalidArgument("steps", "must have 1–20 steps, got \(steps.count)")
        }
        var keys: Set<String> = []
        for (index, step) in steps.enumerated() {
            let field = "steps[\(index)]"
            guard (1...50).contains(step.key.utf8.count),
                step.key.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
                )
            else { throw RPCError.invalidArgument("\(field).key", "must be 1–50 bytes of a–z, 0–9 and _") }
            guard keys.insert(step.key).inserted else {
                throw RPCError.invalidArgument("\(field).key", "\"\(step.key)\" is used by an earlier step")
            }
            try Check.text(step.title, field: "\(field).title", min: 1, max: 200)
            guard (1...UInt32(OnboardingProgram.trackedDays)).contains(step.dueDay) else {
                throw RPCError.invalidArgument("\(field).due_day", "must be 1–\(OnboardingProgram.trackedDays)")
            }
            try Check.text(step.usageFeature, field: "\(field).usage_feature", max: 100)
        }
    }
}
