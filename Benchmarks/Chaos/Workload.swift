import SeededRandom
import Client
import Foundation
import Models

/// One write of the workload: where it goes, the idempotency key every attempt of it carries, and
/// how to send it (the reply comes back serialized so a replay can be compared byte for byte).
struct Write: Sendable {
    let service: String
    let method: String
    let key: String
    let send: @Sendable (ServiceClient, String) async throws -> [UInt8]

    init<Request: ProtoMessage, Reply: ProtoMessage>(
        _ service: String, _ method: String, _ request: Request, reply: Reply.Type, key: String
    ) {
        self.service = service
        self.method = method
        self.key = key
        self.send = { client, key in
            let answer: Reply = try await client.call(method, request, idempotencyKey: key, timeout: .seconds(5))
            return answer.serializedBytes()
        }
    }
}

/// A realistic mixed workload, the same for the same seed and customer count: accounts with their
/// usage and a score (health), welcome points, purchases and redemptions (loyalty), survey answers
/// (feedback) and support cases (escalation).
///
/// Each customer's writes are sent in order by one worker, so what each service decides for a
/// customer (a redemption refused for lack of points, a second detractor opening no case) does not
/// depend on timing, and a fault-free run of the same workload is the reference for a faulty one.
struct Workload: Sendable {
    static let dayMs: Int64 = 86_400_000
    static let survey = "chaos-relationship"

    /// What must exist before anything else (the survey).
    let catalog: [Write]
    /// Per customer: the account, its usage and score — sent before any other write, so every
    /// follower knows the account before it hears of anything the customer did.
    let accounts: [[Write]]
    /// Per customer: the mixed writes, in order.
    let activity: [[Write]]

    init(customers: Int, writesPerCustomer: Int, seed: UInt64, nowMs: Int64) {
        var random = SplitMix64(seed: seed)
        catalog = [
            Write(
                "feedback", "DefineSurvey",
                DefineSurveyRequest(
                    survey: Survey(
                        surveyId: Self.survey, kind: .nps, touchpoint: .relationship,
                        question: "How likely are you to recommend us?")),
                reply: DefineSurveyResponse.self, key: "chaos-survey")
        ]
        var accounts: [[Write]] = []
        var activity: [[Write]] = []
        for index in 0..<customers {
            let id = "cust-\(index)"
            accounts.append(Self.account(id, activeDays: 7 + Int(random.next() % 22), nowMs: nowMs))
            var writes = [
                Write(
                    "loyalty", "AdjustPoints",
                    AdjustPointsRequest(
                        adjustmentId: "welcome-\(id)", customer: .init(value: id),
                        points: 1000 * Int64(1 + random.next() % 4), reason: "welcome"),
                    reply: AdjustPointsResponse.self, key: "welcome-\(id)")
            ]
            for step in 0..<writesPerCustomer {
                let key = "\(id)-\(step)"
                switch random.next() % 4 {
                case 0:
                    writes.append(
                        Write(
                            "loyalty", "RecordPurchase",
                            RecordPurchaseRequest(
                                purchaseId: "purchase-\(key)", customer: .init(value: id),
                                amount: Money(minorUnits: Int64(1_000 + random.next() % 50_000), currency: "EUR")),
                            reply: RecordPurchaseResponse.self, key: "purchase-\(key)"))
                case 1:
                    writes.append(
                        Write(
                            "loyalty", "Redeem",
                            RedeemRequest(
                                redemptionId: "redeem-\(key)", customer: .init(value: id), rewardId: "discount-10"),
                            reply: RedeemResponse.self, key: "redeem-\(key)"))
                case 2:
                    let score = Int32(random.next() % 11)
                    writes.append(
                        Write(
                            "feedback", "RecordResponse",
                            RecordResponseRequest(
                                responseId: "answer-\(key)", surveyId: Self.survey, customer: .init(value: id),
                                score: score, comment: score < 7 ? "the control panel is slow" : "great support"),
                            reply: RecordResponseResponse.self, key: "answer-\(key)"))
                default:
                    let severity: Severity = [.s2, .s3, .s4][Int(random.next() % 3)]
                    writes.append(
                        Write(
                            "escalation", "OpenCase",
                            OpenCaseRequest(
                                externalId: "ticket-\(key)", customer: .init(value: id), severity: severity,
                                title: "DNS changes take hours", details: "reported by chaos"),
                            reply: OpenCaseResponse.self, key: "ticket-\(key)"))
                }
            }
            activity.append(writes)
        }
        self.accounts = accounts
        self.activity = activity
    }

    /// An enterprise account that used three features on each of its last `activeDays` days, then
    /// scored: how busy it was decides its band, and so whether a promoter becomes a candidate.
    private static func account(_ id: String, activeDays: Int, nowMs: Int64) -> [Write] {
        let account = Account(
            customer: .init(value: id), name: id.capitalized, segment: .enterprise, signupMs: nowMs - 200 * dayMs)
        let usage: [UsageEvent] = (0..<activeDays).flatMap { day in
            ["login", "dns", "backups"].map { feature in
                UsageEvent(
                    usageId: "\(id)-\(day)-\(feature)", customer: .init(value: id), feature: feature, count: 3,
                    occurredAtMs: nowMs - Int64(day) * dayMs)
            }
        }
        return [
            Write(
                "health", "UpsertAccount", UpsertAccountRequest(account: account), reply: UpsertAccountResponse.self,
                key: "account-\(id)"),
            Write(
                "health", "RecordUsage", RecordUsageRequest(events: usage), reply: RecordUsageResponse.self,
                key: "usage-\(id)"),
            Write(
                "health", "RescoreAccounts", RescoreAccountsRequest(customers: [.init(value: id)]),
                reply: RescoreAccountsResponse.self, key: "rescore-\(id)"),
        ]
    }

    var writeCount: Int { catalog.count + accounts.map(\.count).reduce(0, +) + activity.map(\.count).reduce(0, +) }
}
