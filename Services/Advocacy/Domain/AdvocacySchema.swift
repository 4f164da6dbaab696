import GRDB
import ServiceKit

/// The advocacy service's tables, as versioned migrations (identifiers never change once released).
enum AdvocacySchema {
    static let migrations = [
        ServiceMigration("advocacy 1: program and advocates") { db in
            // The program's rules as one AdvocacyProgram message; no row means the standard program.
            // Points: lifetime_points only grows (standing); spent_points is what was spent of it.
            // active_since_ms: when they last became active (enrolled or back from lapsing), so that
            // a returning advocate gets a full lapse period before lapsing again.
            try db.execute(
                sql: """
                    CREATE TABLE advocacy_program (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        program BLOB NOT NULL,
                        updated_at_ms INTEGER NOT NULL
                    ) STRICT;
                    CREATE TABLE advocates (
                        customer_id TEXT PRIMARY KEY NOT NULL,
                        status INTEGER NOT NULL,
                        origin TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        candidate_since_ms INTEGER NOT NULL DEFAULT 0,
                        invited_at_ms INTEGER NOT NULL DEFAULT 0,
                        enrolled_at_ms INTEGER NOT NULL DEFAULT 0,
                        referral_code TEXT NOT NULL DEFAULT '',
                        lifetime_points INTEGER NOT NULL DEFAULT 0,
                        spent_points INTEGER NOT NULL DEFAULT 0,
                        level TEXT NOT NULL DEFAULT '',
                        last_contribution_ms INTEGER NOT NULL DEFAULT 0,
                        active_since_ms INTEGER NOT NULL DEFAULT 0,
                        lapsed_at_ms INTEGER NOT NULL DEFAULT 0,
                        anniversary_gifts INTEGER NOT NULL DEFAULT 0,
                        updated_at_ms INTEGER NOT NULL
                    ) STRICT;
                    CREATE UNIQUE INDEX advocates_referral_code ON advocates(referral_code) WHERE referral_code != '';
                    CREATE INDEX advocates_status ON advocates(status, customer_id);
                    CREATE TABLE point_spends (
                        spend_id TEXT PRIMARY KEY NOT NULL,
                        customer_id TEXT NOT NULL,
                        points INTEGER NOT NULL,
                        reason TEXT NOT NULL,
                        spent_at_ms INTEGER NOT NULL
                    ) STRICT;
                    """)
        },
        ServiceMigration("advocacy 2: contributions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE contributions (
                        contribution_id TEXT PRIMARY KEY NOT NULL,
                        customer_id TEXT NOT NULL,
                        channel INTEGER NOT NULL,
                        state INTEGER NOT NULL,
                        points INTEGER NOT NULL,
                        description TEXT NOT NULL,
                        occurred_at_ms INTEGER NOT NULL,
                        recorded_at_ms INTEGER NOT NULL,
                        reviewed_at_ms INTEGER NOT NULL DEFAULT 0,
                        rejection_reason TEXT NOT NULL DEFAULT ''
                    ) STRICT;
                    CREATE INDEX contributions_by_advocate ON contributions(customer_id, state, occurred_at_ms);
                    CREATE INDEX contributions_by_time ON contributions(state, occurred_at_ms);
                    """)
        },
        ServiceMigration("advocacy 3: promoter answers") { db in
            // A promoter answer that did not make a candidate yet (band not good, tenure too short,
            // account unknown): re-checked when health's events change the account.
            try db.execute(
                sql: """
                    CREATE TABLE promoter_answers (
                        customer_id TEXT PRIMARY KEY NOT NULL,
                        response_id TEXT NOT NULL,
                        score INTEGER NOT NULL,
                        answered_at_ms INTEGER NOT NULL
                    ) STRICT;
                    """)
        },
        ServiceMigration("advocacy 4: referrals") { db in
            try db.execute(
                sql: """
                    CREATE TABLE referrals (
                        referral_code TEXT NOT NULL,
                        referred_id TEXT NOT NULL,
                        advocate_id TEXT NOT NULL,
                        state INTEGER NOT NULL,
                        reason TEXT NOT NULL,
                        signup_ms INTEGER NOT NULL,
                        received_at_ms INTEGER NOT NULL,
                        decided_at_ms INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (referral_code, referred_id)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX referrals_by_referred ON referrals(referred_id);
                    CREATE INDEX referrals_by_advocate ON referrals(advocate_id, received_at_ms);
                    """)
        },
        ServiceMigration("advocacy 5: spotlight") { db in
            try db.execute(
                sql: """
                    CREATE TABLE spotlight_picks (
                        month TEXT NOT NULL,
                        rank INTEGER NOT NULL,
                        customer_id TEXT NOT NULL,
                        points INTEGER NOT NULL,
                        reason TEXT NOT NULL,
                        PRIMARY KEY (month, rank)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX spotlight_by_customer ON spotlight_picks(customer_id, month);
                    CREATE TABLE spotlight_months (
                        month TEXT PRIMARY KEY NOT NULL,
                        picked_at_ms INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    """)
        },
    ]
}
