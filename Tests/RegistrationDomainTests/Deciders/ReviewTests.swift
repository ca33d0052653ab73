import Foundation
import Testing

@testable import RegistrationDomain

@Suite("Candidate: on-site review and signature (DOMAIN §5)")
struct ReviewTests {
    let reviewer = Fixture.reviewer()
    let submitted = given(History.submitted().events)
    let at = "2025-02-15T02:00:00.000Z"

    func correct(_ field: BasicInfoField, _ value: String, reason: String = "核对证件后更正") -> CandidateCommand {
        .correctBasicInfo(CorrectBasicInfo(candidateID: Fixture.zhang, applicationID: "a1", field: field, newValue: value, reason: reason))
    }

    let approve = CandidateCommand.approveApplication(
        ApproveApplication(candidateID: Fixture.zhang, applicationID: "a1", note: Fixture.originalsChecked)
    )
    let sign = CandidateCommand.recordSignature(RecordSignature(candidateID: Fixture.zhang, applicationID: "a1"))

    func reject(_ reason: String) -> CandidateCommand {
        .rejectApplication(RejectApplication(candidateID: Fixture.zhang, applicationID: "a1", reason: reason))
    }

    /// 军官证 holder (typed sex and birth date) with application a1.
    func officerHistory() -> History {
        var history = History.registered(Fixture.register(idType: "军官证", idNumber: "JG20101234", sex: "男", birthDate: "1985-06-01"))
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
        history.run(Fixture.submit(), Fixture.candidate(at: T.registration))
        return history
    }

    @Test func aCorrectionKeepsTheOldValueTheNewValueAndTheReason() {
        let events = submitted.when(correct(.name, "张叁"), reviewer)
            .then([
                .basicInfoCorrected(
                    BasicInfoCorrected(
                        candidateID: Fixture.zhang,
                        applicationID: "a1",
                        idType: "居民身份证",
                        field: "name",
                        oldValue: "张三",
                        newValue: "张叁",
                        reason: "核对证件后更正",
                        reviewerID: "r-li",
                        correctedAt: at
                    )
                )
            ])
        let state = CandidateDecider.replay(events)
        #expect(state.basic?.name == "张叁")
        #expect(state.applications["a1"]?.corrections.map(\.oldValue) == ["张三"])
    }

    @Test func aRareCharacterTypedAsQuestionMarkIsFixedOnSite() {
        var history = History.registered(Fixture.register(name: "王?"))
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
        history.run(Fixture.submit(), Fixture.candidate(at: T.registration))
        let events = given(history.events).when(correct(.name, "王䶮"), reviewer).thenAccepts()
        #expect(CandidateDecider.replay(events).basic?.name == "王䶮")
    }

    @Test func correctingAResidentIDNumberAlsoCorrectsTheDerivedSexAndBirthDate() {
        let newID = Fixture.residentID("11010519910408124")
        submitted.when(correct(.idNumber, newID), reviewer)
            .then(
                [
                    ("idNumber", Fixture.zhangID, newID), ("sex", "男", "女"), ("birthDate", "1990-03-07", "1991-04-08"),
                ]
                .map { field, old, new in
                    .basicInfoCorrected(
                        BasicInfoCorrected(
                            candidateID: Fixture.zhang,
                            applicationID: "a1",
                            idType: "居民身份证",
                            field: field,
                            oldValue: old,
                            newValue: new,
                            reason: "核对证件后更正",
                            reviewerID: "r-li",
                            correctedAt: at
                        )
                    )
                }
            )
    }

