-- Recorded by Tests/ProjectionsTests/SchemaTests.swift: the DDL of review_comparison v9106.

CREATE TABLE review_files (
    candidate_id TEXT PRIMARY KEY,
    document BLOB NOT NULL
);

CREATE TABLE review_queue (
    candidate_id TEXT NOT NULL,
    application_id TEXT NOT NULL,
    site_code TEXT NOT NULL,
    area_code TEXT NOT NULL,
    exam_code TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by TEXT,
    reason TEXT,
    entries INTEGER NOT NULL,
    verified_entries INTEGER NOT NULL,
    mismatches INTEGER NOT NULL,
    identity_mismatch INTEGER NOT NULL,
    corrections INTEGER NOT NULL,
    payment_status TEXT NOT NULL,
    application BLOB NOT NULL,
    reviewed BLOB,
    PRIMARY KEY (candidate_id, application_id)
) WITHOUT ROWID;

CREATE INDEX review_queue_by_application ON review_queue (application_id);

CREATE INDEX review_queue_by_site ON review_queue (site_code, submitted_at, application_id, status);
