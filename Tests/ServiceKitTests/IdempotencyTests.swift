import GRDB
import ServiceKit
import Testing

@Suite("Idempotency store")
struct IdempotencyTests {
    @Test func aRecordedResponseIsFoundByMethodAndKey() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in
                try database.idempotency.record(method: "loyalty.Earn", key: "k-1", response: [1, 2, 3], in: db)
            }

            let found = try await database.read { db in
                try database.idempotency.response(method: "loyalty.Earn", key: "k-1", in: db)
            }
            #expect(found == [1, 2, 3])
        }
    }

    @Test func anUnknownKeyHasNoResponse() async throws {
        try await withServiceDatabase { database in
            let found = try await database.read { db in
                try database.idempotency.response(method: "loyalty.Earn", key: "never-seen", in: db)
            }
            #expect(found == nil)
        }
    }

    @Test func theSameKeyUnderAnotherMethodIsSeparate() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in
                try database.idempotency.record(method: "loyalty.Earn", key: "shared", response: [1], in: db)
                try database.idempotency.record(method: "loyalty.Redeem", key: "shared", response: [2], in: db)
            }

            let (earn, redeem, other) = try await database.read { db in
                (
                    try database.idempotency.response(method: "loyalty.Earn", key: "shared", in: db),
                    try database.idempotency.response(method: "loyalty.Redeem", key: "shared", in: db),
                    try database.idempotency.response(method: "loyalty.Adjust", key: "shared", in: db)
                )
            }
            #expect(earn == [1])
            #expect(redeem == [2])
            #expect(other == nil)
        }
    }

    @Test func theFirstResponseStays() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in
                try database.idempotency.record(method: "loyalty.Earn", key: "k", response: [1], in: db)
            }
            try await database.write { db in
                try database.idempotency.record(method: "loyalty.Earn", key: "k", response: [9], in: db)
            }

            let found = try await database.read { db in
                try database.idempotency.response(method: "loyalty.Earn", key: "k", in: db)
            }
            #expect(found == [1])
        }
    }

    @Test func anEmptyResponseIsStillARecordedResponse() async throws {
        try await withServiceDatabase { database in
            try await database.write { db in
                try database.idempotency.record(method: "feedback.Submit", key: "k", response: [], in: db)
            }

            let found = try await database.read { db in
                try database.idempotency.response(method: "feedback.Submit", key: "k", in: db)
            }
            #expect(found == [])
        }
    }

    @Test func aResponseRecordedByAThrowingWriteIsForgotten() async throws {
        try await withServiceDatabase { database in
            await #expect(throws: StorageFixture.Refusal.self) {
                try await database.write { db in
                    try StorageFixture.insertNote(1, in: db)
                    try database.idempotency.record(method: "loyalty.Earn", key: "k", response: [1], in: db)
                    throw StorageFixture.Refusal()
                }
            }

            let (found, notes) = try await database.read { db in
                (
                    try database.idempotency.response(method: "loyalty.Earn", key: "k", in: db),
                    try StorageFixture.noteIDs(in: db)
                )
            }
            #expect(found == nil)
            #expect(notes.isEmpty)
        }
    }
}
