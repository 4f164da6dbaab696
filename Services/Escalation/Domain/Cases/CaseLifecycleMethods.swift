import Models
import ServiceKit

/// escalation.SetCaseStatus, SetCaseSeverity, AddCaseNote, AssignCase, EscalateCase and DeescalateCase: the changes
/// people make to a case. A change a case's state does not allow is FAILED_PRECONDITION and leaves
/// the case as it was.
enum CaseLifecycleMethods {
    static func register(on router: Router, policy: EscalationPolicy) {
        router.write(
            "SetCaseStatus",
            validate: { (request: SetCaseStatusRequest, _) in
                try checkCaseID(request.caseId)
                switch request.status {
                case .open, .pending, .resolved, .closed: break
                case .escalated:
                    throw RPCError.invalidArgument("status", "a case is escalated with EscalateCase, not by its status")
                default:
                    throw RPCError.invalidArgument("status", "must be open, pending, resolved or closed")
                }
                try Check.text(request.reason, field: "reason", max: 500)
            }
        ) { request, write in
            let desk = CaseDesk(db: write.db, nowMs: write.nowMs, policy: policy)
            let record = try desk.change(request.caseId) { record in
                try transition(&record, to: request.status, desk: desk)
                if !request.reason.isEmpty {
                    try desk.note(record, author: "status", text: "\(request.status.displayName): \(request.reason)")
                }
            }
            return CaseResponse(supportCase: record.supportCase)
        }

        router.write(
            "SetCaseSeverity",
            validate: { (request: SetCaseSeverityRequest, _) in
                try checkCaseID(request.caseId)
                try CaseMethods.checkSeverity(request.severity, policy: policy)
                try Check.text(request.reason, field: "reason", min: 1, max: 500)
            }
        ) { request, write in
            let desk = CaseDesk(db: write.db, nowMs: write.nowMs, policy: policy)
            let record = try desk.change(request.caseId) { record in
                try requireActive(record, to: "given another severity")
                guard record.severity != request.severity else {
                    throw RPCError.failedPrecondition(
                        "case \(record.caseID) is \(record.severity.displayName) already")
                }
                try desk.changeSeverity(&record, to: request.severity, reason: request.reason)
            }
            return CaseResponse(supportCase: record.supportCase)
        }

        router.write(
            "AddCaseNote",
            validate: { (request: AddCaseNoteRequest, _) in
                try checkCaseID(request.caseId)
                try Check.text(request.noteId, field: "note_id", min: 1, max: 128)
                try Check.text(request.author, field: "author", min: 1, max: 200)
                try Check.text(request.text, field: "text", min: 1, max: 4000)
            }
        ) { request, write in
            let desk = CaseDesk(db: write.db, nowMs: write.nowMs, policy: policy)
            let record = try desk.change(request.caseId) { record in
                let added = try CaseStore.addNote(
                    CaseNote(
                        author: request.author, text: request.text, customerReply: request.customerReply,
                        addedAtMs: write.nowMs), key: request.noteId, to: record.id, in: write.db)
                if added && request.customerReply { desk.recordFirstResponse(&record) }
            }
            return CaseResponse(supportCase: record.supportCase)
        }

        router.write(
            "AssignCase",
            validate: { (request: AssignCaseRequest, _) in
                try checkCaseID(request.caseId)
                try Check.text(request.assignee, field: "assignee", min: 1, max: 200)
            }
        ) { request, write in
            let desk = CaseDesk(db: write.db, nowMs: write.nowMs, policy: policy)
            let record = try desk.change(request.caseId) { record in
                try requireActive(record, to: "assigned")
                record.assignee = request.assignee
            }
            return CaseResponse(supportCase: record.supportCase)
        }

        router.write("EscalateCase", validate: validateLevelChange) { request, write in
            let desk = CaseDesk(db: write.db, nowMs: write.nowMs, policy: policy)
            let record = try desk.change(request.caseId) { record in
                try requireActive(record, to: "escalated")
                guard record.level != .executive else {
                    throw RPCError.failedPrecondition(
                        "case \(record.caseID) is at the executive level already, the top of the ladder")
                }
                try desk.raiseLevel(&record, reason: "by hand: \(request.reason)")
            }
            return CaseResponse(supportCase: record.supportCase)
        }

        router.write("DeescalateCase", validate: validateLevelChange) { request, write in
            let desk = CaseDesk(db: write.db, nowMs: write.nowMs, policy: policy)
            let record = try desk.change(request.caseId) { record in
                try requireActive(record, to: "de-escalated")
                guard record.level != .support else {
                    throw RPCError.failedPrecondition(
                        "case \(record.caseID) is at the support level already, the bottom of the ladder")
                }
                try desk.lowerLevel(&record, reason: request.reason)
            }
            return CaseResponse(supportCase: record.supportCase)
        }
    }

    /// The allowed moves of a case's status (see SetCaseStatusRequest).
    static func transition(_ record: inout CaseRecord, to status: CaseStatus, desk: CaseDesk) throws {
        let from = record.status
        func refuse(_ why: String) -> RPCError {
            RPCError.failedPrecondition("case \(record.caseID) is \(from.displayName): \(why)")
        }
        switch status {
        case .pending:
            guard from == .open || from == .escalated else { throw refuse("only a case being worked on can wait") }
            desk.pause(&record)
        case .open:
            guard from == .pending else {
                throw refuse(
                    from == .open || from == .escalated
                        ? "it is being worked on already" : "a \(from.displayName) case does not reopen")
            }
            desk.resume(&record)
        case .resolved:
            guard record.isActive else { throw refuse("it cannot be resolved again") }
            try desk.resolve(&record)
        case .closed:
            guard from == .resolved else {
                throw refuse(from == .closed ? "it is closed already" : "resolve it before closing it")
            }
            try desk.close(&record)
        default:
            throw RPCError.invalidArgument("status", "must be open, pending, resolved or closed")
        }
    }

    static func requireActive(_ record: CaseRecord, to action: String) throws {
        guard record.isActive else {
            throw RPCError.failedPrecondition(
                "case \(record.caseID) is \(record.status.displayName): only a case still being worked on can be \(action)"
            )
        }
    }

    static func checkCaseID(_ caseID: String) throws {
        try Check.text(caseID, field: "case_id", min: 1, max: 32)
    }

    @Sendable static func validateLevelChange(_ request: ChangeLevelRequest, _: RequestContext) throws {
        try checkCaseID(request.caseId)
        try Check.text(request.reason, field: "reason", min: 1, max: 500)
    }
}
