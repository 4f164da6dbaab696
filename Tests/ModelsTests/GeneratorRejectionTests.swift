import Foundation
import Testing

/// A .proto file scripts/generate-models.py must refuse, and a phrase its error must contain.
struct RejectedProto: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let files: [String: String]
    let expectedError: String
}

/// Runs protoc-c and scripts/generate-models.py over `files` in a temporary directory.
/// - Returns: The generator's exit status and standard error.
private func generate(_ files: [String: String]) throws -> (status: Int32, errors: String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    for (name, source) in files {
        let url = directory.appendingPathComponent("proto/\(name)")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(source.utf8).write(to: url)
    }
    let names = files.keys.sorted()
    let set = directory.appendingPathComponent("set.pb").path
    let protoc = try run(
        [
            "protoc-c", "-I", directory.appendingPathComponent("proto").path,
            "--include_source_info", "--include_imports", "-o", set,
        ]
            + names.map { directory.appendingPathComponent("proto/\($0)").path })
    #expect(protoc.status == 0, "protoc-c: \(protoc.errors)")
    let script = repositoryRoot.appendingPathComponent("scripts/generate-models.py").path
    return try run(
        [
            "python3", script, "--descriptor-set", set, "--output-dir",
            directory.appendingPathComponent("out").path,
        ] + names)
}

/// Runs a command found on PATH; returns its exit status and standard error.
private func run(_ command: [String]) throws -> (status: Int32, errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = command
    let stderr = Pipe()
    process.standardError = stderr
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, errors)
}

private let header = "syntax = \"proto3\";\npackage t.v1;\n"
private let proto2Group = "message A { optional group G = 1 { optional int32 x = 2; } }"

@Suite("The generator refuses what Swift could not represent faithfully")
struct GeneratorRejectionTests {
    @Test("A supported file generates")
    func supportedFileGenerates() throws {
        let result = try generate(["t/v1/ok.proto": header + "message Ok { string value = 1; }"])
        #expect(result.status == 0, "\(result.errors)")
    }

    @Test(
        "An unsupported construct stops generation with a clear message",
        arguments: [
            RejectedProto(
                testDescription: "map field",
                files: ["t/v1/a.proto": header + "message A { map<string, int32> m = 1; }"],
                expectedError: "t.v1.A.m: map fields are not supported"),
            RejectedProto(
                testDescription: "proto2 (and so groups)",
                files: ["t/v1/a.proto": "syntax = \"proto2\";\npackage t.v1;\n" + proto2Group],
                expectedError: "only proto3 is supported"),
            RejectedProto(
                testDescription: "directly recursive message",
                files: ["t/v1/a.proto": header + "message A { A next = 1; }"],
                expectedError: "recursive message types are not supported (t.v1.A -> t.v1.A)"),
            RejectedProto(
                testDescription: "mutually recursive messages",
                files: ["t/v1/a.proto": header + "message A { repeated B b = 1; }\nmessage B { A a = 1; }"],
                expectedError: "recursive message types are not supported (t.v1.A -> t.v1.B -> t.v1.A)"),
            RejectedProto(
                // protoc already refuses two fields with the same camel-case name, but not a field and a oneof.
                testDescription: "field and oneof with the same Swift name",
                files: ["t/v1/a.proto": header + "message A { int32 fooBar = 1; oneof foo_bar { int32 x = 2; } }"],
                expectedError: "t.v1.A: fooBar and foo_bar would both be the Swift property fooBar"),
            RejectedProto(
                testDescription: "same message name in two packages",
                files: [
                    "t/v1/a.proto": header + "message Money { int64 units = 1; }",
                    "t/v2/b.proto": "syntax = \"proto3\";\npackage t.v2;\nmessage Money { int64 cents = 1; }",
                ],
                expectedError: "would both be the Swift type Money"),
            RejectedProto(
                testDescription: "type name shadowing a Swift type",
                files: ["t/v1/a.proto": header + "message String {}"],
                expectedError: "t.v1.String: the name String would shadow a Swift type"),
            RejectedProto(
                testDescription: "field named like a ProtoMessage member",
                files: ["t/v1/a.proto": header + "message A { bytes serialized_bytes = 1; }"],
                expectedError: "the Swift name serializedBytes is taken by ProtoMessage"),
            RejectedProto(
                testDescription: "enum value named unrecognized",
                files: ["t/v1/a.proto": header + "enum E { E_ZERO = 0; E_UNRECOGNIZED = 1; }"],
                expectedError: "t.v1.E.E_UNRECOGNIZED: the Swift case name unrecognized is taken"),
        ])
    func unsupportedConstructIsRejected(proto: RejectedProto) throws {
        let result = try generate(proto.files)
        #expect(result.status != 0)
        #expect(result.errors.contains("generate-models: "), "\(result.errors)")
        #expect(result.errors.contains(proto.expectedError), "\(result.errors)")
    }
}
