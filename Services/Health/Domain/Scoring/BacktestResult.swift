/// How well a risk ranking picked out the accounts that actually cancelled.
///
/// The ranking can come from anything ordered by risk: a ``ChurnModel`` probability, or `100 − score` of a
/// ``HealthScore`` to judge the health score itself.
public struct BacktestResult: Sendable, Hashable, Codable {
    /// Accounts ranked.
    public let accounts: Int
    /// Accounts among them that cancelled.
    public let churners: Int
    /// The probability that a random churner was ranked riskier than a random account that stayed, counting a tie
    /// as ½: 1 is a perfect ranking, 0.5 no better than chance, 0 exactly backwards. 0.5 when there are no churners
    /// or no accounts that stayed, since there is then nothing to tell apart.
    public let auc: Double
    /// The churn rate among the riskiest tenth of the accounts.
    public let worstDecileChurnRate: Double
    /// The churn rate among all accounts; 0 when there are none.
    public let overallChurnRate: Double
    /// ``worstDecileChurnRate`` ÷ ``overallChurnRate``: how many times more churn the riskiest tenth has than
    /// average. 1 when there are no churners or no accounts that stayed.
    public let liftWorstDecile: Double

    /// Evaluates a ranking.
    ///
    /// AUC is the Mann-Whitney rank formula, with tied accounts given their average rank. The worst decile is
    /// exactly a tenth of the accounts, `accounts / 10` of them even when that is not a whole number; accounts tied
    /// at its edge count in proportion to the part of their group that fits, which is the rate that breaking the tie
    /// at random would give on average. So the result depends only on the risk scores, never on input order.
    ///
    /// - Parameter scored: Each account's risk score (higher is riskier; never NaN) and whether it cancelled.
    public init(ranking scored: [(riskScore: Double, churned: Bool)]) {
        precondition(!scored.contains { $0.riskScore.isNaN }, "a risk score to backtest is NaN")
        accounts = scored.count
        churners = scored.count { $0.churned }
        overallChurnRate = accounts > 0 ? Double(churners) / Double(accounts) : 0
        guard churners > 0, churners < accounts else {
            auc = 0.5
            worstDecileChurnRate = overallChurnRate
            liftWorstDecile = 1
            return
        }

        let ties = Self.tieGroups(scored)
        var accountsBelow = 0.0
        var churnerRankSum = 0.0
        for group in ties {
            let averageRank = accountsBelow + (Double(group.size) + 1) / 2
            churnerRankSum += averageRank * Double(group.churners)
            accountsBelow += Double(group.size)
        }
        let positives = Double(churners)
        let negatives = Double(accounts - churners)
        auc = (churnerRankSum - positives * (positives + 1) / 2) / (positives * negatives)

        let decile = Double(accounts) / 10
        var room = decile
        var decileChurners = 0.0
        for group in ties.reversed() where room > 0 {
            let taken = min(Double(group.size), room)
            decileChurners += taken * Double(group.churners) / Double(group.size)
            room -= taken
        }
        worstDecileChurnRate = decileChurners / decile
        liftWorstDecile = worstDecileChurnRate / overallChurnRate
    }

    /// The accounts grouped by equal risk score, least risky group first.
    private static func tieGroups(_ scored: [(riskScore: Double, churned: Bool)]) -> [(size: Int, churners: Int)] {
        var groups: [(risk: Double, size: Int, churners: Int)] = []
        for account in scored.sorted(by: { $0.riskScore < $1.riskScore }) {
            let churned = account.churned ? 1 : 0
            if let last = groups.last, last.risk == account.riskScore {
                groups[groups.count - 1] = (last.risk, last.size + 1, last.churners + churned)
            } else {
                groups.append((account.riskScore, 1, churned))
            }
        }
        return groups.map { ($0.size, $0.churners) }
    }
}