    @Test func correctedValuesFollowTheSameRulesAsRegistration() {
        submitted.when(correct(.name, "Zhang"), reviewer)
            .thenRejects(ruleRejection { try Rules.validateName("Zhang", idType: .residentID, field: "newValue") })
        let wrongCheck = "11010519900307123" + (Fixture.zhangID.last == "0" ? "1" : "0")
        submitted.when(correct(.idNumber, wrongCheck), reviewer)
            .thenRejects(code: "id_number.check_character", field: "newValue")
        submitted.when(correct(.surnamePinyin, "zh ang"), reviewer)
            .thenRejects(ruleRejection { try Rules.validatePinyin("zh ang", field: "newValue") })
        submitted.when(correct(.ethnicity, "火星族"), reviewer).thenRejects(.inputInvalidChoice, field: "newValue")
        submitted.when(correct(.ethnicity, "满族"), reviewer).thenAccepts()
        submitted.when(correct(.nationality, "日本"), reviewer).thenRejects(.registrationNationalityMismatch)
        submitted.when(correct(.identity, "9"), reviewer).thenRejects(.inputInvalidChoice)
        submitted.when(correct(.identity, "x"), reviewer).thenRejects(.inputInvalidChoice)
        submitted.when(correct(.identity, "3"), reviewer).thenAccepts()
        let tooYoung = Fixture.residentID("11010520100101123")
        submitted.when(correct(.idNumber, tooYoung), reviewer).thenRejects(code: "age.too_young", field: "newValue")
    }

    /// 证件类型 is corrected with the number of the document in hand (T22): the type first, then the number and what a
    /// 居民身份证 gives; the new type's person key is claimed (password recovery looks the file up by it).
    @Test func theIDTypeIsCorrectedWithItsNumberAmongOneRegionsDocuments() throws {
        let resident = Fixture.residentID("11010519850601123")
        let command = { (type: String?, number: String, field: BasicInfoField) in
            CandidateCommand.correctBasicInfo(
                CorrectBasicInfo(candidateID: Fixture.zhang, applicationID: "a1", field: field, newValue: number, reason: "核对证件原件", idType: type)
            )
        }
        let base = officerHistory().events
        let all = given(base).when(command("居民身份证", resident, .idNumber), reviewer).thenAccepts()
        let events = Array(all.dropFirst(base.count))
        let corrected = events.compactMap { event -> BasicInfoCorrected? in
            if case .basicInfoCorrected(let e) = event { return e }
            return nil
        }
        // The officer registered as 男 born 1985-06-01, which the number says too: nothing derived changes.
        #expect(corrected.map(\.field) == ["idType", "idNumber"], "\(corrected.map(\.field))")
        #expect(corrected.first.map { [$0.oldValue, $0.newValue] } == ["军官证", "居民身份证"])
        #expect(corrected.allSatisfy { $0.idType == "居民身份证" })
        let state = CandidateDecider.replay(all)
        #expect(state.basic?.idType == "居民身份证" && state.basic?.idNumber == resident)
        #expect(CandidateClaims.keys(for: events, after: state) == ["person:居民身份证:\(resident)", "id-number:\(resident)"])

        // The same number on a document of another mainland type: the type alone changes, and is claimed.
        let typeOnlyAll = given(base).when(command("警官证", "JG20101234", .idNumber), reviewer).thenAccepts()
        let typeOnly = Array(typeOnlyAll.dropFirst(base.count))
        #expect(typeOnly.count == 1)
        let after = CandidateDecider.replay(typeOnlyAll)
        #expect(after.basic?.idType == "警官证" && after.basic?.idNumber == "JG20101234")
        #expect(CandidateClaims.keys(for: typeOnly, after: after) == ["person:警官证:JG20101234"])

        // Not across regions, not with another field, and not to the type and number it has.
        given(officerHistory().events).when(command("香港身份证", "A1234567", .idNumber), reviewer)
            .thenRejects(.reviewIDTypeChangeRefused, field: "idType")
        given(officerHistory().events).when(command("警官证", "张叁", .name), reviewer).thenRejects(.reviewIDTypeChangeRefused, field: "idType")
        given(officerHistory().events).when(command("军官证", "JG20101234", .idNumber), reviewer).thenRejects(.reviewNoChange)
        given(officerHistory().events).when(command("护照", "JG20101234", .idNumber), reviewer).thenRejects(.inputInvalidChoice, field: "idType")
        // The number must fit the new type.
        let unfit = given(officerHistory().events).when(command("居民身份证", "JG20101234", .idNumber), reviewer)
        #expect(unfit.rejection?.field == "newValue", "\(String(describing: unfit.rejection))")
    }

