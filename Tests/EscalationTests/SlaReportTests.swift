import Escalation
import Models
import ServiceKit
import TestKit
import Testing

@Suite("The SLA report")
struct SlaReportTests {
    @Test("attainment, median and p90 times, breaches by severity, segment and level, and cases at risk")
    func report() async throws {
        let service = try await makeService(accounts: ["acme"])
        try await service.deliverAccount(InProcessService.account("bigco", segment: .key))
        let start = service.clock.nowMs
        _ = try await service.openCase("a-1", customer: "acme", severity: .s2)  // 4 h / 24 h
        _ = try await service.openCase("a-2", customer: "acme", severity: .s3)  // 8 h / 72 h
        _ = try await service.openCase("k-1", customer: "bigco", severity: .s1)  // 1 h / 8 h
        _ = try await service.openCase("k-2", customer: "bigco", severity: .s4)  // 24 h / 120 h

        service.clock.set(nowMs: start + 2 * hourMs)
        _ = try await service.setStatus("C1", .resolved)  // met: 2 h
        try await service.watch(atOffset: 3 * hourMs, from: start)  // C3 breaches first response at engineering
        service.clock.set(nowMs: start + 6 * hourMs)
        _ = try await service.setStatus("C2", .resolved)  // met: 6 h
        service.clock.set(nowMs: start + 10 * hourMs)
        _ = try await service.setStatus("C3", .resolved)  // resolution breached at 8 h (raised on resolving)

        let report: GetSlaReportResponse = try await service.call("GetSlaReport", GetSlaReportRequest())
        #expect(report.resolved == 3)
        #expect(abs(report.attainmentPercent - 200.0 / 3) < 1e-9)
        // First replies (the resolution stands in when there was none): 2 h, 6 h, 10 h.
        #expect(report.medianFirstResponseDurationMs == 6 * hourMs && report.p90FirstResponseDurationMs == 10 * hourMs)
        #expect(report.medianResolutionDurationMs == 6 * hourMs && report.p90ResolutionDurationMs == 10 * hourMs)
        #expect(report.breachesBySeverity == [BreachCount(key: "S1", breaches: 2)])
        #expect(report.breachesBySegment == [BreachCount(key: "key", breaches: 2)])
        #expect(
            report.breachesByLevel == [
                BreachCount(key: "engineering", breaches: 1), BreachCount(key: "executive", breaches: 1),
            ])
        #expect(report.atRisk.isEmpty)

        try await service.watch(atOffset: 18 * hourMs, from: start)  // C4's first-response warning
        let later: GetSlaReportResponse = try await service.call("GetSlaReport", GetSlaReportRequest())
        #expect(later.atRisk.map(\.caseId) == ["C4"])

        let empty: GetSlaReportResponse = try await service.call(
            "GetSlaReport", GetSlaReportRequest(window: TimeRange(fromMs: start - dayMs, untilMs: start)))
        #expect(empty.resolved == 0 && empty.attainmentPercent == 0 && empty.breachesBySeverity.isEmpty)
        let backwards = await rpcError {
            let _: GetSlaReportResponse = try await service.call(
                "GetSlaReport", GetSlaReportRequest(window: TimeRange(fromMs: start, untilMs: start)))
        }
        #expect(backwards?.field == "window")
    }
}
