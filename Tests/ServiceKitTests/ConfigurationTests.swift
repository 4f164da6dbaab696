import Foundation
import Logging
import Messaging
import ServiceKit
import Testing

/// A fresh temporary directory per test, with helpers to write files into it.
private struct Scratch {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("cx-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the directory and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = "\(path)/\(name)"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    var dataDirectory: String { "\(path)/data" }
    var defaults: ServiceConfiguration { ServiceConfiguration(dataDirectory: dataDirectory) }

    func load(_ arguments: [String] = [], environment: [String: String] = [:]) throws(ConfigurationError)
        -> ServiceConfiguration
    {
        try ConfigurationLoader.load(arguments: arguments, environment: environment, defaults: defaults)
    }

    /// The error `load` throws, or a recorded failure when it succeeds.
    func error(_ arguments: [String] = [], environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            let configuration = try load(arguments, environment: environment)
            Issue.record("expected a configuration error, got:\n\(configuration.describe())")
            return nil
        } catch {
            return error
        }
    }
}

private let secretA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
private let secretB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

@Suite("Configuration: precedence")
struct ConfigurationPrecedenceTests {
    @Test("a scalar comes from the flag, else the environment, else the file, else the default")
    func scalarPrecedence() throws {
        let scratch = try Scratch()
        let file = try scratch.write("cx.conf", "log-level = debug\n")
        let environment = ["CX_CONFIG": file, "CX_LOG_LEVEL": "warning"]

        #expect(try scratch.load(["--log-level", "error"], environment: environment).logLevel == .error)
        #expect(try scratch.load(environment: environment).logLevel == .warning)
        #expect(try scratch.load(environment: ["CX_CONFIG": file]).logLevel == .debug)
        #expect(try scratch.load().logLevel == .info)
    }

    @Test("a list from a higher source replaces the lower source's list")
    func listPrecedence() throws {
        let scratch = try Scratch()
        let file = try scratch.write(
            "cx.conf", "listen = tcp://127.0.0.1:7001\nlisten = tcp://127.0.0.1:7002\n")
        let environment = ["CX_CONFIG": file, "CX_LISTEN": "ipc:///tmp/a.sock, ipc:///tmp/b.sock"]
        let flags = ["--listen", "inproc://one", "--listen=inproc://two"]

        #expect(
            try scratch.load(flags, environment: environment).listen.map(\.url) == ["inproc://one", "inproc://two"])
        #expect(
            try scratch.load(environment: environment).listen.map(\.url) == ["ipc:///tmp/a.sock", "ipc:///tmp/b.sock"])
        #expect(
            try scratch.load(environment: ["CX_CONFIG": file]).listen.map(\.url)
                == ["tcp://127.0.0.1:7001", "tcp://127.0.0.1:7002"])
    }

    @Test("the config file's path comes from --config before CX_CONFIG")
    func configPathPrecedence() throws {
        let scratch = try Scratch()
        let fromFlag = try scratch.write("flag.conf", "durability = power-loss\n")
        let fromEnvironment = try scratch.write("env.conf", "durability = process-crash\n")
        let configuration = try scratch.load(["--config", fromFlag], environment: ["CX_CONFIG": fromEnvironment])
        #expect(configuration.durability == "power-loss")
    }

    @Test("an empty environment variable counts as unset")
    func emptyEnvironmentIsUnset() throws {
        let scratch = try Scratch()
        #expect(try scratch.load(environment: ["CX_LOG_LEVEL": "", "CX_LISTEN": " "]).logLevel == .info)
    }

    @Test("a peer's two endpoints may come from different sources")
    func peerFromTwoSources() throws {
        let scratch = try Scratch()
        let configuration = try scratch.load(
            ["--peer.health.events", "tcp://10.0.0.5:7102"],
            environment: ["CX_PEER_HEALTH_REQUEST": "tcp://10.0.0.5:7101"])
        #expect(configuration.peers["health"]?.request.url == "tcp://10.0.0.5:7101")
        #expect(configuration.peers["health"]?.events.url == "tcp://10.0.0.5:7102")
    }
}

