/// How hard an acknowledged write is held.
///
/// Both levels run SQLite in WAL mode; they differ in when SQLite calls `fsync`.
public enum Durability: String, Sendable, CaseIterable {
    /// `synchronous=NORMAL`: an acknowledged write survives `kill -9` of the process, because the
    /// committed WAL frames are already in the operating system's page cache. A power loss or kernel
    /// crash may lose the last commits (never corrupt the file). The default.
    case processCrash
    /// `synchronous=FULL`: an acknowledged write also survives power loss. Costs one `fsync` of the
    /// WAL per group commit, shared by every write in the batch.
    case powerLoss

    /// The value of SQLite's `PRAGMA synchronous` for this level.
    var synchronousPragma: String {
        switch self {
        case .processCrash: "NORMAL"
        case .powerLoss: "FULL"
        }
    }
}
