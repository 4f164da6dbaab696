import GRDB
import Models
import ServiceKit

/// advocacy.RecordContribution, ReviewContribution, ListContributions and SpendAdvocacyPoints.
enum ContributionMethods {
    static func register(on router: Router) {
        router.write(
            "RecordContribution",
            validate: { (request: RecordContributionRequest, context) in
                try validate(request.contribution, nowMs: context.nowMs)
            }
        ) { request, write in
            try record(request.contribution!, nowMs: write.nowMs, in: write.db)
        }

        router.write(
            "ReviewContribution",
            validate: { (request: ReviewContributionRequest, _) in
                try Check.text(request.contributionId, field: "contribution_id", min: 1, max: 128)
                if !request.approve {
                    try Check.text(request.rejectionReason, field: "rejection_reason", min: 1, max: 500)
                }
            }
        ) { request, write in
            guard let contribution = try ContributionStore.fetch(request.contributionId, in: write.db) else {
                throw RPCError.notFound("no contribution \"\(request.contributionId)\"")
            }
            let id = contribution.advocate!.value
            let wanted: ContributionState = request.approve ? .approved : .rejected
            guard contribution.state == .pending else {
                guard contribution.state == wanted else {
                    throw RPCError.failedPrecondition(
                        "contribution \"\(contribution.contributionId)\" was \(contribution.state.displayName) already")
                }
                return ContributionResponse(
                    contribution: contribution, duplicate: true,
                    advocate: try AdvocateStore.fetch(id, nowMs: write.nowMs, in: write.db))
            }
            let reviewed = try ContributionStore.review(
                contribution, approve: request.approve, rejectionReason: request.rejectionReason,
                nowMs: write.nowMs, in: write.db)
            return ContributionResponse(
                contribution: reviewed, advocate: try AdvocateStore.fetch(id, nowMs: write.nowMs, in: write.db))
        }

        router.read("ListContributions", role: .reader) { (request: ListContributionsRequest, _) in
            let advocate = request.advocate == nil ? "" : try Check.customer(request.advocate, field: "advocate")
            guard request.limit <= 1000 else { throw RPCError.invalidArgument("limit", "at most 1000") }
            let limit = request.limit == 0 ? 100 : Int(request.limit)
            if case .unrecognized(let value) = request.state {
                throw RPCError.invalidArgument("state", "unknown state \(value)")
            }
            let state = request.state
            return try await router.database.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM contributions WHERE (? = '' OR customer_id = ?) AND (? = 0 OR state = ?)
                        ORDER BY occurred_at_ms DESC, contribution_id LIMIT ?
                        """,
                    arguments: [advocate, advocate, state.rawValue, state.rawValue, limit])
                return ListContributionsResponse(contributions: rows.map(ContributionStore.contribution(from:)))
            }
        }

        router.write(
            "SpendAdvocacyPoints", naturalKey: { (request: SpendAdvocacyPointsRequest) in request.spendId },
            validate: { request, _ in
                try Check.text(request.spendId, field: "spend_id", min: 1, max: 128)
                _ = try Check.customer(request.advocate, field: "advocate")
                guard (1...10_000_000).contains(request.points) else {
                    throw RPCError.invalidArgument("points", "must be 1–10000000")
                }
                try Check.text(request.reason, field: "reason", min: 1, max: 200)
            }
        ) { request, write in
            let id = request.advocate!.value
            // A spend_id used before, under another idempotency key (found by cx-fuzz: the insert below
            // then failed on the primary key and the caller got INTERNAL): the same spend changes
            // nothing again, a different one is refused.
            if let earlier = try Row.fetchOne(
                write.db, sql: "SELECT customer_id, points FROM point_spends WHERE spend_id = ?",
                arguments: [request.spendId])
            {
                guard earlier["customer_id"] == id, earlier["points"] == request.points else {
                    throw RPCError(.alreadyExists, "spend_id \"\(request.spendId)\" was used for another spend")
                }
                return SpendAdvocacyPointsResponse(
                    advocate: try AdvocateStore.fetch(id, nowMs: write.nowMs, in: write.db))
            }
            let advocate = try AdvocateStore.require(id, field: "advocate", nowMs: write.nowMs, in: write.db)
            guard advocate.currentPoints >= request.points else {
                throw RPCError.failedPrecondition(
                    "\"\(id)\" has \(advocate.currentPoints) current points, fewer than \(request.points)")
            }
            try write.db.execute(
                sql: """
                    INSERT INTO point_spends (spend_id, customer_id, points, reason, spent_at_ms)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [request.spendId, id, request.points, request.reason, write.nowMs])
            try write.db.execute(
                sql: "UPDATE advocates SET spent_points = spent_points + ?, updated_at_ms = ? WHERE customer_id = ?",
                arguments: [request.points, write.nowMs, id])
            return SpendAdvocacyPointsResponse(advocate: try AdvocateStore.fetch(id, nowMs: write.nowMs, in: write.db))
        }
    }

    static func validate(_ contribution: Contribution?, nowMs: Int64) throws {
        guard let contribution else { throw RPCError.invalidArgument("contribution", "is required") }
        try Check.text(contribution.contributionId, field: "contribution.contribution_id", min: 1, max: 128)
        _ = try Check.customer(contribution.advocate, field: "contribution.advocate")
        switch contribution.channel {
        case .unspecified:
            throw RPCError.invalidArgument("contribution.channel", "is required")
        case .referral:
            throw RPCError.invalidArgument(
                "contribution.channel", "referrals are recorded by the service when the referred account signs up")
        case .unrecognized(let value):
            throw RPCError.invalidArgument("contribution.channel", "unknown channel \(value)")
        default: break
        }
        try Check.text(contribution.description, field: "contribution.description", max: 500)
        try Check.notInFuture(contribution.occurredAtMs, field: "contribution.occurred_at_ms", nowMs: nowMs)
    }

    /// Stores a new pending contribution; the same one again is a duplicate, another one under a
    /// used id is ALREADY_EXISTS.
    static func record(_ incoming: Contribution, nowMs: Int64, in db: Database) throws -> ContributionResponse {
        let id = incoming.advocate!.value
        if let existing = try ContributionStore.fetch(incoming.contributionId, in: db) {
            let same =
                existing.advocate == incoming.advocate && existing.channel == incoming.channel
                && existing.description == incoming.description
                && (incoming.occurredAtMs == 0 || incoming.occurredAtMs == existing.occurredAtMs)
            guard same else {
                throw RPCError(
                    .alreadyExists,
                    "contribution_id \"\(incoming.contributionId)\" is used by another contribution "
                        + "(\(existing.channel.displayName) of \"\(existing.advocate?.value ?? "")\")",
                    field: "contribution.contribution_id")
            }
            return ContributionResponse(
                contribution: existing, duplicate: true, advocate: try AdvocateStore.fetch(id, nowMs: nowMs, in: db))
        }
        let advocate = try AdvocateStore.require(id, field: "contribution.advocate", nowMs: nowMs, in: db)
        guard advocate.status == .active || advocate.status == .lapsed else {
            throw RPCError.failedPrecondition(
                "\"\(id)\" is \(advocate.status.displayName), not enrolled: enroll them before recording contributions")
        }
        let program = try ProgramStore.current(in: db)
        guard let points = program.points(for: incoming.channel) else {
            throw RPCError.invalidArgument("contribution.channel", "the program has no points for this channel")
        }
        var contribution = incoming
        contribution.state = .pending
        contribution.points = points
        contribution.occurredAtMs = incoming.occurredAtMs == 0 ? nowMs : incoming.occurredAtMs
        contribution.recordedAtMs = nowMs
        contribution.reviewedAtMs = 0
        contribution.rejectionReason = ""
        try ContributionStore.insert(contribution, in: db)
        return ContributionResponse(contribution: contribution, advocate: advocate)
    }
}
