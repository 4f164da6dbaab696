public import Foundation
public import Messaging

/// A throw-away certificate authority with a server and a client certificate, made with the openssl
/// command-line tool in a fresh temporary directory.
public struct TestCertificates: Sendable {
    public let directory: URL

    /// TLS settings for the listening side (server certificate, trusting the test CA).
    public var server: TLSConfiguration { configuration("server") }
    /// TLS settings for the dialing side (client certificate, trusting the test CA).
    public var client: TLSConfiguration { configuration("client") }

    /// Makes a CA, and a server and a client certificate signed by it (EC P-256, valid for 2 days).
    /// - Parameter authorityName: the CA's common name; two sets with different names don't trust each other.
    public static func make(authorityName: String = "Anchorage Test CA") throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cx-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=\(authorityName)",
            ], in: directory)
        for name in ["server", "client"] {
            try openssl(
                ["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=localhost"],
                in: directory)
            try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(
                to: directory.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
            try openssl(
                [
                    "x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", "\(name).crt", "-days", "2", "-extfile", "\(name).ext",
                ], in: directory)
        }
        return TestCertificates(directory: directory)
    }

    private func configuration(_ name: String) -> TLSConfiguration {
        TLSConfiguration(
            certificateFile: directory.appendingPathComponent("\(name).crt").path,
            privateKeyFile: directory.appendingPathComponent("\(name).key").path,
            certificateAuthorityFile: directory.appendingPathComponent("ca.crt").path,
            serverName: "localhost")
    }

    private static func openssl(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw CertificateError(message: "openssl \(arguments.first ?? "") failed: \(text)")
        }
    }

    struct CertificateError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
