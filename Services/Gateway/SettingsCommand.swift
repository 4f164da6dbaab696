import ArgumentParser
import Models

/// `cxctl health settings`: the onboarding checklist and inactivity thresholds in use.
struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "Show the onboarding checklist and the inactivity thresholds in use.")
    @Flag(help: "Print JSON (field names as in health.proto).") var json = false

    func run() async throws {
        let program: OnboardingProgramResponse = try await Health.call(
            "GetOnboardingProgram", GetOnboardingProgramRequest())
        let thresholds: InactivityThresholdsResponse = try await Health.call(
            "GetInactivityThresholds", GetInactivityThresholdsRequest())
        if json {
            return Output.json(
                .object([
                    JSONMember("onboarding_program", program.jsonValue),
                    JSONMember("inactivity_thresholds", thresholds.jsonValue),
                ]))
        }
        let set = { (ms: Int64) in ms == 0 ? "built in" : "set \(Names.time(ms))" }
        print("onboarding checklist (\(set(program.updatedAtMs))):")
        print(
            Output.table(
                [["STEP", "TITLE", "DUE DAY", "DONE BY USING"]]
                    + program.steps.map {
                        [$0.key, $0.title, "\($0.dueDay)", $0.usageFeature.isEmpty ? "-" : $0.usageFeature]
                    }))
        print("\ninactivity alert after (\(set(thresholds.updatedAtMs))):")
        print(Output.table(thresholds.thresholds.map { [Names.name($0.segment), "\($0.days) days"] }))
    }
}
