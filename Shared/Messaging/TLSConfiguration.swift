internal import CNNG
import Foundation

/// Certificates for `tls+tcp://` endpoints. Mutual authentication is the default: a listener asks the
/// dialer for a certificate signed by `certificateAuthorityFile`, and a dialer checks the listener's.
public struct TLSConfiguration: Hashable, Sendable {
    /// PEM file with this side's certificate (chain).
    public var certificateFile: String
    /// PEM file with this side's private key (unencrypted).
    public var privateKeyFile: String
    /// PEM file with the CA certificate(s) that the peer's certificate must chain to.
    public var certificateAuthorityFile: String
    /// The name a dialer expects in the listener's certificate; nil uses the host of the URL.
    public var serverName: String?
    /// Whether a peer without a valid certificate is refused (true: mutual TLS).
    public var requirePeerCertificate: Bool

    public init(
        certificateFile: String, privateKeyFile: String, certificateAuthorityFile: String,
        serverName: String? = nil, requirePeerCertificate: Bool = true
    ) {
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.certificateAuthorityFile = certificateAuthorityFile
        self.serverName = serverName
        self.requirePeerCertificate = requirePeerCertificate
    }

    enum Side { case dialer, listener }

    /// Makes an `nng_tls_config` for one side.
    /// - Returns: the config; the caller owns one reference and releases it with `nng_tls_config_free`
    ///   once it has been set on the dialer or listener (which holds its own).
    /// - Throws: ``MessagingError`` `.tlsConfiguration` naming the file that could not be read or used.
    func makeConfig(for side: Side, host: String) throws(MessagingError) -> OpaquePointer {
        var config: OpaquePointer?
        let mode = side == .dialer ? NNG_TLS_MODE_CLIENT : NNG_TLS_MODE_SERVER
        try MessagingError.check(nng_tls_config_alloc(&config, mode), "nng_tls_config_alloc")
        guard let config else { throw MessagingError(.tlsConfiguration, operation: "TLS", reason: "no config") }
        do {
            let certificate = try Self.readPEM(certificateFile, what: "certificate")
            let key = try Self.readPEM(privateKeyFile, what: "private key")
            let authority = try Self.readPEM(certificateAuthorityFile, what: "CA certificate")
            try MessagingError.check(
                nng_tls_config_own_cert(config, certificate, key, nil),
                "nng_tls_config_own_cert(\(certificateFile), \(privateKeyFile))")
            try MessagingError.check(
                nng_tls_config_ca_chain(config, authority, nil), "nng_tls_config_ca_chain(\(certificateAuthorityFile))")
            let authMode = requirePeerCertificate ? NNG_TLS_AUTH_MODE_REQUIRED : NNG_TLS_AUTH_MODE_OPTIONAL
            try MessagingError.check(nng_tls_config_auth_mode(config, authMode), "nng_tls_config_auth_mode")
            if side == .dialer {
                let name = serverName ?? host
                try MessagingError.check(
                    nng_tls_config_server_name(config, name), "nng_tls_config_server_name(\(name))")
            }
        } catch {
            nng_tls_config_free(config)
            throw error
        }
        return config
    }

    private static func readPEM(_ path: String, what: String) throws(MessagingError) -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw MessagingError(.tlsConfiguration, operation: "reading the \(what)", reason: "cannot read \(path)")
        }
        return text
    }
}
