import GRDB
import Models

/// The rewards catalog and the redemptions, as rows.
enum RewardStore {
    static func save(_ reward: Reward, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO rewards (reward_id, name, kind, point_cost, stock, active, value_minor_units,
                    value_currency, product)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (reward_id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                    point_cost = excluded.point_cost, stock = excluded.stock, active = excluded.active,
                    value_minor_units = excluded.value_minor_units, value_currency = excluded.value_currency,
                    product = excluded.product
                """
        ).execute(arguments: [
            reward.rewardId, reward.name, reward.kind.rawValue, reward.pointCost, reward.stock?.value,
            reward.active, reward.value?.minorUnits ?? 0, reward.value?.currency ?? "", reward.product,
        ])
    }

    static func fetch(_ rewardID: String, in db: Database) throws -> Reward? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM rewards WHERE reward_id = ?"), arguments: [rewardID])
            .map(reward(from:))
    }

    static func all(includingInactive: Bool, in db: Database) throws -> [Reward] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM rewards WHERE active OR ? ORDER BY point_cost, reward_id"),
            arguments: [includingInactive]
        ).map(reward(from:))
    }

    static func redemption(_ redemptionID: String, in db: Database) throws -> Redemption? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM redemptions WHERE redemption_id = ?"), arguments: [redemptionID]
        )
        .map(redemption(from:))
    }

    static func redemption(voucherCode: String, in db: Database) throws -> Redemption? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM redemptions WHERE voucher_code = ?"), arguments: [voucherCode]
        )
        .map(redemption(from:))
    }

    static func setStatus(_ status: RedemptionStatus, of redemptionID: String, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE redemptions SET status = ? WHERE redemption_id = ?").execute(arguments: [
            status.rawValue, redemptionID,
        ])
    }

    private static func reward(from row: Row) -> Reward {
        let stock: Int64? = row["stock"]
        let currency: String = row["value_currency"]
        return Reward(
            rewardId: row["reward_id"], name: row["name"], kind: RewardKind(rawValue: row["kind"]),
            pointCost: row["point_cost"], stock: stock.map { OptionalInt64(value: $0) }, active: row["active"],
            value: currency.isEmpty ? nil : Money(minorUnits: row["value_minor_units"], currency: currency),
            product: row["product"])
    }

    private static func redemption(from row: Row) -> Redemption {
        Redemption(
            redemptionId: row["redemption_id"], customer: CustomerId(value: row["customer_id"]),
            rewardId: row["reward_id"], points: row["points"], voucherCode: row["voucher_code"],
            status: RedemptionStatus(rawValue: row["status"]), redeemedAtMs: row["redeemed_at_ms"])
    }
}
