import Foundation
import GRDB
import Models
import ServiceKit

/// health.UpsertAccount, UpsertAccounts, GetAccount, ListAccounts, CancelAccount and ReactivateAccount.
enum AccountMethods {
    static func register(on router: Router) {
        router.write(
            "UpsertAccount",
            validate: { (request: UpsertAccountRequest, context) in
                try validate(request.account, field: "account", nowMs: context.nowMs)
            }
        ) { request, write in
            let outcome = try upsert(request.account!, in: write)
            return UpsertAccountResponse(account: outcome.account, created: outcome.created, changed: outcome.changed)
        }

        router.write(
            "UpsertAccounts",
            validate: { (request: UpsertAccountsRequest, context) in
                guard request.accounts.count <= maxAccountsPerCall else {
                    throw RPCError.invalidArgument(
                        "accounts", "at most \(maxAccountsPerCall) per call, not \(request.accounts.count)")
                }
                for (index, account) in request.accounts.enumerated() {
                    try validate(account, field: "accounts[\(index)]", nowMs: context.nowMs)
                }
            }
        ) { request, write in
            var response = UpsertAccountsResponse()
            for account in request.accounts {
                let outcome = try upsert(account, in: write)
                if outcome.created { response.created += 1 }
                if outcome.changed { response.changed += 1 } else { response.unchanged += 1 }
            }
            return response
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

    /// The most accounts one health.UpsertAccounts carries: a batch stays one quick transaction.
    static let maxAccountsPerCall = 1000

    /// Checks an account as sent; errors name its fields under `field` ("account", "accounts[3]").
    static func validate(_ account: Account?, field: String, nowMs: Int64) throws {
        guard let account else { throw RPCError.invalidArgument(field, "is required") }
        _ = try Check.customer(account.customer, field: "\(field).customer")
        try Check.text(account.name, field: "\(field).name", min: 1, max: 200)
        switch account.segment {
        case .small, .midMarket, .enterprise, .key: break
        default:
            throw RPCError.invalidArgument("\(field).segment", "must be small, mid-market, enterprise or key")
        }
        try Check.text(account.plan, field: "\(field).plan", max: 100)
        try Check.money(account.mrr, field: "\(field).mrr")
        try Check.notInFuture(account.signupMs, field: "\(field).signup_ms", nowMs: nowMs)
        try Check.text(account.accountManager, field: "\(field).account_manager", max: 200)
        try Check.text(account.referralCode, field: "\(field).referral_code", max: 64)
        if account.stage == .cancelled {
            throw RPCError.invalidArgument(
                "\(field).stage", "cancel with health.CancelAccount, which records the reason")
        }
        if case .unrecognized(let value) = account.stage {
            throw RPCError.invalidArgument("\(field).stage", "unknown stage \(value)")
        }
    }

    /// Stores a checked account (keeping the fields the service sets) unless it is stored exactly so
    /// already, marks it for rescoring and emits account.upserted.
    static func upsert(_ incoming: Account, in write: WriteContext) throws -> (
        account: Account, created: Bool, changed: Bool
    ) {
        let id = incoming.customer!.value
        let existing = try AccountStore.fetch(id, in: write.db)
        var account = incoming
        account.stage = stage(requested: incoming.stage, existing: existing)
        account.cancelledAtMs = existing?.cancelledAtMs ?? 0
        account.cancellationReason = existing?.cancellationReason ?? ""
        account.reactivations = existing?.reactivations ?? 0
        account.lastSeenMs = existing?.lastSeenMs ?? 0
        account.updatedAtMs = existing?.updatedAtMs ?? 0
        if let existing, existing == account { return (existing, false, false) }
        account.updatedAtMs = write.nowMs
        try AccountStore.save(account, in: write.db)
        try HealthScorer.markDirty(id, in: write.db)
        try write.emit("account.upserted", customerID: id, AccountChanged(account: account))
        return (account, existing == nil, true)
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
