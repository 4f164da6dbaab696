import Foundation
import Models

/// The score of a set of answers of one kind, with what it rests on.
struct ScoreSummary: Equatable {
    var answers = 0
    /// NPS: %promoters − %detractors. CSAT: % of 4–5. CES: the mean.
    var score = 0.0
    /// Half the width of the 95% confidence interval of `score`, in its unit.
    var marginOfError = 0.0
    var promoters = 0
    var passives = 0
    var detractors = 0
    /// CSAT 4–5, CES 5–7 (and NPS promoters).
    var favourable = 0
    /// `favourable` as a percentage of the answers.
    var favourablePercent = 0.0
}

/// NPS, CSAT and CES from scores, and their margins of error (normal approximation, z = 1.96).
enum ScoreArithmetic {
    static let z95 = 1.96

    /// Summarizes `scores` (all on `kind`'s scale); no answers gives zeros, which reports show as
    /// "too few" rather than as a score.
    static func summarize(_ kind: SurveyKind, scores: [Int32]) -> ScoreSummary {
        var summary = ScoreSummary(answers: scores.count)
        guard !scores.isEmpty else { return summary }
        let n = Double(scores.count)
        for score in scores {
            switch NpsCategory(kind: kind, score: score) {
            case .promoter: summary.promoters += 1
            case .passive: summary.passives += 1
            case .detractor: summary.detractors += 1
            default: break
            }
            if score >= kind.favourableFrom { summary.favourable += 1 }
        }
        let favourableShare = Double(summary.favourable) / n
        summary.favourablePercent = favourableShare * 100
        switch kind {
        case .nps:
            // Each answer is +1 (promoter), 0 (passive) or −1 (detractor); NPS is their mean × 100,
            // so its variance is E[x²] − E[x]² = (p + d) − (p − d)² in shares.
            let promoterShare = Double(summary.promoters) / n
            let detractorShare = Double(summary.detractors) / n
            let mean = promoterShare - detractorShare
            let variance = max(0, promoterShare + detractorShare - mean * mean)
            summary.score = mean * 100
            summary.marginOfError = z95 * (variance / n).squareRoot() * 100
        case .csat:
            summary.score = favourableShare * 100
            summary.marginOfError = z95 * (favourableShare * (1 - favourableShare) / n).squareRoot() * 100
        default:
            let values = scores.map(Double.init)
            let mean = values.reduce(0, +) / n
            summary.score = mean
            if scores.count > 1 {
                let sampleVariance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)
                summary.marginOfError = z95 * (sampleVariance / n).squareRoot()
            }
        }
        return summary
    }
}
