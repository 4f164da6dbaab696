import Client
import Foundation
import Models
import Synchronization
import TestKit
import Testing

/// Traffic for the backup tests: accounts to start from, then writes of every kind from four loops
/// at once (purchases, survey answers that open follow-up cases and make candidates, support cases,
/// usage) until stopped, so that events flow between all five services while a backup is taken.
final class BackupTraffic: Sendable {
    static let customers = (0..<6).map { "bk-\($0)" }
    static let survey = "backup-relationship"
    static let dayMs: Int64 = 86_400_000

    /// Writes acknowledged so far.
    let acknowledged = Atomic<Int>(0)
    /// Writes refused or unanswered, described; there should be none.
    let failures = Mutex<[String]>([])
    private let loops = Mutex<[Task<Void, Never>]>([])

    /// Accounts with three weeks of use and a score, welcome points, and the survey; then waits until
    /// every service knows the accounts.
    static func seed(_ suite: SuiteHarness) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let _: DefineSurveyResponse = try await suite.call(
            "feedback", "DefineSurvey",
            DefineSurveyRequest(
                survey: Survey(
                    surveyId: survey, kind: .nps, touchpoint: .relationship,
                    question: "How likely are you to recommend us?")))
        for id in customers {
            let account = Account(
                customer: .init(value: id), name: id.capitalized, segment: .enterprise, signupMs: now - 200 * dayMs)
            let _: UpsertAccountResponse = try await suite.call(
                "health", "UpsertAccount", UpsertAccountRequest(account: account))
            let usage: [UsageEvent] = (0..<21).flatMap { day in
                ["login", "dns", "backups"].map { feature in
                    UsageEvent(
                        usageId: "\(id)-seed-\(day)-\(feature)", customer: .init(value: id), feature: feature, count: 3,
                        occurredAtMs: now - Int64(day) * dayMs)
                }
            }
            let _: RecordUsageResponse = try await suite.call(
                "health", "RecordUsage", RecordUsageRequest(events: usage))
            let _: RescoreAccountsResponse = try await suite.call(
                "health", "RescoreAccounts", RescoreAccountsRequest(customers: [.init(value: id)]))
        }
        try await suite.caughtUp(with: "health")
        for id in customers {
            let _: AdjustPointsResponse = try await suite.call(
                "loyalty", "AdjustPoints",
                AdjustPointsRequest(
                    adjustmentId: "welcome-\(id)", customer: .init(value: id), points: 500, reason: "welcome"))
        }
    }

    /// Starts the four loops against `suite`.
    func start(_ suite: SuiteHarness, run: String) {
        let writes: [@Sendable (Int, String) async throws -> Void] = [
            { index, id in
                let _: RecordPurchaseResponse = try await suite.call(
                    "loyalty", "RecordPurchase",
                    RecordPurchaseRequest(
                        purchaseId: "\(run)-purchase-\(index)", customer: .init(value: id),
                        amount: Money(minorUnits: Int64(1_000 + index * 37 % 20_000), currency: "EUR")))
            },
            { index, id in
                let score = Int32(index % 11)
                let _: RecordResponseResponse = try await suite.call(
                    "feedback", "RecordResponse",
                    RecordResponseRequest(
                        responseId: "\(run)-answer-\(index)", surveyId: Self.survey, customer: .init(value: id),
                        score: score, comment: score < 7 ? "the control panel is slow" : "great support"))
            },
            { index, id in
                let _: OpenCaseResponse = try await suite.call(
                    "escalation", "OpenCase",
                    OpenCaseRequest(
                        externalId: "\(run)-ticket-\(index)", customer: .init(value: id), severity: .s3,
                        title: "DNS changes take hours", details: "opened during a backup"))
            },
            { index, id in
                let _: RecordUsageResponse = try await suite.call(
                    "health", "RecordUsage",
                    RecordUsageRequest(events: [
                        UsageEvent(
                            usageId: "\(run)-usage-\(index)", customer: .init(value: id), feature: "api", count: 2,
                            occurredAtMs: Int64(Date().timeIntervalSince1970 * 1000))
                    ]))
            },
        ]
        let tasks = writes.map { write in
            Task {
                var index = 0
                while !Task.isCancelled {
                    let id = Self.customers[index % Self.customers.count]
                    do {
                        try await write(index, id)
                        acknowledged.add(1, ordering: .relaxed)
                    } catch  where !Task.isCancelled {
                        failures.withLock { $0.append("\(error)") }
                    } catch {
                        return  // stopped while a write was under way
                    }
                    index += 1
                }
            }
        }
        loops.withLock { $0 += tasks }
    }

    /// Stops the loops and waits for their last writes.
    func stop() async {
        let tasks = loops.withLock { loops in
            defer { loops = [] }
            return loops
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
