import Client
import Foundation
import Models
import TestKit
import Testing

/// What `cxctl backup` and `cxctl restore` refuse, each with one line naming what is wrong, and
/// without writing anything.
@Suite("cxctl backup and restore refuse what they must")
struct BackupRefusalTests {
    @Test(
        "restore refuses a data directory that has a database, a damaged copy and copies that disagree; backup refuses a used directory and a service that is down, and leaves delivery running"
    )
    func refusals() async throws {
        let suite = try await SuiteHarness(separate: true)
        defer { suite.stop() }
        try await BackupTraffic.seed(suite)
        try await BackupRestoreTests.settle(suite)
        let backup = try makeTemporaryDirectory("cx-backup")
        let (status, output) = try await suite.cxctl(["backup", "--out", backup])
        try #require(status == 0, "\(output)")

        let (again, againOutput) = try await suite.cxctl(["backup", "--out", backup])
        #expect(again != 0 && againOutput.contains("is not empty"), "\(againOutput)")

        let restored = try makeTemporaryDirectory("cx-restored")
        #expect(try await suite.cxctl(["restore", "--from", backup, "--data-dir", restored]).0 == 0)
        let before = try Self.databases(in: restored)
        let (twice, twiceOutput) = try await suite.cxctl(["restore", "--from", backup, "--data-dir", restored])
        #expect(twice != 0 && twiceOutput.contains("\(restored)/feedback.sqlite exists"), "\(twiceOutput)")
        #expect(try Self.databases(in: restored) == before, "nothing overwritten")

        let damaged = try Self.copy(backup)
        let file = try FileHandle(forUpdating: URL(fileURLWithPath: "\(damaged)/loyalty.sqlite"))
        try file.seek(toOffset: 5_000)
        let byte = try file.read(upToCount: 1)![0]
        try file.seek(toOffset: 5_000)
        try file.write(contentsOf: [byte ^ 0xFF])
        try file.close()
        let fresh = try makeTemporaryDirectory("cx-restored")
        let (refused, refusedOutput) = try await suite.cxctl(["restore", "--from", damaged, "--data-dir", fresh])
        #expect(refused != 0 && refusedOutput.contains("loyalty: \(damaged)/loyalty.sqlite has"), "\(refusedOutput)")
        #expect(try Self.databases(in: fresh).isEmpty, "nothing restored")

        let disagreeing = try Self.copy(backup)
        try Self.moveCursor(of: "health", source: "loyalty", aheadBy: 5, in: disagreeing)
        let (disagree, disagreeOutput) = try await suite.cxctl([
            "restore", "--from", disagreeing, "--data-dir", fresh,
        ])
        #expect(
            disagree != 0 && disagreeOutput.contains("health has applied loyalty's events up to seq"),
            "\(disagreeOutput)")
        #expect(try Self.databases(in: fresh).isEmpty, "nothing restored")

        try await suite.kill("advocacy")
        let (down, downOutput) = try await suite.cxctl(["backup", "--out", try makeTemporaryDirectory("cx-backup")])
        #expect(down != 0 && downOutput.contains("backup failed: advocacy:"), "\(downOutput)")
        let _: RecordPurchaseResponse = try await suite.call(
            "loyalty", "RecordPurchase",
            RecordPurchaseRequest(
                purchaseId: "after-the-failed-backup", customer: .init(value: BackupTraffic.customers[0]),
                amount: Money(minorUnits: 5_000, currency: "EUR")))
        let latest = try await suite.clients["loyalty"]!.status().latestSeq
        let delivered = try await eventually(.seconds(30)) {
            let health = try await suite.clients["health"]!.status()
            return health.subscriptions.first { $0.source == "loyalty" }!.appliedSeq == latest
        }
        #expect(delivered, "health still applies loyalty's events: the failed backup resumed delivery")
    }

    /// The .sqlite files in `directory`, with their sizes.
    static func databases(in directory: String) throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.contains(".sqlite") {
            sizes[file] = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(file)")).count
        }
        return sizes
    }

    /// A copy of the backup directory, to spoil.
    static func copy(_ backup: String) throws -> String {
        let copy = try makeTemporaryDirectory("cx-backup-copy") + "/backup"
        try FileManager.default.copyItem(atPath: backup, toPath: copy)
        return copy
    }

    /// Edits the manifest so that `service`'s copy claims to have applied `aheadBy` more of
    /// `source`'s events than `source`'s copy holds.
    static func moveCursor(of service: String, source: String, aheadBy: UInt64, in backup: String) throws {
        let path = "\(backup)/manifest.json"
        var manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        var services = try #require(manifest["services"] as? [[String: Any]])
        let sourceLatest = try #require(
            services.first { $0["service"] as? String == source }?["latest_seq"] as? NSNumber)
        let index = try #require(services.firstIndex { $0["service"] as? String == service })
        var cursors = services[index]["cursors"] as? [[String: Any]] ?? []
        cursors.removeAll { $0["source"] as? String == source }
        cursors.append(["source": source, "applied_seq": sourceLatest.uint64Value + aheadBy])
        services[index]["cursors"] = cursors
        manifest["services"] = services
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: path))
    }
}
