import GRDB
import ServiceKit

/// The health service's tables, as versioned migrations (identifiers never change once released).
enum HealthSchema {
    static let migrations = [
        ServiceMigration("health 1: accounts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE accounts (
                        customer_id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        segment INTEGER NOT NULL,
                        plan TEXT NOT NULL,
                        mrr_minor_units INTEGER NOT NULL,
                        mrr_currency TEXT NOT NULL,
                        signup_ms INTEGER NOT NULL,
                        account_manager TEXT NOT NULL,
                        referral_code TEXT NOT NULL,
                        stage INTEGER NOT NULL,
                        cancelled_at_ms INTEGER NOT NULL DEFAULT 0,
                        cancellation_reason TEXT NOT NULL DEFAULT '',
                        reactivations INTEGER NOT NULL DEFAULT 0,
                        last_seen_ms INTEGER NOT NULL DEFAULT 0,
                        updated_at_ms INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX accounts_segment_stage ON accounts(segment, stage);
                    """)
        },
        ServiceMigration("health 2: usage") { db in
            try db.execute(
                sql: """
                    CREATE TABLE usage_seen (usage_id TEXT PRIMARY KEY NOT NULL) STRICT, WITHOUT ROWID;
                    CREATE TABLE usage_daily (
                        customer_id TEXT NOT NULL,
                        day_ms INTEGER NOT NULL,
                        feature TEXT NOT NULL,
                        count INTEGER NOT NULL,
                        PRIMARY KEY (customer_id, day_ms, feature)
                    ) STRICT, WITHOUT ROWID;
                    """)
        },
        ServiceMigration("health 3: inactivity episodes") { db in
            // One row per account in an alerted episode of silence; usage deletes it (the episode ends).
            try db.execute(
                sql: """
                    CREATE TABLE inactivity_episodes (
                        customer_id TEXT PRIMARY KEY NOT NULL,
                        silent_since_ms INTEGER NOT NULL,
                        alerted_at_ms INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    """)
        },
        ServiceMigration("health 4: scores") { db in
            // Every score is kept with its explanation (the HealthScoreRecord message); health_latest holds
            // each account's newest for quick comparison; health_dirty lists accounts whose inputs changed.
            try db.execute(
                sql: """
                    CREATE TABLE health_scores (
                        id INTEGER PRIMARY KEY,
                        customer_id TEXT NOT NULL,
                        computed_at_ms INTEGER NOT NULL,
                        score REAL NOT NULL,
                        band INTEGER NOT NULL,
                        record BLOB NOT NULL
                    ) STRICT;
                    CREATE INDEX health_scores_history ON health_scores(customer_id, id);
                    CREATE TABLE health_latest (
                        customer_id TEXT PRIMARY KEY NOT NULL,
                        computed_at_ms INTEGER NOT NULL,
                        score REAL NOT NULL,
                        band INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE health_dirty (customer_id TEXT PRIMARY KEY NOT NULL) STRICT, WITHOUT ROWID;
                    """)
        },
        ServiceMigration("health 5: onboarding") { db in
            try db.execute(
                sql: """
                    CREATE TABLE onboarding_steps (
                        customer_id TEXT NOT NULL,
                        step TEXT NOT NULL,
                        completed_at_ms INTEGER NOT NULL,
                        PRIMARY KEY (customer_id, step)
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE onboarding_done (
                        customer_id TEXT PRIMARY KEY NOT NULL,
                        completed_at_ms INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    """)
        },
        ServiceMigration("health 6: business reviews") { db in
            try db.execute(
                sql: """
                    CREATE TABLE business_reviews (
                        customer_id TEXT NOT NULL,
                        held_at_ms INTEGER NOT NULL,
                        notes TEXT NOT NULL,
                        PRIMARY KEY (customer_id, held_at_ms)
                    ) STRICT, WITHOUT ROWID;
                    """)
        },
        ServiceMigration("health 7: signals from the other services") { db in
            // What feedback, escalation, loyalty and advocacy published about each account, as far as the
            // score and the value report need it. Keyed by the publisher's own ids, so a replayed event
            // lands on its own row again.
            try db.execute(
                sql: """
                    CREATE TABLE signal_nps (
                        response_id TEXT PRIMARY KEY NOT NULL,
                        customer_id TEXT NOT NULL,
                        score INTEGER NOT NULL,
                        answered_at_ms INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX signal_nps_customer ON signal_nps(customer_id, answered_at_ms);
                    CREATE TABLE signal_cases (
                        case_id TEXT PRIMARY KEY NOT NULL,
                        customer_id TEXT NOT NULL,
                        status INTEGER NOT NULL,
                        opened_at_ms INTEGER NOT NULL,
                        resolved_at_ms INTEGER NOT NULL,
                        sla_met INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX signal_cases_customer ON signal_cases(customer_id);
                    CREATE TABLE signal_breaches (
                        case_id TEXT NOT NULL,
                        target INTEGER NOT NULL,
                        customer_id TEXT NOT NULL,
                        breached_at_ms INTEGER NOT NULL,
                        PRIMARY KEY (case_id, target)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX signal_breaches_customer ON signal_breaches(customer_id, breached_at_ms);
                    CREATE TABLE signal_points (
                        entry_id TEXT PRIMARY KEY NOT NULL,
                        customer_id TEXT NOT NULL,
                        kind INTEGER NOT NULL,
                        points INTEGER NOT NULL,
                        posted_at_ms INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX signal_points_customer ON signal_points(customer_id, posted_at_ms);
                    CREATE TABLE signal_tiers (
                        customer_id TEXT PRIMARY KEY NOT NULL,
                        tier TEXT NOT NULL,
                        rank INTEGER NOT NULL,
                        count INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE signal_advocacy (
                        customer_id TEXT PRIMARY KEY NOT NULL,
                        level TEXT NOT NULL,
                        rank INTEGER NOT NULL,
                        count INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE signal_referrals (
                        referred_id TEXT PRIMARY KEY NOT NULL,
                        advocate_id TEXT NOT NULL,
                        converted_at_ms INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX signal_referrals_advocate ON signal_referrals(advocate_id, converted_at_ms);
                    """)
        },
        ServiceMigration("health 8: scoring model setting") { db in
            // One row: the scoring model an admin set (JSON of HealthModel and ChurnModel); none means the
            // built-in standard.
            try db.execute(
                sql: """
                    CREATE TABLE scoring_model (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        model TEXT NOT NULL,
                        churn TEXT NOT NULL,
                        updated_at_ms INTEGER NOT NULL
                    ) STRICT;
                    """)
        },
        ServiceMigration("health 9: settings") { db in
            // Settings an admin changes at run time, each stored as its message's encoding under a key;
            // a key with no row means the built-in default.
            try db.execute(
                sql: """
                    CREATE TABLE health_settings (
                        key TEXT PRIMARY KEY NOT NULL,
                        value BLOB NOT NULL,
                        updated_at_ms INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    """)
        },
        ServiceMigration("health 10: the reward of a ledger entry") { db in
            // A REVERSE entry that names a reward is a cancelled redemption: it takes the redemption
            // back out of the count.
            try db.execute(sql: "ALTER TABLE signal_points ADD COLUMN reward_id TEXT NOT NULL DEFAULT ''")
        },
        ServiceMigration("health 11: claimed dirty marks") { db in
            // A rescoring claims the marks it will score (1) instead of deleting them, and deletes each
            // with its account's new score: a rescoring that dies midway leaves the rest marked.
            try db.execute(sql: "ALTER TABLE health_dirty ADD COLUMN claimed INTEGER NOT NULL DEFAULT 0")
        },
    ]
}