    /// A 香港往来大陆通行证 holder whose document in hand is the 香港身份证: the application's pass number stays the pass's.
    @Test func aPassCorrectedToTheIdentityCardKeepsThePassNumber() {
        var history = History.registered(
            Fixture.register(name: "Chan Tai Man", idType: "香港往来大陆通行证", idNumber: "H1234567801", sex: "男", birthDate: "1990-01-01")
        )
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
        history.run(Fixture.submit(), Fixture.candidate(at: T.registration))
        #expect(history.state.applications["a1"]?.passNumber == "H1234567801")
        history.run(
            .correctBasicInfo(
                CorrectBasicInfo(
                    candidateID: Fixture.zhang,
                    applicationID: "a1",
                    field: .idNumber,
                    newValue: "A1234567",
                    reason: "所持证件为香港身份证",
                    idType: "香港身份证"
                )
            ),
            reviewer
        )
        #expect(history.state.basic?.idType == "香港身份证" && history.state.basic?.idNumber == "A1234567")
        #expect(history.state.applications["a1"]?.passNumber == "H1234567801")
    }

    @Test func sexAndBirthDateOfAResidentIDFollowTheNumber() {
        submitted.when(correct(.sex, "女"), reviewer).thenRejects(.reviewDerivedField, field: "field")
        submitted.when(correct(.birthDate, "1990-03-08"), reviewer).thenRejects(.reviewDerivedField)
    }

    @Test func typedSexAndBirthDateAreCorrectedDirectly() {
        let officer = given(officerHistory().events)
        officer.when(correct(.sex, "女"), reviewer).thenAccepts()
        officer.when(correct(.sex, "F"), reviewer).thenRejects(.inputInvalidChoice)
        officer.when(correct(.birthDate, "1985-07-01"), reviewer).thenAccepts()
        officer.when(correct(.birthDate, "1985-13-01"), reviewer)
            .thenRejects(ruleRejection { _ = try Rules.parseCalendarDate("1985-13-01", field: "newValue") })
        officer.when(correct(.identity, "1"), reviewer).thenRejects(.registrationActiveServiceRequiresResidentID)
        officer.when(correct(.identity, "3"), reviewer).thenAccepts()
    }

    @Test func aCorrectionNeedsAReasonAndAChange() {
        submitted.when(correct(.name, "张叁", reason: " "), reviewer).thenRejects(.reviewReasonRequired, field: "reason")
        submitted.when(correct(.name, "张三"), reviewer).thenRejects(.reviewNoChange, field: "newValue")
        submitted.when(correct(.identity, ""), reviewer).thenRejects(.reviewNoChange)
    }

    @Test func onlyTheReviewerOfTheApplicationsSiteDuringReview() {
        submitted.when(correct(.name, "张叁"), Fixture.reviewer(sites: ["1102"])).thenRejects(.authNotReviewerOfSite)
        submitted.when(approve, Fixture.reviewer(sites: ["1102", "4101"])).thenRejects(.authNotReviewerOfSite)
        submitted.when(approve, Fixture.reviewer(sites: ["1102", "1101"])).thenAccepts()
        submitted.when(approve, Fixture.actor(.admin)).thenRejects(.authForbidden)
        submitted.when(approve, Fixture.actor(.auditor)).thenRejects(.authReadOnly)
        submitted.when(approve, Fixture.candidate(at: T.review)).thenRejects(.authForbidden)
        for now in [T.registration, T.betweenRegistrationAndReview, T.paymentOnly] {
            submitted.when(approve, Fixture.reviewer(at: now)).thenRejects(.reviewWindowClosed)
            submitted.when(correct(.name, "张叁"), Fixture.reviewer(at: now)).thenRejects(.reviewWindowClosed)
        }
        submitted.when(approve, Fixture.reviewer(at: T.reviewAndPayment)).thenAccepts()
        given(History.withEducation().events).when(approve, reviewer).thenRejects(.applicationNotFound)
    }

