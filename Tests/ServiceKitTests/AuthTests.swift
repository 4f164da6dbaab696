import Foundation
import ServiceKit
import Testing

private let reader = AccessToken(name: "dashboards", role: .reader, secret: "reader-secret-0123456789")
private let writer = AccessToken(name: "billing-sync", role: .writer, secret: "writer-secret-0123456789")
private let admin = AccessToken(name: "ops", role: .admin, secret: "admin-secret-0123456789ab")
private let service = AccessToken(name: "loyalty", role: .service, secret: "service-secret-012345678")
private let authenticator = TokenAuthenticator(tokens: [reader, writer, admin, service])

@Suite("Auth: roles and decisions")
struct AuthDecisionTests {
    @Test("a reader token on a writer method is denied permission")
    func readerOnWriterMethod() {
        let decision = authenticator.authorize(reader.secret, required: .writer)
        #expect(
            decision
                == .permissionDenied("reader token \"dashboards\" may not call a method that requires the writer role"))
    }

    @Test("a wrong token is unauthenticated")
    func wrongToken() {
        #expect(
            authenticator.authorize("not-a-configured-secret", required: .reader)
                == .unauthenticated("the auth_token matches no configured token"))
    }

    @Test("a secret's prefix or extension is not the secret")
    func nearMisses() {
        #expect(authenticator.authenticate(String(writer.secret.dropLast())) == nil)
        #expect(authenticator.authenticate(writer.secret + "0") == nil)
        #expect(authenticator.authenticate("") == nil)
    }

    @Test("a missing token is unauthenticated")
    func missingToken() {
        guard case .unauthenticated(let reason) = authenticator.authorize("", required: .reader) else {
            Issue.record("expected unauthenticated")
            return
        }
        #expect(reason == "no auth_token was presented; this method requires a reader token")
    }

    @Test("each secret authenticates as its own token")
    func authenticatesEachToken() {
        for token in [reader, writer, admin, service] {
            #expect(authenticator.authenticate(token.secret) == token)
        }
    }

    @Test("admin permits every role", arguments: Role.allCases)
    func adminPermitsAll(required: Role) {
        #expect(authenticator.authorize(admin.secret, required: required) == .allowed(admin))
    }

    @Test("the permission table")
    func permissionTable() {
        let permitted: [Role: Set<Role>] = [
            .reader: [.reader],
            .writer: [.reader, .writer],
            .admin: Set(Role.allCases),
            .service: [.reader, .service],
        ]
        for role in Role.allCases {
            for required in Role.allCases {
                #expect(role.permits(required) == permitted[role]!.contains(required), "\(role) → \(required)")
            }
        }
    }

    @Test("a token's description, debug description and dump hide the secret")
    func descriptionHidesSecret() {
        var dumped = ""
        dump(admin, to: &dumped)
        for text in ["\(admin)", String(reflecting: admin), dumped, admin.redacted] {
            #expect(!text.contains(admin.secret), "\(text)")
        }
        #expect(admin.description == "admin token \"ops\"")
    }
}

@Suite("Auth: the local admin token")
struct AuthLocalAdminTokenTests {
    private func scratchDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cx-auth-\(UUID().uuidString)/data").path
    }

    @Test("the first start makes a 0600 file in a 0700 directory; later starts reuse it")
    func createdOnceAndReused() throws {
        let directory = scratchDirectory()
        let first = try LocalAdminToken.loadOrCreate(in: directory)
        let second = try LocalAdminToken.loadOrCreate(in: directory)

        #expect(first == second)
        #expect(first.role == .admin)
        #expect(first.secret.count == 64)
        let isHex = first.secret.allSatisfy { $0.isHexDigit }
        #expect(isHex)
        var info = stat()
        #expect(stat(LocalAdminToken.path(in: directory), &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(stat(directory, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        let content = try String(contentsOfFile: LocalAdminToken.path(in: directory), encoding: .utf8)
        #expect(content == first.secret + "\n")
    }

    @Test("two data directories get different secrets")
    func randomSecrets() throws {
        let one = try LocalAdminToken.loadOrCreate(in: scratchDirectory())
        let two = try LocalAdminToken.loadOrCreate(in: scratchDirectory())
        #expect(one.secret != two.secret)
    }

    @Test("a token file others can read is refused")
    func worldReadableRefused() throws {
        let directory = scratchDirectory()
        _ = try LocalAdminToken.loadOrCreate(in: directory)
        let path = LocalAdminToken.path(in: directory)
        chmod(path, 0o644)
        #expect {
            try LocalAdminToken.loadOrCreate(in: directory)
        } throws: { error in
            "\(error)".hasPrefix("local admin token \(path): other users can read it (mode 644)")
        }
    }

    @Test("a token file with something else in it is refused, not replaced")
    func garbageRefused() throws {
        let directory = scratchDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = LocalAdminToken.path(in: directory)
        try "hello\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)
        #expect(throws: LocalAdminTokenError.self) { try LocalAdminToken.loadOrCreate(in: directory) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello\n")
    }
}
