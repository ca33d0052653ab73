import GRDB

/// The event log's schema. Migrations are SQL strings never edited once shipped: a change is a new migration.
enum EventLogSchema {
    static let appendOnlyTriggers = ["events_refuse_update", "events_refuse_delete"]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("eventlog-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        position INTEGER PRIMARY KEY,
                        stream_id TEXT NOT NULL,
                        stream_version INTEGER NOT NULL CHECK (stream_version >= 1),
                        event_type TEXT NOT NULL,
                        schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
                        data TEXT NOT NULL CHECK (json_valid(data)),
                        metadata TEXT NOT NULL CHECK (json_valid(metadata)),
                        previous_hash BLOB NOT NULL,
                        hash BLOB NOT NULL,
                        UNIQUE (stream_id, stream_version)
                    );
                    CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
                    CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
                    CREATE TABLE requests (
                        request_id TEXT PRIMARY KEY,
                        stream_id TEXT NOT NULL,
                        first_version INTEGER NOT NULL,
                        last_version INTEGER NOT NULL,
                        first_position INTEGER NOT NULL,
                        last_position INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE claims (
                        claim TEXT PRIMARY KEY,
                        stream_id TEXT NOT NULL,
                        position INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE zstd_dictionaries (
                        id INTEGER PRIMARY KEY,
                        trained_at_position INTEGER NOT NULL,
                        sample_count INTEGER NOT NULL,
                        bytes BLOB NOT NULL
                    );
                    CREATE TABLE snapshots (
                        stream_id TEXT NOT NULL,
                        state_schema_version INTEGER NOT NULL,
                        stream_version INTEGER NOT NULL,
                        codec TEXT NOT NULL CHECK (codec IN ('zstd', 'zstd-dictionary')),
                        dictionary_id INTEGER REFERENCES zstd_dictionaries (id),
                        raw_size INTEGER NOT NULL,
                        blob BLOB NOT NULL,
                        PRIMARY KEY (stream_id, state_schema_version)
                    ) WITHOUT ROWID;
                    """
            )
        }
        return migrator
    }
}
