import EventLog
import Foundation
import RegistrarApp
import RegistrationDomain
import Testing

@Suite("Command path")
struct CommandPathTests {
    @Test(
        "registration appends the candidate's events with claims and metadata; the password is never in the log",
        arguments: AppFixture.Kind.allCases
    )
    func registration(kind: AppFixture.Kind) async throws {
        let app = try await AppFixture(kind)
        let outcome = try await app.service.execute(
            .register(AppFixture.registration(id: "candidate-1", username: "zhangsan")),
            candidateId: "candidate-1",
            actor: .candidate("candidate-1"),
            request: RequestContext(requestId: "req-register-1", correlationId: "corr-1", channel: "web")
        )
        #expect(outcome.events.count >= 1)
        let recorded = try await app.service.store.readStream("candidate-1")
        let metadata = try recorded[0].decodedMetadata()
        #expect(metadata.actorId == "candidate-1" && metadata.role == "candidate" && metadata.channel == "web")
        #expect(metadata.requestId == "req-register-1" && metadata.correlationId == "corr-1")
        #expect(metadata.recordedAt == "2025-12-20T02:00:00.000Z")
        #expect(metadata.claims?.contains("username:zhangsan") == true)
        let everything = try await app.service.store.readAll(after: 0, limit: 10_000)
        for event in everything {
            let text = String(decoding: event.data + event.metadata, as: UTF8.self)
            #expect(!text.contains("secret123"))
            #expect(!text.contains("武汉大学医学部"))
        }
        if kind == .sqlite {
            #expect(try await app.service.authenticate(username: "ZhangSan", password: "secret123") == "candidate-1")
            #expect(try await app.service.authenticate(username: "zhangsan", password: "wrong12") == nil)
        }
    }

