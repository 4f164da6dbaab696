import GRDB
import Models
import Projections
import ServiceKit

/// loyalty.RecordPurchase and loyalty.RecordRefund: points earned by the amount of business, and
/// taken back in proportion when it is refunded.
enum PurchaseMethods {
    static func register(on router: Router, program: LoyaltyProgram) {
        router.write(
            "RecordPurchase", naturalKey: { (request: RecordPurchaseRequest) in request.purchaseId },
            validate: { request, context in
                try Check.text(request.purchaseId, field: "purchase_id", min: 1, max: 128)
                _ = try Check.customer(request.customer, field: "customer")
                try checkAmount(request.amount, program: program)
                try Check.notInFuture(request.purchasedAtMs, field: "purchased_at_ms", nowMs: context.nowMs)
            }
        ) { request, write in
            try recordPurchase(request, program: program, nowMs: write.nowMs, in: write.db)
        }

        router.write(
            "RecordRefund", naturalKey: { (request: RecordRefundRequest) in request.refundId },
            validate: { request, _ in
                try Check.text(request.refundId, field: "refund_id", min: 1, max: 128)
                try Check.text(request.purchaseId, field: "purchase_id", min: 1, max: 128)
                try checkAmount(request.amount, program: program)
            }
        ) { request, write in
            try recordRefund(request, program: program, nowMs: write.nowMs, in: write.db)
        }
    }

    /// An amount above zero in one of the program's currencies.
    static func checkAmount(_ amount: Money?, program: LoyaltyProgram) throws {
        guard let amount else { throw RPCError.invalidArgument("amount", "is required") }
        guard amount.minorUnits > 0 else {
            throw RPCError.invalidArgument("amount.minor_units", "must be above zero, got \(amount.minorUnits)")
        }
        try Check.money(amount, field: "amount")
        guard program.minorUnitsPerPoint[amount.currency] != nil else {
            let known = program.minorUnitsPerPoint.keys.sorted().joined(separator: ", ")
            throw RPCError.invalidArgument(
                "amount.currency", "\"\(amount.currency)\" is not a currency of the program (\(known))")
        }
    }

    static func recordPurchase(
        _ request: RecordPurchaseRequest, program: LoyaltyProgram, nowMs: Int64, in db: Database
    ) throws -> RecordPurchaseResponse {
        let purchaseID = request.purchaseId
        if let earlier = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT customer_id, counts_from_ms FROM purchases WHERE purchase_id = ?"),
            arguments: [purchaseID])
        {
            let entries = try ["purchase", "promotion"].compactMap {
                try Ledger.entry(id: LedgerPosting.entryID(cause: $0, externalID: purchaseID), in: db)
            }
            return RecordPurchaseResponse(
                entries: entries, points: entries.map(\.points).reduce(0, +), countsFromMs: earlier["counts_from_ms"],
                tier: try Membership.fetch(earlier["customer_id"], in: db)?.tier ?? "", duplicate: true)
        }
        let customerID = try AccountProjection.require(request.customer!.value, field: "customer", in: db).customerID
        let amount = request.amount!
        let purchasedAt = request.purchasedAtMs == 0 ? nowMs : request.purchasedAtMs
        let member = try Membership.ensure(customerID, program: program, nowMs: nowMs, in: db)
        let tier = program.tier(named: member.tier) ?? program.tiers[0]
        let base = program.basePoints(for: amount)!
        let earned = base * Int64(tier.earnMultiplierPercent) / 100
        let promotion = program.promotion(at: purchasedAt)
        let extra = base * (promotion?.extraPercent ?? 0) / 100
        let countsFrom = purchasedAt + program.pendingDays * dayMs

