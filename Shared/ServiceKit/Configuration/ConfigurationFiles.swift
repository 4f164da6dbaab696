#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file-system steps configuration and the local admin token need, on POSIX calls directly so that
/// every failure carries the path and the errno text (`Permission denied`, `Not a directory`).
enum ConfigurationFiles {
    /// A failed system call: what was attempted, on which path, and why.
    struct Failure: Error, Sendable, CustomStringConvertible {
        /// What was attempted, with the path: `create directory /srv/cx`.
        let action: String
        let errno: Int32

        var reason: String { String(cString: strerror(errno)) }
        var description: String { "cannot \(action): \(reason)" }
    }

    /// Makes `path` and any missing parents, each with mode 0700. An existing directory keeps its mode.
    static func ensureDirectory(_ path: String) throws(Failure) {
        if mkdir(path, 0o700) == 0 { return }
        switch errno {
        case EEXIST:
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                throw Failure(action: "use \(path) as a directory", errno: ENOTDIR)
            }
        case ENOENT:
            let parent = parentDirectory(of: path)
            guard parent != path else { throw Failure(action: "create directory \(path)", errno: ENOENT) }
            try ensureDirectory(parent)
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw Failure(action: "create directory \(path)", errno: errno)
            }
        case let code:
            throw Failure(action: "create directory \(path)", errno: code)
        }
    }

    /// Proves that files can be made in `directory` by making and removing one, which also catches
    /// read-only mounts and ACLs that `access(2)` misses for root.
    static func checkWritable(_ directory: String) throws(Failure) {
        let probe = directory + "/.cx-write-check-\(getpid())"
        let descriptor = open(probe, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(action: "write in \(directory)", errno: errno) }
        close(descriptor)
        unlink(probe)
    }

    /// Whether `path` can be opened for reading.
    static func checkReadable(_ path: String) throws(Failure) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(action: "read \(path)", errno: errno) }
        close(descriptor)
    }

    /// The whole content of a small text file.
    static func readText(_ path: String) throws(Failure) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(action: "read \(path)", errno: errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(action: "read \(path)", errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func parentDirectory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }
}
