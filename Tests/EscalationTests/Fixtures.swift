import Escalation
import Foundation
import Models
import ServiceKit
import TestKit

let hourMs: Int64 = 3_600_000
let dayMs: Int64 = 86_400_000

/// A fresh escalation service in process (Thursday 1 January 2026, 00:00 UTC) that knows the
/// accounts `ids` (mid-market, not scored yet).
func makeService(accounts ids: [String] = ["acme"], policy: EscalationPolicy = .standard) async throws
    -> InProcessService
{
    let service = try InProcessService(EscalationService.definition(policy: policy))
    for id in ids { try await service.deliverAccount(InProcessService.account(id)) }
    return service
}

extension InProcessService {
    /// Opens a case through escalation.OpenCase.
    func openCase(
        _ externalID: String = "zd-1", customer: String = "acme", severity: Severity = .s2, title: String = "Site down"
    ) async throws -> SupportCase {
        let reply: OpenCaseResponse = try await call(
            "OpenCase",
            OpenCaseRequest(
                externalId: externalID, customer: CustomerId(value: customer), severity: severity, title: title,
                assignee: "bo"))
        return reply.supportCase!
    }

    func getCase(_ caseID: String) async throws -> GetCaseResponse {
        try await call("GetCase", GetCaseRequest(caseId: caseID))
    }

    func setStatus(_ caseID: String, _ status: CaseStatus) async throws -> SupportCase {
        let reply: CaseResponse = try await call("SetCaseStatus", SetCaseStatusRequest(caseId: caseID, status: status))
        return reply.supportCase!
    }

    func escalate(_ caseID: String, reason: String = "customer is red") async throws -> SupportCase {
        let reply: CaseResponse = try await call("EscalateCase", ChangeLevelRequest(caseId: caseID, reason: reason))
        return reply.supportCase!
    }

    /// Moves the clock to `ms` after `start` and runs the SLA watch once.
    func watch(atOffset ms: Int64, from start: Int64) async throws {
        clock.set(nowMs: start + ms)
        try await runJob(SlaWatch.jobName)
    }

    /// The types of the events logged so far, in order.
    func eventTypes() async throws -> [String] { try await events().map(\.type) }

    /// The events of `type`, decoded.
    func events<Body: ProtoMessage>(_ type: String, as: Body.Type) async throws -> [Body] {
        try await events().filter { $0.type == type }.map { try Body(serializedBytes: $0.body) }
    }
}

/// Runs `body` and returns the RPCError it throws (nil when it throws none).
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        return RPCError(.internal, "\(error)")
    }
}
