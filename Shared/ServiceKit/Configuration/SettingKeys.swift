/// The settings' names and how each source spells them.
///
/// A key has one name everywhere: `data-dir` is `--data-dir` on the command line, `CX_DATA_DIR` in the
/// environment and `data-dir = …` in a file. Peer keys carry the peer's name: `peer.health.request` is
/// `--peer.health.request` and `CX_PEER_HEALTH_REQUEST`.
enum SettingKeys {
    /// Keys that take several values: repeated flags or file lines, comma-separated in the environment.
    static let lists: Set<String> = ["listen", "publish", "token"]
    /// Keys that take one value.
    static let scalars: Set<String> = [
        "data-dir", "tokens-file", "tls-cert", "tls-key", "tls-ca", "log-level", "log-format", "http", "durability",
        "config",
    ]
    /// The peer fields, as in `peer.<name>.request`.
    static let peerFields = ["request", "events"]

    /// Every key in the order people read them, with the peer keys as their pattern.
    static let catalogue = [
        "listen", "publish", "peer.<name>.request", "peer.<name>.events", "data-dir", "token", "tokens-file",
        "tls-cert", "tls-key", "tls-ca", "log-level", "log-format", "http", "durability", "config",
    ]

    static func isList(_ key: String) -> Bool { lists.contains(key) }

    /// The peer name and field of a `peer.<name>.<field>` key, or nil for any other key.
    static func peer(_ key: String) -> (name: String, field: String)? {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "peer", peerFields.contains(String(parts[2])) else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    /// Whether `name` can name a peer: lowercase letters, digits and `-`, starting with a letter, so that it
    /// survives the trip through an environment variable's name.
    static func isValidPeerName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    static func isKnown(_ key: String) -> Bool {
        lists.contains(key) || scalars.contains(key) || peer(key) != nil
    }

    /// `CX_` followed by the key in upper case with `.` and `-` turned into `_`.
    static func environmentName(for key: String) -> String {
        "CX_" + String(key.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 })
    }

    /// The key an environment variable sets, or nil when it does not start with `CX_`.
    static func key(forEnvironment name: String) -> String? {
        guard name.hasPrefix("CX_") else { return nil }
        let rest = name.dropFirst(3).lowercased()
        // CX_PEER_<NAME>_<FIELD>: the last word is the field (even a misspelt one, so that it gets a
        // suggestion), the words between are the peer's name.
        let words = rest.split(separator: "_", omittingEmptySubsequences: false)
        if words.count >= 3, words[0] == "peer" {
            return "peer." + words[1..<(words.count - 1)].joined(separator: "-") + "." + words[words.count - 1]
        }
        return rest.replacingUnderscores(with: "-")
    }

    /// The known key closest to a misspelt one, when it is close enough to be what was meant.
    static func suggestion(for key: String) -> String? {
        var candidates = Array(lists) + Array(scalars)
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 3 {
            candidates += peerFields.map { "peer.\(parts[1]).\($0)" }
        }
        let scored = candidates.map { ($0, editDistance(key, $0)) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        guard let best = scored.first, best.1 <= max(1, min(3, key.count / 3)) else { return nil }
        return best.0
    }

    /// Levenshtein distance over characters.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension StringProtocol {
    fileprivate func replacingUnderscores(with replacement: Character) -> String {
        String(map { $0 == "_" ? replacement : $0 })
    }
}
