import GRDB
import ServiceKit

/// The feedback service's tables, as versioned migrations (identifiers never change once released).
enum FeedbackSchema {
    static let migrations = [
        ServiceMigration("feedback 1: surveys, invitations, responses") { db in
            try db.execute(
                sql: """
                    CREATE TABLE surveys (
                        survey_id TEXT PRIMARY KEY NOT NULL,
                        kind INTEGER NOT NULL,
                        touchpoint INTEGER NOT NULL,
                        question TEXT NOT NULL,
                        recontact_days INTEGER NOT NULL,
                        created_at_ms INTEGER NOT NULL
                    ) STRICT;
                    CREATE TABLE invitations (
                        invitation_id TEXT PRIMARY KEY NOT NULL,
                        survey_id TEXT NOT NULL REFERENCES surveys(survey_id),
                        customer_id TEXT NOT NULL,
                        invited_at_ms INTEGER NOT NULL,
                        origin TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX invitations_customer ON invitations(customer_id, invited_at_ms);
                    CREATE INDEX invitations_survey ON invitations(survey_id);
                    CREATE TABLE responses (
                        response_id TEXT PRIMARY KEY NOT NULL,
                        survey_id TEXT NOT NULL REFERENCES surveys(survey_id),
                        customer_id TEXT NOT NULL,
                        kind INTEGER NOT NULL,
                        touchpoint INTEGER NOT NULL,
                        score INTEGER NOT NULL,
                        comment TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        segment INTEGER NOT NULL,
                        nps_category INTEGER NOT NULL,
                        answered_at_ms INTEGER NOT NULL,
                        cancellation_reason TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX responses_kind_time ON responses(kind, answered_at_ms);
                    CREATE INDEX responses_customer_survey ON responses(customer_id, survey_id, answered_at_ms);
                    CREATE INDEX responses_survey ON responses(survey_id);
                    """)
        },
        ServiceMigration("feedback 2: reactivations") { db in
            // When each account came back after cancelling (health's account.reactivated), for the
            // revenue of resurrected accounts afterwards; the projection keeps only the count.
            try db.execute(
                sql: """
                    CREATE TABLE reactivations (
                        customer_id TEXT NOT NULL,
                        reactivated_at_ms INTEGER NOT NULL,
                        PRIMARY KEY (customer_id, reactivated_at_ms)
                    ) STRICT, WITHOUT ROWID;
                    """)
        },
        ServiceMigration("feedback 3: invitation limits") { db in
            // One row once an admin sets the limits; until then InvitationLimits.standard applies.
            try db.execute(
                sql: """
                    CREATE TABLE invitation_limits (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        customer_cap INTEGER NOT NULL,
                        cap_window_days INTEGER NOT NULL,
                        updated_at_ms INTEGER NOT NULL
                    ) STRICT;
                    """)
        },
        ServiceMigration("feedback 4: cases waiting for their account") { db in
            // A case resolved for an account health has not published to this service yet (the two
            // subscriptions run independently, e.g. both replaying after a restore): its invitation is
            // offered when the account arrives.
            try db.execute(
                sql: """
                    CREATE TABLE cases_awaiting_account (
                        case_id TEXT PRIMARY KEY NOT NULL,
                        customer_id TEXT NOT NULL,
                        resolved_at_ms INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX cases_awaiting_account_customer ON cases_awaiting_account(customer_id);
                    """)
        },
        ServiceMigration("feedback 5: cancellations") { db in
            // Every cancellation, so a stay after a return ends at the next one (the projection keeps
            // only the latest).
            try db.execute(
                sql: """
                    CREATE TABLE cancellations (
                        customer_id TEXT NOT NULL,
                        cancelled_at_ms INTEGER NOT NULL,
                        PRIMARY KEY (customer_id, cancelled_at_ms)
                    ) STRICT, WITHOUT ROWID;
                    """)
        },
    ]
}
