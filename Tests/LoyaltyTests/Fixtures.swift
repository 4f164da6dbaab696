import GRDB
import Loyalty
import Models
import ServiceKit
import TestKit
import Testing

let dayMs: Int64 = 86_400_000

/// A loyalty service in process with the accounts it knows, and the calls the tests make.
struct Loyalty {
    let service: InProcessService

    /// Loyalty with `accounts` published by health (signed up 1 October 2025).
    init(program: LoyaltyProgram = .standard, accounts: [String] = ["acme"]) async throws {
        service = try InProcessService(LoyaltyService.definition(program: program))
        for id in accounts { try await service.deliverAccount(InProcessService.account(id)) }
    }

    var nowMs: Int64 { service.clock.nowMs }

    func advance(days: Int64) { service.clock.advance(byMs: days * dayMs) }

    @discardableResult
    func purchase(
        _ id: String, _ customer: String = "acme", minorUnits: Int64, currency: String = "EUR", atMs: Int64 = 0
    ) async throws -> RecordPurchaseResponse {
        try await service.call(
            "RecordPurchase",
            RecordPurchaseRequest(
                purchaseId: id, customer: CustomerId(value: customer),
                amount: Money(minorUnits: minorUnits, currency: currency), purchasedAtMs: atMs))
    }

    @discardableResult
    func refund(_ id: String, of purchase: String, minorUnits: Int64, currency: String = "EUR") async throws
        -> RecordRefundResponse
    {
        try await service.call(
            "RecordRefund",
            RecordRefundRequest(
                refundId: id, purchaseId: purchase, amount: Money(minorUnits: minorUnits, currency: currency)))
    }

    @discardableResult
    func redeem(_ id: String, _ reward: String, customer: String = "acme") async throws -> RedeemResponse {
        try await service.call(
            "Redeem", RedeemRequest(redemptionId: id, customer: CustomerId(value: customer), rewardId: reward))
    }

    @discardableResult
    func adjust(_ id: String, _ points: Int64, customer: String = "acme") async throws -> AdjustPointsResponse {
        try await service.call(
            "AdjustPoints",
            AdjustPointsRequest(
                adjustmentId: id, customer: CustomerId(value: customer), points: points, reason: "goodwill"))
    }

    func statement(_ customer: String = "acme", page: PageRequest? = nil) async throws -> GetStatementResponse {
        try await service.call("GetStatement", GetStatementRequest(customer: CustomerId(value: customer), page: page))
    }

    /// Counts points whose returns window has ended.
    func approvePending() async throws { try await service.runJob("points approval") }

    /// The events of `type` in order, decoded.
    func events<Body: ProtoMessage>(_ type: String, as body: Body.Type = Body.self) async throws -> [Body] {
        try await service.events().filter { $0.type == type }.map { try Body(serializedBytes: $0.body) }
    }

    /// The ledger's invariants, read from the tables themselves: every member's balance is the sum of its
    /// counted entries and never negative, pending is the sum of the rest, and every counted entry's
    /// balance_after is the running sum up to it.
    func expectLedgerConsistent(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let problems = try await service.database.read { db -> [String] in
            var problems: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT customer_id, balance, pending FROM loyalty_members") {
                let id: String = row["customer_id"]
                let counted = try Int64.fetchOne(
                    db,
                    sql:
                        "SELECT COALESCE(SUM(points), 0) FROM ledger_entries WHERE customer_id = ? AND posted_at_ms != 0",
                    arguments: [id])!
                let pending = try Int64.fetchOne(
                    db,
                    sql:
                        "SELECT COALESCE(SUM(points), 0) FROM ledger_entries WHERE customer_id = ? AND posted_at_ms = 0",
                    arguments: [id])!
                if counted != row["balance"] as Int64 {
                    problems.append("\(id): balance \(row["balance"] as Int64) != sum \(counted)")
                }
                if pending != row["pending"] as Int64 {
                    problems.append("\(id): pending \(row["pending"] as Int64) != sum \(pending)")
                }
                if counted < 0 { problems.append("\(id): negative balance \(counted)") }
                var running: Int64 = 0
                for entry in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT points, balance_after FROM ledger_entries WHERE customer_id = ? AND posted_at_ms != 0
                        ORDER BY posted_at_ms, id
                        """, arguments: [id])
                {
                    running += entry["points"] as Int64
                    if running != entry["balance_after"] as Int64 || running < 0 {
                        problems.append(
                            "\(id): running balance \(running), entry says \(entry["balance_after"] as Int64)")
                    }
                }
            }
            return problems
        }
        #expect(problems.isEmpty, "\(problems)", sourceLocation: sourceLocation)
    }

    /// Everything a failed write must leave untouched: ledger, members, purchases, redemptions, stock,
    /// events.
    func snapshot() async throws -> [String] {
        try await service.database.read { db in
            var lines: [String] = []
            for table in [
                "ledger_entries", "loyalty_members", "purchases", "refunds", "redemptions", "rewards", "kit_events",
            ] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1") {
                    lines.append("\(table): \(row.description)")
                }
            }
            return lines
        }
    }
}

/// Expects `body` to fail with `code` (and `field` for INVALID_ARGUMENT); returns the error.
@discardableResult
func expectFailure(
    _ code: StatusCode, field: String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> RPCError? {
    do {
        try await body()
        Issue.record("expected \(code) \(field), but it succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as RPCError {
        #expect(error.code == code && error.field == field, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected RPCError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
