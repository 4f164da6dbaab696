import Testing

@testable import cxctl

@Suite("import cell values")
struct ImportValuesTests {
    @Test("times: a date (UTC midnight), a time with Z, an offset or fractions of a second, or epoch ms")
    func times() throws {
        #expect(try ImportValues.time("2025-01-15", field: "signup") == 1_736_899_200_000)
        #expect(try ImportValues.time("2025-03-01T10:00:00Z", field: "signup") == 1_740_823_200_000)
        #expect(try ImportValues.time("2025-03-01T12:00:00+02:00", field: "signup") == 1_740_823_200_000)
        #expect(try ImportValues.time("2025-03-01T10:00:00.250Z", field: "signup") == 1_740_823_200_250)
        #expect(try ImportValues.time("1740823200000", field: "signup") == 1_740_823_200_000)
    }

    @Test("a cell that is no time is a row error naming the column")
    func notATime() {
        for text in ["yesterday", "2025-13-01", "2025-03-01 10:00", "2025-03-01T10:00:00Z!", ""] {
            let error = #expect(throws: RowError.self) { try ImportValues.time(text, field: "occurred_at") }
            #expect(error?.reason.hasPrefix("occurred_at: ") == true, "\(text): \(String(describing: error))")
        }
    }
}