    @Test func approvalVerifiesEveryTickedEntryNotYetVerified() {
        let events = submitted.when(approve, reviewer)
            .then([
                .applicationApproved(
                    ApplicationApproved(
                        candidateID: Fixture.zhang,
                        applicationID: "a1",
                        reviewerID: "r-li",
                        approvedAt: at,
                        paysOnline: true,
                        note: Fixture.originalsChecked
                    )
                ),
                .entryVerified(EntryVerified(entryKind: "education", entryID: "e1", applicationID: "a1")),
            ])
        let state = CandidateDecider.replay(events)
        #expect(state.education["e1"]?.flags.verified == true)
        #expect(state.education["e1"]?.flags.isLocked == true, "approval keeps the lock")
        #expect(state.applications["a1"]?.status == .approved)
        #expect(state.applications["a1"]?.approvedBy == "r-li")
    }

    /// The submitted application cannot change: a corrected 本人身份 that contradicts its additional subject is
    /// refused (the reviewer refuses the application instead), in both directions.
    @Test func anIdentityCorrectionMustKeepTheAdditionalSubjectRule() {
        let reviewer = Fixture.reviewer()
        given(History.submitted().events).when(correct(.identity, "1"), reviewer)
            .thenRejects(.applicationMilitaryMedicineRequired, field: "newValue")
        given(History.submitted().events).when(correct(.identity, "3"), reviewer).thenAccepts()
        var soldier = History.registered(Fixture.register(identity: 2))
        soldier.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
        soldier.run(Fixture.submit(additionalSubject: "军事医学"), Fixture.candidate(at: T.registration))
        given(soldier.events).when(correct(.identity, "3"), reviewer).thenRejects(.applicationAdditionalSubjectNotAllowed, field: "newValue")
        given(soldier.events).when(correct(.identity, ""), reviewer).thenRejects(.applicationAdditionalSubjectNotAllowed, field: "newValue")
        given(soldier.events).when(correct(.identity, "1"), reviewer).thenAccepts()
    }

    /// Approval makes the ticked entries trusted for every later exam: over what CHSI contradicts (rows that differ,
    /// a record of another person) only with the reviewer's note, kept in the event with what was accepted.
    @Test func approvalOverChsiDifferencesNeedsTheReviewersNote() {
        let differs = given(History.submittedOverChsiDifferences().events)
        let approve = { (note: String?) in ApproveApplication(candidateID: Fixture.zhang, applicationID: "a1", note: note) }
        differs.when(.approveApplication(approve(nil)), Fixture.reviewer()).thenRejects(.reviewApprovalNoteRequired, field: "note")
        let refused = differs.when(.approveApplication(approve(" \u{3000}")), Fixture.reviewer())
        refused.thenRejects(.reviewApprovalNoteRequired, field: "note")
        #expect(refused.rejection?.message.contains("报考学历1：入学不一致") == true, "\(String(describing: refused.rejection))")
        differs.when(.approveApplication(approve("核对原件，入学时间以毕业证书为准")), Fixture.reviewer()).thenAccepts { events in
            guard case .applicationApproved(let approved) = events.first else {
                Issue.record("\(events)")
                return
            }
            #expect(approved.note == "核对原件，入学时间以毕业证书为准")
            #expect(approved.acceptedChsiDifferences == ["报考学历1：入学不一致"])
        }
        let otherPerson = given(History.submittedOverChsiDifferences(otherPerson: true).events)
        let flagged = otherPerson.when(.approveApplication(approve(nil)), Fixture.reviewer())
        flagged.thenRejects(.reviewApprovalNoteRequired)
        #expect(flagged.rejection?.message.contains("学信网记录的姓名或证件号码与考生不符") == true)
        // CHSI agrees with the declaration: nothing to accept, no note needed, and none recorded.
        given(History.submittedOverChsi(record: Fixture.chsiRecordAgreeing).events).when(.approveApplication(approve(nil)), Fixture.reviewer())
            .thenAccepts { events in
                guard case .applicationApproved(let approved) = events.first else {
                    Issue.record("\(events)")
                    return
                }
                #expect(approved.note == nil && approved.acceptedChsiDifferences == nil)
            }
    }

