import Foundation
import Testing

@testable import RegistrationDomain

/// What the candidate's file offers next follows what the rules would accept: nothing offered that is refused, no
/// dead end left silent (DOMAIN §3–§6).
@Suite("Candidate: what to do next")
struct NextActionsTests {
    let z = Fixture.zhang
    let chsi = Fixture.actor(.chsi, id: "chsi")

    func actions(_ history: History, at now: Date) -> [CandidateAction] {
        history.state.nextActions(at: now, season: Fixture.season)
    }

    /// On-site review happens only in its window: once it has closed, a submitted application nobody reviewed is not
    /// told to attend it (a reviewer could no longer approve it).
    @Test func attendingReviewEndsWithTheReviewWindow() {
        let submitted = History.submitted()
        #expect(actions(submitted, at: T.betweenRegistrationAndReview) == [.printSuccessNotice, .attendReview])
        #expect(actions(submitted, at: T.review).suffix(2) == [.printSuccessNotice, .attendReview])
        #expect(actions(submitted, at: T.paymentOnly) == [.printSuccessNotice])
        given(submitted.events)
            .when(
                .approveApplication(ApproveApplication(candidateID: z, applicationID: "a1", note: Fixture.originalsChecked)),
                Fixture.reviewer(at: T.paymentOnly)
            )
            .thenRejects(.reviewWindowClosed)
    }

    /// In an area without online payment a signed application is told to pay as the area says, until the payment
    /// window closes; online paying is refused there.
    @Test func anAreaWithoutOnlinePaymentIsPaidAsItsNoticeSays() {
        var history = History.withEducation()
        history.run(Fixture.submit(area: "41", site: "4101"), Fixture.candidate(at: T.registration))
        let reviewer = Fixture.reviewer(sites: ["4101"])
        history.run(.approveApplication(ApproveApplication(candidateID: z, applicationID: "a1", note: Fixture.originalsChecked)), reviewer)
        #expect(!actions(history, at: T.review).contains(.payAsAreaInstructs), "not signed yet")
        history.run(.recordSignature(RecordSignature(candidateID: z, applicationID: "a1")), reviewer)
        #expect(actions(history, at: T.reviewAndPayment) == [.payAsAreaInstructs])
        #expect(actions(history, at: T.closed) == [])
        given(history.events)
            .when(
                .startPayment(StartPayment(candidateID: z, applicationID: "a1", orderNumber: "o1", amountFen: 15000)),
                Fixture.candidate(at: T.reviewAndPayment)
            )
            .thenRejects(.paymentOnlineUnavailable)
        // An area with online payment offers paying online instead.
        #expect(actions(History.signed(), at: T.reviewAndPayment) == [.pay])
    }

    /// A wrong pick at CHSI (another person's record) is corrected by scanning again, so scanning is offered again;
    /// a record of the candidate's own is not scanned again.
    @Test func anotherPersonsRecordIsScannedAgain() {
        var history = History.withEducation()
        history.run(.startChsiScan(StartChsiScan(candidateID: z, entryID: "e1", scanID: "s1")), Fixture.candidate())
        var other = Fixture.chsiRecord
        other.name = "李四"
        history.run(.recordChsiResult(RecordChsiResult(candidateID: z, entryID: "e1", scanID: "s1", record: other)), chsi)
        #expect(actions(history, at: T.beforeRegistration).contains(.verifyEducationWithChsi))
        history.run(.startChsiScan(StartChsiScan(candidateID: z, entryID: "e1", scanID: "s2")), Fixture.candidate())
        history.run(
            .recordChsiResult(RecordChsiResult(candidateID: z, entryID: "e1", scanID: "s2", record: Fixture.chsiRecord)),
            chsi
        )
        #expect(!actions(history, at: T.beforeRegistration).contains(.verifyEducationWithChsi))
    }

    /// Whose record CHSI returned is told against the file as it is now: a reviewer's correction of the name makes
    /// a record that matched the registration another person's, as the reviewer's comparison shows it.
    @Test func theIdentityOfACHSIRecordFollowsCorrections() throws {
        var history = History.withEducation()
        history.run(.startChsiScan(StartChsiScan(candidateID: z, entryID: "e1", scanID: "s1")), Fixture.candidate())
        history.run(
            .recordChsiResult(RecordChsiResult(candidateID: z, entryID: "e1", scanID: "s1", record: Fixture.chsiRecord)),
            chsi
        )
        history.run(Fixture.submit(), Fixture.candidate(at: T.registration))
        let result = try #require(history.state.education["e1"]?.currentChsiResult)
        #expect(history.state.chsiIdentityMatches(result))
        history.run(
            .correctBasicInfo(CorrectBasicInfo(candidateID: z, applicationID: "a1", field: .name, newValue: "张叁", reason: "核对身份证")),
            Fixture.reviewer()
        )
        #expect(!history.state.chsiIdentityMatches(result))
        #expect(result.nameMatches, "the result's own flag keeps what it was when it arrived")
    }

    /// The candidate is told where signing happens rather than only refused.
    @Test func theCandidateIsToldToSignAtTheSite() {
        let sign = CandidateCommand.recordSignature(RecordSignature(candidateID: z, applicationID: "a1"))
        given(History.approved().events).when(sign, Fixture.candidate(at: T.review)).thenRejects(.authForbidden, field: "actor")
        #expect(throws: Rejection.self) {
            try CandidateDecider.decide(sign, in: Fixture.candidate(at: T.review), state: History.approved().state)
        }
        do {
            _ = try CandidateDecider.decide(sign, in: Fixture.candidate(at: T.review), state: History.approved().state)
        } catch {
            #expect(error.message.contains("请到考点"), "\(error.message)")
        }
        #expect(actions(History.approved(), at: T.review) == [.signForm])
    }
}