    @Test(
        "the same person registering again gets the national message naming the first username; nothing is appended",
        arguments: AppFixture.Kind.allCases
    )
    func duplicatePerson(kind: AppFixture.Kind) async throws {
        let app = try await AppFixture(kind)
        try await app.service.execute(
            .register(AppFixture.registration(id: "candidate-1", username: "zhangsan")),
            candidateId: "candidate-1",
            actor: .candidate("candidate-1"),
            request: RequestContext(channel: "web")
        )
        let head = try await app.service.store.headPosition()
        await #expect(throws: CommandError.rejected(CandidateClaims.alreadyRegistered(username: "zhangsan"))) {
            try await app.service.execute(
                .register(AppFixture.registration(id: "candidate-2", username: "zhangsan2")),
                candidateId: "candidate-2",
                actor: .candidate("candidate-2"),
                request: RequestContext(channel: "web")
            )
        }
        await #expect(throws: CommandError.rejected(CandidateClaims.usernameTaken("ZHANGSAN"))) {
            try await app.service.execute(
                .register(AppFixture.registration(id: "candidate-3", username: "ZHANGSAN", idNumber: AppFixture.residentID("42010619920101123"))),
                candidateId: "candidate-3",
                actor: .candidate("candidate-3"),
                request: RequestContext(channel: "web")
            )
        }
        #expect(try await app.service.store.headPosition() == head)
        if kind == .sqlite {
            // The refused registrations left no credentials behind either.
            #expect(try await app.service.authenticate(username: "zhangsan2", password: "secret123") == nil)
        }
    }

    @Test("a rejected command appends nothing and carries code, field and message", arguments: AppFixture.Kind.allCases)
    func rejection(kind: AppFixture.Kind) async throws {
        let app = try await AppFixture(kind)
        let head = try await app.service.store.headPosition()
        var bad = AppFixture.registration(id: "candidate-1", username: "zhangsan")
        bad.idNumber = "42010619900307123X"
        do {
            try await app.service.execute(
                .register(bad),
                candidateId: "candidate-1",
                actor: .candidate("candidate-1"),
                request: .init(channel: "web")
            )
            Issue.record("a wrong check character was accepted")
        } catch CommandError.rejected(let rejection) {
            #expect(rejection.code == "id_number.check_character")
            #expect(rejection.field.hasSuffix("idNumber"))
            #expect(!rejection.message.isEmpty)
        }
        #expect(try await app.service.store.headPosition() == head)
    }

    @Test("a retried request appends nothing the second time and returns the first result", arguments: AppFixture.Kind.allCases)
    func retriedRequest(kind: AppFixture.Kind) async throws {
        let app = try await AppFixture(kind)
        let register = CandidateCommand.register(AppFixture.registration(id: "candidate-1", username: "zhangsan"))
        let request = RequestContext(requestId: "req-1", channel: "web")
        let first = try await app.service.execute(register, candidateId: "candidate-1", actor: .candidate("candidate-1"), request: request)
        let again = try await app.service.execute(register, candidateId: "candidate-1", actor: .candidate("candidate-1"), request: request)
        #expect(again.events.isEmpty)
        #expect(again.append?.wasDuplicate == true)
        #expect(again.append?.firstPosition == first.append?.firstPosition)
        #expect(try await app.service.store.readStream("candidate-1").count == first.events.count)
    }

    @Test("concurrent commands on one file all land, retried on version conflicts, with no lost update", arguments: AppFixture.Kind.allCases)
    func concurrentWriters(kind: AppFixture.Kind) async throws {
        let app = try await AppFixture(kind)
        try await app.service.execute(
            .register(AppFixture.registration(id: "candidate-1", username: "zhangsan")),
            candidateId: "candidate-1",
            actor: .candidate("candidate-1"),
            request: .init(channel: "web")
        )
        let before = try await app.service.store.streamVersion("candidate-1")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                group.addTask {
                    let mobile = "1390000\(String(format: "%04d", index))"
                    try await app.service.execute(
                        .updateContact(UpdateContactDetails(candidateID: "candidate-1", contact: AppFixture.contact(mobile: mobile))),
                        candidateId: "candidate-1",
                        actor: .candidate("candidate-1"),
                        request: .init(channel: "web")
                    )
                }
            }
            try await group.waitForAll()
        }
        let events = try await app.service.store.readStream("candidate-1")
        #expect(events.count == before + 12)
        #expect(events.map(\.streamVersion) == Array(1...(before + 12)))
    }

    @Test("a snapshot that does not decode is a cache miss: the load replays the whole stream", arguments: AppFixture.Kind.allCases)
    func undecodableSnapshot(kind: AppFixture.Kind) async throws {
        let app = try await AppFixture(kind, snapshotEvery: 0)
        try await app.service.execute(
            .register(AppFixture.registration(id: "candidate-1", username: "zhangsan")),
            candidateId: "candidate-1",
            actor: .candidate("candidate-1"),
            request: .init(channel: "web")
        )
        let version = try await app.service.store.streamVersion("candidate-1")
        // A JSON state where the compact binary form is expected (what a snapshot of the old schema would look like).
        try await app.service.store.saveSnapshot(
            Snapshot(streamId: "candidate-1", streamVersion: version, stateSchemaVersion: CandidateState.stateSchemaVersion, payload: Data("{}".utf8))
        )
        let loaded = try await app.service.candidates.load("candidate-1")
        let replayed = try await app.service.candidates.replay("candidate-1")
        #expect(loaded.version == version && loaded.version == replayed.version)
        #expect(loaded.state == replayed.state)
        #expect(loaded.state.isRegistered)
    }

    @Test("snapshot plus tail equals a full replay", arguments: AppFixture.Kind.allCases)
    func snapshotPlusTail(kind: AppFixture.Kind) async throws {
        let app = try await AppFixture(kind, snapshotEvery: 5)
        try await app.service.execute(
            .register(AppFixture.registration(id: "candidate-1", username: "zhangsan")),
            candidateId: "candidate-1",
            actor: .candidate("candidate-1"),
            request: .init(channel: "web")
        )
        for index in 0..<13 {
            app.clock.advance(by: 60)
            try await app.service.execute(
                .updateContact(
                    UpdateContactDetails(candidateID: "candidate-1", contact: AppFixture.contact(mobile: "1380000\(String(format: "%04d", index))"))
                ),
                candidateId: "candidate-1",
                actor: .candidate("candidate-1"),
                request: .init(channel: "web")
            )
        }
        let snapshot = try #require(
            try await app.service.store.loadSnapshot(streamId: "candidate-1", stateSchemaVersion: CandidateState.stateSchemaVersion)
        )
        let version = try await app.service.store.streamVersion("candidate-1")
        #expect(snapshot.streamVersion % 5 == 0 && snapshot.streamVersion < version)
        let loaded = try await app.service.candidates.load("candidate-1")
        let replayed = try await app.service.candidates.replay("candidate-1")
        #expect(loaded.version == replayed.version)
        #expect(loaded.state == replayed.state)
        #expect(loaded.state.contact?.mobile == "13800000012")
    }
}

