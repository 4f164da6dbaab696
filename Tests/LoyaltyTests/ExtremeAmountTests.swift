import Loyalty
import Models
import ServiceKit
import TestKit
import Testing

/// Found by cx-fuzz: an adjustment of Int64.max points onto a positive balance, and earning on a
/// purchase of Int64.max minor units, overflowed the ledger's arithmetic, a trap that stopped the
/// service. Such amounts are refused, and nothing changes.
@Suite("loyalty amounts at the limits of Int64")
struct ExtremeAmountTests {
    private func refusal(_ call: () async throws -> Void) async -> RPCError? {
        await #expect(throws: RPCError.self) { try await call() }
    }

    @Test("an adjustment beyond a billion points either way is refused and the balance stays")
    func hugeAdjustmentIsRefused() async throws {
        let loyalty = try await Loyalty()
        _ = try await loyalty.adjust("a-1", 500)
        for points in [Int64.max, .min, 1_000_000_001] {
            let refused = await refusal { _ = try await loyalty.adjust("a-\(points)", points) }
            #expect(refused?.code == .invalidArgument && refused?.field == "points", "\(String(describing: refused))")
        }
        let statement: GetStatementResponse = try await loyalty.service.call(
            "GetStatement", GetStatementRequest(customer: CustomerId(value: "acme")))
        #expect(statement.balance == 500)
    }

    @Test("a purchase or refund beyond 10^15 minor units is refused naming amount.minor_units")
    func hugeAmountIsRefused() async throws {
        let loyalty = try await Loyalty()
        _ = try await loyalty.purchase("p-1", minorUnits: 10_000)
        let purchase = await refusal { _ = try await loyalty.purchase("p-2", minorUnits: .max) }
        #expect(purchase?.field == "amount.minor_units", "\(String(describing: purchase))")
        _ = try await loyalty.refund("f-1", of: "p-1", minorUnits: 1_000)
        let refund = await refusal { _ = try await loyalty.refund("f-2", of: "p-1", minorUnits: .max) }
        #expect(refund?.field == "amount.minor_units", "\(String(describing: refund))")
    }
}
