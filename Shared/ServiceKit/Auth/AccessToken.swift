import Foundation

/// A bearer token a caller presents in `Request.auth_token`: a shared secret, the role it grants and a name
/// for logs and audit ("ops-team", "billing-sync").
///
/// - Important: The secret never appears in ``description``, `debugDescription`, `dump` or any error this
///   module makes; log the token itself freely.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Who holds the token, for logs and audit; never used for authentication.
    public var name: String
    /// What the token permits.
    public var role: Role
    /// The shared secret the caller presents.
    public var secret: String

    public init(name: String, role: Role, secret: String) {
        self.name = name
        self.role = role
        self.secret = secret
    }

    /// The shortest secret configuration accepts: 16 characters. ``LocalAdminToken`` makes 64.
    public static let minimumSecretLength = 16

    /// Reads the configuration form `role:name:secret`, e.g. `writer:billing-sync:3f9c…`.
    ///
    /// The name is letters, digits and `.` `_` `-` `@`; the secret is at least ``minimumSecretLength``
    /// printable ASCII characters without spaces, `,` or `#` (so that it survives comma-separated
    /// environment variables and `#` comments), and may itself contain `:`.
    /// - Throws: ``AccessTokenFormatError`` whose reason never contains the secret.
    public init(parsing text: String) throws(AccessTokenFormatError) {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw AccessTokenFormatError(reason: "expected role:name:secret")
        }
        let roleText = parts[0].trimmingCharacters(in: .whitespaces)
        guard let role = Role(rawValue: roleText.lowercased()) else {
            let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
            throw AccessTokenFormatError(reason: "unknown role \"\(roleText)\" (use one of \(known))")
        }
        let name = parts[1].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw AccessTokenFormatError(reason: "the name between the colons is empty") }
        guard name.unicodeScalars.allSatisfy(Self.isNameCharacter) else {
            throw AccessTokenFormatError(
                reason: "token \"\(name)\": the name may use only letters, digits and . _ - @")
        }
        let secret = parts[2].trimmingCharacters(in: .whitespaces)
        guard secret.unicodeScalars.allSatisfy(Self.isSecretCharacter) else {
            throw AccessTokenFormatError(
                reason: "token \"\(name)\": the secret may use only printable ASCII without spaces, ',' or '#'")
        }
        guard secret.count >= Self.minimumSecretLength else {
            throw AccessTokenFormatError(
                reason: "token \"\(name)\": the secret is shorter than \(Self.minimumSecretLength) characters")
        }
        self.init(name: name, role: role, secret: secret)
    }

    /// `writer token "billing-sync"`: enough to tell tokens apart, never the secret.
    public var description: String { "\(role) token \"\(name)\"" }

    public var debugDescription: String { "AccessToken(name: \"\(name)\", role: \(role), secret: <redacted>)" }

    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "role": role, "secret": "<redacted>"], displayStyle: .struct)
    }

    /// The configuration form with the secret hidden: `writer:billing-sync:<redacted>`.
    public var redacted: String { "\(role):\(name):<redacted>" }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", "@": true
        default: false
        }
    }

    private static func isSecretCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value > 0x20 && scalar.value < 0x7F && scalar != "," && scalar != "#"
    }
}

/// Why a `role:name:secret` text is not a token. The reason never contains the secret.
public struct AccessTokenFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
