import Foundation
import GRDB
import Health
import Models
import ServiceKit
import TestKit
import Testing

@Suite("health scores through the service")
struct ScoreMethodsTests {
    static let dayMs: Int64 = 86_400_000

    private func record(
        _ health: InProcessService, _ id: String, days: ClosedRange<Int>, perDay: Int64, features: [String]
    )
        async throws
    {
        var events: [UsageEvent] = []
        for day in days {
            for feature in features {
                events.append(
                    UsageEvent(
                        usageId: "\(id)-\(day)-\(feature)", customer: .init(value: id), feature: feature, count: perDay,
                        occurredAtMs: health.clock.nowMs - Int64(day) * Self.dayMs))
            }
        }
        let _: RecordUsageResponse = try await health.call("RecordUsage", RecordUsageRequest(events: events))
    }

    @Test("usage lifts the score and band, the explanation adds up, and score.changed is published")
    func usageChangesTheScore() async throws {
        let health = try InProcessService(HealthService.definition)
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account("busy")))
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account("idle")))
        try await record(health, "busy", days: 29...50, perDay: 1, features: ["login"])
        try await record(health, "idle", days: 40...50, perDay: 5, features: ["login", "dns", "backups"])
        let first: RescoreAccountsResponse = try await health.call("RescoreAccounts", RescoreAccountsRequest())
        #expect(first.scored == 2)
        let before: GetHealthScoreResponse = try await health.call(
            "GetHealthScore", GetHealthScoreRequest(customer: .init(value: "busy")))

        // "busy" now uses three features every day: recency, trend and breadth all rise.
        try await record(health, "busy", days: 0...27, perDay: 4, features: ["login", "dns", "backups"])
        let second: RescoreAccountsResponse = try await health.call(
            "RescoreAccounts", RescoreAccountsRequest(customers: [.init(value: "busy")]))
        #expect(second.scored == 1)
        let after: GetHealthScoreResponse = try await health.call(
            "GetHealthScore", GetHealthScoreRequest(customer: .init(value: "busy"), historyLimit: 5))
        let current = try #require(after.current)
        #expect(current.score > before.current!.score)
        #expect(current.band == .good)
        #expect(after.history.count == 1)
        #expect(after.changeSincePrevious == current.score - before.current!.score)
        #expect(current.factors.map(\.contribution).reduce(0, +) == current.score)
        #expect(current.factors.count == 8 && current.modelVersion == HealthModel.standard.version)
        #expect(current.churnProbability > 0 && current.churnProbability < 1)

        let changes = try await health.events().filter { $0.type == "score.changed" }
        let last = try ScoreChanged(serializedBytes: changes.last!.body)
        #expect(last.score?.customer?.value == "busy" && last.score?.band == .good)
        #expect(last.previousBand == before.current!.band)

        let idle: GetHealthScoreResponse = try await health.call(
            "GetHealthScore", GetHealthScoreRequest(customer: .init(value: "idle")))
        #expect(idle.current!.band == .poor)
    }

    @Test("rescoring thousands of accounts scores each once, in order, as one account alone would be scored")
    func largeRescoreMatchesSingleScoring() async throws {
        // More accounts than one slice of the parallel scoring (8,192), and slices of many chunks.
        let health = try InProcessService(HealthService.definition)
        let count = 9_000
        let ids = (0..<count).map { String(format: "acct-%05d", $0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, id) in ids.enumerated() {
                group.addTask {
                    let _: UpsertAccountResponse = try await health.call(
                        "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account(id)))
                }
                if index >= 32 { try await group.next() }
            }
            try await group.waitForAll()
        }
        // Different usage for different accounts, so that their scores differ.
        let usage = ids.enumerated().compactMap { index, id in
            index % 4 == 0
                ? nil
                : UsageEvent(
                    usageId: "u-\(id)", customer: .init(value: id), feature: ["login", "dns", "mail"][index % 3],
                    count: Int64(1 + index % 7), occurredAtMs: health.clock.nowMs - Int64(index % 50) * Self.dayMs)
        }
        for batch in stride(from: 0, to: usage.count, by: 1000) {
            let _: RecordUsageResponse = try await health.call(
                "RecordUsage", RecordUsageRequest(events: Array(usage[batch..<min(batch + 1000, usage.count)])))
        }
        let eventsBefore = try await health.events().count

        let outcome = try await HealthScorer.standard.rescore(
            .all, database: health.database, nowMs: health.clock.nowMs)
        #expect(outcome.scored == count && outcome.bandChanges == count)
        let latest = try await health.database.read { db in
            try Row.fetchAll(db, sql: "SELECT customer_id, score FROM health_latest ORDER BY customer_id")
                .map { row -> (String, Double) in (row["customer_id"], row["score"]) }
        }
        #expect(latest.map(\.0) == ids)
        let storedScores = try await health.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM health_scores") ?? 0
        }
        #expect(storedScores == count)
        // One score.changed per account, numbered one after another in the accounts' order.
        let changes = Array(try await health.events().dropFirst(eventsBefore))
        #expect(changes.map(\.customerID) == ids)
        #expect(changes.map(\.seq) == Array(changes[0].seq..<(changes[0].seq + UInt64(count))))
        #expect(Set(latest.map(\.1)).count > 10, "the accounts' usage differs, so should their scores")

        // Scored again one at a time, a sample comes out with the scores the parallel rescoring gave.
        let sample = stride(from: 0, to: count, by: 617).map { ids[$0] }
        _ = try await HealthScorer.standard.rescore(.only(sample), database: health.database, nowMs: health.clock.nowMs)
        let again = try await health.database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT customer_id, score FROM health_scores WHERE rowid IN
                        (SELECT MAX(rowid) FROM health_scores GROUP BY customer_id) ORDER BY customer_id
                    """
            ).map { row -> (String, Double) in (row["customer_id"], row["score"]) }
        }
        let first = Dictionary(uniqueKeysWithValues: latest)
        for (customer, score) in again where sample.contains(customer) {
            #expect(first[customer] == score, "\(customer)")
        }
    }

    @Test("the scheduled rescoring writes a slice at a time, so that other writes go in between")
    func rescoringLetsWritesIn() async throws {
        let health = try InProcessService(HealthService.definition)
        let count = 600
        for batch in stride(from: 0, to: count, by: 200) {
            let accounts = (batch..<batch + 200).map { AccountMethodsTests.account(String(format: "acct-%04d", $0)) }
            let _: UpsertAccountsResponse = try await health.call(
                "UpsertAccounts", UpsertAccountsRequest(accounts: accounts))
        }
        var scorer = HealthScorer.standard
        scorer.accountsPerSlice = 50
        let rescoring = Task { try await scorer.rescore(.due, database: health.database, nowMs: health.clock.nowMs) }
        // Writes keep coming while it runs, as a CRM sync's would.
        let writers = (0..<4).map { writer in
            Task {
                var index = 0
                while !rescoring.isCancelled {
                    let _: UpsertAccountResponse = try await health.call(
                        "UpsertAccount",
                        UpsertAccountRequest(account: AccountMethodsTests.account("live-\(writer)-\(index)")))
                    index += 1
                    if index > 2_000 { break }
                }
            }
        }
        let outcome = try await rescoring.value
        rescoring.cancel()
        for writer in writers { try await writer.value }
        #expect(outcome.scored == count)
        // Each slice's score.changed events are committed on their own: other writes' events fall between.
        let events = try await health.events()
        let scoreSeqs = events.filter { $0.type == "score.changed" }.map(\.seq)
        #expect(scoreSeqs.count == count)
        let between = events.filter {
            $0.type == "account.upserted" && $0.seq > scoreSeqs.min()! && $0.seq < scoreSeqs.max()!
        }
        #expect(!between.isEmpty, "every score was written in one go: other writes waited for all \(count)")
        // Accounts written meanwhile were marked dirty again and are scored by the next run.
        let next = try await scorer.rescore(.due, database: health.database, nowMs: health.clock.nowMs)
        let live = try await health.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts WHERE customer_id LIKE 'live-%'") ?? 0
        }
        let scoredLive = try await health.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM health_latest WHERE customer_id LIKE 'live-%'") ?? 0
        }
        #expect(next.scored >= 1)
        #expect(scoredLive == live, "accounts written during the rescoring were left unscored")
    }

    /// A health service whose rescorings write `slice` accounts per transaction, with `count` accounts
    /// "acct-0000"… upserted (so all due).
    private func service(accounts count: Int, rescoringSlice slice: Int) async throws -> (
        InProcessService, HealthScorer, ids: [String]
    ) {
        var scorer = HealthScorer.standard
        scorer.accountsPerSlice = slice
        let health = try InProcessService(HealthService.definition(scorer: scorer))
        let ids = (0..<count).map { String(format: "acct-%04d", $0) }
        let _: UpsertAccountsResponse = try await health.call(
            "UpsertAccounts", UpsertAccountsRequest(accounts: ids.map { AccountMethodsTests.account($0) }))
        return (health, scorer, ids)
    }

    @Test("an admin's RescoreAccounts of every account writes a slice per transaction, as the schedule does")
    func rescoreAccountsInSlices() async throws {
        let count = 230
        let (health, _, _) = try await service(accounts: count, rescoringSlice: 50)
        let commitsBefore = health.database.statistics.commits

        let rescored: RescoreAccountsResponse = try await health.call("RescoreAccounts", RescoreAccountsRequest())

        #expect(rescored.scored == UInt32(count) && rescored.bandChanges == UInt32(count))
        // The claim, then five slices (50 × 4 + 30): one transaction held all of them before.
        let commits = health.database.statistics.commits - commitsBefore
        #expect(commits == 6, "\(commits) transactions for \(count) accounts in slices of 50")
        let scored = try await health.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM health_latest") ?? 0
        }
        #expect(scored == count)
    }

    @Test("rescorings at once take turns: each change is published once")
    func concurrentRescoringsTakeTurns() async throws {
        let count = 100
        let (health, scorer, _) = try await service(accounts: count, rescoringSlice: 20)

        // Two operators (or one request and its resend) and the minute's run, all at once. Each first score
        // is a band change; a rescoring that claimed before another saved would publish it again.
        async let first: RescoreAccountsResponse = health.call("RescoreAccounts", RescoreAccountsRequest())
        async let second: RescoreAccountsResponse = health.call("RescoreAccounts", RescoreAccountsRequest())
        async let scheduled = scorer.rescore(.all, database: health.database, nowMs: health.clock.nowMs)
        let outcomes = try await [first.bandChanges, second.bandChanges, UInt32(scheduled.bandChanges)]

        #expect(outcomes.reduce(0, +) == UInt32(count), "band changes per rescoring: \(outcomes)")
        let changes = try await health.events().filter { $0.type == "score.changed" }
        #expect(changes.count == count)
        #expect(Set(changes.map(\.customerID)).count == count)
    }

    @Test("a rescoring that dies midway leaves the accounts it did not save marked, and the next run scores them")
    func rescoringThatDiesLeavesMarks() async throws {
        let count = 1_000
        let (health, scorer, ids) = try await service(accounts: count, rescoringSlice: 5)
        #expect(try await scorer.rescore(.due, database: health.database, nowMs: health.clock.nowMs).scored == count)
        // Every account changes (a new plan), so every one is due again.
        let _: UpsertAccountsResponse = try await health.call(
            "UpsertAccounts",
            UpsertAccountsRequest(
                accounts: ids.map {
                    var account = AccountMethodsTests.account($0)
                    account.plan = "business"
                    return account
                }))
        func rows(_ sql: String, in database: ServiceDatabase) async throws -> Int {
            try await database.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
        }
        #expect(try await rows("SELECT COUNT(*) FROM health_dirty", in: health.database) == count)

        // The rescoring dies after its claim and some slices: its database goes away under it, as in a crash.
        let rescoring = Task { try await scorer.rescore(.due, database: health.database, nowMs: health.clock.nowMs) }
        while try await rows("SELECT COUNT(*) FROM health_scores", in: health.database) == count {
            try await Task.sleep(for: .milliseconds(1))
        }
        try await health.database.close()
        await #expect(throws: StorageError.self) { try await rescoring.value }

        let reopened = try ServiceDatabase(path: health.database.path, migrations: HealthService.definition.migrations)
        let saved = try await rows("SELECT COUNT(*) FROM health_scores", in: reopened) - count
        #expect(saved > 0 && saved < count, "the rescoring was stopped midway: \(saved) of \(count) saved")
        #expect(try await rows("SELECT COUNT(*) FROM health_dirty", in: reopened) == count - saved)
        let next = try await scorer.rescore(.due, database: reopened, nowMs: health.clock.nowMs)
        #expect(next.scored == count - saved)
        #expect(try await rows("SELECT COUNT(*) FROM health_dirty", in: reopened) == 0)
        let notRescored = try await rows(
            """
            SELECT COUNT(*) FROM accounts a
            WHERE (SELECT COUNT(*) FROM health_scores s WHERE s.customer_id = a.customer_id) != 2
            """, in: reopened)
        #expect(notRescored == 0, "accounts changed before the rescoring died but not scored since")
        try await reopened.close()
    }

    @Test("an account never scored is NOT_FOUND; only an admin may rescore")
    func notScoredAndAdminOnly() async throws {
        let health = try InProcessService(HealthService.definition)
        let missing = await #expect(throws: RPCError.self) {
            let _: GetHealthScoreResponse = try await health.call(
                "GetHealthScore", GetHealthScoreRequest(customer: .init(value: "nobody")))
        }
        #expect(missing?.code == .notFound)
        let denied = await #expect(throws: RPCError.self) {
            let _: RescoreAccountsResponse = try await health.call(
                "RescoreAccounts", RescoreAccountsRequest(), token: InProcessService.writer)
        }
        #expect(denied?.code == .permissionDenied)
    }

    @Test("the schedule rescores dirty accounts and day-old scores only")
    func dueSelection() async throws {
        let health = try InProcessService(HealthService.definition)
        for id in ["a", "b"] {
            let _: UpsertAccountResponse = try await health.call(
                "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account(id)))
        }
        let scorer = HealthScorer.standard
        #expect(try await scorer.rescore(.due, database: health.database, nowMs: health.clock.nowMs).scored == 2)
        #expect(try await scorer.rescore(.due, database: health.database, nowMs: health.clock.nowMs).scored == 0)
        try await record(health, "a", days: 0...0, perDay: 1, features: ["login"])
        #expect(try await scorer.rescore(.due, database: health.database, nowMs: health.clock.nowMs).scored == 1)
        health.clock.advance(byMs: Self.dayMs)
        #expect(try await scorer.rescore(.due, database: health.database, nowMs: health.clock.nowMs).scored == 2)
    }

    @Test("RescoreAccounts lists at most 1,000 accounts, and an account listed twice is scored once")
    func rescoreListIsBounded() async throws {
        let health = try InProcessService(HealthService.definition)
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account("busy")))
        let busy = CustomerId(value: "busy")
        let twice: RescoreAccountsResponse = try await health.call(
            "RescoreAccounts", RescoreAccountsRequest(customers: [busy, busy]))
        #expect(twice.scored == 1)
        let refused = await #expect(throws: RPCError.self) {
            let _: RescoreAccountsResponse = try await health.call(
                "RescoreAccounts", RescoreAccountsRequest(customers: Array(repeating: busy, count: 1_001)))
        }
        #expect(refused?.field == "customers", "\(String(describing: refused))")
    }
}
