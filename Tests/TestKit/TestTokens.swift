/// The tokens every service process of the integration and reliability tests is configured with
/// (as CX_TOKEN: role:name:secret, comma-separated).
public enum TestTokens {
    public static let admin = "admin-secret-0123456789abcdef"
    public static let writer = "writer-secret-0123456789abcdef"
    public static let reader = "reader-secret-0123456789abcdef"
    public static let setting = "admin:ops:\(admin),writer:app:\(writer),reader:report:\(reader)"
}
