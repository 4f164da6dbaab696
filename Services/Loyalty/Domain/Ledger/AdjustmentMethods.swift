import Models
import Projections
import ServiceKit

/// loyalty.AdjustPoints: an admin's correction of either sign (goodwill after a failed delivery, a
/// mistake undone); like every entry it cannot take the balance below zero.
enum AdjustmentMethods {
    /// The largest correction either way.
    static let maximumPoints: UInt64 = 1_000_000_000

    static func register(on router: Router, program: LoyaltyProgram) {
        router.write(
            "AdjustPoints", role: .admin, naturalKey: { (request: AdjustPointsRequest) in request.adjustmentId },
            validate: { request, _ in
                try Check.text(request.adjustmentId, field: "adjustment_id", min: 1, max: 128)
                _ = try Check.customer(request.customer, field: "customer")
                guard request.points != 0 else { throw RPCError.invalidArgument("points", "must not be zero") }
                // Far beyond any real correction, and what keeps balances far from Int64's bounds: an
                // adjustment of Int64.max onto a positive balance trapped the ledger's sum.
                guard request.points.magnitude <= maximumPoints else {
                    throw RPCError.invalidArgument("points", "at most \(maximumPoints) either way")
                }
                try Check.text(request.reason, field: "reason", min: 1, max: 500)
            }
        ) { request, write in
            let entryID = LedgerPosting.entryID(cause: "adjustment", externalID: request.adjustmentId)
            if let earlier = try Ledger.entry(id: entryID, in: write.db) { return AdjustPointsResponse(entry: earlier) }
            let customerID = try AccountProjection.require(request.customer!.value, field: "customer", in: write.db)
                .customerID
            try Membership.ensure(customerID, program: program, nowMs: write.nowMs, in: write.db)
            let entry = try Ledger.append(
                LedgerPosting(
                    customerID: customerID, kind: .adjust, points: request.points, reason: request.reason,
                    cause: "adjustment", externalID: request.adjustmentId, countsFromMs: write.nowMs),
                nowMs: write.nowMs, in: write.db)
            return AdjustPointsResponse(entry: entry)
        }
    }
}
