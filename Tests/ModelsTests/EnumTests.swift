import Models
import Testing

@Suite("Generated enums")
struct EnumTests {
    @Test("Case names drop the enum's UPPER_SNAKE prefix and are lowerCamelCase")
    func caseNamesDropThePrefix() {
        #expect(StatusCode.allCases.map { "\($0)" }.prefix(3) == ["ok", "invalidArgument", "notFound"])
        #expect(ConformanceSample.Colour.allCases.map { "\($0)" } == ["unspecified", "red", "green"])
    }

    @Test("Raw values are the numbers the .proto file declares")
    func rawValuesAreProtoNumbers() {
        #expect(StatusCode.allCases.map(\.rawValue) == Array(0...10))
        #expect(StatusCode.internal.rawValue == 10)
    }

    @Test("A number without a declared case becomes unrecognized, keeping the number")
    func unknownNumberBecomesUnrecognized() {
        #expect(StatusCode(rawValue: 11) == .unrecognized(11))
        #expect(StatusCode(rawValue: -3).rawValue == -3)
        #expect(StatusCode(rawValue: 2) == .notFound)
    }

    @Test("allCases lists the declared cases only")
    func allCasesOmitsUnrecognized() {
        #expect(StatusCode.allCases.count == 11)
        #expect(!StatusCode.allCases.contains { if case .unrecognized = $0 { true } else { false } })
    }

    @Test("unrecognized(n) equals and hashes like the declared case numbered n, as both encode the same")
    func unrecognizedEqualsDeclaredCaseWithSameNumber() {
        #expect(StatusCode.unrecognized(2) == .notFound)
        #expect(Set([StatusCode.unrecognized(2), .notFound]).count == 1)
        #expect(Response(code: .unrecognized(2)) == Response(code: .notFound))
    }

    @Test("An enum field defaults to the value numbered 0")
    func enumFieldDefaultsToZero() {
        #expect(Response().code == .ok)
        #expect(ConformanceSample().colour == .unspecified)
    }
}
