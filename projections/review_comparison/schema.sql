-- Recorded by Tests/ProjectionsTests/SchemaTests.swift: the DDL of review_comparison v5.

CREATE TABLE review_files (
    candidate_id TEXT PRIMARY KEY,
    document BLOB NOT NULL
);

CREATE TABLE review_comparison (
    candidate_id TEXT NOT NULL,
    application_id TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    row_order INTEGER NOT NULL,
    site_code TEXT NOT NULL,
    label TEXT NOT NULL,
    declared TEXT NOT NULL,
    chsi TEXT,
    declared_normalised TEXT NOT NULL,
    chsi_normalised TEXT,
    status TEXT NOT NULL CHECK (status IN ('match', 'mismatch', 'notProvided', 'notVerified')),
    PRIMARY KEY (candidate_id, application_id, entry_id, row_order)
) WITHOUT ROWID;

CREATE TABLE review_attempts (
    candidate_id TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    scan_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    name TEXT NOT NULL,
    id_number TEXT NOT NULL,
    school TEXT NOT NULL,
    major TEXT NOT NULL,
    level TEXT NOT NULL,
    study_form TEXT NOT NULL,
    education_category TEXT NOT NULL,
    enrolment_date TEXT NOT NULL,
    graduation_date TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    name_matches INTEGER NOT NULL,
    id_number_matches INTEGER NOT NULL,
    superseded INTEGER NOT NULL,
    PRIMARY KEY (candidate_id, entry_id, seq)
) WITHOUT ROWID;

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
    PRIMARY KEY (candidate_id, application_id)
) WITHOUT ROWID;

CREATE INDEX review_queue_by_application ON review_queue (application_id);

CREATE INDEX review_queue_by_site ON review_queue (site_code, submitted_at, application_id, status);
