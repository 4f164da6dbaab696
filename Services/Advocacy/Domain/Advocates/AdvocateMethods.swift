import Foundation
import GRDB
import Models
import Projections
import ServiceKit

/// advocacy.NominateAdvocate, InviteAdvocate, EnrollAdvocate, GetAdvocate, ListAdvocates and
/// GetAdvocacyIncentives.
enum AdvocateMethods {
    static func register(on router: Router) {
        router.write(
            "NominateAdvocate",
            validate: { (request: NominateAdvocateRequest, _) in
                _ = try Check.customer(request.customer, field: "customer")
                try Check.text(request.reason, field: "reason", min: 1, max: 500)
            }
        ) { request, write in
            let id = request.customer!.value
            try requireCustomer(id, in: write.db)
            if let existing = try AdvocateStore.fetch(id, nowMs: write.nowMs, in: write.db) {
                return AdvocateResponse(advocate: existing, changed: false)
            }
            let added = try Candidates.add(
                id, origin: "nominated", reason: request.reason, nowMs: write.nowMs, in: write.db)
            return AdvocateResponse(advocate: added, changed: true)
        }

        router.write(
            "InviteAdvocate",
            validate: { (request: InviteAdvocateRequest, _) in
                _ = try Check.customer(request.customer, field: "customer")
            }
        ) { request, write in
            let id = request.customer!.value
            let advocate = try AdvocateStore.require(id, field: "customer", nowMs: write.nowMs, in: write.db)
            switch advocate.status {
            case .invited: return AdvocateResponse(advocate: advocate, changed: false)
            case .candidate: break
            default:
                throw RPCError.failedPrecondition(
                    "\"\(id)\" is \(advocate.status.displayName) already, not a candidate")
            }
            try AdvocateStore.setStatus(.invited, of: id, nowMs: write.nowMs, in: write.db)
            return AdvocateResponse(
                advocate: try AdvocateStore.fetch(id, nowMs: write.nowMs, in: write.db), changed: true)
        }

        router.write(
            "EnrollAdvocate",
            validate: { (request: EnrollAdvocateRequest, _) in
                _ = try Check.customer(request.customer, field: "customer")
                if !request.referralCode.isEmpty {
                    try ReferralCodes.validate(request.referralCode, field: "referral_code")
                }
            }
        ) { request, write in
            try enroll(request, nowMs: write.nowMs, in: write.db)
        }

        router.lookup("GetAdvocate", role: .reader) { (request: GetAdvocateRequest, context, db) in
            let id = try Check.customer(request.customer, field: "customer")
            guard let advocate = try AdvocateStore.fetch(id, nowMs: context.nowMs, in: db) else {
                throw RPCError.notFound("\"\(id)\" is not an advocate")
            }
            return AdvocateResponse(advocate: advocate, changed: false)
        }

        router.read("ListAdvocates", role: .reader) { (request: ListAdvocatesRequest, context) in
            try await list(request, nowMs: context.nowMs, database: router.database)
        }

        router.read("GetAdvocacyIncentives", role: .reader) { (request: GetAdvocacyIncentivesRequest, context) in
            let id = try Check.customer(request.customer, field: "customer")
            return try await router.database.read { db in
                let program = try ProgramStore.current(in: db)
                let advocate = try AdvocateStore.fetch(id, nowMs: context.nowMs, in: db)
                return GetAdvocacyIncentivesResponse(
                    level: advocate?.level ?? "", levelRank: advocate?.levelRank ?? -1,
                    levelCount: Int32(program.levels.count), incentives: advocate?.incentives ?? AdvocacyIncentives())
            }
        }
    }

    /// A known account that has not cancelled, or an error saying which it is not.
    static func requireCustomer(_ id: String, in db: Database) throws {
        let account = try AccountProjection.require(id, field: "customer", in: db)
        guard !account.isCancelled else { throw RPCError.failedPrecondition("\"\(id)\" has cancelled") }
    }

    /// Makes the customer an active advocate with a referral code (kept if they had one).
    static func enroll(_ request: EnrollAdvocateRequest, nowMs: Int64, in db: Database) throws -> AdvocateResponse {
        let id = request.customer!.value
        try requireCustomer(id, in: db)
        let existing = try AdvocateStore.fetch(id, nowMs: nowMs, in: db)
        if let existing, existing.status == .active { return AdvocateResponse(advocate: existing, changed: false) }
        if existing == nil {
            try AdvocateStore.insertCandidate(id, origin: "enrolled", reason: "enrolled directly", nowMs: nowMs, in: db)
        }
        if existing?.referralCode.isEmpty ?? true {
            let code = try ReferralCodes.issue(requested: request.referralCode, for: id, in: db)
            try db.execute(sql: "UPDATE advocates SET referral_code = ? WHERE customer_id = ?", arguments: [code, id])
        }
        try AdvocateStore.setStatus(.active, of: id, nowMs: nowMs, in: db)
        return AdvocateResponse(advocate: try AdvocateStore.fetch(id, nowMs: nowMs, in: db), changed: true)
    }

    static func list(_ request: ListAdvocatesRequest, nowMs: Int64, database: ServiceDatabase) async throws
        -> ListAdvocatesResponse
    {
        let pageSize = request.page == nil || request.page!.pageSize == 0 ? 50 : min(Int(request.page!.pageSize), 1000)
        var after = ""
        if let token = request.page?.pageToken, !token.isEmpty {
            guard let data = Data(base64Encoded: token), let decoded = String(data: data, encoding: .utf8) else {
                throw RPCError.invalidArgument("page.page_token", "is not a token this service gave out")
            }
            after = decoded
        }
        if case .unrecognized(let value) = request.status {
            throw RPCError.invalidArgument("status", "unknown status \(value)")
        }
        let status = request.status.rawValue
        let start = after
        return try await database.read { db in
            let program = try ProgramStore.current(in: db)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM advocates WHERE (? = 0 OR status = ?) AND customer_id > ?
                    ORDER BY customer_id LIMIT ?
                    """,
                arguments: [status, status, start, pageSize + 1])
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM advocates WHERE (? = 0 OR status = ?)", arguments: [status, status])
                ?? 0
            var advocates = try rows.map {
                try AdvocateStore.advocate(from: $0, program: program, nowMs: nowMs, in: db)
            }
            var next = ""
            if advocates.count > pageSize {
                advocates.removeLast()
                next = Data(advocates.last!.customer!.value.utf8).base64EncodedString()
            }
            return ListAdvocatesResponse(
                advocates: advocates, page: PageInfo(nextPageToken: next, totalCount: UInt64(total)))
        }
    }
}
