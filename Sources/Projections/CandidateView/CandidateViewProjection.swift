import EventLog
import Foundation
import GRDB
import RegistrarApp
import RegistrationDomain

/// `candidate_view`: one row per candidate with the columns lists and lookups need (username, name, masked ID number,
/// the newest application's status and site, when registered); plus the seasons, so that "what may the candidate do
/// next" is computed at query time for the current instant.
///
/// The fold is the domain's own: the engine holds each candidate's ``CandidateState`` while it folds (and remembers
/// it between appends, ``WarmRows``), and writes the row only when one of its columns changes (most appends change
/// none). The whole file is not stored here: it is the state the log's snapshot and events give, which is how the API
/// reads it (version 5 stored it too, and every append encoded and rewrote it). A state not in memory starts from
/// the stream's snapshot and the events after it.
public struct CandidateViewProjection: Projection {
    public let name = "candidate_view"
    /// 4 (lists masked as the API masks), 5 (a site's candidates indexed in the order they are listed), 6 (the
    /// columns only, not the file), 6100 (documents shorter than a resident ID masked to their first and last two
    /// characters), and the state's schema version: 6104.
    public var version: Int { 6_100 + CandidateState.stateSchemaVersion }
    public let tables = ["candidate_view", "candidate_view_seasons"]

    /// Creates the projection.
    public init() {}

    public func createTables(_ t: TableNames) -> [String] {
        [
            """
            CREATE TABLE \(t("candidate_view")) (
                candidate_id TEXT PRIMARY KEY,
                username TEXT NOT NULL COLLATE NOCASE,
                name TEXT NOT NULL,
                id_number_masked TEXT NOT NULL,
                status TEXT NOT NULL,
                site_code TEXT,
                registered_at TEXT
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE \(t("candidate_view_seasons")) (
                stream_id TEXT PRIMARY KEY,
                season_id TEXT,
                document TEXT NOT NULL
            ) WITHOUT ROWID
            """,
        ]
    }

    public func createIndexes(_ t: TableNames) -> [String] {
        [
            "CREATE INDEX candidate_view_by_username ON \(t("candidate_view")) (username)",
            // In the order a site's candidates are listed, a page at a time; the status filters without the rows.
            "CREATE INDEX candidate_view_by_site ON \(t("candidate_view")) (site_code, candidate_id, status)",
        ]
    }

    // MARK: The fold

    /// The pure fold of a candidate's row: the domain's own `evolve`.
    public static func fold(_ row: CandidateState?, _ event: CandidateEvent) -> CandidateState? {
        var row = row
        fold(&row, event)
        return row
    }

    /// The same fold in place, as the engine runs it: the row is moved through `evolve`, so that its collections
    /// are changed where they are instead of copied at every event.
    public static func fold(_ row: inout CandidateState?, _ event: CandidateEvent) {
        row = CandidateDecider.evolve(row.take() ?? CandidateDecider.initial, event)
    }

    /// The pure fold of a season's row.
    public static func fold(_ row: SeasonState?, _ event: SeasonEvent) -> SeasonState? {
        SeasonDecider.evolve(row ?? SeasonDecider.initial, event)
    }

    /// The status column: the newest application's status, or `registered`.
    public static func status(of state: CandidateState) -> String {
        state.newestApplication?.status.rawValue ?? "registered"
    }

    /// `110***********1234`: the masking the API shows roles that do not need the number (`Masking.idNumber`), so a
    /// list and a file show a candidate the same way; it keeps neither the birth date nor the district.
    public static func mask(_ idNumber: String) -> String {
        Masking.idNumber(idNumber)
    }

    /// A candidate's row as the fold holds it: the file's state, and the columns the table has for it.
    struct CandidateRow {
        var state: CandidateState
        /// What the table holds (nil: no row).
        var stored: Columns?
    }

    /// The stored columns of a candidate.
    struct Columns: Equatable {
        var username: String
        var name: String
        var idNumberMasked: String
        var status: String
        var siteCode: String?
        var registeredAt: String?

        /// The columns of a state; nil for a file that is not registered (nothing worth listing).
        init?(_ state: CandidateState) {
            guard let basic = state.basic else { return nil }
            username = basic.username
            name = basic.name
            idNumberMasked = CandidateViewProjection.mask(basic.idNumber)
            status = CandidateViewProjection.status(of: state)
            siteCode = state.newestApplication?.siteCode
            registeredAt = state.registeredAt
        }
    }