@Suite("Season state cache")
struct SeasonCacheTests {
    @Test("a season change made through another service on the same log is seen by the next command")
    func seesChangesFromElsewhere() async throws {
        let app = try await AppFixture(.sqlite)
        let before = try await app.service.seasonState()
        #expect(before.site("4202") == nil)
        // A second service over the same file, as the CLI would be next to a running server.
        let other = try RegistrarService(
            store: try SQLiteEventStore(path: app.sqlite!.path),
            clock: app.clock,
            ids: SeededIDGenerator(seed: 99),
            configuration: .init(seasonId: "2026", passwordHasher: .cheapForTests)
        )
        try await other.execute(
            .addSite(AddExamSite(code: "4202", name: "襄阳考点", areaCode: "42")),
            actor: AppFixture.admin,
            request: RequestContext(channel: "cli")
        )
        #expect(try await app.service.seasonState().site("4202") != nil)
        #expect(try await app.service.seasonState() == other.seasonState())
    }
}

@Suite("Candidate state cache")
struct CandidateStateCacheTests {
    @Test("a file changed by another process is reloaded: the cached state's append conflicts, and the command lands on the new state")
    func reloadsAfterChangeElsewhere() async throws {
        let app = try await AppFixture(.sqlite)
        #expect(app.service.candidates.stateCacheCapacity > 0)
        try await app.service.execute(
            .register(AppFixture.registration(id: "candidate-1", username: "zhangsan")),
            candidateId: "candidate-1",
            actor: .candidate("candidate-1"),
            request: .init(channel: "web")
        )
        let contact = { (mobile: String) in
            CandidateCommand.updateContact(UpdateContactDetails(candidateID: "candidate-1", contact: AppFixture.contact(mobile: mobile)))
        }
        try await app.service.execute(
            contact("13800000001"),
            candidateId: "candidate-1",
            actor: .candidate("candidate-1"),
            request: .init(channel: "web")
        )
        // Another process (the CLI next to the server) changes the file behind the first service's cache.
        let other = try RegistrarService(
            store: try SQLiteEventStore(path: app.sqlite!.path),
            clock: app.clock,
            ids: SeededIDGenerator(seed: 99),
            configuration: .init(seasonId: "2026", passwordHasher: .cheapForTests)
        )
        try await other.execute(contact("13800000002"), candidateId: "candidate-1", actor: .candidate("candidate-1"), request: .init(channel: "web"))
        // The first service's cached state is one version behind: its append must conflict, reload and land after.
        let outcome = try await app.service.execute(
            contact("13800000001"),
            candidateId: "candidate-1",
            actor: .candidate("candidate-1"),
            request: .init(channel: "web")
        )
        #expect(outcome.events.count == 1)
        let events = try await app.service.store.readStream("candidate-1")
        #expect(events.map(\.streamVersion) == Array(1...events.count))
        let replayed = try await app.service.candidates.replay("candidate-1")
        #expect(replayed.state.contact?.mobile == "13800000001")
        #expect(try await app.service.candidates.load("candidate-1").state == replayed.state)
        // Reads check the cached version against the log: a change made elsewhere is seen at once.
        try await other.execute(contact("13800000003"), candidateId: "candidate-1", actor: .candidate("candidate-1"), request: .init(channel: "web"))
        #expect(try await app.service.candidateState("candidate-1").contact?.mobile == "13800000003")
    }
}
