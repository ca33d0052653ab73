import EventLog
import Foundation
import RegistrationDomain
import TestScratch
import Testing

@testable import RegistrarApp

@Suite("Demo season")
struct DemoSeasonTests {
    /// Plays a demo into a fresh SQLite file with cheap hashing everywhere (the staff's hasher is the service's).
    static func play(seed: UInt64, candidates: Int = 14) async throws -> (report: DemoReport, store: SQLiteEventStore, service: RegistrarService) {
        let directory = try ScratchDirectory.make("registrar-demo")
        let store = try SQLiteEventStore(path: directory.appendingPathComponent("demo.sqlite").path)
        let clock = ManualClock(DemoSeason.start)
        let service = try RegistrarService(
            store: store,
            clock: clock,
            ids: SeededIDGenerator(seed: seed),
            configuration: .init(seasonId: "2026", passwordHasher: .seededForDemo(rounds: 1_000, seed: seed))
        )
        let demo = try DemoSeason(
            service: service,
            clock: clock,
            seed: seed,
            candidates: candidates,
            candidatePasswordHasher: .seededForDemo(rounds: 1_000, seed: ~seed)
        )
        return (try await demo.play(), store, service)
    }

    /// Every stored event, in position order (the stored type column is `RecordedEvent.type`).
    static func allEvents(_ store: SQLiteEventStore) async throws -> [RecordedEvent] {
        try await store.readAll(after: 0, limit: 1_000_000)
    }

    @Test("a small demo plays through the real command path; the log verifies and every candidate event type appears")
    func smallDemo() async throws {
        let (report, store, service) = try await Self.play(seed: 7, candidates: 12)
        #expect(report.candidates == 12)
        #expect(report.duplicateRegistrationsRefused == 1)
        #expect(report.refusals[DecisionCode.registrationPersonAlreadyRegistered.rawValue] == 1)

        let verification = try await store.verify()
        #expect(verification.isIntact, "\(verification.problems)")
        #expect(verification.headHash == report.headHash)
        #expect(Int(verification.eventsChecked) == report.events)

        let events = try await Self.allEvents(store)
        let storedTypes = Set(events.map(\.type))
        let allTypes = (CandidateEvent.payloadTypes + SeasonEvent.payloadTypes + StaffEvent.payloadTypes).map { $0.eventType }
        let missing = allTypes.filter { !storedTypes.contains($0) }
        #expect(missing.isEmpty, "event types missing from the demo log: \(missing)")
        // The report's password changes are the log's, by every method.
        let methods = events.filter { $0.type == "PasswordChanged" }.compactMap {
            (try? JSONSerialization.jsonObject(with: $0.data) as? [String: Any])?["method"] as? String
        }
        #expect(Dictionary(methods.map { ($0, 1) }, uniquingKeysWith: +) == report.passwordChanges)
        #expect(Set(methods) == Set(PasswordChangeMethod.allCases.map(\.rawValue)))

        // Every payload and metadata is free of the demo candidate's password.
        #expect(!events.contains { String(decoding: $0.data + $0.metadata, as: UTF8.self).contains(DemoSeason.candidatePassword) })

        // The accounts work at once: the demo's passwords are printed for whoever runs it, not to be replaced first.
        let candidate = try await service.authenticate(username: DemoSeason.candidateUsername, password: DemoSeason.candidatePassword)
        #expect(candidate?.subjectId == report.seedCaseCandidateID && candidate?.mustChangePassword == false)
        let admin = try await service.authenticate(username: DemoSeason.adminAccount.username, password: DemoSeason.adminAccount.password)
        #expect(admin != nil && admin?.mustChangePassword == false)
        let reviewer = try await service.authenticate(username: "reviewer_1101", password: DemoSeason.reviewerPassword)
        #expect(reviewer != nil && reviewer?.mustChangePassword == false)
        #expect(report.accounts.map(\.username).contains("reviewer_4103"))
    }