@Suite("Configuration: the file")
struct ConfigurationFileTests {
    @Test("comments, blank lines, quotes and every key are read")
    func parsesEveryKey() throws {
        let scratch = try Scratch()
        let tokens = try scratch.write(
            "tokens", "# ops\nreader:dashboards:\(secretB)  # read-only\n\nservice:loyalty:cccccccccccccccccccccccc\n")
        let file = try scratch.write(
            "cx.conf",
            """
            # Anchorage feedback service
            listen = tcp://127.0.0.1:7001   # requests
            publish = "tcp://127.0.0.1:7002"

            peer.health.request = tcp://127.0.0.1:7101
            peer.health.events = tcp://127.0.0.1:7102
            data-dir = \(scratch.path)/feedback
            token = admin:ops:\(secretA)
            tokens-file = \(tokens)
            log-level = NOTICE
            log-format = json
            http = 127.0.0.1:9101
            durability = power-loss

            """)
        let configuration = try scratch.load(["--config=\(file)"])

        #expect(configuration.listen.map(\.url) == ["tcp://127.0.0.1:7001"])
        #expect(configuration.publish.map(\.url) == ["tcp://127.0.0.1:7002"])
        #expect(
            configuration.peers == [
                "health": PeerEndpoints(
                    request: try Endpoint("tcp://127.0.0.1:7101"), events: try Endpoint("tcp://127.0.0.1:7102"))
            ])
        #expect(configuration.dataDirectory == "\(scratch.path)/feedback")
        #expect(
            configuration.tokens == [
                AccessToken(name: "ops", role: .admin, secret: secretA),
                AccessToken(name: "dashboards", role: .reader, secret: secretB),
                AccessToken(name: "loyalty", role: .service, secret: "cccccccccccccccccccccccc"),
            ])
        #expect(configuration.logLevel == .notice)
        #expect(configuration.logFormat == .json)
        #expect(configuration.httpAddress == "127.0.0.1:9101")
        #expect(configuration.durability == "power-loss")
    }

    @Test("a line without = names the file and line")
    func lineWithoutEquals() throws {
        let scratch = try Scratch()
        let file = try scratch.write("cx.conf", "# fine\nlisten tcp://127.0.0.1:7001\n")
        let error = try #require(scratch.error(["--config", file]))
        #expect(error.description == "config (file \(file):2): expected a \"key = value\" line")
    }

    @Test("a missing config file names the path, its source and the errno text")
    func missingConfigFile() throws {
        let scratch = try Scratch()
        let error = try #require(scratch.error(environment: ["CX_CONFIG": "\(scratch.path)/nope.conf"]))
        #expect(
            error.description
                == "config (env CX_CONFIG): cannot read \(scratch.path)/nope.conf: No such file or directory")
    }

    @Test("a config file cannot name another")
    func nestedConfig() throws {
        let scratch = try Scratch()
        let file = try scratch.write("cx.conf", "config = /etc/other.conf\n")
        #expect(scratch.error(["--config", file])?.code == .inconsistent)
    }
}

@Suite("Configuration: errors")
struct ConfigurationErrorTests {
    @Test("an unknown key in a file suggests the nearest")
    func unknownFileKey() throws {
        let scratch = try Scratch()
        let file = try scratch.write("cx.conf", "lisen = tcp://127.0.0.1:7001\n")
        let error = try #require(scratch.error(["--config", file]))
        #expect(error.code == .unknownSetting)
        #expect(error.description == "lisen (file \(file):1): unknown setting \"lisen\" (did you mean \"listen\"?)")
    }

