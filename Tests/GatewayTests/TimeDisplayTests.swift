import Testing

@testable import cxctl

@Suite("times as cxctl prints them")
struct TimeDisplayTests {
    @Test("a date, a minute and a second, UTC; 0 is never or a dash")
    func formats() {
        let ms: Int64 = 1_740_823_209_250  // 2025-03-01T10:00:09.25Z
        #expect(Names.time(ms) == "2025-03-01")
        #expect(Names.instant(ms) == "2025-03-01T10:00")
        #expect(Names.timestamp(ms) == "2025-03-01T10:00:09Z")
        #expect(Names.time(0) == "never" && Names.instant(0) == "-")
    }
}
