import EventLog
import Foundation
import GRDB
import RegistrarApp
import RegistrationDomain

/// `candidate_view`: one row per candidate with the whole registration file (the domain's ``CandidateState``) and
/// indexed columns for lookups; plus the seasons, so that "what may the candidate do next" is computed at query time
/// for the current instant.
///
/// The file is stored in the state's compact binary form (the snapshots' form, ``CompactBinaryCodable``), not as
/// JSON: every append rewrites it and every read of a file decodes it, and the binary form is written and read
/// several times faster than JSON through Codable (which was the largest part of an append's read-model work) and is
/// smaller. The API renders it as JSON. Its version follows the state's binary form, so a new form refills the table.
public struct CandidateViewProjection: Projection {
    public let name = "candidate_view"
    /// 4 (the binary document in a rowid table, lists masked as the API masks), 5 (a site's candidates indexed in
    /// the order they are listed), and the state's schema version: 5002.
    public var version: Int { 5_000 + CandidateState.stateSchemaVersion }
    public let tables = ["candidate_view", "candidate_view_seasons"]

    /// Creates the projection.
    public init() {}

    // `candidate_view` is a rowid table: a file of ~2 KB stays on its leaf page there, while a WITHOUT ROWID table
    // keeps at most ~1 KB of a row on the leaf and puts the rest on an overflow page of its own (two pages per file,
    // both written again by every append).
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
                registered_at TEXT,
                document BLOB NOT NULL
            )
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

    // MARK: SQL

    public func apply(_ events: [DecodedEvent], db: Database, tables t: TableNames, state: FoldState) throws {
        let candidates = state.cache("candidates", of: CandidateState.self)
        let seasons = state.cache("seasons", of: SeasonState.self)
        let decoder = FastJSONDecoder()
        let loadCandidate = try db.cachedStatement(sql: "SELECT document FROM \(t("candidate_view")) WHERE candidate_id = ?")
        let loadSeason = try db.cachedStatement(sql: "SELECT document FROM \(t("candidate_view_seasons")) WHERE stream_id = ?")
        for event in events {
            switch event.payload {
            case .candidate(let candidateEvent):
                try candidates.update(
                    event.streamId,
                    version: event.recorded.streamVersion,
                    load: { key in try Data.fetchOne(loadCandidate, arguments: [key]).map(CandidateState.init(compactBinary:)) },
                    { Self.fold(&$0, candidateEvent) }
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
                INSERT INTO \(t("candidate_view"))
                    (candidate_id, username, name, id_number_masked, status, site_code, registered_at, document)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (candidate_id) DO UPDATE SET username = excluded.username, name = excluded.name,
                    id_number_masked = excluded.id_number_masked, status = excluded.status, site_code = excluded.site_code,
                    registered_at = excluded.registered_at, document = excluded.document
                """
        )
        try state.cache("candidates", of: CandidateState.self).flush { key, state in
            // Events of an unregistered file change nothing worth showing; the decider never produces them.
            guard let state, let basic = state.basic else { return }
            let document = state.compactBinary()
            try upsert.execute(arguments: [
                key, basic.username, basic.name, Self.mask(basic.idNumber), Self.status(of: state),
                state.newestApplication?.siteCode, state.registeredAt, document,
            ])
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
