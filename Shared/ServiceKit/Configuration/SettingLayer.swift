import Foundation

/// Where one value came from, as error messages name it.
enum SettingSource: Hashable, Sendable, CustomStringConvertible {
    case flag(String)
    case environment(String)
    case file(path: String, line: Int)
    case defaults

    var description: String {
        switch self {
        case .flag(let flag): "flag \(flag)"
        case .environment(let name): "env \(name)"
        case .file(let path, let line): "file \(path):\(line)"
        case .defaults: "default"
        }
    }

    /// How this source spells `key`: `--listen`, `CX_LISTEN` or `listen`.
    func spelling(of key: String) -> String {
        switch self {
        case .flag: "--" + key
        case .environment: SettingKeys.environmentName(for: key)
        case .file, .defaults: key
        }
    }
}

/// One value of one key, and where it came from.
struct Setting: Sendable {
    let key: String
    let value: String
    let source: SettingSource
}

/// The settings one source gives (the command line, the environment or the config file), in order.
struct SettingLayer: Sendable {
    private(set) var settings: [Setting] = []

    /// Every value this source gives for `key`, or nil when it does not mention it.
    func values(_ key: String) -> [Setting]? {
        let found = settings.filter { $0.key == key }
        return found.isEmpty ? nil : found
    }

    /// The keys this source mentions.
    var keys: Set<String> { Set(settings.map(\.key)) }

    /// Adds a value, refusing a second one for a key that takes one.
    mutating func add(_ setting: Setting) throws(ConfigurationError) {
        if !SettingKeys.isList(setting.key), let first = settings.first(where: { $0.key == setting.key }) {
            throw ConfigurationError(
                .inconsistent, key: setting.key, source: setting.source.description,
                reason: "given twice (also at \(first.source)); it takes one value")
        }
        settings.append(setting)
    }

    /// Fails unless `key` is a setting, suggesting the nearest one in the source's own spelling.
    static func checkKnown(_ key: String, from source: SettingSource) throws(ConfigurationError) {
        if let peer = SettingKeys.peer(key) {
            guard SettingKeys.isValidPeerName(peer.name) else {
                throw ConfigurationError(
                    .invalidValue, key: key, source: source.description,
                    reason: "\"\(peer.name)\" is not a peer name (lowercase letters, digits and -, from a letter)")
            }
            return
        }
        guard !SettingKeys.isKnown(key) else { return }
        let spelt = source.spelling(of: key)
        let reason =
            if let suggestion = SettingKeys.suggestion(for: key) {
                "unknown setting \"\(spelt)\" (did you mean \"\(source.spelling(of: suggestion))\"?)"
            } else {
                "unknown setting \"\(spelt)\" (the settings are \(SettingKeys.catalogue.joined(separator: ", ")))"
            }
        throw ConfigurationError(.unknownSetting, key: key, source: source.description, reason: reason)
    }

    // MARK: - The three sources

