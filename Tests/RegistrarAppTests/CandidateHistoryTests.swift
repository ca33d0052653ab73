import EventLog
import Foundation
import RegistrarApp
import RegistrationDomain
import Testing

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
        #expect(afterFirstChange.timeline.last?.action == "修改联系方式")
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
        let mobile = try #require(changes.first { $0.path.hasSuffix("contact.mobile") })
        #expect(mobile.before == "13900000001" && mobile.after == "13900000002")
        #expect(changes.allSatisfy { !$0.path.hasPrefix("basic.") })
        #expect(try await history.diff("candidate-1", from: .version(version), to: .version(version)).isEmpty)
    }

    @Test("every event type has plain words for timelines")
    func everyTypeDescribed() {
        #expect(EventDescriptions.undescribed.isEmpty)
    }
}
