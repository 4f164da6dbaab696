import ArgumentParser
import Foundation
import Models

/// `cxctl health model`: the scoring model in use (weights, bands, churn coefficients), and
/// changing it. The service validates a new model; a bad one changes nothing.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Show or change the health scoring model.",
        subcommands: [Show.self, Set.self], defaultSubcommand: Show.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the scoring model in use.")
        @Flag(help: "Print JSON (field names as in health.proto).") var json = false

        func run() async throws {
            let reply: ScoringModelResponse = try await Health.call("GetScoringModel", GetScoringModelRequest())
            let model = reply.model ?? ScoringModel()
            if json { return Output.json(model) }
            print(Names.describe(model))
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change weights or bands (needs an admin token); the weights must still sum to 100.",
            discussion: "Example: cxctl health model set --version ops-2 --weight nps=20 --weight onboarding=5")
        @Option(help: "The new model's version name.") var version: String
        @Option(help: "factor=weight; repeat it. Factors not named keep their weight.") var weight: [String] = []
        @Option(help: "Scores above this are good.") var goodAbove: UInt32?
        @Option(help: "Scores at or below this are poor.") var poorAtOrBelow: UInt32?
        @Option(help: "Whether a poor factor caps the band at poor (true/false).") var capOnPoorFactor: Bool?

        func run() async throws {
            let current: ScoringModelResponse = try await Health.call("GetScoringModel", GetScoringModelRequest())
            var model = current.model ?? ScoringModel()
            model.version = version
            for assignment in weight {
                let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let value = UInt32(parts[1]) else {
                    throw ValidationError("--weight \(assignment): expected factor=weight, e.g. nps=20")
                }
                guard let index = model.weights.firstIndex(where: { $0.factor == parts[0] }) else {
                    let known = model.weights.map(\.factor).joined(separator: ", ")
                    throw ValidationError("--weight \(assignment): unknown factor; known: \(known)")
                }
                model.weights[index].weight = value
            }
            if let goodAbove { model.goodAbove = goodAbove }
            if let poorAtOrBelow { model.poorAtOrBelow = poorAtOrBelow }
            if let capOnPoorFactor { model.poorFactorCapsBand = capOnPoorFactor }
            let reply: ScoringModelResponse = try await Health.call(
                "SetScoringModel", SetScoringModelRequest(model: model))
            print(Names.describe(reply.model ?? model))
            print("\(reply.accountsToRescore) accounts will be rescored by the next run")
        }
    }
}

extension Names {
    static func describe(_ model: ScoringModel) -> String {
        let changed = model.updatedAtMs == 0 ? "built in" : "set \(time(model.updatedAtMs))"
        var rows = [["FACTOR", "WEIGHT", "CHURN COEFFICIENT"]]
        for weight in model.weights {
            let coefficient = model.churnCoefficients.first { $0.factor == weight.factor }?.coefficient ?? 0
            rows.append([weight.factor, "\(weight.weight)", String(format: "%+.3f", coefficient)])
        }
        rows.append(["(intercept)", "", String(format: "%+.3f", model.churnIntercept)])
        return """
            model \(model.version) (\(changed)): good above \(model.goodAbove), poor at or below \
            \(model.poorAtOrBelow)\(model.poorFactorCapsBand ? ", a poor factor caps the band" : "")
            \(Output.table(rows))
            """
    }
}
