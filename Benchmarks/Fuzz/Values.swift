import SeededRandom

/// The values inputs are made of: plausible ones, which reach past validation into the handlers
/// (the customers the driver created, ids that refer to each other, times near now), and hostile
/// ones (extreme and overflowing numbers, invalid UTF-8, NULs, huge and empty strings, NaN).
struct Values: Sendable {
    /// Accounts the driver creates in health before fuzzing, so every service knows them.
    static let customers = (0..<6).map { "fuzz-\($0)" }

    /// "Now" of the run: plausible times lie around it.
    let nowMs: Int64

    // MARK: numbers

    /// An integer a field of this name plausibly holds, as the 64-bit pattern the varint carries.
    func plausibleInteger(field: String, using random: inout SplitMix64) -> Int64 {
        if field.hasSuffix("_ms") {
            return random.below(10) == 0 ? 0 : nowMs - Int64(random.below(120 * 86_400_000)) + 86_400_000
        }
        if field.contains("points") || field.contains("amount") || field.contains("minor_units") {
            return Int64(random.below(50_000)) + 1
        }
        if field.contains("score") { return Int64(random.below(11)) }
        return Int64(random.below(random.below(4) == 0 ? 1_000 : 60))
    }

    /// Boundaries and overflows: 0, ±1, the limits of every integer width, and random bit patterns.
    func hostileInteger(using random: inout SplitMix64) -> Int64 {
        let extremes: [Int64] = [
            0, 1, -1, .min, .max, .min + 1, .max - 1, Int64(Int32.min), Int64(Int32.max), Int64(UInt32.max),
            Int64(Int32.max) + 1, Int64(Int32.min) - 1, 1 << 53, -(1 << 53), 86_400_000 * 36_500,
        ]
        return random.below(3) == 0 ? Int64(bitPattern: random.next()) : extremes[random.below(extremes.count)]
    }

    func hostileDouble(using random: inout SplitMix64) -> Double {
        let extremes: [Double] = [
            .nan, -.nan, .signalingNaN, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e308, -1, 0.1, 101, .leastNormalMagnitude,
        ]
        return random.below(3) == 0 ? Double(bitPattern: random.next()) : extremes[random.below(extremes.count)]
    }

    // MARK: strings

    /// A string a field of this name plausibly holds, as UTF-8.
    func plausibleString(field: String, message: String, using random: inout SplitMix64) -> [UInt8] {
        let text: String
        switch field {
        case _ where message == "cx.v1.CustomerId" || ["customer_id", "account", "referred"].contains(field):
            text = Self.customers[random.below(Self.customers.count)]
        case "currency": text = ["EUR", "USD", "JPY", "GBP"][random.below(4)]
        case "month", "cohort_month": text = month(monthsAgo: random.below(14))
        case "page_token": text = random.below(4) == 0 ? "\(random.below(50))" : ""
        case "tier", "to_tier", "from_tier", "tier_floor", "loyalty_tier":
            text = ["bronze", "silver", "gold", "platinum", "member"][random.below(5)]
        case "level", "to_level", "from_level", "advocacy_level":
            text = ["supporter", "advocate", "champion", "ambassador"][random.below(4)]
        case _ where field.hasSuffix("_id") || field.hasSuffix("_code") || field.hasSuffix("_key"):
            // A small pool per field, so that later inputs refer to what earlier ones created.
            text = "\(field)-\(random.below(6))"
        case "text", "reason", "comment", "notes", "question", "title", "description", "details", "message":
            text = sentence(words: 1 + random.below(12), using: &random)
        default: text = Self.words[random.below(Self.words.count)]
        }
        return Array(text.utf8)
    }

    /// Strings a validator or a database may choke on.
    func hostileString(using random: inout SplitMix64) -> [UInt8] {
        switch random.below(8) {
        case 0: return Self.invalidUTF8[random.below(Self.invalidUTF8.count)] + Array("fuzz-0".utf8)
        case 1:
            // Lengths around the limits the services check (128, 200, 500, 4000 bytes) and far beyond.
            let lengths = [0, 1, 127, 128, 129, 200, 201, 500, 501, 4_000, 4_001, 65_536, 300_000]
            let count = lengths[random.below(lengths.count)]
            return random.below(2) == 0
                ? [UInt8](repeating: 0x78, count: count) : Array(String(repeating: "é", count: count).utf8)
        case 2: return Array(Self.customers[0].utf8) + [0] + Array("tail".utf8)
        default: return Array(Self.nasty[random.below(Self.nasty.count)].utf8)
        }
    }

    func randomBytes(maximum: Int, using random: inout SplitMix64) -> [UInt8] {
        (0..<random.below(maximum + 1)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    private func month(monthsAgo: Int) -> String {
        let days = nowMs / 86_400_000
        // Civil-from-days (Howard Hinnant), enough to name a month.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let monthNumber = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (monthNumber <= 2 ? 1 : 0)
        let index = year * 12 + (monthNumber - 1) - Int64(monthsAgo)
        let (y, m) = (index / 12, index % 12 + 1)
        return "\(y)-\(m < 10 ? "0" : "")\(m)"
    }

    private func sentence(words count: Int, using random: inout SplitMix64) -> String {
        (0..<count).map { _ in Self.words[random.below(Self.words.count)] }.joined(separator: " ")
    }

    private static let words = [
        "onboarding", "billing", "slow", "great", "support", "export", "api", "renewal", "price", "dashboard",
        "nps", "csat", "relationship", "email", "weekly", "gold", "alpha", "x",
    ]

    /// Byte sequences that are not UTF-8: a lone continuation byte, an overlong NUL, a surrogate, a
    /// truncated sequence, a code point above U+10FFFF, bytes never valid in UTF-8.
    static let invalidUTF8: [[UInt8]] = [
        [0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0xFF, 0xFE],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3],
    ]

    static let nasty = [
        "", " ", "\t\r\n", "\u{1B}[31mred\u{1B}[0m", "\u{202E}gnp.exe", "zero\u{200B}width",
        "e" + String(repeating: "\u{301}", count: 1_000), "👩‍👩‍👧‍👦🇪🇺", "' OR 1=1 --", "x'); DROP TABLE kit_events; --",
        "%s%s%n%x", "../../etc/passwd", "fuzz-0 ", "FUZZ-0", " fuzz-0", "-1", "99999999999999999999999", "NaN",
        "1e309", "2025-13", "0000-00", "9999-12", "-001-01", "2025-1", "eur", "€", "EURO", "null", "\\u0000",
        "<script>alert(1)</script>", "${jndi:ldap://x}", "\u{FEFF}bom",
    ]
}

extension SplitMix64 {
    /// Uniform in 0..<bound (bound above 0).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// True with probability 1 in `odds`.
    mutating func oneIn(_ odds: Int) -> Bool { below(odds) == 0 }
}
