import Glibc

/// How many bytes this process wrote on the connections accepted on the unix-domain sockets bound at
/// `paths` that their peers have not read yet.
///
/// Why: a unix-domain stream socket's SIOCOUTQ counts what it sent that still waits in the peer's
/// receive queue. libnng gives no access to its pipes' descriptors, but a connection accepted on a
/// listener bound at a path reports that path as its own address, which picks them out of the process's
/// descriptors.
func unreadBytes(onConnectionsAcceptedAt paths: Set<String>) -> Int {
    guard !paths.isEmpty, let directory = opendir("/proc/self/fd") else { return 0 }
    defer { closedir(directory) }
    let ownDescriptor = dirfd(directory)
    var unread = 0
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard let descriptor = Int32(name), descriptor != ownDescriptor,
            let path = boundPath(of: descriptor), paths.contains(path), !isListening(descriptor)
        else { continue }
        var queued: Int32 = 0
        // A descriptor closed and reused since the listing fails or reports another socket's queue, harmlessly.
        if ioctl(descriptor, socketOutputQueue, &queued) == 0 { unread += Int(queued) }
    }
    return unread
}

/// Linux's SIOCOUTQ (`<linux/sockios.h>`, not imported by Glibc): on a unix-domain stream socket, the
/// bytes sent that the peer has not read.
private let socketOutputQueue: UInt = 0x5411

/// The path a unix-domain socket is bound at (its listener's, for an accepted connection), or nil.
private func boundPath(of descriptor: Int32) -> String? {
    var address = sockaddr_un()
    var length = socklen_t(MemoryLayout<sockaddr_un>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard named == 0, address.sun_family == sa_family_t(AF_UNIX) else { return nil }
    let path = withUnsafeBytes(of: address.sun_path) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    return path.isEmpty ? nil : path
}

private func isListening(_ descriptor: Int32) -> Bool {
    var listening: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    return getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 && listening != 0
}
