import Health
import Models
import ServiceKit
import TestKit
import Testing

@Suite("health accounts")
struct AccountMethodsTests {
    static func account(_ id: String, segment: Segment = .midMarket, signupMs: Int64 = 1_760_000_000_000) -> Account {
        Account(
            customer: CustomerId(value: id), name: "Customer \(id)", segment: segment, plan: "pro",
            mrr: Money(minorUnits: 49_900, currency: "EUR"), signupMs: signupMs, accountManager: "ana@example.com")
    }

    @Test("an upserted account reads back, starts onboarding, and publishes account.upserted")
    func upsertAndGet() async throws {
        let health = try InProcessService(HealthService.definition)
        let created: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: Self.account("acme")))
        #expect(created.created)
        #expect(created.account!.stage == .onboarding)
        let read: GetAccountResponse = try await health.call(
            "GetAccount", GetAccountRequest(customer: .init(value: "acme")))
        #expect(read.account == created.account)
        var renamed = Self.account("acme")
        renamed.name = "ACME Hosting"
        renamed.stage = .mature
        let updated: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: renamed))
        #expect(!updated.created && updated.account!.name == "ACME Hosting" && updated.account!.stage == .mature)
        #expect(try await health.events().map(\.type) == ["account.upserted", "account.upserted"])
    }

    @Test("upserting an account exactly as stored changes nothing and publishes nothing")
    func unchangedUpsert() async throws {
        let health = try InProcessService(HealthService.definition)
        let first: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: Self.account("acme")))
        health.clock.advance(byMs: 60_000)
        let again: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: Self.account("acme")))
        #expect(first.created && first.changed)
        #expect(!again.created && !again.changed && again.account == first.account)
        #expect(try await health.events().count == 1)
    }

    @Test("bad account fields are INVALID_ARGUMENT naming the field, and nothing is stored")
    func badAccountsAreRefused() async throws {
        let health = try InProcessService(HealthService.definition)
        var cases: [(Account, String)] = []
        var noSegment = Self.account("a")
        noSegment.segment = .unspecified
        cases.append((noSegment, "account.segment"))
        var future = Self.account("b")
        future.signupMs = health.clock.nowMs + 86_400_000
        cases.append((future, "account.signup_ms"))
        var badCurrency = Self.account("c")
        badCurrency.mrr = Money(minorUnits: 100, currency: "euro")
        cases.append((badCurrency, "account.mrr.currency"))
        var negative = Self.account("d")
        negative.mrr = Money(minorUnits: -1, currency: "EUR")
        cases.append((negative, "account.mrr.minor_units"))
        cases.append((Account(customer: CustomerId(value: "e"), segment: .small), "account.name"))
        for (account, field) in cases {
            let error = await #expect(throws: RPCError.self) {
                let _: UpsertAccountResponse = try await health.call(
                    "UpsertAccount", UpsertAccountRequest(account: account))
            }
            #expect(error?.code == .invalidArgument && error?.field == field, "\(field): \(String(describing: error))")
        }
        let list: ListAccountsResponse = try await health.call("ListAccounts", ListAccountsRequest())
        #expect(list.accounts.isEmpty)
        #expect(try await health.events().isEmpty)
    }

    @Test(
        "UpsertAccounts stores many in one write: counts, one event per change, a customer listed twice ends as its last entry"
    )
    func upsertMany() async throws {
        let health = try InProcessService(HealthService.definition)
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: Self.account("kept")))
        var renamed = Self.account("twice")
        renamed.name = "Twice, renamed"
        let batch = [Self.account("kept"), Self.account("new-1"), Self.account("twice"), renamed]
        let reply: UpsertAccountsResponse = try await health.call(
            "UpsertAccounts", UpsertAccountsRequest(accounts: batch), idempotencyKey: "crm-sync-1")
        #expect(reply == UpsertAccountsResponse(created: 2, changed: 3, unchanged: 1))
        let twice: GetAccountResponse = try await health.call(
            "GetAccount", GetAccountRequest(customer: .init(value: "twice")))
        #expect(twice.account!.name == "Twice, renamed" && twice.account!.stage == .onboarding)
        #expect(try await health.events().map(\.customerID) == ["kept", "new-1", "twice", "twice"])
        // The same sync sent again (a retry after a lost reply) is answered from the first and adds nothing.
        let repeated: UpsertAccountsResponse = try await health.call(
            "UpsertAccounts", UpsertAccountsRequest(accounts: batch), idempotencyKey: "crm-sync-1")
        #expect(repeated == reply)
        #expect(try await health.events().count == 4)
    }

    @Test("UpsertAccounts with one bad entry, or too many, is INVALID_ARGUMENT naming it, and stores none")
    func upsertManyRefused() async throws {
        let health = try InProcessService(HealthService.definition)
        var badName = Self.account("b")
        badName.name = ""
        let invalid = await #expect(throws: RPCError.self) {
            let _: UpsertAccountsResponse = try await health.call(
                "UpsertAccounts", UpsertAccountsRequest(accounts: [Self.account("a"), badName]))
        }
        #expect(invalid?.code == .invalidArgument && invalid?.field == "accounts[1].name")
        let tooMany = (0...1000).map { Self.account("c\($0)") }
        let refused = await #expect(throws: RPCError.self) {
            let _: UpsertAccountsResponse = try await health.call(
                "UpsertAccounts", UpsertAccountsRequest(accounts: tooMany))
        }
        #expect(refused?.code == .invalidArgument && refused?.field == "accounts")
        let list: ListAccountsResponse = try await health.call("ListAccounts", ListAccountsRequest())
        #expect(list.accounts.isEmpty)
        #expect(try await health.events().isEmpty)
    }

    @Test("cancel and reactivate move the lifecycle, publish their events, and repeat harmlessly")
    func cancelAndReactivate() async throws {
        let health = try InProcessService(HealthService.definition)
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: Self.account("acme")))
        let cancelled: AccountLifecycleResponse = try await health.call(
            "CancelAccount", CancelAccountRequest(customer: .init(value: "acme"), reason: "price"))
        #expect(cancelled.changed && cancelled.account!.stage == .cancelled)
        #expect(
            cancelled.account!.cancelledAtMs == health.clock.nowMs && cancelled.account!.cancellationReason == "price")
        let again: AccountLifecycleResponse = try await health.call(
            "CancelAccount", CancelAccountRequest(customer: .init(value: "acme"), reason: "other reason"))
        #expect(!again.changed && again.account!.cancellationReason == "price")
        // An upsert does not bring a cancelled account back; reactivation does.
        let upserted: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: Self.account("acme")))
        #expect(upserted.account!.stage == .cancelled && !upserted.changed, "the same fields: nothing to publish")
        let back: AccountLifecycleResponse = try await health.call(
            "ReactivateAccount", ReactivateAccountRequest(customer: .init(value: "acme")))
        #expect(back.changed && back.account!.stage == .adopting && back.account!.reactivations == 1)
        #expect(
            try await health.events().map(\.type)
                == ["account.upserted", "account.cancelled", "account.reactivated"])
        let missing = await #expect(throws: RPCError.self) {
            let _: AccountLifecycleResponse = try await health.call(
                "CancelAccount", CancelAccountRequest(customer: .init(value: "nobody"), reason: "x"))
        }
        #expect(missing?.code == .notFound)
    }

    @Test("accounts list in pages, filtered by segment and stage")
    func listPages() async throws {
        let health = try InProcessService(HealthService.definition)
        for index in 0..<25 {
            let segment: Segment = index % 5 == 0 ? .key : .small
            let _: UpsertAccountResponse = try await health.call(
                "UpsertAccount",
                UpsertAccountRequest(account: Self.account(String(format: "c%03d", index), segment: segment)))
        }
        var seen: [String] = []
        var token = ""
        repeat {
            let page: ListAccountsResponse = try await health.call(
                "ListAccounts", ListAccountsRequest(page: PageRequest(pageSize: 10, pageToken: token)))
            #expect(page.page?.totalCount == 25)
            seen += page.accounts.map { $0.customer!.value }
            token = page.page?.nextPageToken ?? ""
        } while !token.isEmpty
        #expect(seen == (0..<25).map { String(format: "c%03d", $0) })
        let keys: ListAccountsResponse = try await health.call("ListAccounts", ListAccountsRequest(segment: .key))
        #expect(keys.accounts.count == 5 && keys.page?.totalCount == 5)
        let bad = await #expect(throws: RPCError.self) {
            let _: ListAccountsResponse = try await health.call(
                "ListAccounts", ListAccountsRequest(page: PageRequest(pageToken: "%%%")))
        }
        #expect(bad?.field == "page.page_token")
    }
}