    /// CHSI's text with spaces around it agrees with the declaration: no difference to accept, and the result's
    /// identity flags say the candidate's (audit X-4).
    @Test func spacesAroundCHSIsTextAreNoDifference() throws {
        var record = Fixture.chsiRecordAgreeing
        record.school = "北京大学 "
        record.name = " 张三"
        record.idNumber = record.idNumber.lowercased() + "\u{3000}"
        let history = History.submittedOverChsi(record: record)
        let result = try #require(history.state.education["e1"]?.currentChsiResult)
        #expect(result.nameMatches && result.idNumberMatches)
        let application = try #require(history.state.applications["a1"])
        #expect(CandidateDecider.chsiDifferences(of: application, in: history.state).isEmpty)
        given(history.events).when(.approveApplication(ApproveApplication(candidateID: Fixture.zhang, applicationID: "a1")), reviewer).thenAccepts()
    }

    /// An entry CHSI never answered for rests on the originals alone: approving it needs the note saying which were
    /// checked (the message names the entry); an entry an earlier approval verified is trusted and needs none.
    @Test func approvalOfAnEntryCHSINeverAnsweredForNeedsTheReviewersNote() {
        let approve = { (note: String?) in
            CandidateCommand.approveApplication(ApproveApplication(candidateID: Fixture.zhang, applicationID: "a1", note: note))
        }
        let refused = submitted.when(approve(nil), reviewer)
        refused.thenRejects(.reviewApprovalNoteRequired, field: "note")
        #expect(refused.rejection?.message.contains("报考学历1未经学信网核验") == true, "\(String(describing: refused.rejection))")
        submitted.when(approve("  "), reviewer).thenRejects(.reviewApprovalNoteRequired, field: "note")
        submitted.when(approve(Fixture.originalsChecked), reviewer).thenAccepts { events in
            guard case .applicationApproved(let approved) = events.first else {
                Issue.record("\(events)")
                return
            }
            #expect(approved.note == Fixture.originalsChecked && approved.acceptedChsiDifferences == nil)
        }
        let verifiedBefore = History.submitted().events + [.entryVerified(EntryVerified(entryKind: "education", entryID: "e1", applicationID: "a0"))]
        given(verifiedBefore).when(approve(nil), reviewer).thenAccepts()
        // A scan still awaiting CHSI's answer is no answer.
        var scanning = History.withEducation()
        scanning.run(.startChsiScan(StartChsiScan(candidateID: Fixture.zhang, entryID: "e1", scanID: "s1")), Fixture.candidate())
        scanning.run(Fixture.submit(), Fixture.candidate(at: T.registration))
        given(scanning.events).when(approve(nil), reviewer).thenRejects(.reviewApprovalNoteRequired, field: "note")
    }

    /// A reason or a note of punctuation alone ("。", "--") says nothing, yet would stand in the trail as the why.
    @Test func reasonsAndNotesMustSaySomething() {
        let approveWith = { (note: String) in
            CandidateCommand.approveApplication(ApproveApplication(candidateID: Fixture.zhang, applicationID: "a1", note: note))
        }
        for empty in ["。", "--", "？！", "1"] {
            submitted.when(reject(empty), reviewer).thenRejects(.reviewReasonRequired, field: "reason")
            submitted.when(approveWith(empty), reviewer).thenRejects(.reviewApprovalNoteRequired, field: "note")
            given(History.approved().events).when(withdraw(empty), reviewer).thenRejects(.reviewReasonRequired, field: "reason")
            submitted.when(correct(.name, "张叁", reason: empty), reviewer).thenRejects(.reviewReasonRequired, field: "reason")
        }
        submitted.when(reject("不符"), reviewer).thenAccepts()
        submitted.when(approveWith("原件已核"), reviewer).thenAccepts()
        submitted.when(reject("No diploma"), reviewer).thenAccepts()
    }

    @Test func anAlreadyVerifiedEntryIsNotVerifiedAgain() {
        let history =
            History.submitted().events + [
                .entryVerified(EntryVerified(entryKind: "education", entryID: "e1", applicationID: "a0"))
            ]
        given(history).when(.approveApplication(ApproveApplication(candidateID: Fixture.zhang, applicationID: "a1")), reviewer)
            .then([
                .applicationApproved(
                    ApplicationApproved(candidateID: Fixture.zhang, applicationID: "a1", reviewerID: "r-li", approvedAt: at, paysOnline: true)
                )
            ])
    }

