-- Recorded by Tests/ProjectionsTests/SchemaTests.swift: the DDL of audit_trail v9.

CREATE TABLE audit_events (
    position INTEGER PRIMARY KEY,
    subject_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    role TEXT NOT NULL,
    channel TEXT NOT NULL,
    event_type TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT,
    request_id TEXT,
    correlation_id TEXT,
    hash TEXT NOT NULL
);

CREATE TABLE audit_trail (
    position INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    field TEXT NOT NULL,
    field_kind TEXT NOT NULL,
    before TEXT,
    after TEXT,
    PRIMARY KEY (position, seq)
) WITHOUT ROWID;

CREATE INDEX audit_events_by_actor ON audit_events (actor_id, position) WHERE actor_id <> subject_id;

CREATE INDEX audit_events_by_time ON audit_events (recorded_at);

CREATE INDEX audit_trail_by_field_kind ON audit_trail (field_kind, position);
