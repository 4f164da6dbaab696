/// What a seeding did, per kind of record: applied now, or found there from an earlier run.
struct DemoTally {
    private(set) var kinds: [String] = []
    private var applied: [String: Int] = [:]
    private var existing: [String: Int] = [:]

    mutating func count(_ kind: String, applied wasApplied: Bool, _ number: Int = 1) {
        if applied[kind] == nil {
            kinds.append(kind)
            applied[kind] = 0
            existing[kind] = 0
        }
        if wasApplied { applied[kind]! += number } else { existing[kind]! += number }
    }

    var totalApplied: Int { applied.values.reduce(0, +) }

    /// One row per kind: KIND, APPLIED, ALREADY THERE.
    var rows: [[String]] {
        [["RECORDS", "APPLIED", "ALREADY THERE"]]
            + kinds.map { [$0, String(applied[$0]!), String(existing[$0]!)] }
    }
}
