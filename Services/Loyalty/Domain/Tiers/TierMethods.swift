import Models
import Projections
import ServiceKit

/// loyalty.ListTiers (the tiers and their benefits, for other services and people) and
/// loyalty.SetTierFloor (an admin's guarantee that a member stays at least on a tier).
enum TierMethods {
    static func register(on router: Router, program: LoyaltyProgram) {
        router.read("ListTiers", role: .reader) { (_: ListTiersRequest, _) in
            ListTiersResponse(tiers: program.tiers)
        }

        router.write(
            "SetTierFloor", role: .admin,
            validate: { (request: SetTierFloorRequest, _) in
                _ = try Check.customer(request.customer, field: "customer")
                guard request.tier.isEmpty || program.tier(named: request.tier) != nil else {
                    let names = program.tiers.map(\.name).joined(separator: ", ")
                    throw RPCError.invalidArgument("tier", "unknown tier \"\(request.tier)\" (tiers: \(names))")
                }
                try Check.text(request.reason, field: "reason", min: 1, max: 500)
            }
        ) { request, write in
            let customerID = try AccountProjection.require(request.customer!.value, field: "customer", in: write.db)
                .customerID
            let member = try Membership.setFloor(
                customerID, floor: program.tier(named: request.tier), program: program, nowMs: write.nowMs,
                in: write.db)
            return SetTierFloorResponse(tier: member.tier, floor: member.tierFloor)
        }
    }
}
