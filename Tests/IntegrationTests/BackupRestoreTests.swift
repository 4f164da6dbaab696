import Client
import Foundation
import Messaging
import Models
import TestKit
import Testing

/// `cxctl backup` against five separate service processes under write traffic, `cxctl restore` into
/// fresh data directories, and suites started on them: real processes, sockets and files.
@Suite("cxctl backup and restore", .serialized)
struct BackupRestoreTests {
    /// One service's line of manifest.json.
    struct ManifestEntry {
        var bytes: Int64
        var sha256: String
        var latestSeq: UInt64
        var cursors: [String: UInt64]
    }

    static func manifest(_ directory: String) throws -> [String: ManifestEntry] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/manifest.json"))
        let object = try jsonObject(String(decoding: data, as: UTF8.self))
        let services = try #require(object["services"] as? [[String: Any]])
        var entries: [String: ManifestEntry] = [:]
        for service in services {
            let cursors = (service["cursors"] as? [[String: Any]] ?? []).map {
                ($0["source"] as! String, ($0["applied_seq"] as! NSNumber).uint64Value)
            }
            entries[service["service"] as! String] = ManifestEntry(
                bytes: (service["bytes"] as! NSNumber).int64Value, sha256: service["sha256"] as! String,
                latestSeq: (service["latest_seq"] as! NSNumber).uint64Value,
                cursors: Dictionary(uniqueKeysWithValues: cursors))
        }
        return entries
    }

    /// Waits until every subscriber has applied everything, including what applying made (an answer
    /// opens a case, the case reaches health).
    static func settle(_ suite: SuiteHarness) async throws {
        for _ in 0..<3 {
            for service in suiteServices { try await suite.caughtUp(with: service) }
        }
    }

    @Test(
        "a backup taken while all five services take writes restores into a consistent suite that catches up by replay; a backup of the quiet suite restores to the same reports"
    )
    func backupUnderWritesAndRestore() async throws {
        let source = try await SuiteHarness(separate: true)
        defer { source.stop() }
        try await BackupTraffic.seed(source)
        let traffic = BackupTraffic()
        traffic.start(source, run: "during")
        #expect(try await eventually(.seconds(60)) { traffic.acknowledged.load(ordering: .relaxed) >= 40 })

        let during = try makeTemporaryDirectory("cx-backup-during")
        let before = traffic.acknowledged.load(ordering: .relaxed)
        let started = ContinuousClock.now
        let (backupStatus, backupOutput) = try await source.cxctl(["backup", "--out", during])
        let took = ContinuousClock.now - started
        let after = traffic.acknowledged.load(ordering: .relaxed)
        await traffic.stop()
        try #require(backupStatus == 0, "\(backupOutput)")
        #expect(after > before, "writes were acknowledged while the backup ran (\(before) → \(after))")
        #expect(traffic.failures.withLock { $0 }.isEmpty, "\(traffic.failures.withLock { $0 })")
        print("backup under writes: \(took), \(after - before) writes acknowledged meanwhile\n\(backupOutput)")

        // The copies agree: none has applied an event its source's copy lacks; the files match.
        let manifest = try Self.manifest(during)
        #expect(Set(manifest.keys) == Set(suiteServices))
        for (service, entry) in manifest {
            let file = try SHA256.file("\(during)/\(service).sqlite")
            #expect(file.bytes == entry.bytes && file.hex == entry.sha256, "\(service)")
            for (source, applied) in entry.cursors {
                #expect(applied <= manifest[source]!.latestSeq, "\(service) applied \(source) up to \(applied)")
            }
        }

        // A second backup, of the quiet suite, restores to exactly the same reports.
        try await Self.settle(source)
        let quiet = try makeTemporaryDirectory("cx-backup-quiet")
        let (quietStatus, quietOutput) = try await source.cxctl(["backup", "--out", quiet])
        try #require(quietStatus == 0, "\(quietOutput)")
        let quietManifest = try Self.manifest(quiet)
        let expected = try await SuiteReports.take(source)

        let restoredQuiet = try makeTemporaryDirectory("cx-restored-quiet")
        let (restoreStatus, restoreOutput) = try await source.cxctl([
            "restore", "--from", quiet, "--data-dir", restoredQuiet,
        ])
        try #require(restoreStatus == 0, "\(restoreOutput)")
        let quietSuite = try await SuiteHarness(separate: true, dataDirectory: restoredQuiet)
        try await Self.settle(quietSuite)
        let differences = SuiteReports.differences(expected, try await SuiteReports.take(quietSuite))
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        for service in suiteServices {
            let last = quietManifest[service]!.latestSeq
            let restoredEvents = try await SuiteReports.events(service, through: last, in: quietSuite)
            #expect(restoredEvents.count == Int(last))
            #expect(restoredEvents == (try await SuiteReports.events(service, through: last, in: source)), "\(service)")
        }
        quietSuite.stop()

        // The backup taken under writes: each log is a prefix of the source's, and the followers
        // replay what their sources' copies hold beyond their cursors.
        let restoredDuring = try makeTemporaryDirectory("cx-restored-during")
        let (duringStatus, duringOutput) = try await source.cxctl([
            "restore", "--from", during, "--data-dir", restoredDuring,
        ])
        try #require(duringStatus == 0, "\(duringOutput)")
        let duringSuite = try await SuiteHarness(separate: true, dataDirectory: restoredDuring)
        defer { duringSuite.stop() }
        for service in suiteServices {
            let last = manifest[service]!.latestSeq
            let restoredEvents = try await SuiteReports.events(service, through: last, in: duringSuite)
            #expect(restoredEvents.count == Int(last), "\(service)'s restored log holds the copy's \(last) events")
            #expect(restoredEvents == (try await SuiteReports.events(service, through: last, in: source)), "\(service)")
        }
        try await Self.settle(duringSuite)
        var behind: [String] = []
        var subscriptions = 0
        for (service, client) in duringSuite.clients {
            for subscription in try await client.status().subscriptions {
                let sourceLatest = try await duringSuite.clients[subscription.source]!.status().latestSeq
                let copied = manifest[service]!.cursors[subscription.source] ?? 0
                let sourceCopied = manifest[subscription.source]!.latestSeq
                #expect(subscription.appliedSeq == sourceLatest && sourceCopied <= sourceLatest, "\(service)")
                subscriptions += 1
                if copied < sourceCopied {
                    behind.append("\(service)←\(subscription.source) \(copied)→\(sourceCopied)")
                }
            }
        }
        print(
            "restored from the backup taken under writes: \(behind.count) of \(subscriptions) subscriptions were behind "
                + "their source's copy and caught up by replay: \(behind.sorted().joined(separator: ", "))")
        try await Self.expectConsistent(duringSuite)
    }

    /// Each service agrees with itself and with the others: a balance is the sum of its counted
    /// entries; health counted every answer feedback holds and every case escalation holds.
    static func expectConsistent(_ suite: SuiteHarness) async throws {
        for id in BackupTraffic.customers {
            let customer = CustomerId(value: id)
            let statement: GetStatementResponse = try await suite.call(
                "loyalty", "GetStatement", GetStatementRequest(customer: customer, page: PageRequest(pageSize: 1000)))
            #expect(Int(statement.page?.totalCount ?? 0) == statement.entries.count)
            #expect(statement.balance == statement.entries.filter { !$0.pending }.map(\.points).reduce(0, +), "\(id)")
            #expect(statement.pending == statement.entries.filter(\.pending).map(\.points).reduce(0, +), "\(id)")

            let answers: ListResponsesResponse = try await suite.call(
                "feedback", "ListResponses",
                ListResponsesRequest(customer: customer, kind: .nps, page: PageRequest(pageSize: 1)))
            let cases: ListCasesResponse = try await suite.call(
                "escalation", "ListCases", ListCasesRequest(customer: customer, page: PageRequest(pageSize: 1)))
            let value: GetValueReportResponse = try await suite.call(
                "health", "GetValueReport", GetValueReportRequest(customer: customer))
            #expect(UInt64(value.report?.npsAnswers ?? 0) == answers.page?.totalCount, "\(id)")
            #expect(UInt64(value.report?.casesOpened ?? 0) == cases.page?.totalCount, "\(id)")
        }
    }
}
