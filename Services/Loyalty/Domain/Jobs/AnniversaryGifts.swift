import Foundation
import GRDB
import Models
import ServiceKit

/// The gift on each anniversary of a subscription (the signup date of health's account record).
///
/// The gift's ledger entry id names the customer and the year ("anniversary:acme/3"), and entry ids are
/// unique, so a year's gift is given once whatever happens: repeated runs, restarts, a second replica.
/// Only the latest anniversary is given: an account that signed up years before the program does not
/// get the earlier years' gifts in one go.
struct AnniversaryGifts {
    let program: LoyaltyProgram

    /// - Important: Call inside a write transaction.
    func run(nowMs: Int64, in db: Database) throws {
        guard program.anniversaryGiftPoints > 0 else { return }
        let accounts = try Row.fetchAll(
            db,
            sql: "SELECT customer_id, signup_ms FROM account_projection WHERE stage != ? AND signup_ms > 0",
            arguments: [LifecycleStage.cancelled.rawValue])
        for account in accounts {
            let customerID: String = account["customer_id"]
            let years = Self.completedYears(fromMs: account["signup_ms"], toMs: nowMs)
            guard years >= 1 else { continue }
            let externalID = "\(customerID)/\(years)"
            guard !(try Ledger.contains(LedgerPosting.entryID(cause: "anniversary", externalID: externalID), in: db))
            else { continue }
            try Membership.ensure(customerID, program: program, nowMs: nowMs, in: db)
            try Ledger.append(
                LedgerPosting(
                    customerID: customerID, kind: .bonus, points: program.anniversaryGiftPoints,
                    reason: "anniversary \(years)", cause: "anniversary", externalID: externalID, countsFromMs: nowMs),
                nowMs: nowMs, in: db)
        }
    }

    /// Whole years from `fromMs` to `toMs` in UTC calendar terms (29 February counts on 28 February).
    static func completedYears(fromMs: Int64, toMs: Int64) -> Int {
        guard toMs > fromMs else { return 0 }
        return utcCalendar.dateComponents(
            [.year], from: Date(timeIntervalSince1970: Double(fromMs) / 1000),
            to: Date(timeIntervalSince1970: Double(toMs) / 1000)
        ).year ?? 0
    }
}
