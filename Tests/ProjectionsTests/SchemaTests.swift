import EventLog
import Foundation
import GRDB
import Testing

@testable import Projections

/// `projections/<name>/schema.sql` is the recorded DDL of each read model; it must equal what the migrations create.
/// Re-record with `RECORD_PROJECTION_SCHEMA=1 swift test --filter SchemaTests` (then review the diff).
@Suite("Recorded schemas")
struct SchemaTests {
    static func schema(of projection: any Projection, in db: Database) throws -> String {
        var statements = [String]()
        for table in projection.tables {
            statements += try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table])
        }
        for table in projection.tables {
            statements += try String.fetchAll(
                db,
                sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
                arguments: [table]
            )
        }
        return statements.map { $0 + ";\n" }.joined(separator: "\n")
    }

    static func recorded(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "schema", withExtension: "sql", subdirectory: "projections/\(name)"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// After a rebuild SQLite quotes the renamed table's name in its DDL; nothing else may differ.
    static func unquoted(_ text: String) -> String { text.replacingOccurrences(of: "\"", with: "") }

    @Test("schema.sql equals the DDL the migrations create, and the DDL after a rebuild", arguments: Projections.all.map(\.name))
    func recordedSchema(name: String) async throws {
        let season = try await SeasonFixture()
        let projection = try #require(Projections.named(name))
        let created = try await season.store.pool.read { db in try Self.schema(of: projection, in: db) }
        if ProcessInfo.processInfo.environment["RECORD_PROJECTION_SCHEMA"] == "1" {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let file = root.appendingPathComponent("projections/\(name)/schema.sql")
            try ("-- Recorded by Tests/ProjectionsTests/SchemaTests.swift: the DDL of \(name) v\(projection.version).\n\n" + created)
                .write(to: file, atomically: true, encoding: .utf8)
        }
        let recorded = try Self.recorded(name).split(separator: "\n", omittingEmptySubsequences: false)
            .drop { $0.hasPrefix("--") || $0.isEmpty }.joined(separator: "\n")
        #expect(recorded == created)
        try await season.engine!.rebuild(projection: name)
        let rebuilt = try await season.store.pool.read { db in try Self.schema(of: projection, in: db) }
        #expect(Self.unquoted(rebuilt) == Self.unquoted(created))
    }
}
