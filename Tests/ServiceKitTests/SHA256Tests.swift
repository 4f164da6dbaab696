import Client
import Testing

@Suite("SHA-256 of backups")
struct SHA256Tests {
    @Test(
        "FIPS 180-4's examples and a million a's give the published digests",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                String(repeating: "a", count: 1_000_000),
                "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
            ),
        ])
    func knownAnswers(message: String, digest: String) {
        #expect(SHA256.hex(of: Array(message.utf8)) == digest)
    }

    @Test("fed in pieces of any size, the digest is that of the whole (Python's hashlib agrees)")
    func pieces() {
        let bytes = (0..<100_000).map { UInt8($0 % 251) }
        let expected = "cd2df694e424bc7968cc37f47751019e5ca0cd1bdf2e479ea537c3a1c32ee1aa"
        #expect(SHA256.hex(of: bytes) == expected)
        for size in [1, 55, 56, 63, 64, 65, 4_096, 99_999] {
            var digest = SHA256()
            var start = 0
            while start < bytes.count {
                digest.update(bytes[start..<min(start + size, bytes.count)])
                start += size
            }
            #expect(digest.finalize() == expected, "pieces of \(size) bytes")
        }
    }
}