    @Test("an unknown flag suggests the nearest flag")
    func unknownFlag() throws {
        let error = try #require(try Scratch().error(["--log-levl", "debug"]))
        #expect(
            error.description
                == "log-levl (flag --log-levl): unknown setting \"--log-levl\" (did you mean \"--log-level\"?)")
    }

    @Test("an unknown CX_ variable suggests the nearest variable")
    func unknownVariable() throws {
        let error = try #require(try Scratch().error(environment: ["CX_PEER_HEALTH_REQEST": "tcp://a:1"]))
        #expect(
            error.description
                == "peer.health.reqest (env CX_PEER_HEALTH_REQEST): unknown setting \"CX_PEER_HEALTH_REQEST\" "
                + "(did you mean \"CX_PEER_HEALTH_REQUEST\"?)")
    }

    @Test("a CX_ variable far from every setting belongs to another tool and is left alone")
    func foreignVariable() throws {
        let configuration = try Scratch().load(environment: ["CX_LOYALTY_URL": "tcp://10.0.0.5:7102"])
        #expect(configuration.listen.isEmpty)
    }

    @Test("a key far from every known one lists them all")
    func unknownWithoutSuggestion() throws {
        let error = try #require(try Scratch().error(["--colour", "blue"]))
        #expect(error.reason.hasPrefix("unknown setting \"--colour\" (the settings are listen, publish, "))
    }

    @Test("a malformed URL names the key, the source and the reason")
    func malformedURL() throws {
        let error = try #require(try Scratch().error(environment: ["CX_LISTEN": "tcp://127.0.0.1:7001,htp://0:1"]))
        #expect(error.code == .invalidValue)
        #expect(
            error.description
                == "listen (env CX_LISTEN): \"htp://0:1\": unknown transport \"htp\" (use one of inproc, ipc, tcp, tls+tcp)"
        )
    }

    @Test("a data directory that cannot be created names the path and the errno text")
    func uncreatableDataDirectory() throws {
        let scratch = try Scratch()
        let blocker = try scratch.write("blocker", "a file, not a directory\n")
        let error = try #require(scratch.error(["--data-dir", "\(blocker)/data"]))
        #expect(error.code == .fileSystem)
        #expect(
            error.description == "data-dir (flag --data-dir): cannot create directory \(blocker)/data: Not a directory")
    }

    @Test("a data directory that cannot be written names the path", .enabled(if: getuid() != 0, "root writes anywhere"))
    func unwritableDataDirectory() throws {
        let scratch = try Scratch()
        let locked = "\(scratch.path)/locked"
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
        chmod(locked, 0o500)
        defer { chmod(locked, 0o700) }
        let error = try #require(scratch.error(environment: ["CX_DATA_DIR": locked]))
        #expect(error.description == "data-dir (env CX_DATA_DIR): cannot write in \(locked): Permission denied")
    }

    @Test("a missing data directory is created with mode 0700")
    func createsDataDirectory() throws {
        let scratch = try Scratch()
        let directory = "\(scratch.path)/a/b/data"
        _ = try scratch.load(["--data-dir", directory])
        var info = stat()
        #expect(stat(directory, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
    }

    @Test("a tls+tcp endpoint needs readable certificate files")
    func missingTLSFile() throws {
        let scratch = try Scratch()
        let certificate = try scratch.write("server.crt", "-----BEGIN CERTIFICATE-----\n")
        let key = try scratch.write("server.key", "-----BEGIN PRIVATE KEY-----\n")
        let error = try #require(
            scratch.error(
                ["--listen", "tls+tcp://127.0.0.1:7001", "--tls-cert", certificate, "--tls-key", key],
                environment: ["CX_TLS_CA": "\(scratch.path)/ca.crt"]))
        #expect(
            error.description == "tls-ca (env CX_TLS_CA): cannot read \(scratch.path)/ca.crt: No such file or directory"
        )
    }

    @Test("a tls+tcp endpoint without certificates is an error")
    func tlsWithoutCertificates() throws {
        let error = try #require(try Scratch().error(["--publish", "tls+tcp://127.0.0.1:7002"]))
        #expect(
            error.description
                == "publish (flag --publish): tls+tcp://127.0.0.1:7002 uses tls+tcp, which needs tls-cert, tls-key and tls-ca"
        )
    }

    @Test("the three TLS files go together")
    func partialTLS() throws {
        let error = try #require(try Scratch().error(["--tls-cert", "/etc/cx/server.crt"]))
        #expect(error.code == .inconsistent)
        #expect(error.key == "tls-key")
        #expect(error.reason.contains("tls-cert is given (flag --tls-cert)"))
    }

    @Test("an unknown log level lists the levels")
    func badLogLevel() throws {
        let error = try #require(try Scratch().error(["--log-level", "verbose"]))
        #expect(
            error.description
                == "log-level (flag --log-level): unknown level \"verbose\" "
                + "(use one of trace, debug, info, notice, warning, error, critical)")
    }

    @Test("an unknown durability lists the choices")
    func badDurability() throws {
        let error = try #require(try Scratch().error(environment: ["CX_DURABILITY": "fsync"]))
        #expect(
            error.description
                == "durability (env CX_DURABILITY): unknown durability \"fsync\" (use process-crash or power-loss)")
    }

    @Test("a peer needs both endpoints")
    func halfAPeer() throws {
        let error = try #require(try Scratch().error(["--peer.health.request", "tcp://127.0.0.1:7101"]))
        #expect(error.key == "peer.health.events")
        #expect(error.reason.contains("peer.health.request is given (flag --peer.health.request)"))
    }

    @Test("a bad token names its source and never shows the secret")
    func badToken() throws {
        let scratch = try Scratch()
        let tokens = try scratch.write("tokens", "writer:ok:\(secretA)\nwrtier:billing:\(secretB)\n")
        let error = try #require(scratch.error(["--tokens-file", tokens]))
        #expect(
            error.description
                == "token (file \(tokens):2): unknown role \"wrtier\" (use one of reader, writer, admin, service)")
        let short = try #require(try Scratch().error(environment: ["CX_TOKEN": "admin:ops:short-secret"]))
        #expect(short.description == "token (env CX_TOKEN): token \"ops\": the secret is shorter than 16 characters")
        #expect(!short.description.contains("short-secret"))
    }

    @Test("two tokens with one secret are refused")
    func duplicateSecret() throws {
        let error = try #require(
            try Scratch().error(["--token", "admin:ops:\(secretA)", "--token", "reader:dash:\(secretA)"]))
        #expect(error.description.contains("reader token \"dash\" has the same secret as admin token \"ops\""))
        #expect(!error.description.contains(secretA))
    }

    @Test("a scalar given twice in one source is refused")
    func scalarTwice() throws {
        let error = try #require(try Scratch().error(["--durability", "power-loss", "--durability=process-crash"]))
        #expect(
            error.description
                == "durability (flag --durability): given twice (also at flag --durability); it takes one value")
    }

    @Test("a flag without a value and a stray argument are refused")
    func malformedArguments() throws {
        #expect(try Scratch().error(["--listen"])?.description == "listen (flag --listen): needs a value after it")
        #expect(try Scratch().error(["serve"])?.code == .unknownSetting)
    }

    @Test("http takes host:port or off")
    func httpAddress() throws {
        let scratch = try Scratch()
        #expect(try scratch.load(["--http", "[::1]:9101"]).httpAddress == "[::1]:9101")
        let defaults = ServiceConfiguration(dataDirectory: scratch.dataDirectory, httpAddress: "127.0.0.1:9101")
        let off = try ConfigurationLoader.load(arguments: [], environment: ["CX_HTTP": "off"], defaults: defaults)
        #expect(off.httpAddress == nil)
        let error = try #require(scratch.error(["--http", "9101"]))
        #expect(
            error.description
                == "http (flag --http): \"9101\": expected host:port, e.g. 127.0.0.1:9101 (or off for none)")
    }
}

@Suite("Configuration: describe")
struct ConfigurationDescribeTests {
    @Test("describe lists every setting and hides token secrets")
    func describeRedacts() throws {
        let configuration = ServiceConfiguration(
            listen: [try Endpoint("tcp://127.0.0.1:7001")],
            dataDirectory: "/var/lib/cx/loyalty",
            tokens: [AccessToken(name: "ops", role: .admin, secret: secretA)],
            httpAddress: "127.0.0.1:9101")
        #expect(
            configuration.describe() == """
                listen = tcp://127.0.0.1:7001
                publish = (none)
                data-dir = /var/lib/cx/loyalty
                token = admin:ops:<redacted>
                log-level = info
                log-format = text
                http = 127.0.0.1:9101
                durability = process-crash
                """)
    }
}
