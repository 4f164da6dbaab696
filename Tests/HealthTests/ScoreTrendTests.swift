import Health
import Testing

@Suite("Trend since the previous score")
struct ScoreTrendTests {
    /// The thriving account last seen at `ScoringTime.now`, scored `days` later by the injected clock.
    private func score(daysLater days: Int64, model: HealthModel = .standard) -> HealthScore {
        model.score(.thriving(at: ScoringTime.now + days * ScoringTime.day))
    }

    @Test("An account's first score has no delta and no band change")
    func firstScoreHasNoTrend() {
        let trend = score(daysLater: 0).trend(since: nil)
        #expect(trend.delta == nil)
        #expect(trend.previousBand == nil)
        #expect(trend.band == .good)
        #expect(!trend.bandChanged)
        #expect(!trend.modelChanged)
    }

    @Test("The delta is the change in score since the previous one")
    func deltaIsScoreChange() {
        let before = score(daysLater: 0)
        let after = score(daysLater: 20)
        let trend = after.trend(since: before)
        #expect(before.score == 100)
        #expect(after.score < before.score)
        #expect(trend.delta == after.score - before.score)
    }

    @Test("A band change is reported from the previous band to the current one")
    func bandChangeIsReported() {
        let trend = score(daysLater: 29).trend(since: score(daysLater: 0))
        #expect(trend.previousBand == .good)
        #expect(trend.band == .average)
        #expect(trend.bandChanged)
    }

    @Test("A score in the same band reports no band change")
    func sameBandIsNoChange() throws {
        let trend = score(daysLater: 5).trend(since: score(daysLater: 0))
        #expect(trend.band == .good)
        #expect(!trend.bandChanged)
        #expect(try #require(trend.delta) < 0)
    }

    @Test("Improvement gives a positive delta")
    func improvementIsPositive() throws {
        let trend = score(daysLater: 0).trend(since: score(daysLater: 29))
        #expect(try #require(trend.delta) > 0)
        #expect(trend.previousBand == .average)
        #expect(trend.band == .good)
    }

    @Test("Scores from different model versions are flagged as not comparable like for like")
    func modelChangeIsFlagged() {
        var next = HealthModel.standard
        next.version = "2026.2"
        #expect(score(daysLater: 1, model: next).trend(since: score(daysLater: 0)).modelChanged)
        #expect(!score(daysLater: 1).trend(since: score(daysLater: 0)).modelChanged)
    }
}