    @Test func rejectionNeedsAReasonAndReleasesTheLocks() {
        submitted.when(reject(""), reviewer).thenRejects(.reviewReasonRequired, field: "reason")
        // Too long: the message names the field, as every other.
        let long = submitted.when(reject(String(repeating: "材", count: 201)), reviewer)
        long.thenRejects(code: "value.too_long", field: "reason")
        #expect(long.rejection?.message.contains("原因长度不能超过200个字符") == true, "\(String(describing: long.rejection))")
        let events = submitted.when(reject("学历不符合报考条件"), reviewer)
            .then([
                .applicationRejected(
                    ApplicationRejected(
                        candidateID: Fixture.zhang,
                        applicationID: "a1",
                        reviewerID: "r-li",
                        reason: "学历不符合报考条件",
                        rejectedAt: at
                    )
                ),
                .entryUnlocked(EntryUnlocked(entryKind: "education", entryID: "e1", applicationID: "a1")),
            ])
        let state = CandidateDecider.replay(events)
        #expect(state.applications["a1"]?.status == .rejected)
        #expect(state.applications["a1"]?.rejectionReason == "学历不符合报考条件")
        #expect(state.education["e1"]?.flags.isLocked == false)
        #expect(state.education["e1"]?.flags.verified == false)
    }

    @Test func decisionsAreTakenOnce() {
        let approved = given(History.approved().events)
        approved.when(approve, reviewer).thenRejects(.applicationInvalidStatus)
        approved.when(reject("x"), reviewer).thenRejects(.applicationInvalidStatus)
        approved.when(correct(.name, "张叁"), reviewer).thenRejects(.applicationInvalidStatus)
        var rejected = History.submitted()
        rejected.run(reject("材料不全"), reviewer)
        given(rejected.events).when(approve, reviewer).thenRejects(.applicationInvalidStatus)
    }

    @Test func theSignatureIsRecordedAfterApproval() {
        submitted.when(sign, reviewer).thenRejects(.applicationInvalidStatus)
        let events = given(History.approved().events).when(sign, reviewer)
            .then([.applicationSigned(ApplicationSigned(candidateID: Fixture.zhang, applicationID: "a1", reviewerID: "r-li", signedAt: at))])
        #expect(CandidateDecider.replay(events).applications["a1"]?.status == .signed)
        given(History.approved().events).when(sign, Fixture.reviewer(sites: ["1102"])).thenRejects(.authNotReviewerOfSite)
        given(History.approved().events).when(sign, Fixture.reviewer(at: T.paymentOnly)).thenRejects(.reviewWindowClosed)
    }

    func withdraw(_ reason: String, application: String = "a1") -> CandidateCommand {
        .withdrawApproval(WithdrawApproval(candidateID: Fixture.zhang, applicationID: application, reason: reason))
    }

    /// 撤销审核通过 (a mis-click, a document found wrong): before the signature, with a reason; the application is to be
    /// reviewed again and its entries are no longer 已审核.
    @Test func anApprovalIsWithdrawnBeforeTheSignatureWithAReason() {
        let approved = given(History.approved().events)
        let events = approved.when(withdraw("误点审核通过，学历证书原件未核对"), reviewer)
            .then([
                .applicationApprovalWithdrawn(
                    ApplicationApprovalWithdrawn(
                        candidateID: Fixture.zhang,
                        applicationID: "a1",
                        reviewerID: "r-li",
                        reason: "误点审核通过，学历证书原件未核对",
                        withdrawnAt: at
                    )
                ),
                .entryVerificationWithdrawn(EntryVerificationWithdrawn(entryKind: "education", entryID: "e1", applicationID: "a1")),
            ])
        let state = CandidateDecider.replay(events)
        let application = state.applications["a1"]
        #expect(application?.status == .submitted)
        #expect(application?.approvedAt == nil && application?.approvedBy == nil && application?.paysOnline == nil)
        #expect(application?.withdrawnApprovals?.map(\.reason) == ["误点审核通过，学历证书原件未核对"])
        #expect(application?.withdrawnApprovals?.first?.approvedBy == "r-li")
        #expect(state.education["e1"]?.flags.verified == false)
        #expect(state.education["e1"]?.flags.isLocked == true, "still submitted: the entry stays locked")

        // Reviewed anew: corrected, then approved again (or rejected).
        given(events).when(correct(.name, "张叁"), reviewer).thenAccepts()
        given(events).when(approve, reviewer).thenAccepts { again in
            #expect(again.count == 2, "the entry is verified again: \(again)")
        }
        given(events).when(reject("学历不符合报考条件"), reviewer).thenAccepts()
        // Twice in a row: the application is no longer approved.
        given(events).when(withdraw("再次撤销"), reviewer).thenRejects(.applicationInvalidStatus, field: "applicationID")
    }

