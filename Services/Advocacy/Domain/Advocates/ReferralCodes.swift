import GRDB
import ServiceKit

/// Referral codes: one per advocate, unique, easy to read out loud (A–Z, 0–9 and "-").
enum ReferralCodes {
    static func validate(_ code: String, field: String) throws {
        guard (4...32).contains(code.utf8.count) else {
            throw RPCError.invalidArgument(field, "must be 4–32 characters")
        }
        guard code.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else { throw RPCError.invalidArgument(field, "only A–Z, 0–9 and \"-\"") }
    }

    /// The requested code when it is free, else one made from the customer id (made codes never
    /// collide: a suffix is added until one is free).
    static func issue(requested: String, for customerID: String, in db: Database) throws -> String {
        if !requested.isEmpty {
            if let owner = try owner(of: requested, in: db) {
                throw RPCError(
                    .alreadyExists, "referral_code \"\(requested)\" belongs to \"\(owner)\"", field: "referral_code")
            }
            return requested
        }
        let letters = customerID.uppercased().unicodeScalars.filter {
            ("A"..."Z").contains($0) || ("0"..."9").contains($0)
        }
        let stem = String(String.UnicodeScalarView(letters.prefix(12)))
        let base = (stem.isEmpty ? "ADV" : stem) + "-" + String(fnv1a(customerID) % 0xFFFF, radix: 16).uppercased()
        var code = base
        var suffix = 1
        while try owner(of: code, in: db) != nil {
            suffix += 1
            code = "\(base)-\(suffix)"
        }
        return code
    }

    /// The advocate who holds `code`, or nil.
    static func owner(of code: String, in db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT customer_id FROM advocates WHERE referral_code = ?", arguments: [code])
    }

    /// A stable hash (Swift's `hashValue` changes between processes).
    private static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(14_695_981_039_346_656_037) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }
}
