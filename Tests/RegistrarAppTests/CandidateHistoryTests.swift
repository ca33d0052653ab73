import EventLog
import Foundation
import Testing

@testable import RegistrarApp
@testable import RegistrationDomain

@Suite("Candidate history: replay to a point, timeline, diff")
struct CandidateHistoryTests {
    /// Registers a candidate, then changes the mobile twice, one hour apart.
    private func history() async throws -> (AppFixture, CandidateHistory) {
        let app = try await AppFixture(.sqlite)
        try await app.service.execute(
            .register(AppFixture.registration(id: "candidate-1", username: "zhangsan")),
            candidateId: "candidate-1",
            actor: .candidate("candidate-1"),
            request: RequestContext(requestId: "r-0", channel: "web")
        )
        for (index, mobile) in ["13900000001", "13900000002"].enumerated() {
            app.clock.advance(by: 3_600)
            try await app.service.execute(
                .updateContact(UpdateContactDetails(candidateID: "candidate-1", contact: AppFixture.contact(mobile: mobile))),
                candidateId: "candidate-1",
                actor: .candidate("candidate-1"),
                request: RequestContext(requestId: "r-\(index + 1)", channel: "web")
            )
        }
        return (app, CandidateHistory(store: app.service.store))
    }

    @Test("a username resolves to the candidate's file")
    func resolve() async throws {
        let (_, history) = try await history()
        #expect(try await history.resolve("zhangsan") == "candidate-1")
        #expect(try await history.resolve("ZhangSan") == "candidate-1")
        #expect(try await history.resolve("candidate-1") == "candidate-1")
        #expect(try await history.resolve("nobody") == nil)
    }

    @Test("replaying to a version and to an instant gives the state as it was, with the timeline that led there")
    func replayToAPoint() async throws {
        let (_, history) = try await history()
        let latest = try await history.replay("candidate-1", at: .latest)
        let registrationEvents = latest.version - 2
        let afterFirstChange = try await history.replay("candidate-1", at: .version(registrationEvents + 1))
        #expect(afterFirstChange.state.contact?.mobile == "13900000001")
        #expect(afterFirstChange.timeline.count == registrationEvents + 1)
        // The trail's words (EventDescriptions, one dictionary for both).
        #expect(afterFirstChange.timeline.last?.action == "修改联系方式 / contact details updated")
        #expect(afterFirstChange.timeline.last?.requestId == "r-1")
        // 2025-12-20T02:00 registration, +1h first change, +2h second change.
        let beforeSecond = try await history.replay("candidate-1", at: .instant("2025-12-20T03:30:00.000Z"))
        #expect(beforeSecond.state.contact?.mobile == "13900000001")
        #expect(latest.state.contact?.mobile == "13900000002")
        let beforeEverything = try await history.replay("candidate-1", at: .instant("2025-12-19T00:00:00.000Z"))
        #expect(beforeEverything.version == 0 && beforeEverything.state.basic == nil)
    }

    @Test("the diff between two versions names exactly the changed fields")
    func diff() async throws {
        let (_, history) = try await history()
        let version = try await history.replay("candidate-1", at: .latest).version
        let changes = try await history.diff("candidate-1", from: .version(version - 1), to: .version(version))
        let mobile = try #require(changes.first { $0.path == "contact.mobile" })
        #expect(mobile.before == "13900000001" && mobile.after == "13900000002")
        #expect(changes.allSatisfy { !$0.path.hasPrefix("basic.") })
        #expect(try await history.diff("candidate-1", from: .version(version), to: .version(version)).isEmpty)
    }

    @Test("every event type has plain words for timelines")
    func everyTypeDescribed() {
        #expect(EventDescriptions.undescribed.isEmpty)
    }

    @Test("a diff's paths are the audit trail's: ids in brackets, the values as the trail writes them")
    func diffPathsInTheTrailsSyntax() {
        var before = CandidateState()
        before.candidateID = "candidate-1"
        var after = before
        var entry = EducationEntry(
            entryID: "e1",
            order: 0,
            record: EducationRecord(
                region: "大陆",
                school: "北京大学",
                category: "高等医学教育",
                enrolment: "2006-07",
                graduation: "2011-07",
                studyForm: "普通全日制",
                level: "本科",
                degree: nil,
                length: "五年制",
                major: "临床医学",
                fiveYearJuniorCollegeClinical: false,
                combinedMasterDoctor: false,
                certificateNumber: ""
            ),
            flags: EntryFlags(lockedBy: ["a1"], verified: true),
            pendingScanIDs: [],
            startedScanIDs: [],
            chsiResults: []
        )
        after.education["e1"] = entry
        let changes = Dictionary(uniqueKeysWithValues: CandidateHistory.diff(before, after).map { ($0.path, $0.after) })
        #expect(changes["education[e1].school"] == "北京大学")
        #expect(changes["education[e1].fiveYearJuniorCollegeClinical"] == "false")
        #expect(changes["education[e1].lockedBy[a1]"] == "locked")
        #expect(changes["education[e1].verified"] == "true")
        #expect(changes["education[e1].degree"] == nil, "absent values are absent, as in the trail")
        #expect(!changes.keys.contains { $0.contains(".record.") || $0.hasPrefix("education.") })
        entry.record.school = "清华大学"
        before = after
        after.education["e1"] = entry
        #expect(CandidateHistory.diff(before, after) == [.init(path: "education[e1].school", before: "北京大学", after: "清华大学")])
    }
}
