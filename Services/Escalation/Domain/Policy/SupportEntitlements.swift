import GRDB
import Models
import ServiceKit

/// Who is entitled to priority support: a loyalty tier's benefits or an advocacy level's incentives
/// can grant it; the customer has it while either does.
enum SupportEntitlements {
    /// The programs that can grant priority support, by their column.
    enum Program: String {
        case loyalty = "loyalty_priority"
        case advocacy = "advocacy_priority"
    }

    static func hasPriority(_ customerID: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT loyalty_priority OR advocacy_priority FROM support_entitlements WHERE customer_id = ?",
            arguments: [customerID]) ?? false
    }

    /// Records what one program now grants the customer.
    /// - Returns: whether the customer's entitlement (either program) changed.
    static func record(_ program: Program, grants: Bool, customerID: String, atMs: Int64, in db: Database) throws
        -> Bool
    {
        let before = try hasPriority(customerID, in: db)
        try db.execute(
            sql: """
                INSERT INTO support_entitlements (customer_id, \(program.rawValue), updated_at_ms) VALUES (?, ?, ?)
                ON CONFLICT (customer_id) DO UPDATE SET \(program.rawValue) = excluded.\(program.rawValue),
                    updated_at_ms = excluded.updated_at_ms
                """,
            arguments: [customerID, grants, atMs])
        return try hasPriority(customerID, in: db) != before
    }

    /// The subscriptions to loyalty's `tier.changed` and advocacy's `level.changed`: a change of
    /// entitlement re-targets the customer's active cases.
    static func subscriptions(policy: EscalationPolicy) -> [SubscriptionDefinition] {
        [
            SubscriptionDefinition(source: "loyalty") { event, db in
                guard event.type == "tier.changed", let change = try? TierChanged(serializedBytes: event.body),
                    let customer = change.customer?.value, !customer.isEmpty
                else { return }
                try apply(
                    .loyalty, grants: change.benefits?.prioritySupport ?? false, customerID: customer,
                    why: "loyalty tier \(change.toTier)", event: event, policy: policy, in: db)
            },
            SubscriptionDefinition(source: "advocacy") { event, db in
                guard event.type == "level.changed",
                    let change = try? AdvocacyLevelChanged(serializedBytes: event.body),
                    let customer = change.customer?.value, !customer.isEmpty
                else { return }
                try apply(
                    .advocacy, grants: change.incentives?.prioritySupport ?? false, customerID: customer,
                    why: "advocacy level \(change.toLevel.isEmpty ? "none" : change.toLevel)", event: event,
                    policy: policy, in: db)
            },
        ]
    }

    private static func apply(
        _ program: Program, grants: Bool, customerID: String, why: String, event: Event, policy: EscalationPolicy,
        in db: Database
    ) throws {
        guard try record(program, grants: grants, customerID: customerID, atMs: event.occurredAtMs, in: db) else {
            return
        }
        try CaseDesk(db: db, nowMs: event.occurredAtMs, policy: policy).retarget(
            customerID: customerID, entitlementSource: why)
    }
}
