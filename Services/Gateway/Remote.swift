import ArgumentParser
import Client
import Foundation
import Models

/// One call to a service with the resolved connection, for every command: a failure becomes one
/// line on stderr and exit status 1.
enum Remote {
    static func call<Request: ProtoMessage, Reply: ProtoMessage>(
        _ service: String, _ method: String, _ request: Request
    ) async throws -> Reply {
        let connection = try Connection.resolveOrExit()
        let client = try connection.client(for: service)
        defer { client.close() }
        do {
            return try await client.call(method, request)
        } catch {
            FileHandle.standardError.write(Data("cxctl: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
