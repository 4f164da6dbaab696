import Client
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The admin token a service makes for itself when no token is configured, so that authentication is
/// never silently off: whoever can read `<data-dir>/admin.token` (the account that runs the service) can
/// administer it, and nobody else can.
///
/// The file holds one line: 64 hex digits (32 bytes from `SystemRandomNumberGenerator`). It is made with
/// mode 0600 inside a data directory made with mode 0700, and reused on every later start.
public enum LocalAdminToken {
    /// The name the token carries in logs and audit.
    public static let tokenName = "local-admin"

    /// Where the token lives for a data directory: `<dataDirectory>/admin.token`.
    public static func path(in dataDirectory: String) -> String {
        LocalSuite.adminTokenPath(dataDirectory: dataDirectory)
    }

    /// Reads the local admin token, making it first if it does not exist yet.
    ///
    /// Safe against a concurrent first start: the new file is written under a temporary name and linked into
    /// place, so when two processes race, both end up with the one that won.
    /// - Parameter dataDirectory: the service's data directory; made (mode 0700) if missing.
    /// - Returns: an `admin` ``AccessToken`` named ``tokenName``.
    /// - Throws: ``LocalAdminTokenError`` naming the file when it cannot be made or read, holds something
    ///   other than a token, or can be read by other users (its secret may have leaked: it is not reused).
    public static func loadOrCreate(in dataDirectory: String) throws(LocalAdminTokenError) -> AccessToken {
        let file = path(in: dataDirectory)
        do {
            try ConfigurationFiles.ensureDirectory(dataDirectory)
        } catch {
            throw LocalAdminTokenError(path: file, reason: error.description)
        }
        if let existing = try read(file) { return existing }
        try create(file)
        guard let created = try read(file) else {
            throw LocalAdminTokenError(path: file, reason: "vanished right after it was written")
        }
        return created
    }

    /// The token in `file`, or nil when the file does not exist.
    private static func read(_ file: String) throws(LocalAdminTokenError) -> AccessToken? {
        var info = stat()
        guard stat(file, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw LocalAdminTokenError(path: file, reason: String(cString: strerror(errno)))
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw LocalAdminTokenError(
                path: file,
                reason: "other users can read it (mode \(String(mode, radix: 8))); its secret may have leaked, "
                    + "so delete it and restart to make a new one")
        }
        let text: String
        do {
            text = try ConfigurationFiles.readText(file)
        } catch {
            throw LocalAdminTokenError(path: file, reason: error.reason)
        }
        let secret = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard secret.utf8.count == 64, secret.utf8.allSatisfy(\.isLowercaseHexDigit) else {
            throw LocalAdminTokenError(
                path: file, reason: "does not hold a token (64 hex digits); delete it and restart to make a new one")
        }
        return AccessToken(name: tokenName, role: .admin, secret: secret)
    }

    private static func create(_ file: String) throws(LocalAdminTokenError) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let line = Array((bytes.map(\.twoHexDigits).joined() + "\n").utf8)

        let temporary = file + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw LocalAdminTokenError(
                path: file, reason: "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == line.count, synced == 0 else {
            throw LocalAdminTokenError(
                path: file, reason: "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        // link(2) refuses to replace an existing file, unlike rename(2): a concurrent start that got there
        // first keeps its token and this one reads it.
        if link(temporary, file) != 0 && errno != EEXIST {
            throw LocalAdminTokenError(path: file, reason: "cannot create it: \(String(cString: strerror(errno)))")
        }
    }
}

/// The local admin token could not be made or used.
public struct LocalAdminTokenError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The token file.
    public let path: String
    /// Why, in words; never the secret.
    public let reason: String

    public var description: String { "local admin token \(path): \(reason)" }
}

extension UInt8 {
    fileprivate var isLowercaseHexDigit: Bool { (0x30...0x39).contains(self) || (0x61...0x66).contains(self) }

    fileprivate var twoHexDigits: String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(self >> 4)], digits[Int(self & 0x0F)]])
    }
}
