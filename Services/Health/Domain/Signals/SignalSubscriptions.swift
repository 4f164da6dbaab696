import GRDB
import Models
import ServiceKit

/// Health's subscriptions to the other services: each event it cares about is stored as a signal
/// (keyed by the publisher's own id, so a replay lands on the same row) and marks the account for
/// rescoring, so the score follows its inputs within a rescoring run.
enum SignalSubscriptions {
    static let all = [feedback, escalation, loyalty, advocacy]

    /// NPS answers (the nps factor and the value report); CSAT and CES answers do not feed the score.
    static let feedback = SubscriptionDefinition(source: "feedback") { event, db in
        guard event.type == "response.recorded",
            let response = try? ResponseRecorded(serializedBytes: event.body).response,
            response.kind == .nps, let customer = response.customer?.value
        else { return }
        try db.execute(
            sql: """
                INSERT INTO signal_nps (response_id, customer_id, score, answered_at_ms) VALUES (?, ?, ?, ?)
                ON CONFLICT (response_id) DO NOTHING
                """,
            arguments: [response.responseId, customer, Int(response.score), response.answeredAtMs])
        try HealthScorer.markDirty(customer, in: db)
    }

    /// Cases and SLA breaches (the support-burden factor and the value report).
    static let escalation = SubscriptionDefinition(source: "escalation") { event, db in
        switch event.type {
        case "case.opened", "case.escalated", "case.resolved", "case.closed":
            guard let supportCase = try? CaseChanged(serializedBytes: event.body).supportCase,
                let customer = supportCase.customer?.value
            else { return }
            try db.execute(
                sql: """
                    INSERT INTO signal_cases (case_id, customer_id, status, opened_at_ms, resolved_at_ms, sla_met)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (case_id) DO UPDATE SET status = excluded.status,
                        resolved_at_ms = excluded.resolved_at_ms, sla_met = excluded.sla_met
                    """,
                arguments: [
                    supportCase.caseId, customer, supportCase.status.rawValue, supportCase.openedAtMs,
                    supportCase.resolvedAtMs, supportCase.slaMet,
                ])
            try HealthScorer.markDirty(customer, in: db)
        case "sla.breached":
            guard let breach = try? SlaBreached(serializedBytes: event.body), let customer = breach.customer?.value
            else { return }
            try db.execute(
                sql: """
                    INSERT INTO signal_breaches (case_id, target, customer_id, breached_at_ms) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """,
                arguments: [breach.caseId, breach.target.rawValue, customer, breach.breachedAtMs])
            try HealthScorer.markDirty(customer, in: db)
        default:
            return
        }
    }

    /// Tiers and ledger entries (the loyalty-engagement factor and the value report).
    static let loyalty = SubscriptionDefinition(source: "loyalty") { event, db in
        switch event.type {
        case "tier.changed":
            guard let change = try? TierChanged(serializedBytes: event.body), let customer = change.customer?.value
            else { return }
            try db.execute(
                sql: """
                    INSERT INTO signal_tiers (customer_id, tier, rank, count) VALUES (?, ?, ?, ?)
                    ON CONFLICT (customer_id) DO UPDATE SET tier = excluded.tier, rank = excluded.rank,
                        count = excluded.count
                    """,
                arguments: [customer, change.toTier, Int(change.tierRank), Int(change.tierCount)])
            try HealthScorer.markDirty(customer, in: db)
        case "points.posted":
            guard let entry = try? PointsPosted(serializedBytes: event.body), let customer = entry.customer?.value
            else { return }
            try db.execute(
                sql: """
                    INSERT INTO signal_points (entry_id, customer_id, kind, points, posted_at_ms, reward_id)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (entry_id) DO NOTHING
                    """,
                arguments: [
                    entry.entryId, customer, entry.kind.rawValue, entry.points, entry.postedAtMs, entry.rewardId,
                ])
            if entry.kind == .redeem || !entry.rewardId.isEmpty { try HealthScorer.markDirty(customer, in: db) }
        default:
            return
        }
    }

    /// Levels (the advocacy factor) and converted referrals (the value report).
    static let advocacy = SubscriptionDefinition(source: "advocacy") { event, db in
        switch event.type {
        case "level.changed":
            guard let change = try? AdvocacyLevelChanged(serializedBytes: event.body),
                let customer = change.customer?.value
            else { return }
            try db.execute(
                sql: """
                    INSERT INTO signal_advocacy (customer_id, level, rank, count) VALUES (?, ?, ?, ?)
                    ON CONFLICT (customer_id) DO UPDATE SET level = excluded.level, rank = excluded.rank,
                        count = excluded.count
                    """,
                arguments: [customer, change.toLevel, Int(change.levelRank), Int(change.levelCount)])
            try HealthScorer.markDirty(customer, in: db)
        case "referral.converted":
            guard let referral = try? ReferralConverted(serializedBytes: event.body),
                let advocate = referral.advocate?.value, let referred = referral.referred?.value
            else { return }
            try db.execute(
                sql: """
                    INSERT INTO signal_referrals (referred_id, advocate_id, converted_at_ms) VALUES (?, ?, ?)
                    ON CONFLICT (referred_id) DO NOTHING
                    """,
                arguments: [referred, advocate, referral.convertedAtMs])
        default:
            return
        }
    }
}
