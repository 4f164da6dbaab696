import ArgumentParser
import Client
import Foundation

/// `cxctl config init|show`: the config file that tells cxctl where the services are.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Write or show cxctl's connection settings.",
        discussion: """
            Each setting comes from the environment (CX_…), else the config file ($CX_CONFIG, else \
            $XDG_CONFIG_HOME/anchorage/cxctl.conf, else ~/.config/anchorage/cxctl.conf), else the local \
            cx-suite's defaults.
            """,
        subcommands: [Init.self, Show.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a config file for the local cx-suite (mode 600): its sockets and its admin token.")
        @Flag(help: "Replace an existing config file.") var force = false

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let dataDirectory = LocalSuite.dataDirectory(environment: environment)
            var values: [String: String] = [:]
            for (key, _) in ConnectionSettings.keys {
                values[key] = ConnectionSettings.localSuiteDefault(key, dataDirectory: dataDirectory)
            }
            let path = ConfigFile.path(environment: environment)
            try ConfigFile.save(ConfigFile.render(values), to: path, replace: force)
            print("wrote \(path) for the suite in \(dataDirectory)")
            if values["token"] == nil {
                print(
                    "no token yet: start cx-suite once (it creates \(LocalSuite.adminTokenPath(dataDirectory: dataDirectory))),"
                        + " then run cxctl config init --force")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the settings in effect and where each comes from (the token masked).")

        func run() async throws {
            let settings: ConnectionSettings
            do {
                settings = try ConnectionSettings.resolve(environment: ProcessInfo.processInfo.environment)
            } catch {
                FileHandle.standardError.write(Data("cxctl: \(error)\n".utf8))
                throw ExitCode(2)
            }
            print("config file: \(settings.configPath)\(settings.configFound ? "" : " (none)")")
            let rows = settings.settings.map { setting in
                [
                    setting.key,
                    setting.value.map { setting.key == "token" ? Self.mask($0) : $0 } ?? "-",
                    setting.value == nil ? "not set" : setting.source,
                ]
            }
            print(Output.table([["SETTING", "VALUE", "FROM"]] + rows))
        }

        /// Enough of a token to tell two apart, never enough to use: its length and last four characters.
        static func mask(_ token: String) -> String {
            token.count < 16 ? "**** (\(token.count) characters)" : "****\(token.suffix(4)) (\(token.count) characters)"
        }
    }
}
