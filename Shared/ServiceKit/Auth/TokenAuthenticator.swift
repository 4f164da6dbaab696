/// Checks the `auth_token` of each request against the configured tokens and the role a method requires.
///
/// Comparison takes the same time whichever token matches, or whether any does: every configured secret is
/// compared in full, with no early exit, so that response timing reveals neither a secret's prefix nor
/// which token was close.
public struct TokenAuthenticator: Sendable {
    private let tokens: [AccessToken]
    /// The secrets as bytes, computed once rather than per request.
    private let secrets: [[UInt8]]

    public init(tokens: [AccessToken]) {
        self.tokens = tokens
        self.secrets = tokens.map { Array($0.secret.utf8) }
    }

    /// The configured token whose secret equals `presented`, or nil when none does.
    ///
    /// - Parameter presented: the `auth_token` from the request, as the caller sent it.
    /// - Returns: the matching token; when several share the secret (configuration rejects that), the last.
    public func authenticate(_ presented: String) -> AccessToken? {
        let presentedBytes = Array(presented.utf8)
        var matched = -1
        for index in secrets.indices {
            let equal = Self.constantTimeEquals(presentedBytes, secrets[index])
            matched = equal ? index : matched
        }
        return matched >= 0 ? tokens[matched] : nil
    }

    /// Whether `presented` may call a method that requires `required`.
    ///
    /// - Returns: `.allowed(token)`, or `.unauthenticated` when no token was presented or it matches none,
    ///   or `.permissionDenied` when the token's role does not permit `required`. Reasons name the token and
    ///   roles, never a secret.
    public func authorize(_ presented: String, required: Role) -> AuthorizationDecision {
        guard !presented.isEmpty else {
            return .unauthenticated("no auth_token was presented; this method requires a \(required) token")
        }
        guard let token = authenticate(presented) else {
            return .unauthenticated("the auth_token matches no configured token")
        }
        guard token.role.permits(required) else {
            return .permissionDenied("\(token) may not call a method that requires the \(required) role")
        }
        return .allowed(token)
    }

    /// Compares every byte of `secret` whatever `presented` holds, folding the length difference into the
    /// result, so the time depends only on the secret's length (which is configuration, not input).
    private static func constantTimeEquals(_ presented: [UInt8], _ secret: [UInt8]) -> Bool {
        var difference = UInt64(truncatingIfNeeded: presented.count ^ secret.count)
        let presentedCount = presented.count
        for index in secret.indices {
            // Reading presented[index % count] (or 0 for an empty input) keeps one load per secret byte
            // without branching on the presented length.
            let byte: UInt8 = presentedCount == 0 ? 0 : presented[index % presentedCount]
            difference |= UInt64(byte ^ secret[index])
        }
        return difference == 0
    }
}

/// The outcome of ``TokenAuthenticator/authorize(_:required:)``, which the router turns into the
/// `UNAUTHENTICATED` or `PERMISSION_DENIED` status code.
public enum AuthorizationDecision: Sendable, Hashable {
    /// The token is known and its role permits the method.
    case allowed(AccessToken)
    /// No token, or one that matches no configured token; the reason is safe to send to the caller.
    case unauthenticated(String)
    /// A known token whose role does not permit the method; the reason is safe to send to the caller.
    case permissionDenied(String)
}
