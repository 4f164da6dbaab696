import Health
import SeededRandom
import Testing

@Suite("Backtest: AUC and worst-decile lift of a risk ranking")
struct BacktestTests {
    /// Accounts with the given risk scores; those listed in `churners` cancelled.
    private func ranking(_ risks: [Double], churners: Set<Int>) -> [(riskScore: Double, churned: Bool)] {
        risks.enumerated().map { ($1, churners.contains($0)) }
    }

    @Test("Churners ranked riskiest give AUC 1")
    func perfectRanking() {
        #expect(BacktestResult(ranking: ranking([0.9, 0.8, 0.3, 0.2, 0.1], churners: [0, 1])).auc == 1)
    }

    @Test("Churners ranked safest give AUC 0")
    func invertedRanking() {
        #expect(BacktestResult(ranking: ranking([0.9, 0.8, 0.3, 0.2, 0.1], churners: [3, 4])).auc == 0)
    }

    @Test("A ranking that ties everyone gives AUC 0.5 and lift 1")
    func allTiedRanking() {
        let result = BacktestResult(ranking: ranking([0.4, 0.4, 0.4, 0.4], churners: [1]))
        #expect(result.auc == 0.5)
        #expect(result.liftWorstDecile == 1)
    }

    @Test("AUC counts the churner–stayer pairs in the right order")
    func mixedRanking() {
        // Churner 0.9 beats both stayers; churner 0.7 beats one of two: 3 of 4 pairs.
        #expect(BacktestResult(ranking: ranking([0.9, 0.8, 0.7, 0.1], churners: [0, 2])).auc == 0.75)
    }

    @Test("A churner tied with a stayer counts as half a pair")
    func tiedPairCountsHalf() {
        // Pairs: 2>1, 2>0, 1=1 (½), 1>0: 3.5 of 4.
        #expect(BacktestResult(ranking: ranking([2, 1, 1, 0], churners: [0, 1])).auc == 0.875)
    }

    @Test("Lift is the worst decile's churn rate over the overall rate")
    func liftOfWorstDecile() {
        let risks = (0..<20).map { Double(20 - $0) }
        let result = BacktestResult(ranking: ranking(risks, churners: [0, 1]))
        #expect(result.accounts == 20)
        #expect(result.churners == 2)
        #expect(result.worstDecileChurnRate == 1)
        #expect(result.overallChurnRate == 0.1)
        #expect(result.liftWorstDecile == 10)
    }

    @Test("The worst decile is exactly a tenth of the accounts, even a fraction of one")
    func fractionalDecile() {
        let result = BacktestResult(ranking: ranking([5, 4, 3, 2, 1], churners: [0, 4]))
        #expect(result.worstDecileChurnRate == 1)
        #expect(result.liftWorstDecile == 2.5)
    }

    @Test("Accounts tied at the decile's edge count in proportion")
    func tiesAtDecileEdgeCountInProportion() {
        let risks: [Double] = [9, 9, 5, 5, 5, 5, 5, 5, 5, 5]
        #expect(BacktestResult(ranking: ranking(risks, churners: [0])).worstDecileChurnRate == 0.5)
        #expect(BacktestResult(ranking: ranking(risks, churners: [1])).worstDecileChurnRate == 0.5)
    }

    @Test("The result does not depend on the order of the accounts")
    func orderDoesNotMatter() {
        var random = SplitMix64(seed: 11)
        let accounts = (0..<200).map { _ in
            (riskScore: Double(Int.random(in: 0...20, using: &random)), churned: Bool.random(using: &random))
        }
        #expect(BacktestResult(ranking: accounts) == BacktestResult(ranking: accounts.shuffled(using: &random)))
    }

    @Test("With no churners, AUC is 0.5 and lift 1")
    func noChurners() {
        let result = BacktestResult(ranking: ranking([3, 2, 1], churners: []))
        #expect(result.auc == 0.5)
        #expect(result.liftWorstDecile == 1)
        #expect(result.overallChurnRate == 0)
    }

    @Test("With only churners, AUC is 0.5 and lift 1")
    func onlyChurners() {
        let result = BacktestResult(ranking: ranking([3, 2, 1], churners: [0, 1, 2]))
        #expect(result.auc == 0.5)
        #expect(result.liftWorstDecile == 1)
        #expect(result.overallChurnRate == 1)
    }

    @Test("With no accounts, AUC is 0.5 and lift 1")
    func noAccounts() {
        let result = BacktestResult(ranking: [])
        #expect(result.accounts == 0)
        #expect(result.auc == 0.5)
        #expect(result.liftWorstDecile == 1)
    }
}
