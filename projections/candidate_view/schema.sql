-- Recorded by Tests/ProjectionsTests/SchemaTests.swift: the DDL of candidate_view v6106.

CREATE TABLE candidate_view (
    candidate_id TEXT PRIMARY KEY,
    username TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL,
    id_number_masked TEXT NOT NULL,
    status TEXT NOT NULL,
    site_code TEXT,
    registered_at TEXT
) WITHOUT ROWID;

CREATE TABLE candidate_view_seasons (
    stream_id TEXT PRIMARY KEY,
    season_id TEXT,
    document TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX candidate_view_by_site ON candidate_view (site_code, candidate_id, status);

CREATE INDEX candidate_view_by_username ON candidate_view (username);
