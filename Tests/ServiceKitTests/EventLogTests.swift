import Foundation
import GRDB
import ServiceKit
import Testing

@Suite("Event log")
struct EventLogTests {
    private static func event(_ number: Int) -> NewEvent {
        NewEvent(
            type: "test.Noted", customerID: "customer-\(number)", occurredAtMs: Int64(number),
            body: [UInt8(number % 256)])
    }

    @Test func seqIsGapFreeAcrossBatchesEvenWhenWritesThatAppendedThrow() async throws {
        try await withServiceDatabase(maxBatchSize: 16) { database in
            let appended = try await withThrowingTaskGroup(of: UInt64?.self) { group in
                for number in 1...300 {
                    group.addTask {
                        do {
                            return try await database.write { db in
                                let stored = try database.eventLog.append(Self.event(number), in: db)
                                if number % 3 == 0 { throw StorageFixture.Refusal(id: number) }
                                return stored.seq
                            }
                        } catch is StorageFixture.Refusal {
                            return nil
                        }
                    }
                }
                return try await group.reduce(into: [UInt64]()) { seqs, seq in seq.map { seqs.append($0) } }
            }

            let stored = try await database.read { db in try database.eventLog.events(after: 0, limit: 1_000, in: db) }
            #expect(stored.map(\.seq) == Array(1...200))
            #expect(appended.sorted() == Array(1...200))
            #expect(Set(stored.map(\.customerID)).count == 200)
            let latest = try await database.read(database.eventLog.latestSeq)
            #expect(latest == 200)
            #expect(database.statistics.commits > 1)
        }
    }

    @Test func eventsAfterPagesInAscendingOrder() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in
                for number in 1...25 { _ = try database.eventLog.append(Self.event(number), in: db) }
            }

            let pages = try await database.read { db in
                try [0, 10, 20, 25].map { try database.eventLog.events(after: $0, limit: 10, in: db).map(\.seq) }
            }
            #expect(pages == [Array(1...10), Array(11...20), Array(21...25), []])
        }
    }

    @Test func anAppendedEventReadsBackAsStored() async throws {
        try await withServiceDatabase { database in
            let appended = try await database.write { db in
                try database.eventLog.append(
                    NewEvent(
                        type: "loyalty.PointsEarned", customerID: "c-42", occurredAtMs: 1_700_000_000_123,
                        body: [0, 1, 255]),
                    in: db
                )
            }

            let stored = try await database.read { db in try database.eventLog.events(after: 0, limit: 10, in: db) }
            #expect(stored == [appended])
            #expect(appended.seq == 1)
            #expect(appended.type == "loyalty.PointsEarned")
            #expect(appended.customerID == "c-42")
            #expect(appended.occurredAtMs == 1_700_000_000_123)
            #expect(appended.body == [0, 1, 255])
            #expect(UUID(uuidString: appended.eventID) != nil)
            #expect(appended.eventID == appended.eventID.lowercased())
            #expect(Array(appended.eventID)[14] == "4", "a version 4 (random) UUID")
        }
    }

    @Test func eventIDsAreUnique() async throws {
        try await withServiceDatabase { database in
            let events = try await database.write { db in
                try (1...50).map { try database.eventLog.append(Self.event($0), in: db) }
            }
            #expect(Set(events.map(\.eventID)).count == 50)
        }
    }

    @Test func anEmptyBodyAndCustomerRoundTrip() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in
                _ = try database.eventLog.append(NewEvent(type: "health.Heartbeat", occurredAtMs: 0, body: []), in: db)
            }

            let stored = try await database.read { db in try database.eventLog.events(after: 0, limit: 1, in: db) }
            #expect(stored.map(\.body) == [[]])
            #expect(stored.map(\.customerID) == [""])
        }
    }

    @Test func latestSeqIsZeroForAnEmptyLog() async throws {
        try await withServiceDatabase { database in
            let latest = try await database.read(database.eventLog.latestSeq)
            #expect(latest == 0)
        }
    }

    @Test func anyAfterSeqOrLimitIsAccepted() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in _ = try database.eventLog.append(Self.event(1), in: db) }

            let (beyond, none, negative) = try await database.read { db in
                (
                    try database.eventLog.events(after: .max, limit: 10, in: db),
                    try database.eventLog.events(after: 0, limit: 0, in: db),
                    try database.eventLog.events(after: 0, limit: -1, in: db)
                )
            }
            #expect(beyond.isEmpty)
            #expect(none.isEmpty)
            #expect(negative.isEmpty)
        }
    }
}
