import GRDB
import Models
import Projections
import ServiceKit

/// escalation.OpenCase, GetCase and ListCases.
enum CaseMethods {
    static func register(on router: Router, policy: EscalationPolicy) {
        router.write(
            "OpenCase", naturalKey: { (request: OpenCaseRequest) in request.externalId },
            validate: { (request: OpenCaseRequest, _) in
                try Check.text(request.externalId, field: "external_id", min: 1, max: 128)
                _ = try Check.customer(request.customer, field: "customer")
                try checkSeverity(request.severity, policy: policy)
                try Check.text(request.title, field: "title", min: 1, max: 200)
                try Check.text(request.assignee, field: "assignee", max: 200)
                try Check.text(request.details, field: "details", max: 4000)
            }
        ) { request, write in
            let customer = request.customer!.value
            let desk = CaseDesk(db: write.db, nowMs: write.nowMs, policy: policy)
            if try CaseStore.fetch(externalID: request.externalId, in: write.db) == nil {
                _ = try AccountProjection.require(customer, field: "customer", in: write.db)
            }
            let opened = try desk.open(
                .init(
                    externalID: request.externalId, customerID: customer, severity: request.severity, origin: .api,
                    title: request.title, assignee: request.assignee, description: request.details))
            return OpenCaseResponse(supportCase: opened.record.supportCase, created: opened.created)
        }

        router.read("GetCase", role: .reader) { (request: GetCaseRequest, context) in
            try Check.text(request.caseId, field: "case_id", min: 1, max: 32)
            return try await router.database.read { db in
                let record = try CaseStore.require(caseID: request.caseId, in: db)
                let pausedNow = record.isPaused ? max(0, context.nowMs - record.pausedSinceMs) : 0
                return GetCaseResponse(
                    supportCase: record.supportCase, notes: try CaseStore.notes(of: record.id, in: db),
                    slaAudit: try CaseStore.audit(of: record.id, in: db), segment: record.segment,
                    calendar: policy.calendar(for: record.segment).name,
                    pausedDurationMs: record.pausedTotalMs + pausedNow, breached: record.breachedTargets)
            }
        }

        router.read("ListCases", role: .reader) { (request: ListCasesRequest, _) in
            try await list(request, database: router.database)
        }
    }

    /// S1–S4, or INVALID_ARGUMENT naming "severity".
    static func checkSeverity(_ severity: Severity, policy: EscalationPolicy) throws {
        guard policy.knows(severity) else {
            let given = severity == .unspecified ? "none given" : "got \(severity.rawValue)"
            throw RPCError.invalidArgument("severity", "must be S1, S2, S3 or S4 (\(given))")
        }
    }

    /// Newest first; the page token is the id of the last case of the previous page.
    static func list(_ request: ListCasesRequest, database: ServiceDatabase) async throws -> ListCasesResponse {
        let pageSize = Int(request.page?.pageSize ?? 0) == 0 ? 50 : min(Int(request.page!.pageSize), 1000)
        var before = Int64.max
        if let token = request.page?.pageToken, !token.isEmpty {
            guard let id = CaseRecord.rowID(token) else {
                throw RPCError.invalidArgument("page.page_token", "is not a token this service gave out")
            }
            before = id
        }
        var filter = "1 = 1"
        var arguments: StatementArguments = []
        if let customer = request.customer {
            filter += " AND customer_id = ?"
            arguments += [try Check.customer(customer, field: "customer")]
        }
        if request.status != .unspecified {
            filter += " AND status = ?"
            arguments += [request.status.rawValue]
        }
        if request.activeOnly {
            filter += " AND status IN (?, ?, ?)"
            arguments += [CaseStatus.open.rawValue, CaseStatus.pending.rawValue, CaseStatus.escalated.rawValue]
        }
        let countFilter = filter
        let countArguments = arguments
        let pageArguments = arguments + [before]
        return try await database.read { db in
            var records = try CaseStore.fetchAll(
                db, where: "\(countFilter) AND id < ?", pageArguments, suffix: "ORDER BY id DESC LIMIT \(pageSize + 1)")
            let total =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases WHERE \(countFilter)", arguments: countArguments)
                ?? 0
            var next = ""
            if records.count > pageSize {
                records.removeLast()
                next = records.last!.caseID
            }
            return ListCasesResponse(
                cases: records.map(\.supportCase), page: PageInfo(nextPageToken: next, totalCount: UInt64(total)))
        }
    }
}
