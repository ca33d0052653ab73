import EventLog
import Foundation
import RegistrarApp
import RegistrationDomain
import Testing

@Suite("Command path")
struct CommandPathTests {
    /// A command reads the clock once: the instants its events carry are the instant its metadata records, so that
    /// `replay --at` and the trail's `since` agree with the file's own times.
    @Test func aCommandsEventsCarryTheInstantItsMetadataRecords() async throws {
        let app = try await AppFixture(.memory, clockStep: 0.001)
        _ = try await app.service.execute(
            .register(AppFixture.registration(id: "candidate-1", username: "zhangsan")),
            candidateId: "candidate-1",
            actor: .candidate("candidate-1"),
            request: RequestContext(channel: "web")
        )
        let recorded = try #require(try await app.service.store.readStream("candidate-1").first)
        let registered = try JSONDecoder().decode(CandidateRegistered.self, from: recorded.data)
        #expect(registered.registeredAt == (try recorded.decodedMetadata()).recordedAt)
    }

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
            #expect(try await app.service.authenticate(username: "ZhangSan", password: "secret123")?.subjectId == "candidate-1")
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
        // The same number under another type of document: the army's cards take any 4 to 20 letters and digits.
        var asOfficer = AppFixture.registration(id: "candidate-4", username: "zhangsan4")
        asOfficer.idType = IDType.officerID.rawValue
        asOfficer.sex = "男"
        asOfficer.birthDate = "1990-03-07"
        await #expect(throws: CommandError.rejected(CandidateClaims.alreadyRegistered(username: "zhangsan"))) {
            try await app.service.execute(
                .register(asOfficer),
                candidateId: "candidate-4",
                actor: .candidate("candidate-4"),
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

    @Test(
        "a retried request gets its original outcome whether deciding it again gives events, nothing or a refusal",
        arguments: AppFixture.Kind.allCases
    )
    func retriesDecidedAgain(kind: AppFixture.Kind) async throws {
        let app = try await AppFixture(kind)
        let id = "candidate-1"
        let run = { (command: CandidateCommand, requestId: String) in
            try await app.service.execute(
                command,
                candidateId: id,
                actor: .candidate(id),
                request: RequestContext(requestId: requestId, channel: "web")
            )
        }
        let contact = { (mobile: String) in
            CandidateCommand.updateContact(UpdateContactDetails(candidateID: id, contact: AppFixture.contact(mobile: mobile)))
        }
        try await run(.register(AppFixture.registration(id: id, username: "zhangsan")), "req-1")
        let first = try await run(contact("13800000001"), "req-2")
        #expect(first.events.count == 1)
        try await run(contact("13800000002"), "req-3")
        let head = try await app.service.store.headPosition()

        // Decided again on today's file, the retry changes the mobile back: the append finds the request's id.
        let changing = try await run(contact("13800000001"), "req-2")
        // Decided again, the same command changes nothing.
        let unchanged = try await run(contact("13800000002"), "req-3")
        #expect(changing.events.isEmpty && changing.append?.wasDuplicate == true)
        #expect(changing.append?.firstPosition == first.append?.firstPosition)
        #expect(unchanged.events.isEmpty && unchanged.append?.wasDuplicate == true && unchanged.append?.streamId == id)

        let add = CandidateCommand.addEducation(AddEducationEntry(candidateID: id, entryID: "e1", education: AppFixture.bachelor))
        let added = try await run(add, "req-4")
        // Decided again, the entry exists already: a refusal, which gives way to the original outcome.
        let refusedRetry = try await run(add, "req-4")
        #expect(
            refusedRetry.events.isEmpty
                && refusedRetry.append
                    == added.append.map {
                        var a = $0
                        a.wasDuplicate = true
                        return a
                    }
        )
        // Without the request id the same command is refused.
        await #expect(throws: CommandError.self) { try await run(add, "req-5") }
        // The id of a request on another file is not this command's.
        await #expect(throws: EventLogError.requestIdReused(requestId: "req-4", streamId: id)) {
            try await app.service.execute(
                add,
                candidateId: "candidate-2",
                actor: .candidate("candidate-2"),
                request: RequestContext(requestId: "req-4", channel: "web")
            )
        }
        #expect(try await app.service.store.headPosition() == head + 1)
        #expect(try await app.service.candidates.replay(id).state.contact?.mobile == "13800000002")
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
        #expect(app.service.candidates.snapshotsSkipped == 1)
        #expect(loaded.version == version && loaded.version == replayed.version)
        #expect(loaded.state == replayed.state)
        #expect(loaded.state.isRegistered)
    }

    @Test("a snapshot row past the stream's head (a damaged version) is ignored by reads and by commands")
    func snapshotPastTheHead() async throws {
        let app = try await AppFixture(.sqlite, snapshotEvery: 0)
        try await app.service.execute(
            .register(AppFixture.registration(id: "candidate-1", username: "zhangsan")),
            candidateId: "candidate-1",
            actor: .candidate("candidate-1"),
            request: .init(channel: "web")
        )
        let registered = try await app.service.candidates.replay("candidate-1")
        try await app.service.execute(
            .updateContact(UpdateContactDetails(candidateID: "candidate-1", contact: AppFixture.contact(mobile: "13800000001"))),
            candidateId: "candidate-1",
            actor: .candidate("candidate-1"),
            request: .init(channel: "web")
        )
        let version = try await app.service.store.streamVersion("candidate-1")
        // The state after registration, stored as if the stream had reached version 1,000.
        try await app.service.store.saveSnapshot(
            Snapshot(
                streamId: "candidate-1",
                streamVersion: version + 1_000,
                stateSchemaVersion: CandidateState.stateSchemaVersion,
                payload: try registered.state.snapshotPayload()
            )
        )
        // A process that has nothing cached: the server after a restart.
        let restarted = try app.otherProcess()
        let read = try await restarted.candidates.current("candidate-1")
        #expect(read.version == version)
        #expect(read.state.contact?.mobile == "13800000001")
        #expect(restarted.candidates.snapshotsSkipped == 1)
        // A command decided on the snapshot's state conflicts with the log; it is decided again on a full replay.
        let outcome = try await restarted.execute(
            .updateContact(UpdateContactDetails(candidateID: "candidate-1", contact: AppFixture.contact(mobile: "13800000002"))),
            candidateId: "candidate-1",
            actor: .candidate("candidate-1"),
            request: .init(channel: "web")
        )
        #expect(outcome.streamVersion == version + 1)
        #expect(try await restarted.candidates.replay("candidate-1").state.contact?.mobile == "13800000002")
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
        let other = try app.otherProcess()
        try await other.execute(
            .addSite(AddExamSite(code: "4202", name: "襄阳考点", areaCode: "42")),
            actor: AppFixture.admin,
            request: RequestContext(channel: "cli")
        )
        #expect(try await app.service.seasonState().site("4202") != nil)
        #expect(try await app.service.seasonState() == other.seasonState())
        // Once more, through the read a candidate's view makes (its file and the season in one read).
        try await other.execute(
            .addSite(AddExamSite(code: "4203", name: "宜昌考点", areaCode: "42")),
            actor: AppFixture.admin,
            request: RequestContext(channel: "cli")
        )
        #expect(try await app.service.candidateStateAndSeason("nobody").season.site("4203") != nil)
    }
}

