import Foundation
import Models

/// The calls behind every report, shared by `cxctl report …` and the per-service report commands
/// (`cxctl feedback report`, `cxctl escalation report`, `cxctl loyalty report`) so that both show
/// the same numbers from the same request.
enum ReportData {
    static let dayMs: Int64 = 86_400_000

    static var nowMs: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The last `days` days up to and including now.
    static func lastDays(_ days: Int, endingAt endMs: Int64 = nowMs) -> TimeRange {
        TimeRange(fromMs: endMs - Int64(days) * dayMs, untilMs: endMs + 1)
    }

    static func scoreReport(_ request: ScoreReportRequest) async throws -> ScoreReportResponse {
        try await Remote.call("feedback", "ScoreReport", request)
    }

    static func slaReport(_ window: TimeRange) async throws -> GetSlaReportResponse {
        try await Remote.call("escalation", "GetSlaReport", GetSlaReportRequest(window: window))
    }

    static func programReport() async throws -> GetProgramReportResponse {
        try await Remote.call("loyalty", "GetProgramReport", GetProgramReportRequest())
    }

    static func healthReport() async throws -> HealthReportResponse {
        try await Remote.call("health", "HealthReport", HealthReportRequest())
    }

    /// Every advocate, a page at a time (advocacy has no summary method; advocates are few next to
    /// accounts).
    static func advocates() async throws -> [Advocate] {
        var advocates: [Advocate] = []
        var token = ""
        repeat {
            let reply: ListAdvocatesResponse = try await Remote.call(
                "advocacy", "ListAdvocates", ListAdvocatesRequest(page: PageRequest(pageSize: 500, pageToken: token)))
            advocates += reply.advocates
            token = reply.page?.nextPageToken ?? ""
        } while !token.isEmpty
        return advocates
    }
}
