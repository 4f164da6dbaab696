import ArgumentParser
import Client
import Foundation
import Models

/// `cxctl status`: every service's Status as a table (or JSON), down ones included.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show whether each service is up, its event log and subscriptions.")

    @Flag(help: "Print JSON (field names as in service.proto) instead of a table.")
    var json = false

    func run() async throws {
        let connection = try Connection.resolveOrExit()
        let results = await withTaskGroup(of: (String, Result<StatusResponse, ClientError>).self) { group in
            for service in Connection.services {
                group.addTask {
                    do {
                        let client = try connection.client(for: service)
                        defer { client.close() }
                        return (service, .success(try await client.status()))
                    } catch let error as ClientError {
                        return (service, .failure(error))
                    } catch {
                        return (
                            service,
                            .failure(ClientError(code: .unavailable, message: "\(error)", method: "\(service).Status"))
                        )
                    }
                }
            }
            var collected: [String: Result<StatusResponse, ClientError>] = [:]
            for await (service, result) in group { collected[service] = result }
            return Connection.services.map { ($0, collected[$0]!) }
        }
        print(json ? StatusReport.json(results) : StatusReport.table(results))
        if results.contains(where: { if case .failure = $0.1 { true } else { false } }) {
            throw ExitCode(3)
        }
    }
}

/// Renders Status replies for people (a table) and for machines (JSON).
enum StatusReport {
    static func table(_ results: [(String, Result<StatusResponse, ClientError>)]) -> String {
        var rows = [["SERVICE", "STATE", "VERSION", "UPTIME", "EVENTS", "SUBSCRIPTIONS", "REQUESTS", "DATABASE"]]
        for (service, result) in results {
            switch result {
            case .success(let status):
                let subscriptions =
                    status.subscriptions.isEmpty
                    ? "-"
                    : status.subscriptions.map { "\($0.source) lag \($0.lag)" }.joined(separator: ", ")
                rows.append([
                    service, "up", status.version, duration(milliseconds: status.uptimeMs), "\(status.latestSeq)",
                    subscriptions, "\(status.requestsServed)", bytes(status.databaseBytes),
                ])
            case .failure(let error):
                rows.append([service, "down", "-", "-", "-", "-", "-", reason(error)])
            }
        }
        return Output.table(rows)
    }

    /// Each service's Status with its .proto field names, plus whether it is up (and why not).
    static func json(_ results: [(String, Result<StatusResponse, ClientError>)]) -> String {
        let services: [JSONValue] = results.map { service, result in
            switch result {
            case .success(let status):
                guard case .object(let members) = status.jsonValue else { return status.jsonValue }
                return .object([JSONMember("up", .bool(true))] + members)
            case .failure(let error):
                return .object([
                    JSONMember("service", .string(service)), JSONMember("up", .bool(false)),
                    JSONMember("error", .string(error.message)), JSONMember("code", .string("\(error.code)")),
                ])
            }
        }
        return JSONValue.object([JSONMember("services", .array(services))]).serialized()
    }

    private static func reason(_ error: ClientError) -> String {
        error.code == .deadlineExceeded ? "no answer" : "\(error.code): \(error.message)"
    }

    private static func duration(milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(seconds % 60)s" }
        return "\(seconds / 3600)h\(seconds % 3600 / 60)m"
    }

    private static func bytes(_ count: UInt64) -> String {
        count < 1 << 20 ? "\(count / 1024) KiB" : String(format: "%.1f MiB", Double(count) / 1_048_576)
    }
}