    @Test func anApprovalIsWithdrawnOnlyByTheSitesReviewerDuringReviewBeforeTheSignature() {
        let approved = given(History.approved().events)
        approved.when(withdraw(""), reviewer).thenRejects(.reviewReasonRequired, field: "reason")
        approved.when(withdraw(" \u{3000}"), reviewer).thenRejects(.reviewReasonRequired, field: "reason")
        approved.when(withdraw("误点"), Fixture.reviewer(sites: ["1102"])).thenRejects(.authNotReviewerOfSite)
        approved.when(withdraw("误点"), Fixture.actor(.auditor)).thenRejects(.authReadOnly)
        approved.when(withdraw("误点"), Fixture.actor(.admin)).thenRejects(.authForbidden)
        approved.when(withdraw("误点"), Fixture.candidate(at: T.review)).thenRejects(.authForbidden)
        approved.when(withdraw("误点"), Fixture.reviewer(at: T.paymentOnly)).thenRejects(.reviewWindowClosed)
        approved.when(withdraw("误点", application: "a9"), reviewer).thenRejects(.applicationNotFound)
        // Signed: final (DOMAIN §5). Submitted or rejected: nothing to withdraw.
        given(History.signed().events).when(withdraw("误点"), reviewer).thenRejects(.applicationSigned)
        submitted.when(withdraw("误点"), reviewer).thenRejects(.applicationInvalidStatus)
        var rejected = History.submitted()
        rejected.run(reject("材料不全"), reviewer)
        given(rejected.events).when(withdraw("误点"), reviewer).thenRejects(.applicationInvalidStatus)
    }

    /// An entry another approved application of the file ticks stays 已审核: that approval stands.
    @Test func aWithdrawalKeepsTheVerificationsOfOtherApprovals() throws {
        var state = CandidateDecider.replay(History.approved().events)
        var other = try #require(state.applications["a1"])
        other.applicationID = "a0"
        state.applications["a0"] = other
        let decided = try CandidateDecider.decide(withdraw("误点"), in: reviewer, state: state)
        #expect(decided.count == 1, "only the withdrawal: \(decided)")
        // Without it, the entry is released.
        let alone = try CandidateDecider.decide(withdraw("误点"), in: reviewer, state: CandidateDecider.replay(History.approved().events))
        #expect(alone.count == 2, "\(alone)")
    }

    @Test func afterSignatureNothingInTheApplicationChanges() {
        let signed = given(History.signed().events)
        signed.when(sign, reviewer).thenRejects(.applicationSigned)
        signed.when(approve, reviewer).thenRejects(.applicationSigned)
        signed.when(reject("x"), reviewer).thenRejects(.applicationSigned)
        signed.when(correct(.name, "张叁"), reviewer).thenRejects(.applicationSigned)
        signed.when(
            CandidateCommand.abandonApplication(AbandonApplication(candidateID: Fixture.zhang, applicationID: "a1")),
            Fixture.candidate(at: T.review)
        )
        .thenRejects(.applicationSigned)
        signed.when(
            CandidateCommand.removeEducation(RemoveEducationEntry(candidateID: Fixture.zhang, entryID: "e1")),
            Fixture.candidate(at: T.review)
        )
        .thenRejects(.applicationLockedEntry)
    }
}
