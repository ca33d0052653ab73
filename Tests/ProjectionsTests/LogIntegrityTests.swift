import EventLog
import Foundation
import GRDB
import RegistrarApp
import RegistrationDomain
import Testing

@testable import Projections

/// The read models against a log that lost events they had folded: cut off its end, or removed and others written in
/// their place.
@Suite("Read models and a changed log")
struct LogIntegrityTests {
    /// Deletes events as an attacker with the file would (the append-only trigger dropped, then put back).
    private func removeEvents(_ store: SQLiteEventStore, where condition: String) async throws {
        try await store.pool.write { db in
            let trigger = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'events_refuse_delete'")
            try db.execute(sql: "DROP TRIGGER events_refuse_delete")
            try db.execute(sql: "DELETE FROM events WHERE \(condition)")
            if let trigger { try db.execute(sql: trigger) }
        }
    }

    /// A store on the fixture's file opened as another process would, with an engine that has not installed yet.
    private func otherEngine(_ season: SeasonFixture) throws -> ProjectionEngine {
        var options = SQLiteEventStore.Options()
        options.durability = .normal
        return ProjectionEngine(store: try SQLiteEventStore(path: season.path, options: options))
    }

    private static var names: [String] { Projections.all.map(\.name) }

    /// A registration appended by another process without the read models (the CLI, say).
    private func registerThroughCLI(_ cli: RegistrarService, _ index: Int) async throws {
        let id = SeasonFixture.candidateID(index)
        try await cli.execute(
            .register(
                RegisterCandidate(
                    candidateID: id,
                    username: "cli\(index)",
                    name: "李四",
                    surnamePinyin: "li",
                    givenNamePinyin: "si",
                    idType: IDType.residentID.rawValue,
                    idNumber: SeasonFixture.residentID(index),
                    nationality: "中国",
                    ethnicity: "汉族",
                    password: "secret123",
                    recoveryQuestion: "q?",
                    recoveryAnswer: "answer"
                )
            ),
            candidateId: id,
            actor: .candidate(id),
            request: RequestContext(channel: "cli")
        )
    }

    @Test("events cut off the log's end: no read model is current, install refuses, an append at a freed position fails")
    func tailCut() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 3)
        let engine = try #require(season.engine)
        let head = try await season.store.headPosition()
        try await removeEvents(season.store, where: "position >= \(head - 1)")

        for name in Self.names { #expect(try engine.status(name) == .pastHead(checkpoint: head, head: head - 2)) }
        let problems = try engine.logProblems()
        #expect(problems == Self.names.map { .logEndsBeforeReadModel($0, checkpoint: head, head: head - 2) })
        #expect(
            problems.first?.description
                == "read model candidate_view is at position \(head) but the log ends at \(head - 2): events were removed from the log; "
                + "run `registrar verify`"
        )
        #expect(problems.first?.logFinding?.contains("events were removed from the end of the log") == true)
        // Another process starting (a server's install) refuses the file.
        let other = try otherEngine(season)
        #expect(throws: ProjectionError.logEndsBeforeReadModel("candidate_view", checkpoint: head, head: head - 2)) { try other.install() }
        // An append through the hooked store would take freed positions the read models say they folded: it fails
        // rather than appending events that the read models would never show.
        season.clock.set(SeasonFixture.beforeRegistration)
        let refused = ProjectionError.logEndsBeforeReadModel("candidate_view", checkpoint: head, head: head - 2)
        await #expect(throws: EventLogError.integrity(refused.description)) { try await season.register(50) }
        #expect(season.store.integrityFailure == refused.description, "kept, for /health")
        #expect(try await season.store.headPosition() == head - 2)
        // Verification does not compare the read models it already knows to be of another log.
        #expect(try await engine.verifyAgainstRebuild(skipping: Set(Self.names)).isEmpty)

        // A rebuild folds the log as it is: every read model is current again, and appends fold as before.
        try other.install(rebuilding: Set(Self.names))
        try await other.rebuild()
        for name in Self.names { #expect(try other.status(name) == .current) }
        #expect(try other.logProblems().isEmpty)
        try engine.install()
        try await season.register(50)
        for name in Self.names { #expect(try engine.status(name) == .current) }
        let incremental = try season.hashes()
        try await engine.rebuild()
        #expect(try season.hashes() == incremental)
    }

    @Test("a rebuild of some read models is not caught up for the others that folded removed events: they stay refused")
    func partialRebuildLeavesTheOthersRefused() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 2)
        let head = try await season.store.headPosition()
        try await removeEvents(season.store, where: "position = \(head)")
        let other = try otherEngine(season)
        try other.install(rebuilding: Set(Self.names))
        try await other.rebuild(projection: "audit_trail")
        #expect(try other.status("audit_trail") == .current)
        #expect(try other.status("candidate_view") == .pastHead(checkpoint: head, head: head - 1))
        #expect(throws: ProjectionError.self) { try other.install() }
    }

    @Test("an event removed and another written in its place is told by its hash, at the checkpoint or behind it")
    func replacedEvent() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 2)
        let engine = try #require(season.engine)
        let head = try await season.store.headPosition()
        try await removeEvents(season.store, where: "position = \(head)")
        // Another process without the read models (the CLI) appends: its event takes the freed position.
        let cli = try season.otherProcess()
        season.clock.set(SeasonFixture.beforeRegistration)
        try await registerThroughCLI(cli, 60)
        #expect(try await season.store.headPosition() == head)
        for name in Self.names { #expect(try engine.status(name) == .foldedEventReplaced(position: head, missing: false)) }
        #expect(throws: ProjectionError.foldedEventReplaced("candidate_view", position: head, missing: false)) {
            try otherEngine(season).install()
        }
        // And once the log has moved on, the event at the checkpoint gone.
        try await registerThroughCLI(cli, 61)
        try await removeEvents(season.store, where: "position = \(head)")
        #expect(try engine.status("audit_trail") == .foldedEventReplaced(position: head, missing: true))
        #expect(try engine.logProblems().first?.description.contains("(there is no event there now)") == true)
    }

    @Test("a checkpoints table of an earlier build (no folded hash) reads as before and gets the hash at the next install")
    func checkpointsOfAnEarlierBuild() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 2)
        let head = try await season.store.headPosition()
        try await season.store.pool.write { db in
            try db.execute(sql: "ALTER TABLE projection_checkpoints DROP COLUMN hash")
            try db.execute(sql: "ALTER TABLE projection_checkpoints DROP COLUMN hash_position")
        }
        let other = try otherEngine(season)
        for name in Self.names { #expect(try other.status(name) == .current) }
        try other.install()
        let recorded = try await season.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT hash_position, hash FROM projection_checkpoints")
        }
        let headHash = try await season.store.readAll(after: head - 1, limit: 1).first?.hash
        #expect(recorded.count == 3 && recorded.allSatisfy { $0[0] as Int64? == head && $0[1] as Data? == headHash })
    }
}
