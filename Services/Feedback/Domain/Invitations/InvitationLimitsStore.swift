import GRDB
import Models
import ServiceKit

/// The invitation cap in force: the admin's setting, or the standard one.
enum InvitationLimitsStore {
    /// Two invitations in any 30 days.
    static let standard = InvitationLimits(customerCap: 2, capWindowDays: 30)

    static func current(in db: Database) throws -> InvitationLimits {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM invitation_limits WHERE id = 1") else {
            return standard
        }
        return InvitationLimits(
            customerCap: UInt32(row["customer_cap"] as Int), capWindowDays: UInt32(row["cap_window_days"] as Int),
            updatedAtMs: row["updated_at_ms"])
    }

    static func save(_ limits: InvitationLimits, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO invitation_limits (id, customer_cap, cap_window_days, updated_at_ms) VALUES (1, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET customer_cap = excluded.customer_cap,
                    cap_window_days = excluded.cap_window_days, updated_at_ms = excluded.updated_at_ms
                """,
            arguments: [Int(limits.customerCap), Int(limits.capWindowDays), limits.updatedAtMs])
    }

    static func validate(_ limits: InvitationLimits?) throws {
        guard let limits else { throw RPCError.invalidArgument("limits", "is required") }
        guard (1...100).contains(limits.customerCap) else {
            throw RPCError.invalidArgument("limits.customer_cap", "must be 1–100")
        }
        guard (1...365).contains(limits.capWindowDays) else {
            throw RPCError.invalidArgument("limits.cap_window_days", "must be 1–365 days")
        }
    }
}
