import GRDB
import Models
import Projections
import ServiceKit

/// loyalty.GetStatement (one member: balance, pending, tier, progress, history) and
/// loyalty.GetProgramReport (the whole program: points issued against redeemed, tier distribution).
enum StatementMethods {
    static func register(on router: Router, program: LoyaltyProgram) {
        router.read("GetStatement", role: .reader) { (request: GetStatementRequest, context) in
            let customerID = try Check.customer(request.customer, field: "customer")
            let pageSize = Int(request.page?.pageSize ?? 0) == 0 ? 50 : min(Int(request.page!.pageSize), 1000)
            let before = try pageStart(request.page?.pageToken ?? "")
            return try await router.database.read { db in
                _ = try AccountProjection.require(customerID, field: "customer", in: db)
                return try statement(
                    customerID, program: program, nowMs: context.nowMs, pageSize: pageSize, before: before, in: db)
            }
        }

        router.read("GetProgramReport", role: .reader) { (_: GetProgramReportRequest, _) in
            try await router.database.read { db in try report(program: program, in: db) }
        }
    }

    /// The entry row id a page token stands for (the page holds older entries); Int64.max for the first.
    static func pageStart(_ token: String) throws -> Int64 {
        guard !token.isEmpty else { return .max }
        guard let rowID = Int64(token), rowID > 0 else {
            throw RPCError.invalidArgument("page.page_token", "is not a token this service gave out")
        }
        return rowID
    }

    static func statement(
        _ customerID: String, program: LoyaltyProgram, nowMs: Int64, pageSize: Int, before: Int64, in db: Database
    ) throws -> GetStatementResponse {
        let member = try Membership.fetch(customerID, in: db)
        let tier = member.flatMap { program.tier(named: $0.tier) } ?? program.tiers[0]
        let qualifying = try Membership.qualifyingPoints(customerID, nowMs: nowMs, in: db)
        let next = program.tier(above: tier)
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT * FROM ledger_entries WHERE customer_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
            arguments: [customerID, before, pageSize + 1])
        let total =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM ledger_entries WHERE customer_id = ?", arguments: [customerID]) ?? 0
        let page = rows.prefix(pageSize)
        let nextToken = rows.count > pageSize ? "\(page.last!["id"] as Int64)" : ""
        let balance = member?.balance ?? 0
        return GetStatementResponse(
            customer: CustomerId(value: customerID), balance: balance, pending: member?.pending ?? 0, tier: tier,
            tierFloor: member?.tierFloor ?? "", qualifyingPoints: qualifying, nextTier: next,
            pointsToNextTier: next.map { max(0, $0.qualifyingPoints - qualifying) } ?? 0,
            pointsExpireAtMs: balance > 0 ? program.expiry(afterLastActivity: member!.lastActivityMs) : 0,
            entries: page.map(Ledger.entry(from:)),
            page: PageInfo(nextPageToken: nextToken, totalCount: UInt64(total)))
    }

    static func report(program: LoyaltyProgram, in db: Database) throws -> GetProgramReportResponse {
        // Reversals with a reward give back cancelled redemptions; the others take back refunded points.
        let sums = try Row.fetchOne(
            db,
            sql: """
                SELECT
                    COALESCE(SUM(CASE WHEN kind IN (?, ?) OR (kind = ? AND points > 0) THEN points END), 0) AS issued,
                    COALESCE(-SUM(CASE WHEN kind = ? OR (kind = ? AND reward_id != '') THEN points END), 0) AS redeemed,
                    COALESCE(-SUM(CASE WHEN kind = ? THEN points END), 0) AS expired,
                    COALESCE(-SUM(CASE WHEN (kind = ? AND reward_id = '') OR (kind = ? AND points < 0) THEN points END), 0)
                        AS taken_back
                FROM ledger_entries WHERE posted_at_ms != 0
                """,
            arguments: [
                LedgerEntryKind.earn.rawValue, LedgerEntryKind.bonus.rawValue, LedgerEntryKind.adjust.rawValue,
                LedgerEntryKind.redeem.rawValue, LedgerEntryKind.reverse.rawValue, LedgerEntryKind.expire.rawValue,
                LedgerEntryKind.reverse.rawValue, LedgerEntryKind.adjust.rawValue,
            ])!
        let members = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) AS n, COALESCE(SUM(balance), 0) AS liability, COALESCE(SUM(pending), 0) AS pending
                FROM loyalty_members
                """)!
        var byTier: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT tier, COUNT(*) AS n FROM loyalty_members GROUP BY tier") {
            byTier[row["tier"]] = row["n"]
        }
        let redemptions =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM redemptions WHERE status != ?",
                arguments: [RedemptionStatus.cancelled.rawValue]) ?? 0
        return GetProgramReportResponse(
            pointsIssued: sums["issued"], pointsRedeemed: sums["redeemed"], pointsExpired: sums["expired"],
            pointsTakenBack: sums["taken_back"], liability: members["liability"], pending: members["pending"],
            tiers: program.tiers.map { TierMembers(tier: $0.name, members: UInt32(byTier[$0.name] ?? 0)) },
            members: UInt32(members["n"] as Int), redemptions: UInt32(redemptions))
    }
}
