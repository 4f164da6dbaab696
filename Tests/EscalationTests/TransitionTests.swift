import Escalation
import Models
import ServiceKit
import TestKit
import Testing

@Suite("The case's life and the ladder by hand")
struct TransitionTests {
    @Test("resolve, close and notes: the first customer reply stops the first-response clock")
    func lifecycle() async throws {
        let service = try await makeService()
        let start = service.clock.nowMs
        _ = try await service.openCase(severity: .s2)
        service.clock.set(nowMs: start + hourMs)
        let internalNote: CaseResponse = try await service.call(
            "AddCaseNote", AddCaseNoteRequest(caseId: "C1", noteId: "n-1", author: "bo", text: "Looking"))
        #expect(internalNote.supportCase?.firstResponseAtMs == 0)
        let reply: CaseResponse = try await service.call(
            "AddCaseNote",
            AddCaseNoteRequest(caseId: "C1", noteId: "n-2", author: "bo", text: "On it", customerReply: true))
        #expect(reply.supportCase?.firstResponseAtMs == start + hourMs)
        service.clock.set(nowMs: start + 2 * hourMs)
        let _: CaseResponse = try await service.call(
            "AddCaseNote",
            AddCaseNoteRequest(caseId: "C1", noteId: "n-2", author: "bo", text: "On it", customerReply: true))
        #expect(try await service.getCase("C1").notes.count == 2)

        try await service.watch(atOffset: 5 * hourMs, from: start)  // past the first-response due: answered in time
        #expect(try await service.eventTypes() == ["case.opened"])

        let resolved = try await service.setStatus("C1", .resolved)
        #expect(resolved.status == .resolved && resolved.slaMet && resolved.firstResponseAtMs == start + hourMs)
        let closed = try await service.setStatus("C1", .closed)
        #expect(closed.status == .closed)
        let changed = try await service.events("case.resolved", as: CaseChanged.self)
        #expect(changed.first?.supportCase?.slaMet == true)
        #expect(try await service.eventTypes() == ["case.opened", "case.resolved", "case.closed"])
    }

    @Test("invalid transitions are refused with a clear reason and change nothing")
    func invalidTransitions() async throws {
        let service = try await makeService()
        _ = try await service.openCase()
        _ = try await service.setStatus("C1", .resolved)
        _ = try await service.setStatus("C1", .closed)
        let before = try await service.getCase("C1")
        let eventsBefore = try await service.eventTypes()

        let resolveClosed = await rpcError { _ = try await service.setStatus("C1", .resolved) }
        #expect(resolveClosed?.code == .failedPrecondition)
        #expect(resolveClosed?.message == "case C1 is closed: it cannot be resolved again")
        let pendClosed = await rpcError { _ = try await service.setStatus("C1", .pending) }
        #expect(pendClosed?.code == .failedPrecondition)
        let escalateClosed = await rpcError { _ = try await service.escalate("C1") }
        #expect(escalateClosed?.code == .failedPrecondition)
        let byStatus = await rpcError { _ = try await service.setStatus("C1", .escalated) }
        #expect(byStatus?.code == .invalidArgument && byStatus?.field == "status")

        #expect(try await service.getCase("C1") == before)
        #expect(try await service.eventTypes() == eventsBefore)

        _ = try await service.openCase("zd-2")
        let closeOpen = await rpcError { _ = try await service.setStatus("C2", .closed) }
        #expect(closeOpen?.message == "case C2 is open: resolve it before closing it")
        let reopen = await rpcError { _ = try await service.setStatus("C2", .open) }
        #expect(reopen?.code == .failedPrecondition)
    }

    @Test("the ladder by hand: up to the executive and no further, down to support and no further")
    func ladder() async throws {
        let service = try await makeService()
        _ = try await service.openCase()
        #expect(try await service.escalate("C1").level == .engineering)
        let manager = try await service.escalate("C1")
        #expect(manager.level == .accountManager && manager.status == .escalated)
        #expect(
            try await service.events("outreach.requested", as: OutreachRequested.self).map(\.reason) == [
                "by hand: customer is red"
            ])
        #expect(try await service.escalate("C1").level == .executive)
        let snapshot = try await service.getCase("C1")
        let pastTop = await rpcError { _ = try await service.escalate("C1") }
        #expect(pastTop?.code == .failedPrecondition)
        #expect(pastTop?.message == "case C1 is at the executive level already, the top of the ladder")
        #expect(try await service.getCase("C1") == snapshot)

        for expected in [EscalationLevel.accountManager, .engineering, .support] {
            let reply: CaseResponse = try await service.call(
                "DeescalateCase", ChangeLevelRequest(caseId: "C1", reason: "stable again"))
            #expect(reply.supportCase?.level == expected)
        }
        #expect(try await service.getCase("C1").supportCase?.status == .open)
        let belowBottom = await rpcError {
            let _: CaseResponse = try await service.call(
                "DeescalateCase", ChangeLevelRequest(caseId: "C1", reason: "x"))
        }
        #expect(belowBottom?.code == .failedPrecondition)
        let noReason = await rpcError { _ = try await service.escalate("C1", reason: "") }
        #expect(noReason?.field == "reason")
        #expect(try await service.events("case.escalated", as: CaseChanged.self).count == 3)
        #expect(try await service.events("case.deescalated", as: CaseChanged.self).count == 3)
    }

    @Test("a pending case escalated by hand stays pending, and resumes as escalated")
    func pendingEscalation() async throws {
        let service = try await makeService()
        _ = try await service.openCase()
        _ = try await service.setStatus("C1", .pending)
        let escalated = try await service.escalate("C1")
        #expect(escalated.status == .pending && escalated.level == .engineering)
        #expect(try await service.setStatus("C1", .open).status == .escalated)
    }

    @Test("assigning needs a name and an active case; readers cannot write")
    func assigning() async throws {
        let service = try await makeService()
        _ = try await service.openCase()
        let assigned: CaseResponse = try await service.call(
            "AssignCase", AssignCaseRequest(caseId: "C1", assignee: "cy"))
        #expect(assigned.supportCase?.assignee == "cy")
        let empty = await rpcError {
            let _: CaseResponse = try await service.call("AssignCase", AssignCaseRequest(caseId: "C1", assignee: ""))
        }
        #expect(empty?.field == "assignee")
        let reader = await rpcError {
            let _: CaseResponse = try await service.call(
                "AssignCase", AssignCaseRequest(caseId: "C1", assignee: "x"), token: InProcessService.reader)
        }
        #expect(reader?.code == .permissionDenied)
        let read: GetCaseResponse = try await service.call(
            "GetCase", GetCaseRequest(caseId: "C1"), token: InProcessService.reader)
        #expect(read.supportCase?.assignee == "cy")
    }
}
