import Models
import ServiceKit

/// advocacy.GetAdvocacyProgram and SetAdvocacyProgram (admin): the rules in force.
enum ProgramMethods {
    static func register(on router: Router) {
        router.read("GetAdvocacyProgram", role: .reader) { (_: GetAdvocacyProgramRequest, _) in
            AdvocacyProgramResponse(program: try await router.database.read { try ProgramStore.current(in: $0) })
        }

        router.write(
            "SetAdvocacyProgram", role: .admin,
            validate: { (request: SetAdvocacyProgramRequest, _) in
                guard let program = request.program else { throw RPCError.invalidArgument("program", "is required") }
                try program.validate()
            }
        ) { request, write in
            let before = try ProgramStore.current(in: write.db)
            try ProgramStore.save(request.program!, nowMs: write.nowMs, in: write.db)
            // Levels follow the new thresholds now, and health and escalation hear of new ranks and
            // incentives even for advocates whose level keeps its name.
            try LevelReview.reevaluateAll(
                nowMs: write.nowMs, announcingEveryLevel: before.levels != request.program!.levels, in: write.db)
            return AdvocacyProgramResponse(program: request.program)
        }
    }
}
