import Models

/// The scale each survey kind is answered on, and where an NPS answer puts the customer.
extension SurveyKind {
    /// NPS 0–10, CSAT 1–5, CES 1–7; nil for a kind that is not one of these.
    var scale: ClosedRange<Int32>? {
        switch self {
        case .nps: 0...10
        case .csat: 1...5
        case .ces: 1...7
        default: nil
        }
    }

    /// The lowest score that counts as favourable: CSAT 4–5 ("satisfied"), CES 5–7 ("agree it was
    /// easy"), NPS 9–10 (promoters).
    var favourableFrom: Int32 {
        switch self {
        case .csat: 4
        case .ces: 5
        default: 9
        }
    }

    /// "NPS", "CSAT", "CES".
    var acronym: String {
        switch self {
        case .nps: "NPS"
        case .csat: "CSAT"
        case .ces: "CES"
        default: "unspecified"
        }
    }
}

extension NpsCategory {
    /// Promoter 9–10, passive 7–8, detractor 0–6; unspecified for answers that are not NPS.
    init(kind: SurveyKind, score: Int32) {
        guard kind == .nps else {
            self = .unspecified
            return
        }
        self = score >= 9 ? .promoter : score >= 7 ? .passive : .detractor
    }
}
