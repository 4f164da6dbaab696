import Models

/// What a report needs of one answer.
struct ScoredAnswer: Sendable, Hashable {
    var customerID: String
    var score: Int32
    var segment: Segment
    var touchpoint: Touchpoint
    var answeredAtMs: Int64
}

/// Cuts answers into cells (a group in a period) and scores each, saying "too few" where a cell
/// has fewer answers than the minimum rather than showing a number that means nothing.
struct ScoreReport {
    var kind: SurveyKind
    var grouping: ReportGrouping
    var period: ReportPeriod
    var minAnswers: Int
    var latestPerCustomer: Bool
    var windowStartMs: Int64
    var windowEndMs: Int64

    /// The cells, by group then period; `answers` must be oldest first. A trend has a cell for every
    /// period of the window, so a period nobody answered in shows as "too few" instead of vanishing.
    func cells(_ answers: [ScoredAnswer]) -> [ScoreCell] {
        var cellAnswers: [CellKey: [ScoredAnswer]] = [:]
        for answer in answers { cellAnswers[key(answer), default: []].append(answer) }
        let groups = Set(cellAnswers.keys.map(\.group)).sorted()
        let periods =
            period == .unspecified
            ? [windowStartMs]
            : ReportCalendar.periodStarts(
                fromMs: windowStartMs, untilMs: windowEndMs, period: period)
        return groups.flatMap { group in
            periods.map { start in
                let key = CellKey(group: group, periodStartMs: start)
                return cell(key, cellAnswers[key] ?? [])
            }
        }
    }

    private func cell(_ key: CellKey, _ answers: [ScoredAnswer]) -> ScoreCell {
        let counted = latestPerCustomer ? Self.latestPerCustomer(answers) : answers
        let summary = ScoreArithmetic.summarize(kind, scores: counted.map(\.score))
        let tooFew = summary.answers < minAnswers || summary.answers == 0
        return ScoreCell(
            segment: grouping == .segment ? Segment(rawValue: key.group) : .unspecified,
            touchpoint: grouping == .touchpoint ? Touchpoint(rawValue: key.group) : .unspecified,
            periodStartMs: key.periodStartMs, answers: UInt32(summary.answers), tooFew: tooFew,
            score: tooFew ? 0 : summary.score, marginOfError: tooFew ? 0 : summary.marginOfError,
            promoters: UInt32(summary.promoters), passives: UInt32(summary.passives),
            detractors: UInt32(summary.detractors), favourable: UInt32(summary.favourable),
            favourablePercent: tooFew || kind != .ces ? 0 : summary.favourablePercent)
    }

    /// Each customer's newest answer only (answers oldest first), in answer order.
    static func latestPerCustomer(_ answers: [ScoredAnswer]) -> [ScoredAnswer] {
        var newest: [String: Int] = [:]
        for (index, answer) in answers.enumerated() { newest[answer.customerID] = index }
        return Set(newest.values).sorted().map { answers[$0] }
    }

    private func key(_ answer: ScoredAnswer) -> CellKey {
        let group: Int32 =
            switch grouping {
            case .segment: answer.segment.rawValue
            case .touchpoint: answer.touchpoint.rawValue
            default: 0
            }
        return CellKey(
            group: group,
            periodStartMs: ReportCalendar.periodStart(answer.answeredAtMs, period: period, windowStartMs: windowStartMs)
        )
    }

    private struct CellKey: Hashable {
        var group: Int32
        var periodStartMs: Int64
    }
}

/// Whom the team hears: each segment's share of the answers against its share of the customers.
enum SegmentRepresentationReport {
    static func compare(answers: [ScoredAnswer], customers: [Segment: Int]) -> [SegmentRepresentation] {
        var answered: [Segment: Int] = [:]
        for answer in answers { answered[answer.segment, default: 0] += 1 }
        let totalAnswers = answers.count
        let totalCustomers = customers.values.reduce(0, +)
        let segments = Set(answered.keys).union(customers.keys).sorted { $0.rawValue < $1.rawValue }
        return segments.map { segment in
            let answerCount = answered[segment] ?? 0
            let customerCount = customers[segment] ?? 0
            return SegmentRepresentation(
                segment: segment, answers: UInt32(answerCount),
                answerShare: totalAnswers == 0 ? 0 : Double(answerCount) / Double(totalAnswers),
                customers: UInt32(customerCount),
                customerShare: totalCustomers == 0 ? 0 : Double(customerCount) / Double(totalCustomers))
        }
    }
}
