import GRDB
import Models
import Projections
import ServiceKit

/// The loyalty service's tables, as versioned migrations (identifiers never change once released).
enum LoyaltySchema {
    static func migrations(initialCatalog: [Reward]) -> [ServiceMigration] {
        [
            AccountProjection.migration,
            ServiceMigration("loyalty 1: ledger") { db in
                // The ledger is append-only: an entry is never changed except when its pending period
                // ends (posted_at_ms and balance_after are set once). loyalty_members caches each
                // member's balance; CHECK (balance >= 0) is the last line against an overdraft.
                try db.execute(
                    sql: """
                        CREATE TABLE loyalty_members (
                            customer_id TEXT PRIMARY KEY NOT NULL,
                            tier TEXT NOT NULL,
                            tier_floor TEXT NOT NULL DEFAULT '',
                            balance INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
                            pending INTEGER NOT NULL DEFAULT 0,
                            below_tier_since_ms INTEGER NOT NULL DEFAULT 0,
                            last_activity_ms INTEGER NOT NULL,
                            expiry_warned_for_ms INTEGER NOT NULL DEFAULT 0,
                            joined_at_ms INTEGER NOT NULL
                        ) STRICT, WITHOUT ROWID;
                        CREATE TABLE ledger_entries (
                            id INTEGER PRIMARY KEY,
                            entry_id TEXT NOT NULL UNIQUE,
                            customer_id TEXT NOT NULL,
                            kind INTEGER NOT NULL,
                            points INTEGER NOT NULL,
                            reason TEXT NOT NULL,
                            external_id TEXT NOT NULL,
                            reward_id TEXT NOT NULL,
                            created_at_ms INTEGER NOT NULL,
                            counts_from_ms INTEGER NOT NULL,
                            posted_at_ms INTEGER NOT NULL DEFAULT 0,
                            balance_after INTEGER NOT NULL DEFAULT 0
                        ) STRICT;
                        CREATE INDEX ledger_entries_history ON ledger_entries(customer_id, id);
                        CREATE INDEX ledger_entries_pending ON ledger_entries(counts_from_ms) WHERE posted_at_ms = 0;
                        """)
            },
            ServiceMigration("loyalty 2: purchases") { db in
                // qualifying_points is what the purchase counts towards tiers: its base points, lowered
                // in proportion by refunds; earned_points are all the points it earned (earn and bonus).
                try db.execute(
                    sql: """
                        CREATE TABLE purchases (
                            purchase_id TEXT PRIMARY KEY NOT NULL,
                            customer_id TEXT NOT NULL,
                            amount_minor_units INTEGER NOT NULL,
                            currency TEXT NOT NULL,
                            purchased_at_ms INTEGER NOT NULL,
                            base_points INTEGER NOT NULL,
                            earned_points INTEGER NOT NULL,
                            qualifying_points INTEGER NOT NULL,
                            refunded_minor_units INTEGER NOT NULL DEFAULT 0,
                            counts_from_ms INTEGER NOT NULL
                        ) STRICT, WITHOUT ROWID;
                        CREATE INDEX purchases_spend ON purchases(customer_id, purchased_at_ms);
                        CREATE TABLE refunds (
                            refund_id TEXT PRIMARY KEY NOT NULL,
                            purchase_id TEXT NOT NULL,
                            amount_minor_units INTEGER NOT NULL,
                            entry_id TEXT NOT NULL,
                            points_unrecoverable INTEGER NOT NULL
                        ) STRICT, WITHOUT ROWID;
                        """)
            },
            ServiceMigration("loyalty 3: rewards") { db in
                // stock NULL means no limit.
                try db.execute(
                    sql: """
                        CREATE TABLE rewards (
                            reward_id TEXT PRIMARY KEY NOT NULL,
                            name TEXT NOT NULL,
                            kind INTEGER NOT NULL,
                            point_cost INTEGER NOT NULL CHECK (point_cost > 0),
                            stock INTEGER CHECK (stock >= 0),
                            active INTEGER NOT NULL,
                            value_minor_units INTEGER NOT NULL,
                            value_currency TEXT NOT NULL,
                            product TEXT NOT NULL
                        ) STRICT, WITHOUT ROWID;
                        CREATE TABLE redemptions (
                            redemption_id TEXT PRIMARY KEY NOT NULL,
                            customer_id TEXT NOT NULL,
                            reward_id TEXT NOT NULL,
                            points INTEGER NOT NULL,
                            voucher_code TEXT NOT NULL UNIQUE,
                            status INTEGER NOT NULL,
                            redeemed_at_ms INTEGER NOT NULL
                        ) STRICT, WITHOUT ROWID;
                        """)
                for reward in initialCatalog { try RewardStore.save(reward, in: db) }
            },
        ]
    }
}
