import Foundation
import GRDB
import Models
import ServiceKit

/// health.UpsertAccount, GetAccount, ListAccounts, CancelAccount and ReactivateAccount.
enum AccountMethods {
    static func register(on router: Router) {
        router.write(
            "UpsertAccount",
            validate: { (request: UpsertAccountRequest, context) in
                try validate(request.account, nowMs: context.nowMs)
            }
        ) { request, write in
            let incoming = request.account!
            let id = incoming.customer!.value
            let existing = try AccountStore.fetch(id, in: write.db)
            var account = incoming
            account.stage = stage(requested: incoming.stage, existing: existing)
            account.cancelledAtMs = existing?.cancelledAtMs ?? 0
            account.cancellationReason = existing?.cancellationReason ?? ""
            account.reactivations = existing?.reactivations ?? 0
            account.lastSeenMs = existing?.lastSeenMs ?? 0
            account.updatedAtMs = existing?.updatedAtMs ?? 0
            if let existing, existing == account {
                return UpsertAccountResponse(account: existing, created: false, changed: false)
            }
            account.updatedAtMs = write.nowMs
            try AccountStore.save(account, in: write.db)
            try HealthScorer.markDirty(id, in: write.db)
            try write.emit("account.upserted", customerID: id, AccountChanged(account: account))
            return UpsertAccountResponse(account: account, created: existing == nil, changed: true)
        }

        router.lookup("GetAccount", role: .reader) { (request: GetAccountRequest, _, db) in
            let id = try Check.customer(request.customer, field: "customer")
            guard let account = try AccountStore.fetch(id, in: db) else {
                throw RPCError.notFound("no account \"\(id)\"")
            }
            return GetAccountResponse(account: account)
        }

        router.read("ListAccounts", role: .reader) { (request: ListAccountsRequest, _) in
            try await list(request, database: router.database)
        }

        router.write(
            "CancelAccount",
            validate: { (request: CancelAccountRequest, context) in
                _ = try Check.customer(request.customer, field: "customer")
                try Check.text(request.reason, field: "reason", min: 1, max: 500)
                try Check.notInFuture(request.cancelledAtMs, field: "cancelled_at_ms", nowMs: context.nowMs, slackMs: 0)
            }
        ) { request, write in
            var account = try existingAccount(request.customer!.value, in: write.db)
            guard account.stage != .cancelled else { return AccountLifecycleResponse(account: account, changed: false) }
            account.stage = .cancelled
            account.cancelledAtMs = request.cancelledAtMs == 0 ? write.nowMs : request.cancelledAtMs
            account.cancellationReason = request.reason
            account.updatedAtMs = write.nowMs
            try AccountStore.save(account, in: write.db)
            try write.emit("account.cancelled", customerID: account.customer!.value, AccountChanged(account: account))
            return AccountLifecycleResponse(account: account, changed: true)
        }

        router.write(
            "ReactivateAccount",
            validate: { (request: ReactivateAccountRequest, _) in
                _ = try Check.customer(request.customer, field: "customer")
            }
        ) { request, write in
            var account = try existingAccount(request.customer!.value, in: write.db)
            guard account.stage == .cancelled else { return AccountLifecycleResponse(account: account, changed: false) }
            account.stage = .adopting
            account.reactivations += 1
            account.updatedAtMs = write.nowMs
            try AccountStore.save(account, in: write.db)
            try write.emit(
                "account.reactivated", customerID: account.customer!.value, AccountChanged(account: account))
            return AccountLifecycleResponse(account: account, changed: true)
        }
    }

    static func validate(_ account: Account?, nowMs: Int64) throws {
        guard let account else { throw RPCError.invalidArgument("account", "is required") }
        _ = try Check.customer(account.customer, field: "account.customer")
        try Check.text(account.name, field: "account.name", min: 1, max: 200)
        switch account.segment {
        case .small, .midMarket, .enterprise, .key: break
        default: throw RPCError.invalidArgument("account.segment", "must be small, mid-market, enterprise or key")
        }
        try Check.text(account.plan, field: "account.plan", max: 100)
        try Check.money(account.mrr, field: "account.mrr")
        try Check.notInFuture(account.signupMs, field: "account.signup_ms", nowMs: nowMs)
        try Check.text(account.accountManager, field: "account.account_manager", max: 200)
        try Check.text(account.referralCode, field: "account.referral_code", max: 64)
        if account.stage == .cancelled {
            throw RPCError.invalidArgument(
                "account.stage", "cancel with health.CancelAccount, which records the reason")
        }
        if case .unrecognized(let value) = account.stage {
            throw RPCError.invalidArgument("account.stage", "unknown stage \(value)")
        }
    }

    /// A new account starts onboarding; an existing one keeps its stage unless another is asked for,
    /// and a cancelled one stays cancelled (reactivation is its own method).
    static func stage(requested: LifecycleStage, existing: Account?) -> LifecycleStage {
        guard let existing else { return requested == .unspecified ? .onboarding : requested }
        if existing.stage == .cancelled || requested == .unspecified { return existing.stage }
        return requested
    }

    static func existingAccount(_ id: String, in db: Database) throws -> Account {
        guard let account = try AccountStore.fetch(id, in: db) else {
            throw RPCError.notFound("no account \"\(id)\"")
        }
        return account
    }

    static func list(_ request: ListAccountsRequest, database: ServiceDatabase) async throws -> ListAccountsResponse {
        let pageSize = request.page?.pageSize == 0 || request.page == nil ? 50 : min(Int(request.page!.pageSize), 1000)
        let after: String
        if let token = request.page?.pageToken, !token.isEmpty {
            guard let data = Data(base64Encoded: token), let decoded = String(data: data, encoding: .utf8) else {
                throw RPCError.invalidArgument("page.page_token", "is not a token this service gave out")
            }
            after = decoded
        } else {
            after = ""
        }
        var filter = "1 = 1"
        var arguments: StatementArguments = []
        if request.segment != .unspecified {
            filter += " AND segment = ?"
            arguments += [request.segment.rawValue]
        }
        if request.stage != .unspecified {
            filter += " AND stage = ?"
            arguments += [request.stage.rawValue]
        }
        let pageFilter = filter
        let pageArguments = arguments + [after, pageSize + 1]
        let countArguments = arguments
        return try await database.read { db in
            var accounts = try Array(
                ColumnCursor(
                    db.cachedStatement(
                        sql:
                            "SELECT \(AccountStore.columns) FROM accounts WHERE \(pageFilter) AND customer_id > ? ORDER BY customer_id LIMIT ?"
                    ), arguments: pageArguments, AccountStore.account(from:)))
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM accounts WHERE \(pageFilter)", arguments: countArguments) ?? 0
            var next = ""
            if accounts.count > pageSize {
                accounts.removeLast()
                next = Data(accounts.last!.customer!.value.utf8).base64EncodedString()
            }
            return ListAccountsResponse(
                accounts: accounts, page: PageInfo(nextPageToken: next, totalCount: UInt64(total)))
        }
    }
}