    /// `--key value` and `--key=value`, in any order; list keys may repeat.
    static func flags(_ arguments: [String]) throws(ConfigurationError) -> SettingLayer {
        var layer = SettingLayer()
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw ConfigurationError(
                    .unknownSetting, key: argument, source: "argument \(index)",
                    reason: "unexpected argument; settings are given as --key value or --key=value")
            }
            var key = String(argument.dropFirst(2))
            var value: String?
            if let equals = key.firstIndex(of: "=") {
                value = String(key[key.index(after: equals)...])
                key = String(key[..<equals])
            }
            let source = SettingSource.flag("--" + key)
            try checkKnown(key, from: source)
            if value == nil {
                guard index < arguments.endIndex, !arguments[index].hasPrefix("--") else {
                    throw ConfigurationError(
                        .invalidValue, key: key, source: source.description, reason: "needs a value after it")
                }
                value = arguments[index]
                index += 1
            }
            let trimmed = value!.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else {
                throw ConfigurationError(.invalidValue, key: key, source: source.description, reason: "empty value")
            }
            try layer.add(Setting(key: key, value: trimmed, source: source))
        }
        return layer
    }

    /// `CX_…` variables; list values are comma-separated. An empty variable counts as unset, so that
    /// `CX_HTTP=` in a compose file changes nothing.
    ///
    /// A `CX_` variable close to a setting's name (`CX_LISEN`, `CX_PEER_HEALTH_REQEST`) is an error, so
    /// that a misspelt setting is never ignored; one far from every setting is left alone, because the
    /// suite's other tools share the prefix (cxctl reads `CX_LOYALTY_URL` and the like) and one shell often
    /// sets both.
    static func environment(_ environment: [String: String]) throws(ConfigurationError) -> SettingLayer {
        var layer = SettingLayer()
        for name in environment.keys.sorted() {
            guard let key = SettingKeys.key(forEnvironment: name) else { continue }
            let looksLikeASetting =
                SettingKeys.isKnown(key) || key.hasPrefix("peer.") || SettingKeys.suggestion(for: key) != nil
            guard looksLikeASetting else { continue }
            let source = SettingSource.environment(name)
            try checkKnown(key, from: source)
            let value = environment[name]!.trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { continue }
            if SettingKeys.isList(key) {
                for part in value.split(separator: ",") {
                    let item = part.trimmingCharacters(in: .whitespaces)
                    if !item.isEmpty { try layer.add(Setting(key: key, value: item, source: source)) }
                }
            } else {
                try layer.add(Setting(key: key, value: value, source: source))
            }
        }
        return layer
    }

    /// A config file: `key = value` lines; `#` starts a comment (a whole line, or after a space); a value
    /// may be wrapped in double quotes; list keys repeat.
    /// - Parameters:
    ///   - path: the file.
    ///   - origin: where the path came from (`--config` or `CX_CONFIG`), for an unreadable file's error.
    static func file(at path: String, origin: SettingSource) throws(ConfigurationError) -> SettingLayer {
        let text: String
        do {
            text = try ConfigurationFiles.readText(path)
        } catch {
            throw ConfigurationError(.fileSystem, key: "config", source: origin.description, reason: error.description)
        }
        var layer = SettingLayer()
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let source = SettingSource.file(path: path, line: offset + 1)
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError(
                    .invalidValue, key: "config", source: source.description,
                    reason: "expected a \"key = value\" line")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            try checkKnown(key, from: source)
            guard key != "config" else {
                throw ConfigurationError(
                    .inconsistent, key: key, source: source.description,
                    reason: "a config file cannot name another; give it with --config or CX_CONFIG")
            }
            let value = try fileValue(line[line.index(after: equals)...], key: key, source: source)
            try layer.add(Setting(key: key, value: value, source: source))
        }
        return layer
    }

    /// The value part of a file line without its comment or quotes.
    private static func fileValue(_ raw: Substring, key: String, source: SettingSource) throws(ConfigurationError)
        -> String
    {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let value: String
        if text.hasPrefix("\"") {
            let body = text.dropFirst()
            guard let close = body.firstIndex(of: "\"") else {
                throw ConfigurationError(
                    .invalidValue, key: key, source: source.description, reason: "the closing quote is missing")
            }
            let rest = body[body.index(after: close)...].trimmingCharacters(in: .whitespaces)
            guard rest.isEmpty || rest.hasPrefix("#") else {
                throw ConfigurationError(
                    .invalidValue, key: key, source: source.description, reason: "text after the closing quote")
            }
            value = String(body[..<close])
        } else {
            var end = text.endIndex
            var previous: Character = " "
            for index in text.indices {
                if text[index] == "#" && (previous == " " || previous == "\t") {
                    end = index
                    break
                }
                previous = text[index]
            }
            value = text[..<end].trimmingCharacters(in: .whitespaces)
        }
        guard !value.isEmpty else {
            throw ConfigurationError(.invalidValue, key: key, source: source.description, reason: "empty value")
        }
        return value
    }
}
