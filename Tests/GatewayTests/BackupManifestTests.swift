import Foundation
import Models
import Testing

@testable import cxctl

@Suite("backup manifest")
struct BackupManifestTests {
    static func entry(_ service: String, latest: UInt64, cursors: [String: UInt64] = [:]) -> BackupManifest.Entry {
        BackupManifest.entry(
            BackupResponse(
                snapshotId: "s", service: service, totalBytes: 4096, sha256: String(repeating: "0", count: 64),
                takenAtMs: 1_767_225_600_000, latestSeq: latest,
                cursors: cursors.sorted { $0.key < $1.key }.map {
                    SubscriptionCursor(source: $0.key, appliedSeq: $0.value)
                }),
            file: "\(service).sqlite")
    }

    @Test("copies agree when every cursor is at most its source's latest seq; each one ahead is named")
    func inconsistencies() {
        let agreeing = [
            Self.entry("health", latest: 40, cursors: ["loyalty": 12]),
            Self.entry("loyalty", latest: 12, cursors: ["health": 39]),
        ]
        #expect(BackupManifest.inconsistencies(agreeing).isEmpty)
        let ahead = [
            Self.entry("health", latest: 40, cursors: ["loyalty": 13, "feedback": 99]),
            Self.entry("loyalty", latest: 12, cursors: ["health": 41]),
        ]
        #expect(
            BackupManifest.inconsistencies(ahead) == [
                "health has applied loyalty's events up to seq 13, but loyalty's copy ends at seq 12",
                "loyalty has applied health's events up to seq 41, but health's copy ends at seq 40",
            ], "a source without a copy (feedback) is not judged")
    }

    @Test("the manifest is written with snake_case keys and read back the same; a newer format is refused")
    func roundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cx-manifest-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let manifest = BackupManifest(services: [Self.entry("health", latest: 40, cursors: ["loyalty": 12])])
        try manifest.write(to: directory)
        let text = try String(contentsOfFile: "\(directory)/manifest.json", encoding: .utf8)
        #expect(text.contains("\"latest_seq\" : 40") && text.contains("\"applied_seq\" : 12"), "\(text)")
        #expect(try BackupManifest.read(from: directory) == manifest)

        try text.replacingOccurrences(of: "\"format\" : 1", with: "\"format\" : 2")
            .write(toFile: "\(directory)/manifest.json", atomically: true, encoding: .utf8)
        #expect(throws: CommandError.self) { try BackupManifest.read(from: directory) }
    }
}
