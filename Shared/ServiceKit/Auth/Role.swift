/// What a caller may do. Every method declares the role it needs; a token's role decides whether it may
/// call it (see ``permits(_:)``).
///
/// - `reader`: queries and reports.
/// - `writer`: everything a reader may, plus the writes a business system feeds in (purchases, usage, answers).
/// - `admin`: everything, including configuration of surveys, tiers, SLA policies and the like.
/// - `service`: another service of the suite: reads, plus the service-to-service methods (`ReplayEvents`).
public enum Role: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case reader
    case writer
    case admin
    case service

    /// Whether a token with this role may call a method that requires `required`.
    ///
    /// `admin` permits everything; `writer` permits `writer` and `reader`; `service` permits `service` and
    /// `reader`; `reader` permits only `reader`.
    public func permits(_ required: Role) -> Bool {
        switch (self, required) {
        case (.admin, _): true
        case (.writer, .writer), (.writer, .reader): true
        case (.service, .service), (.service, .reader): true
        case (.reader, .reader): true
        default: false
        }
    }

    /// Declaration order (reader, writer, admin, service), for stable sorting and listings. It is not a
    /// ranking of privilege — `service` is not above `admin`; ask ``permits(_:)`` for that.
    public static func < (lhs: Role, rhs: Role) -> Bool {
        lhs.order < rhs.order
    }

    public var description: String { rawValue }

    private var order: Int { Role.allCases.firstIndex(of: self)! }
}
