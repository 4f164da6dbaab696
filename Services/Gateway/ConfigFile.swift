import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// cxctl's config file: `key = value` lines (keys as in ``ConnectionSettings/keys``, e.g. `token`,
/// `loyalty.url`, `loyalty.events_url`, `tls_ca`), `#` comments and blank lines. It holds the token,
/// so it must be readable by its owner only.
struct ConfigFile {
    /// The settings it holds, by key.
    let values: [String: String]

    /// `$CX_CONFIG`, else `$XDG_CONFIG_HOME/anchorage/cxctl.conf`, else `~/.config/anchorage/cxctl.conf`;
    /// an empty variable counts as unset.
    static func path(environment: [String: String]) -> String {
        if let explicit = environment["CX_CONFIG"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return "\(xdg)/anchorage/cxctl.conf" }
        return "\(NSHomeDirectory())/.config/anchorage/cxctl.conf"
    }

    /// The file at `path`, or nil when there is none and none was asked for by name (`required`).
    /// - Throws: a ``CommandError`` naming the file (and line) when it cannot be read, holds a line
    ///   that is not a known setting, or holds a token while other users may read it.
    static func load(_ path: String, required: Bool) throws -> ConfigFile? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT && !required { return nil }
            throw CommandError("\(path): \(String(cString: strerror(errno)))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError("\(path): cannot be read")
        }
        let file = try parse(String(decoding: data, as: UTF8.self), path: path)
        let mode = info.st_mode & 0o777
        if file.values["token"] != nil && mode & 0o077 != 0 {
            throw CommandError(
                "\(path): holds the token but other users can read it (mode \(String(mode, radix: 8))); "
                    + "chmod 600 it, and replace the token if it may have leaked")
        }
        return file
    }

    static func parse(_ text: String, path: String) throws -> ConfigFile {
        let known = Set(ConnectionSettings.keys.map(\.key))
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, known.contains(parts[0]) else {
                throw CommandError(
                    "\(path):\(index + 1): expected key = value with a key of "
                        + ConnectionSettings.keys.map(\.key).joined(separator: ", "))
            }
            guard values[parts[0]] == nil else { throw CommandError("\(path):\(index + 1): \(parts[0]) set twice") }
            if !parts[1].isEmpty { values[parts[0]] = parts[1] }
        }
        return ConfigFile(values: values)
    }

    /// The file's text for `values`: every known key in order, the ones without a value commented out.
    static func render(_ values: [String: String]) -> String {
        var text = """
            # cxctl's connection settings. The environment overrides each one (CX_AUTH_TOKEN, CX_<SERVICE>_URL,
            # CX_<SERVICE>_EVENTS_URL, CX_TLS_CERT, CX_TLS_KEY, CX_TLS_CA); see `cxctl config show`.
            # It holds the token: keep it readable by its owner only (mode 600).

            """
        for (key, _) in ConnectionSettings.keys {
            text += values[key].map { "\(key) = \($0)\n" } ?? "# \(key) =\n"
        }
        return text
    }

    /// Writes `text` to `path` with mode 0600 (its directory made with mode 0700 when missing), whole or
    /// not at all: through a temporary file linked into place, or renamed over an existing file when
    /// `replace` is set.
    /// - Throws: when the file exists and `replace` is not set, or the system refuses.
    static func save(_ text: String, to path: String, replace: Bool) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let temporary = "\(path).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw CommandError("\(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        defer { unlink(temporary) }
        guard written == bytes.count, synced else {
            throw CommandError("\(temporary): cannot write: \(String(cString: strerror(errno)))")
        }
        // link() fails when the file exists, so two runs without --force can never overwrite one another.
        let placed = replace ? rename(temporary, path) : link(temporary, path)
        guard placed == 0 else {
            if errno == EEXIST { throw CommandError("\(path) exists; use --force to replace it") }
            throw CommandError("\(path): \(String(cString: strerror(errno)))")
        }
    }
}