        try db.cachedStatement(
            sql: """
                INSERT INTO purchases (purchase_id, customer_id, amount_minor_units, currency, purchased_at_ms,
                    base_points, earned_points, qualifying_points, counts_from_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            purchaseID, customerID, amount.minorUnits, amount.currency, purchasedAt, base, earned + extra, base,
            countsFrom,
        ])
        var entries: [LedgerEntry] = []
        if earned > 0 {
            entries.append(
                try Ledger.append(
                    LedgerPosting(
                        customerID: customerID, kind: .earn, points: earned,
                        reason: "purchase \(purchaseID) on tier \(tier.name)", cause: "purchase",
                        externalID: purchaseID,
                        countsFromMs: countsFrom), nowMs: nowMs, in: db))
        }
        if extra > 0, let promotion {
            entries.append(
                try Ledger.append(
                    LedgerPosting(
                        customerID: customerID, kind: .bonus, points: extra,
                        reason: "promotion \(promotion.name) on purchase \(purchaseID)", cause: "promotion",
                        externalID: purchaseID,
                        countsFromMs: countsFrom), nowMs: nowMs, in: db))
        }
        try db.cachedStatement(
            sql: "UPDATE loyalty_members SET last_activity_ms = MAX(last_activity_ms, ?) WHERE customer_id = ?"
        ).execute(arguments: [purchasedAt, customerID])
        let after = try Membership.upgradeIfEntitled(
            customerID, program: program, reason: "qualified", nowMs: nowMs, in: db)
        return RecordPurchaseResponse(
            entries: entries, points: earned + extra, countsFromMs: countsFrom, tier: after.name)
    }

    static func recordRefund(
        _ request: RecordRefundRequest, program: LoyaltyProgram, nowMs: Int64, in db: Database
    ) throws -> RecordRefundResponse {
        if let refund = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT r.entry_id, r.points_unrecoverable, p.refunded_minor_units, p.currency FROM refunds r
                    JOIN purchases p ON p.purchase_id = r.purchase_id WHERE r.refund_id = ?
                    """),
            arguments: [request.refundId])
        {
            return RecordRefundResponse(
                entry: try Ledger.entry(id: refund["entry_id"], in: db),
                pointsUnrecoverable: refund["points_unrecoverable"],
                refundedTotal: Money(minorUnits: refund["refunded_minor_units"], currency: refund["currency"]),
                duplicate: true)
        }
        guard
            let purchase = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM purchases WHERE purchase_id = ?"),
                arguments: [request.purchaseId])
        else {
            throw RPCError.invalidArgument("purchase_id", "unknown purchase \"\(request.purchaseId)\"")
        }
        let amount = request.amount!
        let currency: String = purchase["currency"]
        guard amount.currency == currency else {
            throw RPCError.invalidArgument("amount.currency", "the purchase was paid in \(currency)")
        }
        let total: Int64 = purchase["amount_minor_units"]
        let refundedBefore: Int64 = purchase["refunded_minor_units"]
        let refundedAfter = refundedBefore + amount.minorUnits
        guard refundedAfter <= total else {
            throw RPCError.invalidArgument(
                "amount.minor_units",
                "refunds would total \(refundedAfter), more than the purchase's \(total) \(currency)"
                    + " (\(refundedBefore) refunded before)")
        }
        // Shares are taken of the cumulative refund so that partial refunds adding up to the whole take
        // back exactly what was earned, with no rounding left over.
        let earned: Int64 = purchase["earned_points"]
        let base: Int64 = purchase["base_points"]
        let owed = share(earned, refundedAfter, of: total) - share(earned, refundedBefore, of: total)
        let customerID: String = purchase["customer_id"]
        let countsFrom: Int64 = purchase["counts_from_ms"]
        try db.cachedStatement(
            sql: "UPDATE purchases SET refunded_minor_units = ?, qualifying_points = ? WHERE purchase_id = ?"
        ).execute(arguments: [refundedAfter, base - share(base, refundedAfter, of: total), request.purchaseId])

        // Points still in the returns window are taken back when they would have counted; counted ones
        // now, as far as the balance allows (spent points cannot be taken back).
        let stillPending = countsFrom > nowMs
        let reversible = stillPending ? owed : min(owed, try Ledger.balance(of: customerID, in: db))
        var entry: LedgerEntry?
        if reversible > 0 {
            entry = try Ledger.append(
                LedgerPosting(
                    customerID: customerID, kind: .reverse, points: -reversible,
                    reason: "refund \(request.refundId) of purchase \(request.purchaseId)",
                    cause: "refund", externalID: request.refundId, countsFromMs: stillPending ? countsFrom : nowMs),
                nowMs: nowMs, in: db)
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO refunds (refund_id, purchase_id, amount_minor_units, entry_id, points_unrecoverable)
                VALUES (?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            request.refundId, request.purchaseId, amount.minorUnits, entry?.entryId ?? "", owed - reversible,
        ])
        return RecordRefundResponse(
            entry: entry, pointsUnrecoverable: owed - reversible,
            refundedTotal: Money(minorUnits: refundedAfter, currency: currency))
    }

    /// `points` × `part` / `whole` rounded down, for 0 ≤ part ≤ whole, without overflowing on large amounts.
    static func share(_ points: Int64, _ part: Int64, of whole: Int64) -> Int64 {
        whole.dividingFullWidth(points.multipliedFullWidth(by: part)).quotient
    }
}