    @Test("the first candidate is the seed guide's case, with the mismatching CHSI result, waiting for review at 1101")
    func seedCase() async throws {
        let (report, _, service) = try await Self.play(seed: 11, candidates: 3)
        let state = try await service.candidateState(report.seedCaseCandidateID)
        #expect(state.basic?.username == DemoSeason.candidateUsername)
        let entry = try #require(state.educationInOrder.first)
        #expect(entry.record.school == "北京大学" && entry.record.studyForm == "普通全日制" && entry.record.level == "本科")
        #expect(entry.record.major == "基础医学" && entry.record.length == "五年制")
        #expect(entry.record.enrolment == "2006-07" && entry.record.graduation == "2010-07")
        let result = try #require(entry.currentChsiResult)
        #expect(result.school == "中国地质大学(北京)" && result.studyForm == "非全日制" && result.level == "本科")
        #expect(result.major == "计算机科学与技术")
        #expect(result.enrolmentDate == "20190901" && result.graduationDate == "20240928" && result.conclusion == "毕业")
        let comparison = EducationComparison.compare(entry.record, with: result)
        let verdicts = Dictionary(uniqueKeysWithValues: comparison.rows.map { ($0.label, $0.verdict) })
        #expect(verdicts["院校"] == .mismatch && verdicts["形式"] == .mismatch && verdicts["专业"] == .mismatch)
        #expect(verdicts["学历"] == .match && verdicts["学制"] == .notProvided && verdicts["结论"] == .match)
        #expect(verdicts["入学"] == .mismatch && verdicts["毕业"] == .mismatch)
        #expect(!comparison.identityMismatch)
        let application = try #require(state.applicationsInOrder.last)
        #expect(application.status == .submitted && application.siteCode == "1101" && application.examCode == "110")
        #expect(report.chsiMismatches >= 1)
    }

    @Test("the demo's photos are JPEG files of the size drawn, each its own bytes")
    func demoPhotos() {
        let sizes = [12 * 1024, 20_000, 30 * 1024 - 1]
        let photos = sizes.enumerated().map { index, size in StoredPhoto(bytes: DemoPhoto.bytes(candidate: index, size: size)) }
        #expect(photos.map(\.bytes.count) == sizes)
        #expect(photos.allSatisfy { $0.isJPEG })
        #expect(Set(photos.map(\.photoID)).count == photos.count)
    }

    @Test("the same seed gives the same log and head hash; another seed does not")
    func deterministic() async throws {
        let first = try await Self.play(seed: 42, candidates: 14)
        let again = try await Self.play(seed: 42, candidates: 14)
        let other = try await Self.play(seed: 43, candidates: 14)
        #expect(first.report.headHash == again.report.headHash)
        #expect(first.report == again.report)
        #expect(first.report.headHash != other.report.headHash)
        #expect(try await Self.allEvents(first.store) == Self.allEvents(again.store))
        // The same database, credentials included (their salts come from the seed).
        func credentials(_ store: SQLiteEventStore) async throws -> [[String]] {
            try await store.pool.read { db in
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT json_array(subject_id, username, password_hash, recovery_question, recovery_answer_hash,
                            failed_attempts, locked_until) FROM credentials ORDER BY subject_id
                        """
                ).map { [$0] }
            }
        }
        let credentialRows = try await credentials(first.store)
        #expect(credentialRows.count > 14)
        #expect(try await credentials(again.store) == credentialRows)
        #expect(try await credentials(other.store) != credentialRows)
        // pbkdf2-sha256$<rounds>$<salt>$<key>: every hash (passwords and recovery answers) has a salt of its own.
        let hashes = credentialRows.flatMap { $0 }.joined(separator: ",").split(separator: "pbkdf2-sha256$").dropFirst()
        let salts = hashes.map { $0.split(separator: "$")[1] }
        #expect(salts.count >= 2 * 14)
        #expect(Set(salts).count == salts.count)
    }
}

@Suite("Demo people")
struct DemoPeopleTests {
    @Test("no year-month a demo candidate types lies after the month the files are filled in (the rules refuse the future)")
    func noFutureYearMonths() {
        for seed: UInt64 in [2026, 7] {
            var cast = DemoCast(seed: seed, ids: SeededIDGenerator(seed: seed))
            for index in 0..<3_000 {
                let person = cast.person(index)
                let typed =
                    person.certificates.flatMap { [$0.input.issued, $0.input.registered].compactMap { $0 } }
                    + [person.work.titleObtained].compactMap { $0 }
                for month in typed {
                    #expect(month <= DemoCast.lastMonthBeforeTheSeason, "seed \(seed), person \(index): \(month)")
                }
            }
        }
    }
}
