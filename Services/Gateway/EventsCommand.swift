import ArgumentParser
import Client
import Foundation
import Messaging
import Models

/// `cxctl events tail`: follows the services' event streams as they are published.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Follow the services' events.", subcommands: [Tail.self])

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print events as the services publish them, until interrupted.",
            discussion: """
                Events come from every service's PUB socket: CX_<SERVICE>_EVENTS_URL, else the config \
                file's <service>.events_url, else the local suite's. Pub/sub drops what a slow reader \
                cannot take; services replay what they miss, this command only shows what it sees.
                """)
        @Option(help: "Only this service's events (repeat for several).") var source: [String] = []
        @Option(help: "Only events whose type starts with this, e.g. account. or score.changed.") var type: String?
        @Option(help: "Stop after this many events.") var count: Int?
        @Flag(help: "Show the heartbeats too.") var heartbeats = false
        @Flag(help: "One JSON object per line (field names as in envelope.proto; body decoded).") var json = false

        func validate() throws {
            for name in source where !Connection.services.contains(name) {
                throw ValidationError(
                    "--source \(name): not a service (\(Connection.services.joined(separator: ", ")))")
            }
        }

        func run() async throws {
            let connection = try Connection.resolveOrExit()
            let sources = source.isEmpty ? Connection.services : source
            let prefixes = sources.flatMap { service in
                ["\(service).\(type ?? "")"] + (heartbeats && type != nil ? ["\(service).heartbeat"] : [])
            }
            let subscriber = try Subscriber(dialing: sources.map(connection.eventsEndpoint), prefixes: prefixes)
            defer { subscriber.close() }
            var printed = 0
            while count.map({ printed < $0 }) ?? true {
                let publication = try await subscriber.receive(timeout: .seconds(3600))
                guard let line = describe(publication) else { continue }
                // Written at once, not buffered: a pipe reader (grep, jq) sees each event as it happens.
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
                // --count is a number of events: heartbeats shown with --heartbeats do not use it up.
                if !publication.isHeartbeat { printed += 1 }
            }
        }

        /// The publication as one line, or nil when it is a heartbeat not asked for.
        private func describe(_ publication: Publication) -> String? {
            if publication.isHeartbeat {
                guard heartbeats, let beat = try? Heartbeat(serializedBytes: publication.payload) else { return nil }
                if json { return beat.jsonValue.serialized(pretty: false) }
                return "\(Names.timestamp(beat.sentAtMs))  \(publication.topic)  latest seq \(beat.latestSeq)"
            }
            guard let event = try? Event(serializedBytes: publication.payload) else {
                return "\(publication.topic): \(publication.payload.count) bytes that are not an Event"
            }
            let body = EventCatalog.body(of: event)
            if json {
                guard case .object(var members) = event.jsonValue else { return nil }
                if let index = members.firstIndex(where: { $0.name == "body" }) { members[index].value = body }
                return JSONValue.object(members).serialized(pretty: false)
            }
            let customer = event.customerId.isEmpty ? "" : "  \(event.customerId)"
            return "\(Names.timestamp(event.occurredAtMs))  \(event.source).\(event.type) #\(event.seq)\(customer)  "
                + body.serialized(pretty: false)
        }
    }
}

extension Publication {
    /// Whether this is a service's heartbeat (`<service>.heartbeat`) rather than one of its events.
    fileprivate var isHeartbeat: Bool { topic.hasSuffix(".heartbeat") }
}

extension Names {
    /// A moment to the second, UTC ("2026-03-31T14:05:09Z"), for event lines and listings. Foundation's
    /// ISO 8601 format style formats in Swift: the ISO8601DateFormatter made per call before set up
    /// ICU each time, hundreds of µs a line for `cxctl events tail`.
    static func timestamp(_ ms: Int64) -> String {
        Date(timeIntervalSince1970: Double(ms) / 1000).formatted(.iso8601)
    }
}
