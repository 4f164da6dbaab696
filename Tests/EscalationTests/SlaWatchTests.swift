import GRDB
import Models
import ServiceKit
import TestKit
import Testing

@testable import Escalation

@Suite("The SLA watch: warnings, breaches and escalation on an injected clock")
struct SlaWatchTests {
    @Test("crossing each warning and breach escalates once and emits once, however often the watch runs")
    func escalatesOnceEach() async throws {
        let service = try await makeService()
        let start = service.clock.nowMs
        // S2: first response 4 h (warning at 3 h), resolution 24 h (warning at 18 h).
        _ = try await service.openCase(severity: .s2)

        try await service.watch(atOffset: 3 * hourMs - 1, from: start)
        #expect(try await service.getCase("C1").supportCase?.level == .support)

        try await service.watch(atOffset: 3 * hourMs, from: start)
        try await service.watch(atOffset: 3 * hourMs + 1000, from: start)
        var current = try await service.getCase("C1").supportCase!
        #expect(current.level == .engineering && current.status == .escalated)
        #expect(try await service.events("sla.warning", as: SlaWarning.self).map(\.target) == [.firstResponse])

        try await service.watch(atOffset: 4 * hourMs, from: start)
        try await service.watch(atOffset: 5 * hourMs, from: start)
        current = try await service.getCase("C1").supportCase!
        #expect(current.level == .accountManager)
        let breaches = try await service.events("sla.breached", as: SlaBreached.self)
        #expect(breaches.count == 1)
        #expect(breaches.first?.target == .firstResponse && breaches.first?.dueAtMs == start + 4 * hourMs)
        #expect(breaches.first?.level == .engineering && breaches.first?.severity == .s2)
        let outreach = try await service.events("outreach.requested", as: OutreachRequested.self)
        #expect(outreach.map(\.accountManager) == ["ana@example.com"])
        #expect(outreach.first?.reason == "first-response breached")

        try await service.watch(atOffset: 18 * hourMs, from: start)  // resolution warning: to the top
        try await service.watch(atOffset: 24 * hourMs, from: start)  // resolution breach: at the top, no further
        try await service.watch(atOffset: 30 * hourMs, from: start)
        current = try await service.getCase("C1").supportCase!
        #expect(current.level == .executive)
        #expect(try await service.events("case.escalated", as: CaseChanged.self).count == 3)
        #expect(try await service.events("sla.warning", as: SlaWarning.self).count == 2)
        #expect(
            try await service.events("sla.breached", as: SlaBreached.self).map(\.target) == [
                .firstResponse, .resolution,
            ])
        #expect(try await service.getCase("C1").breached == [.firstResponse, .resolution])

        let resolved = try await service.setStatus("C1", .resolved)
        #expect(resolved.slaMet == false && resolved.resolvedAtMs == start + 30 * hourMs)
    }

    @Test("a watch that runs late raises the warning and the breach in order, escalating once for each")
    func lateWatch() async throws {
        let service = try await makeService()
        let start = service.clock.nowMs
        _ = try await service.openCase(severity: .s1)  // 1 h / 8 h
        try await service.watch(atOffset: 2 * hourMs, from: start)
        #expect(try await service.getCase("C1").supportCase?.level == .accountManager)
        #expect(
            try await service.eventTypes() == [
                "case.opened", "sla.warning", "case.escalated", "sla.breached", "case.escalated", "outreach.requested",
            ])
    }

    @Test("pending stops the clock: nothing falls due while waiting, and due times move out by the pause")
    func pendingPauses() async throws {
        let service = try await makeService()
        let start = service.clock.nowMs
        _ = try await service.openCase(severity: .s2)
        service.clock.set(nowMs: start + 1 * hourMs)
        _ = try await service.setStatus("C1", .pending)
        try await service.watch(atOffset: 9 * hourMs, from: start)  // past the 3 h warning and 4 h due
        #expect(try await service.eventTypes() == ["case.opened"])
        #expect(try await service.getCase("C1").pausedDurationMs == 8 * hourMs)

        service.clock.set(nowMs: start + 10 * hourMs)
        let resumed = try await service.setStatus("C1", .open)
        #expect(resumed.status == .open)
        #expect(resumed.firstResponseDueMs == start + 13 * hourMs)  // 1 h used, 3 h left
        #expect(resumed.resolutionDueMs == start + 33 * hourMs)
        try await service.watch(atOffset: 11 * hourMs, from: start)
        #expect(try await service.eventTypes() == ["case.opened"])

        service.clock.set(nowMs: start + 11 * hourMs)
        let resolved = try await service.setStatus("C1", .resolved)
        #expect(resolved.slaMet && resolved.firstResponseAtMs == start + 11 * hourMs)
        #expect(try await service.getCase("C1").pausedDurationMs == 9 * hourMs)
    }

    @Test("a small account's case runs on weekday office hours: the weekend does not count")
    func businessHours() async throws {
        let service = try await makeService(accounts: [])
        try await service.deliverAccount(InProcessService.account("corner-shop", segment: .small))
        let friday17 = service.clock.nowMs + 1 * dayMs + 17 * hourMs  // Friday 2 January 2026, 17:00 UTC
        service.clock.set(nowMs: friday17)
        let opened = try await service.openCase(customer: "corner-shop", severity: .s2)
        let monday = friday17 + 3 * dayMs - 17 * hourMs  // Monday 5 January, 00:00
        #expect(opened.firstResponseDueMs == monday + 11 * hourMs)  // 1 h on Friday, 3 h from 08:00 Monday
        #expect(try await service.getCase("C1").calendar == "Mon–Fri 08:00–18:00 UTC")

        try await service.watch(atOffset: 0, from: monday + 9 * hourMs + 59 * 60_000)
        #expect(try await service.eventTypes() == ["case.opened"])
        try await service.watch(atOffset: 0, from: monday + 10 * hourMs)
        #expect(try await service.events("sla.warning", as: SlaWarning.self).map(\.dueAtMs) == [monday + 11 * hourMs])
    }

    @Test("the business calendar counts only open hours and finds due times across closed days")
    func calendarArithmetic() {
        let calendar = BusinessCalendar.weekdays(from: 9, to: 17, utcOffsetMinutes: 60)
        let thursday = Int64(1_767_225_600_000)  // Thursday 1 January 2026, 00:00 UTC = 01:00 local
        let friday16Local = thursday + 1 * dayMs + 15 * hourMs
        #expect(calendar.advance(from: friday16Local, by: 2 * hourMs) == thursday + 4 * dayMs + 9 * hourMs)
        #expect(calendar.businessTime(from: friday16Local, to: thursday + 4 * dayMs + 9 * hourMs) == 2 * hourMs)
        #expect(calendar.businessTime(from: thursday, to: thursday + 7 * dayMs) == 5 * 8 * hourMs)
        #expect(BusinessCalendar.allDay.advance(from: 5, by: 10) == 15)
    }

    @Test("the watch finds due cases through the index on the next due time")
    func usesIndex() async throws {
        let service = try await makeService()
        let plan = try await service.database.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT * FROM cases WHERE \(SlaWatch.dueCases) ORDER BY next_due_ms",
                arguments: [0]
            ).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("cases_next_due") }, "\(plan)")
    }
}
