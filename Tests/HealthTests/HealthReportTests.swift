import Health
import Models
import ServiceKit
import TestKit
import Testing

@Suite("health report")
struct HealthReportTests {
    static let dayMs: Int64 = 86_400_000

    /// Accounts in three segments, some busy and some silent (so their bands differ), one
    /// cancelled and one added after the scoring run.
    static func bookOfAccounts() async throws -> InProcessService {
        let health = try InProcessService(HealthService.definition)
        let now = health.clock.nowMs
        let accounts: [(String, Segment)] = [
            ("busy-1", .small), ("busy-2", .small), ("quiet-1", .small), ("busy-3", .enterprise),
            ("quiet-2", .enterprise), ("quiet-3", .key), ("gone", .key),
        ]
        for (id, segment) in accounts {
            let _: UpsertAccountResponse = try await health.call(
                "UpsertAccount",
                UpsertAccountRequest(
                    account: AccountMethodsTests.account(id, segment: segment, signupMs: now - 300 * dayMs)))
        }
        var usage: [UsageEvent] = []
        for id in ["busy-1", "busy-2", "busy-3"] {
            for day in 1...50 {
                usage.append(
                    UsageEvent(
                        usageId: "\(id)-\(day)", customer: .init(value: id), feature: day % 2 == 0 ? "dns" : "mail",
                        count: 20, occurredAtMs: now - Int64(day) * dayMs))
            }
        }
        let _: RecordUsageResponse = try await health.call("RecordUsage", RecordUsageRequest(events: usage))
        try await health.runJob("rescore")
        let _: AccountLifecycleResponse = try await health.call(
            "CancelAccount", CancelAccountRequest(customer: .init(value: "gone"), reason: "moved to a competitor"))
        let _: UpsertAccountResponse = try await health.call(
            "UpsertAccount", UpsertAccountRequest(account: AccountMethodsTests.account("late", segment: .enterprise)))
        return health
    }

    @Test("band counts, averages and churn buckets agree with each account's own score")
    func reportAgreesWithEachScore() async throws {
        let health = try await Self.bookOfAccounts()
        let report: HealthReportResponse = try await health.call("HealthReport", HealthReportRequest())

        var expected: [Segment: SegmentHealth] = [:]
        var scoreSums: [Segment: Double] = [:]
        var buckets = [UInt32](repeating: 0, count: 5)
        for (id, segment) in [
            ("busy-1", Segment.small), ("busy-2", .small), ("quiet-1", .small), ("busy-3", .enterprise),
            ("quiet-2", .enterprise), ("quiet-3", .key), ("late", .enterprise),
        ] {
            var cell = expected[segment] ?? SegmentHealth(segment: segment)
            cell.accounts += 1
            let score: GetHealthScoreResponse? = try? await health.call(
                "GetHealthScore", GetHealthScoreRequest(customer: .init(value: id)))
            if let current = score?.current {
                switch current.band {
                case .good: cell.good += 1
                case .average: cell.average += 1
                default: cell.poor += 1
                }
                scoreSums[segment, default: 0] += current.score
                buckets[min(Int(current.churnProbability / 0.2), 4)] += 1
            } else {
                cell.unscored += 1
            }
            expected[segment] = cell
        }
        #expect(report.segments.map(\.segment) == [.small, .enterprise, .key])
        for segment in report.segments {
            let want = try #require(expected[segment.segment])
            #expect(segment.accounts == want.accounts)
            #expect([segment.good, segment.average, segment.poor] == [want.good, want.average, want.poor])
            #expect(segment.unscored == want.unscored)
            let scored = Double(want.good + want.average + want.poor)
            #expect(abs(segment.averageScore - scoreSums[segment.segment, default: 0] / scored) < 1e-9)
        }
        #expect(report.segments.first { $0.segment == .enterprise }?.unscored == 1)
        let total = try #require(report.total)
        #expect(total.accounts == 7)
        #expect(total.good + total.average + total.poor + total.unscored == 7)
        #expect(report.churnRisk.map(\.accounts) == buckets)
        #expect(report.churnRisk.map(\.fromProbability) == (0..<5).map { Double($0) * 0.2 })
        #expect(report.cancelled == 1)
        #expect(report.generatedAtMs == health.clock.nowMs)
    }

    @Test("an empty book reports zeros, not a division by zero")
    func emptyBook() async throws {
        let health = try InProcessService(HealthService.definition)
        let report: HealthReportResponse = try await health.call("HealthReport", HealthReportRequest())
        #expect(report.segments.isEmpty)
        #expect(report.total == SegmentHealth())
        #expect(report.churnRisk.map(\.accounts) == [0, 0, 0, 0, 0])
        #expect(report.cancelled == 0)
    }
}
