import Foundation
import Testing

@testable import RegistrationDomain

@Suite("A full season, end to end")
struct SeasonWalkTests {
    @Test func registerApplyAbandonReApplyReviewSignPayAndRefund() throws {
        let z = Fixture.zhang
        var file = History()
        let before = Fixture.candidate()
        let season = Fixture.season

        // Registration and profile, before online registration opens.
        file.run(.register(Fixture.register()), before)
        #expect(file.state.nextActions(at: T.beforeRegistration, season: season) == [.completeContact, .completeWork, .addEducation])
        file.run(.updateContact(UpdateContactDetails(candidateID: z, contact: Fixture.contact)), before)
        file.run(.updateWork(UpdateWorkDetails(candidateID: z, work: Fixture.work)), before)
        file.run(.addEducation(AddEducationEntry(candidateID: z, entryID: "e1", education: Fixture.bachelor)), before)
        file.run(.addTraining(AddTrainingEntry(candidateID: z, entryID: "t1", training: Fixture.residency)), before)
        #expect(file.state.nextActions(at: T.beforeRegistration, season: season) == [.verifyEducationWithChsi])

        // CHSI scan before registration: a wrong pick, then the right one.
        let chsi = Fixture.actor(.chsi, at: T.beforeRegistration)
        file.run(.startChsiScan(StartChsiScan(candidateID: z, entryID: "e1", scanID: "s1")), before)
        var wrongPick = Fixture.chsiRecord
        wrongPick.school = "中国地质大学(北京)"
        file.run(.recordChsiResult(RecordChsiResult(candidateID: z, entryID: "e1", scanID: "s1", record: wrongPick)), chsi)
        file.run(.startChsiScan(StartChsiScan(candidateID: z, entryID: "e1", scanID: "s2")), before)
        file.run(.recordChsiResult(RecordChsiResult(candidateID: z, entryID: "e1", scanID: "s2", record: Fixture.chsiRecord)), chsi)
        #expect(file.state.education["e1"]?.chsiResults.count == 2)
        #expect(file.state.nextActions(at: T.beforeRegistration, season: season) == [])

        // Online registration: submit, abandon, fix the entry, re-apply.
        let during = Fixture.candidate(at: T.registration)
        #expect(file.state.nextActions(at: T.registration, season: season) == [.submitApplication])
        file.run(Fixture.submit("a1", exam: "120", training: ["t1"]), during)
        #expect(file.state.nextActions(at: T.registration, season: season) == [.printSuccessNotice, .abandonApplication])
        file.run(.abandonApplication(AbandonApplication(candidateID: z, applicationID: "a1")), during)
        #expect(file.state.education["e1"]?.flags.isLocked == false)
        var fixed = Fixture.bachelor
        fixed.degree = "学士"
        file.run(.amendEducation(AmendEducationEntry(candidateID: z, entryID: "e1", education: fixed)), during)
        file.run(Fixture.submit("a2", exam: "110", training: ["t1"], additionalSubject: "儿科", workPost: "儿科门诊"), during)
        #expect(file.state.applications["a1"]?.status == .abandoned)
        #expect(file.state.applications["a2"]?.status == .submitted)
        #expect(file.state.education["e1"]?.flags.lockedBy == ["a2"])
        #expect(file.state.training["t1"]?.flags.lockedBy == ["a2"])
        #expect(file.state.nextActions(at: T.betweenRegistrationAndReview, season: season) == [.printSuccessNotice, .attendReview])

        // On-site review: a correction with a reason, approval, signature.
        let reviewer = Fixture.reviewer()
        file.run(
            .correctBasicInfo(CorrectBasicInfo(candidateID: z, applicationID: "a2", field: .ethnicity, newValue: "满族", reason: "户口簿为满族")),
            reviewer
        )
        let comparison = EducationComparison.compare(
            file.state.education["e1"]!.record,
            with: file.state.education["e1"]!.currentChsiResult
        )
        #expect(comparison.rows.filter { $0.verdict == .mismatch }.map(\.label) == ["入学"], "2006-07 declared vs 20060901")
        // Over that difference only with the reviewer's note of why.
        file.run(
            .approveApplication(ApproveApplication(candidateID: z, applicationID: "a2", note: "核对毕业证书原件，入学时间以原件为准")),
            reviewer
        )
        #expect(file.state.nextActions(at: T.review, season: season) == [.signForm])
        file.run(.recordSignature(RecordSignature(candidateID: z, applicationID: "a2")), reviewer)
        #expect(file.state.nextActions(at: T.review, season: season) == [], "payment is not open yet")
        #expect(file.state.nextActions(at: T.reviewAndPayment, season: season) == [.pay])

        // Payment: pending, duplicate and late confirmations.
        let pay = Fixture.candidate(at: T.reviewAndPayment)
        file.run(.startPayment(StartPayment(candidateID: z, applicationID: "a2", orderNumber: "o1", amountFen: 15000)), pay)
        #expect(file.state.nextActions(at: T.reviewAndPayment, season: season) == [.awaitBankConfirmation])
        #expect(file.state.applications["a2"]?.status == .signed)
        let confirm = CandidateCommand.recordBankResult(
            RecordBankResult(
                candidateID: z,
                applicationID: "a2",
                orderNumber: "o1",
                bankTransactionID: "BANK-778899",
                succeeded: true,
                amountFen: 15000
            )
        )
        let late = Fixture.actor(.bank, at: T.paymentCloses.addingTimeInterval(300))
        #expect(file.run(confirm, late).count == 1, "a confirmation after the window still counts")
        #expect(file.run(confirm, late).isEmpty, "the duplicate confirmation emits nothing")
        #expect(file.state.applications["a2"]?.status == .paid)
        #expect(file.state.applications["a2"]?.paymentStatus.label == "已缴费")

        // Refund per the area's policy.
        file.run(
            .recordRefund(RecordRefund(candidateID: z, applicationID: "a2", refundID: "rf1", amountFen: 15000, reason: "考生申请退考")),
            Fixture.actor(.admin, at: T.closed)
        )
        let final = file.state
        #expect(final.applications["a2"]?.status == .refunded)
        #expect(final.applications["a2"]?.corrections.map(\.newValue) == ["满族"])
        #expect(final.basic?.ethnicity == "满族")
        #expect(final.education["e1"]?.flags == EntryFlags(lockedBy: ["a2"], verified: true))
        #expect(final.training["t1"]?.flags.verified == true)
        #expect(final.applicationsInOrder.map(\.applicationID) == ["a1", "a2"])

        // The whole history replays to the same state, and the state survives a JSON snapshot.
        #expect(CandidateDecider.replay(file.events) == final)
        let snapshot = try JSONEncoder().encode(final)
        #expect(try JSONDecoder().decode(CandidateState.self, from: snapshot) == final)
        let types = file.events.map { type(of: $0.payload).eventType }
        #expect(
            Set(types).isSuperset(of: [
                "CandidateRegistered", "ChsiResultReceived", "ApplicationSubmitted", "EntryLocked", "ApplicationAbandoned",
                "EntryUnlocked", "BasicInfoCorrected", "ApplicationApproved", "EntryVerified", "ApplicationSigned",
                "PaymentStarted", "PaymentConfirmed", "RefundRecorded",
            ])
        )
    }

    @Test func nextActionsForRejectedAndAbandonedApplications() {
        var file = History.submitted()
        file.run(.rejectApplication(RejectApplication(candidateID: Fixture.zhang, applicationID: "a1", reason: "材料不全")), Fixture.reviewer())
        #expect(
            file.state.nextActions(at: T.review, season: Fixture.season) == [],
            "nothing to do about the rejected application; during review only a live application's entries are scanned"
        )
        #expect(file.state.nextActions(at: T.registration, season: Fixture.season) == [.submitApplication])
        #expect(CandidateState().nextActions(at: T.registration, season: Fixture.season) == [])
    }

    @Test func nextActionsOfferScanningDuringReviewOnlyForTheLiveApplicationsEntries() {
        #expect(History.withEducation().state.nextActions(at: T.beforeRegistration, season: Fixture.season).contains(.verifyEducationWithChsi))
        #expect(History.submitted().state.nextActions(at: T.review, season: Fixture.season).contains(.verifyEducationWithChsi))
        #expect(!History.withEducation().state.nextActions(at: T.review, season: Fixture.season).contains(.verifyEducationWithChsi))
    }

    @Test func nextActionsOfAFailedPaymentOfferPayingAgain() {
        var file = History.paymentStarted()
        file.run(
            .recordBankResult(
                RecordBankResult(
                    candidateID: Fixture.zhang,
                    applicationID: "a1",
                    orderNumber: "o1",
                    bankTransactionID: "t9",
                    succeeded: false,
                    amountFen: 15000
                )
            ),
            Fixture.actor(.bank)
        )
        #expect(file.state.nextActions(at: T.reviewAndPayment, season: Fixture.season) == [.pay])
        #expect(file.state.nextActions(at: T.closed, season: Fixture.season) == [])
    }
}
