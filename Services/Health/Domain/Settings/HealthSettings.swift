import Foundation
import GRDB
import Models

/// Settings an admin changes at run time (the onboarding checklist, inactivity thresholds), stored
/// as their reply message under a key, so what is read back is exactly what the methods return.
enum HealthSettings {
    /// The stored message under `key`, or nil when the built-in default applies.
    static func load<Setting: ProtoMessage>(_ key: String, as type: Setting.Type, in db: Database) throws -> Setting? {
        // Cached: RecordUsage reads the onboarding program in every write, and compiling this each time was
        // a twelfth of a single-event write's cost.
        let statement = try db.cachedStatement(sql: "SELECT value FROM health_settings WHERE key = ?")
        guard let data = try Data.fetchOne(statement, arguments: [key]) else { return nil }
        return try Setting(serializedBytes: [UInt8](data))
    }

    static func save(_ key: String, _ setting: some ProtoMessage, nowMs: Int64, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO health_settings (key, value, updated_at_ms) VALUES (?, ?, ?)",
            arguments: [key, Data(setting.serializedBytes()), nowMs])
    }
}

extension OnboardingProgram {
    static let settingKey = "onboarding_program"

    /// The checklist in use: the one an admin set, else the standard one.
    static func current(in db: Database) throws -> OnboardingProgram {
        guard let stored = try HealthSettings.load(settingKey, as: OnboardingProgramResponse.self, in: db) else {
            return .standard
        }
        return OnboardingProgram(steps: stored.steps)
    }
}

extension InactivityMonitor {
    static let settingKey = "inactivity_thresholds"

    /// The thresholds in use: this monitor's, with those an admin set over them.
    func thresholds(in db: Database) throws -> [Segment: Int] {
        var thresholds = thresholdDays
        let stored = try HealthSettings.load(Self.settingKey, as: InactivityThresholdsResponse.self, in: db)
        for threshold in stored?.thresholds ?? [] { thresholds[threshold.segment] = Int(threshold.days) }
        return thresholds
    }
}
