public import Foundation

/// Where a suite that needs no configuration keeps its things, one place for the services that
/// create them and the clients (cxctl, tests) that find them: the data directory, each service's
/// ipc sockets under `<data-dir>/run/`, and the local admin token.
public enum LocalSuite {
    /// `$CX_DATA_DIR`, else `$XDG_DATA_HOME/anchorage`, else `~/.local/share/anchorage`; an empty
    /// variable counts as unset.
    public static func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["CX_DATA_DIR"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return "\(xdg)/anchorage" }
        return "\(NSHomeDirectory())/.local/share/anchorage"
    }

    /// Where `service` answers requests: `ipc://<dataDirectory>/run/<service>.rep`.
    public static func requestURL(service: String, dataDirectory: String) -> String {
        "ipc://\(dataDirectory)/run/\(service).rep"
    }

    /// Where `service` publishes its events: `ipc://<dataDirectory>/run/<service>.pub`.
    public static func eventsURL(service: String, dataDirectory: String) -> String {
        "ipc://\(dataDirectory)/run/\(service).pub"
    }

    /// Where `service` keeps its database: `<dataDirectory>/<service>.sqlite` (SQLite puts its
    /// `-wal` and `-shm` files beside it); what `cxctl restore` writes.
    public static func databasePath(service: String, dataDirectory: String) -> String {
        "\(dataDirectory)/\(service).sqlite"
    }

    /// The admin token a service creates on first start when no token is configured.
    public static func adminTokenPath(dataDirectory: String) -> String {
        dataDirectory.hasSuffix("/") ? dataDirectory + "admin.token" : dataDirectory + "/admin.token"
    }
}