    /// Folds one event into a candidate's row in place: the state is moved through `evolve`, so that its collections
    /// change where they are instead of being copied.
    static func fold(_ row: inout CandidateRow?, _ event: CandidateEvent) {
        guard var current = row.take() else {
            row = CandidateRow(state: CandidateDecider.evolve(CandidateDecider.initial, event), stored: nil)
            return
        }
        var state = Optional(current.state)
        current.state = CandidateDecider.initial
        fold(&state, event)
        current.state = state!
        row = current
    }

    /// The state of a candidate before the event at `version`, from the stream's snapshot and the events after it
    /// when `source` is given, else from its events alone; with the columns the table holds for it.
    static func row(_ candidateID: String, before version: Int, db: Database, source: FoldState.StreamStateSource?) throws -> CandidateRow? {
        // Nothing comes before a stream's first event (and a rebuild's scratch file has no log to read).
        guard version > 1 else { return nil }
        var state: CandidateState?
        let events: [RecordedEvent]
        if let source {
            let read = try source(db, candidateID, CandidateState.stateSchemaVersion, version)
            // A snapshot that no longer decodes is a miss: every event is folded instead.
            if let payload = read.snapshotPayload, let decoded = try? CandidateState(snapshotPayload: payload) {
                state = decoded
                events = read.events
            } else {
                events = read.snapshotPayload == nil ? read.events : try SQLiteEventStore.readStream(db, candidateID, before: version)
            }
        } else {
            events = try SQLiteEventStore.readStream(db, candidateID, before: version)
        }
        let decoder = EventDecoder()
        for recorded in events {
            if case .candidate(let event) = try decoder.payload(of: recorded) { fold(&state, event) }
        }
        guard let state else { return nil }
        // The table holds the columns of the state before `version`: it was written whenever they changed.
        return CandidateRow(state: state, stored: Columns(state))
    }

    // MARK: SQL

    public func apply(_ events: [DecodedEvent], db: Database, tables t: TableNames, state: FoldState) throws {
        let candidates = state.cache("candidates", of: CandidateRow.self)
        let seasons = state.cache("seasons", of: SeasonState.self)
        let decoder = FastJSONDecoder()
        let loadSeason = try db.cachedStatement(sql: "SELECT document FROM \(t("candidate_view_seasons")) WHERE stream_id = ?")
        for event in events {
            switch event.payload {
            case .candidate(let candidateEvent):
                let version = event.recorded.streamVersion
                try candidates.update(
                    event.streamId,
                    version: version,
                    load: { key in try Self.row(key, before: version, db: db, source: state.streams) },
                    { row in Self.fold(&row, candidateEvent) }
                )
            case .season(let seasonEvent):
                try seasons.fold(
                    event.streamId,
                    version: event.recorded.streamVersion,
                    load: { key in try Data.fetchOne(loadSeason, arguments: [key]).map { try decoder.decode(SeasonState.self, from: $0) } },
                    { Self.fold($0, seasonEvent) }
                )
            case .staff, .other:
                break
            }
        }
    }

    public func flush(db: Database, tables t: TableNames, state: FoldState) throws {
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO \(t("candidate_view")) (candidate_id, username, name, id_number_masked, status, site_code, registered_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (candidate_id) DO UPDATE SET username = excluded.username, name = excluded.name,
                    id_number_masked = excluded.id_number_masked, status = excluded.status, site_code = excluded.site_code,
                    registered_at = excluded.registered_at
                """
        )
        try state.cache("candidates", of: CandidateRow.self).flushInPlace { key, row in
            // Events of an unregistered file change nothing worth showing; the decider never produces them.
            guard let current = row, let columns = Columns(current.state), columns != current.stored else { return }
            try upsert.execute(arguments: [
                key, columns.username, columns.name, columns.idNumberMasked, columns.status, columns.siteCode, columns.registeredAt,
            ])
            row?.stored = columns
        }
        let upsertSeason = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO \(t("candidate_view_seasons")) (stream_id, season_id, document) VALUES (?, ?, ?)"
        )
        try state.cache("seasons", of: SeasonState.self).flush { key, state in
            guard let state else { return }
            try upsertSeason.execute(arguments: [key, state.seasonID, try DocumentEncoder.encode(state)])
        }
    }
}
