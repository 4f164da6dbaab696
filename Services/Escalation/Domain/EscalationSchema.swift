import GRDB
import ServiceKit

/// The escalation service's tables, as versioned migrations (identifiers never change once released).
enum EscalationSchema {
    static let migrations = [
        ServiceMigration("escalation 1: cases") { db in
            // next_due_ms is the next warning or breach instant of a case (NULL when none can fall due:
            // pending, resolved, or all raised); the SLA watch reads only the rows the index says are due.
            try db.execute(
                sql: """
                    CREATE TABLE cases (
                        id INTEGER PRIMARY KEY,
                        external_id TEXT NOT NULL UNIQUE,
                        customer_id TEXT NOT NULL,
                        segment INTEGER NOT NULL,
                        severity INTEGER NOT NULL,
                        status INTEGER NOT NULL,
                        level INTEGER NOT NULL,
                        origin INTEGER NOT NULL,
                        title TEXT NOT NULL,
                        assignee TEXT NOT NULL,
                        opened_at_ms INTEGER NOT NULL,
                        first_response_at_ms INTEGER NOT NULL,
                        resolved_at_ms INTEGER NOT NULL,
                        closed_at_ms INTEGER NOT NULL,
                        band INTEGER NOT NULL,
                        priority_support INTEGER NOT NULL,
                        policy TEXT NOT NULL,
                        first_response_target_ms INTEGER NOT NULL,
                        resolution_target_ms INTEGER NOT NULL,
                        sla_elapsed_ms INTEGER NOT NULL,
                        sla_as_of_ms INTEGER NOT NULL,
                        paused_since_ms INTEGER NOT NULL,
                        paused_total_ms INTEGER NOT NULL,
                        first_response_warn_at_ms INTEGER NOT NULL,
                        first_response_due_ms INTEGER NOT NULL,
                        resolution_warn_at_ms INTEGER NOT NULL,
                        resolution_due_ms INTEGER NOT NULL,
                        alarms INTEGER NOT NULL,
                        sla_met INTEGER NOT NULL,
                        next_due_ms INTEGER
                    ) STRICT;
                    CREATE INDEX cases_next_due ON cases(next_due_ms) WHERE next_due_ms IS NOT NULL;
                    CREATE INDEX cases_customer ON cases(customer_id, origin, opened_at_ms);
                    CREATE INDEX cases_resolved ON cases(resolved_at_ms) WHERE resolved_at_ms > 0;
                    CREATE TABLE case_notes (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        note_key TEXT,
                        author TEXT NOT NULL,
                        text TEXT NOT NULL,
                        customer_reply INTEGER NOT NULL,
                        added_at_ms INTEGER NOT NULL,
                        UNIQUE (case_id, note_key)
                    ) STRICT;
                    CREATE TABLE case_sla_audit (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        record BLOB NOT NULL
                    ) STRICT;
                    CREATE INDEX case_sla_audit_case ON case_sla_audit(case_id, id);
                    """)
        },
        ServiceMigration("escalation 2: breaches") { db in
            // One row per case and target: the primary key is what makes a breach count once.
            try db.execute(
                sql: """
                    CREATE TABLE sla_breaches (
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        target INTEGER NOT NULL,
                        due_at_ms INTEGER NOT NULL,
                        breached_at_ms INTEGER NOT NULL,
                        severity INTEGER NOT NULL,
                        segment INTEGER NOT NULL,
                        level INTEGER NOT NULL,
                        PRIMARY KEY (case_id, target)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX sla_breaches_time ON sla_breaches(breached_at_ms);
                    """)
        },
        ServiceMigration("escalation 3: support entitlements") { db in
            // Priority support comes from two programs; a customer has it when either grants it.
            try db.execute(
                sql: """
                    CREATE TABLE support_entitlements (
                        customer_id TEXT PRIMARY KEY NOT NULL,
                        loyalty_priority INTEGER NOT NULL DEFAULT 0,
                        advocacy_priority INTEGER NOT NULL DEFAULT 0,
                        updated_at_ms INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    """)
        },
    ]
}
