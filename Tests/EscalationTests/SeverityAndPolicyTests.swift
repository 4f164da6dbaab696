import Escalation
import Models
import ServiceKit
import TestKit
import Testing

@Suite("Severity changes and the published SLA matrix")
struct SeverityAndPolicyTests {
    @Test("raising the severity tightens the targets from the time already used, and the audit says why")
    func severityChange() async throws {
        let service = try await makeService()
        let start = service.clock.nowMs
        _ = try await service.openCase(severity: .s3)  // 8 h / 72 h
        service.clock.set(nowMs: start + 30 * 60_000)
        let raised: CaseResponse = try await service.call(
            "SetCaseSeverity", SetCaseSeverityRequest(caseId: "C1", severity: .s1, reason: "whole site down"))
        #expect(raised.supportCase?.severity == .s1)
        #expect(raised.supportCase?.firstResponseDueMs == start + hourMs)  // S1: 1 h from opening
        let audit = try await service.getCase("C1").slaAudit
        #expect(audit.map(\.reason) == ["opened", "severity S3 → S1: whole site down"])
        #expect(audit.last?.policy == "S1/average/standard")

        let same = await rpcError {
            let _: CaseResponse = try await service.call(
                "SetCaseSeverity", SetCaseSeverityRequest(caseId: "C1", severity: .s1, reason: "again"))
        }
        #expect(same?.code == .failedPrecondition)
        let unknown = await rpcError {
            let _: CaseResponse = try await service.call(
                "SetCaseSeverity", SetCaseSeverityRequest(caseId: "C1", severity: .unrecognized(5), reason: "x"))
        }
        #expect(unknown?.code == .invalidArgument && unknown?.field == "severity")
        #expect(try await service.getCase("C1").slaAudit.count == 2)
    }

    @Test("the matrix has every severity × band × entitlement cell, faster for poor health and priority")
    func matrix() async throws {
        let service = try await makeService()
        let reply: GetSlaPoliciesResponse = try await service.call(
            "GetSlaPolicies", GetSlaPoliciesRequest(), token: InProcessService.reader)
        #expect(reply.policies.count == 4 * 3 * 2)
        let cells = Dictionary(uniqueKeysWithValues: reply.policies.map { ($0.policy, $0) })
        #expect(cells["S1/good/standard"]?.firstResponseTargetDurationMs == 3 * hourMs / 2)
        #expect(cells["S1/poor/standard"]?.firstResponseTargetDurationMs == hourMs / 2)
        #expect(cells["S1/poor/priority"]?.firstResponseTargetDurationMs == hourMs / 4)
        #expect(cells["S4/average/standard"]?.resolutionTargetDurationMs == 120 * hourMs)
        #expect(
            reply.calendars.map(\.calendar) == ["Mon–Fri 08:00–18:00 UTC", "24x7", "24x7", "24x7"])
        #expect(reply.warningShare == 0.25 && reply.detractorFollowUpDays == 30)
    }
}