extension SeasonCacheTests {
    @Test("a command decided on a season another process changed before the append is decided again on the new season")
    func decidesAgainWhenTheSeasonMoved() async throws {
        let app = try await AppFixture(.sqlite)
        let id = "candidate-1"
        let run = try await Self.submitted(app, id: id)
        // Another process (the CLI next to the server) closes registration two days early.
        let other = try app.otherProcess()
        try await other.execute(
            .setCalendar(SetSeasonCalendar(calendar: AppFixture.calendar(registrationCloses: "2026-01-10T09:00:00.000Z"))),
            actor: AppFixture.admin,
            request: RequestContext(channel: "cli")
        )
        // This service last saw the old calendar, under which abandoning is still allowed; the append's condition on
        // the season fails, and the command decided again on the new calendar is refused.
        let version = try await app.service.store.streamVersion(id)
        await #expect {
            try await run(.abandonApplication(AbandonApplication(candidateID: id, applicationID: "app-1")))
        } throws: { error in
            guard case CommandError.rejected(let rejection) = error else { return false }
            return rejection.code == "application.registration_closed"
        }
        #expect(try await app.service.store.streamVersion(id) == version)
    }
}

extension SeasonCacheTests {
    /// A file with an application submitted during registration (2026-01-12), and a run function for its owner.
    static func submitted(_ app: AppFixture, id: String) async throws -> (CandidateCommand) async throws -> CommandOutcome<CandidateEvent> {
        let run = { (command: CandidateCommand) in
            try await app.service.execute(command, candidateId: id, actor: .candidate(id), request: .init(channel: "web"))
        }
        try await run(.register(AppFixture.registration(id: id, username: "zhangsan")))
        try await run(.updateContact(UpdateContactDetails(candidateID: id, contact: AppFixture.contact(mobile: "13800000001"))))
        try await run(
            .updateWork(UpdateWorkDetails(candidateID: id, work: WorkInput(onDutyStatus: "在职", workUnit: "武汉协和医院", title: nil, titleObtained: nil)))
        )
        try await run(.addEducation(AddEducationEntry(candidateID: id, entryID: "e1", education: AppFixture.bachelor)))
        app.clock.set(AppFixture.registration)
        try await run(
            .submitApplication(
                SubmitApplication(
                    candidateID: id,
                    applicationID: "app-1",
                    examCode: "110",
                    educationEntryIDs: ["e1"],
                    trainingEntryIDs: [],
                    certificateEntryID: nil,
                    areaCode: "42",
                    siteCode: "4201",
                    attemptCount: nil,
                    additionalSubject: nil,
                    photo: PhotoUpload(photoID: "photo-1", format: "jpg", sizeBytes: 20 * 1024),
                    passNumber: nil
                )
            )
        )
        return run
    }

