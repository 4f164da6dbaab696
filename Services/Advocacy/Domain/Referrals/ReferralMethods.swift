import GRDB
import Models
import ServiceKit

/// advocacy.ListReferrals and ReviewReferral (a held referral is approved or rejected once).
enum ReferralMethods {
    static func register(on router: Router) {
        router.read("ListReferrals", role: .reader) { (request: ListReferralsRequest, _) in
            let advocate = request.advocate == nil ? "" : try Check.customer(request.advocate, field: "advocate")
            guard request.limit <= 1000 else { throw RPCError.invalidArgument("limit", "at most 1000") }
            let limit = request.limit == 0 ? 100 : Int(request.limit)
            if case .unrecognized(let value) = request.state {
                throw RPCError.invalidArgument("state", "unknown state \(value)")
            }
            let state = request.state.rawValue
            return try await router.database.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM referrals WHERE (? = '' OR advocate_id = ?) AND (? = 0 OR state = ?)
                        ORDER BY received_at_ms DESC, referred_id LIMIT ?
                        """,
                    arguments: [advocate, advocate, state, state, limit])
                return ListReferralsResponse(referrals: rows.map(Referrals.referral(from:)))
            }
        }

        router.write(
            "ReviewReferral",
            validate: { (request: ReviewReferralRequest, _) in
                _ = try Check.customer(request.referred, field: "referred")
                try Check.text(request.referralCode, field: "referral_code", min: 1, max: 64)
                try Check.text(request.reason, field: "reason", max: 500)
            }
        ) { request, write in
            let referred = request.referred!.value
            guard var referral = try Referrals.fetch(code: request.referralCode, referred: referred, in: write.db)
            else {
                throw RPCError.notFound("no referral of \"\(referred)\" with code \(request.referralCode)")
            }
            let wanted: ReferralState = request.approve ? .converted : .refused
            guard referral.state == .held else {
                guard referral.state == wanted else {
                    throw RPCError.failedPrecondition(
                        "the referral was \(referral.state.displayName) already (\(referral.reason))")
                }
                return ReferralResponse(referral: referral, changed: false)
            }
            referral.state = wanted
            referral.decidedAtMs = write.nowMs
            let note = request.reason.isEmpty ? "" : ": \(request.reason)"
            referral.reason =
                (request.approve
                    ? "approved after hold (\(referral.reason))" : "rejected after hold (\(referral.reason))") + note
            try Referrals.save(referral, in: write.db)
            if request.approve {
                try Referrals.convert(referral, nowMs: write.nowMs, in: write.db)
            } else {
                try Referrals.flag("referral.refused", referral, nowMs: write.nowMs, in: write.db)
            }
            return ReferralResponse(referral: referral, changed: true)
        }
    }
}
