import TestKit

/// One way of cutting the network between the fleet's hosts, and of healing it.
enum Cut: Sendable, CustomStringConvertible {
    /// The host reaches no one and no one reaches it, the driver included (its cable pulled); when
    /// `restarted`, its service is also killed (SIGKILL) and started again while it is cut off, as a host
    /// that reboots during a partition.
    case isolate(String, restarted: Bool)
    /// The two hosts cannot reach each other; everyone else is fine.
    case pair(String, String)
    /// What the first host sends the second is lost; the other way works.
    case oneWay(from: String, to: String)
    /// No host of one side reaches any of the other, and the other way round; the driver still reaches
    /// everyone (a split of the services' network, each side still serving its clients).
    case split([String], from: [String])

    var description: String {
        switch self {
        case .isolate(let host, let restarted): "\(host) isolated\(restarted ? " and restarted meanwhile" : "")"
        case .pair(let one, let other): "\(one)<->\(other) cut"
        case .oneWay(let from, let to): "\(from)->\(to) cut"
        case .split(let side, let other):
            "\(side.joined(separator: "+")) split from \(other.joined(separator: "+"))"
        }
    }

    /// The summary line's name for this kind of cut.
    var kind: String {
        switch self {
        case .isolate(_, let restarted): restarted ? "isolated_restarted" : "isolated"
        case .pair: "pairs"
        case .oneWay: "one_way"
        case .split: "splits"
        }
    }

    static let kinds = ["isolated", "isolated_restarted", "pairs", "one_way", "splits"]

    func apply(on network: VirtualNetwork) async throws {
        switch self {
        case .isolate(let host, _): try await network.setConnected(host, false)
        case .pair(let one, let other): try await network.drop([(one, other), (other, one)])
        case .oneWay(let from, let to): try await network.drop([(from, to)])
        case .split(let side, let other):
            try await network.drop(
                side.flatMap { one in other.flatMap { another in [(one, another), (another, one)] } })
        }
    }

    func heal(on network: VirtualNetwork) async throws {
        switch self {
        case .isolate(let host, _): try await network.setConnected(host, true)
        case .pair, .oneWay, .split: try await network.allowAll()
        }
    }
}