    @Test("a refusal decided on a season another process has since changed is decided again on the new season")
    func refusalsAreCheckedAgainstTheSeasonInForce() async throws {
        let app = try await AppFixture(.sqlite)
        let run = try await Self.submitted(app, id: "candidate-1")
        // This service closes registration early, then another process extends it again.
        try await app.service.execute(
            .setCalendar(SetSeasonCalendar(calendar: AppFixture.calendar(registrationCloses: "2026-01-12T09:00:00.000Z"))),
            actor: AppFixture.admin,
            request: RequestContext(channel: "cli")
        )
        app.clock.set(Instant.date(from: "2026-01-13T03:00:00.000Z")!)
        let abandon = CandidateCommand.abandonApplication(AbandonApplication(candidateID: "candidate-1", applicationID: "app-1"))
        await #expect {
            try await run(abandon)
        } throws: { error in
            guard case CommandError.rejected(let rejection) = error else { return false }
            return rejection.code == "application.registration_closed"
        }
        try await app.otherProcess().execute(
            .setCalendar(SetSeasonCalendar(calendar: AppFixture.calendar())),
            actor: AppFixture.admin,
            request: RequestContext(channel: "cli")
        )
        // Refused under the cached early close, the command is decided again on the extended calendar.
        let outcome = try await run(abandon)
        #expect(outcome.events.contains { if case .applicationAbandoned = $0 { true } else { false } })
    }

    @Test("a calendar change made through this service is the calendar of its next command")
    func ownSeasonCommandsRefreshTheCache() async throws {
        let app = try await AppFixture(.sqlite)
        let run = try await Self.submitted(app, id: "candidate-1")
        app.clock.set(Instant.date(from: "2026-01-13T03:00:00.000Z")!)
        try await app.service.execute(
            .setCalendar(SetSeasonCalendar(calendar: AppFixture.calendar(registrationCloses: "2026-01-12T09:00:00.000Z"))),
            actor: AppFixture.admin,
            request: RequestContext(channel: "cli")
        )
        #expect(try await app.service.seasonState().calendar?.registrationCloses == Instant.date(from: "2026-01-12T09:00:00.000Z"))
        await #expect {
            try await run(.abandonApplication(AbandonApplication(candidateID: "candidate-1", applicationID: "app-1")))
        } throws: { error in
            guard case CommandError.rejected(let rejection) = error else { return false }
            return rejection.code == "application.registration_closed"
        }
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
        let other = try app.otherProcess()
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
        #expect(try await app.service.candidateStateAndSeason("candidate-1").candidate.contact?.mobile == "13800000003")
        try await other.execute(contact("13800000004"), candidateId: "candidate-1", actor: .candidate("candidate-1"), request: .init(channel: "web"))
        #expect(try await app.service.candidateState("candidate-1").contact?.mobile == "13800000004")
    }
}
