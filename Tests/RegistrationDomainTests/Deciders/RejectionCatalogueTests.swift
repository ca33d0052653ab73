import Foundation
import Testing

@testable import RegistrationDomain

/// Every ``DecisionCode`` is produced by at least one command (or, for the three claim codes, by the claim helpers):
/// one scenario per code, and the table must cover the whole enum.
@Suite("Rejection catalogue")
struct RejectionCatalogueTests {
    typealias Scenario = @Sendable () -> Rejection?

    static func candidate(_ history: History, _ command: CandidateCommand, _ context: CommandContext) -> Rejection? {
        given(history.events).when(command, context).rejection
    }

    static func season(
        _ events: [SeasonEvent],
        _ command: SeasonCommand,
        _ context: CommandContext = Fixture.actor(.admin)
    )
        -> Rejection?
    {
        given(SeasonDecider.self, events).when(command, context).rejection
    }

    static func staff(
        _ events: [StaffEvent],
        _ command: StaffCommand,
        _ context: CommandContext = Fixture.actor(.admin)
    )
        -> Rejection?
    {
        given(StaffDecider.self, events).when(command, context).rejection
    }

    static let z = Fixture.zhang
    static let during = Fixture.candidate(at: T.registration)
    static let pay = Fixture.candidate(at: T.reviewAndPayment)
    static let bank = Fixture.actor(.bank, at: T.reviewAndPayment)
    static let reviewer = Fixture.reviewer()
    static let reviewerCreated = StaffEvent.created(
        StaffAccountCreated(staffID: "r", role: "reviewer", displayName: "李", areaCode: "11", siteCodes: ["1101"], createdAt: "")
    )

    static func bankResult(txn: String = "t1", amount: Int = 15000) -> CandidateCommand {
        .recordBankResult(
            RecordBankResult(candidateID: z, applicationID: "a1", orderNumber: "o1", bankTransactionID: txn, succeeded: true, amountFen: amount)
        )
    }

    static func refund(_ id: String = "rf1", amount: Int = 15000) -> CandidateCommand {
        .recordRefund(RecordRefund(candidateID: z, applicationID: "a1", refundID: id, amountFen: amount, reason: "退考"))
    }

    static func correct(_ field: BasicInfoField, _ value: String, reason: String = "更正") -> CandidateCommand {
        .correctBasicInfo(CorrectBasicInfo(candidateID: z, applicationID: "a1", field: field, newValue: value, reason: reason))
    }

    static let scenarios: [DecisionCode: Scenario] = [
        .accountReasonRequired: {
            candidate(.submitted(), .changePassword(ChangePassword(candidateID: z, newPassword: "newpass88", method: .staff)), reviewer)
        },
        .authReadOnly: { season([], .open(OpenSeason(seasonID: "1", title: "t")), Fixture.actor(.auditor)) },
        .authForbidden: { season([], .open(OpenSeason(seasonID: "1", title: "t")), Fixture.actor(.bank)) },
        .authNotOwnFile: { candidate(History(), .register(Fixture.register()), Fixture.candidate("c-x")) },
        .authNotReviewerOfSite: {
            candidate(
                .submitted(),
                .approveApplication(ApproveApplication(candidateID: z, applicationID: "a1", note: Fixture.originalsChecked)),
                Fixture.reviewer(sites: ["1102"])
            )
        },
        .inputRequired: { season([Fixture.seasonEvents[0]], .addExam(AddExam(code: "", name: "x", level: .physician, category: .clinical))) },
        .inputInvalidChoice: { candidate(History(), .register(Fixture.register(idType: "学生证")), Fixture.candidate()) },
        .seasonNotOpened: { season([], .withdrawExam(WithdrawExam(code: "110"))) },
        .seasonAlreadyOpened: { season(Fixture.seasonEvents, .open(OpenSeason(seasonID: "1", title: "t"))) },
        .seasonTitleYearMismatch: { season([], .open(OpenSeason(seasonID: "2026", title: "2027年医师资格考试"))) },
        .seasonUnknownSite: { season(Fixture.seasonEvents, .renameSite(RenameExamSite(code: "9999", name: "不存在的考点"))) },
        .seasonCalendarInvalid: {
            var calendar = Fixture.calendar
            calendar.reviewOpens = T.registration
            return season(Fixture.seasonEvents, .setCalendar(SetSeasonCalendar(calendar: calendar)))
        },
        .seasonPhotoLimitInvalid: { season(Fixture.seasonEvents, .setPhotoSizeLimit(SetPhotoSizeLimit(maximumBytes: 0))) },
        .seasonDuplicateExam: {
            season(Fixture.seasonEvents, .addExam(AddExam(code: "110", name: "x", level: .physician, category: .clinical)))
        },
        .seasonUnknownExam: { season(Fixture.seasonEvents, .withdrawExam(WithdrawExam(code: "404"))) },
        .seasonDuplicateArea: {
            season(Fixture.seasonEvents, .addArea(AddExamArea(code: "11", name: "x", onlinePayment: false, refundPolicy: "")))
        },
        .seasonUnknownArea: { season(Fixture.seasonEvents, .addSite(AddExamSite(code: "9", name: "x", areaCode: "404"))) },
        .seasonDuplicateSite: { season(Fixture.seasonEvents, .addSite(AddExamSite(code: "1101", name: "x", areaCode: "11"))) },
        .seasonCodeInvalid: { season(Fixture.seasonEvents, .addSite(AddExamSite(code: " 1101", name: "x", areaCode: "11"))) },
        .seasonExamCategoryInvalid: {
            season(Fixture.seasonEvents, .addExam(AddExam(code: "131", name: "乡村全科口腔", level: .ruralGeneralAssistant, category: .dental)))
        },
        .seasonRefundPolicyRequired: {
            season(Fixture.seasonEvents, .updateArea(UpdateExamArea(code: "11", name: "北京考区", onlinePayment: false, refundPolicy: "")))
        },
        .seasonNotConfigured: { candidate(.withEducation(), Fixture.submit(), Fixture.candidate(at: T.registration, season: SeasonState())) },
        .staffAlreadyExists: { staff([reviewerCreated], .create(CreateStaffAccount(staffID: "r", role: .auditor, displayName: "x"))) },
        .staffNotFound: { staff([], .deactivate(DeactivateStaffAccount(staffID: "r", reason: "x"))) },
        .staffDeactivated: {
            staff(
                [reviewerCreated, .deactivated(StaffAccountDeactivated(staffID: "r", reason: "x", deactivatedAt: ""))],
                .deactivate(DeactivateStaffAccount(staffID: "r", reason: "x"))
            )
        },
        .staffRoleInvalid: { staff([], .create(CreateStaffAccount(staffID: "x", role: .bank, displayName: "x"))) },
        .staffScopeInvalid: {
            staff([reviewerCreated], .changeScope(ChangeStaffScope(staffID: "r", areaCode: "11", siteCodes: ["4101"])))
        },
        .staffNotDeactivated: { staff([reviewerCreated], .reactivate(ReactivateStaffAccount(staffID: "r", reason: "x"))) },
        .staffSelfDeactivation: {
            staff([reviewerCreated], .deactivate(DeactivateStaffAccount(staffID: "r", reason: "x")), Fixture.actor(.admin, id: "r"))
        },
        .registrationAlreadyRegistered: { candidate(.registered(), .register(Fixture.register()), Fixture.candidate()) },
        .registrationDerivedMismatch: { candidate(History(), .register(Fixture.register(sex: "女")), Fixture.candidate()) },
        .registrationNationalityMismatch: { candidate(History(), .register(Fixture.register(nationality: "法国")), Fixture.candidate()) },
        .registrationActiveServiceRequiresResidentID: {
            candidate(
                History(),
                .register(Fixture.register(idType: "军官证", idNumber: "JG20101234", sex: "男", birthDate: "1985-06-01", identity: 1)),
                Fixture.candidate()
            )
        },
        .registrationUsernameTaken: { CandidateClaims.usernameTaken("zhangsan") },
        .registrationPersonAlreadyRegistered: { CandidateClaims.alreadyRegistered(username: "zhangsan") },
        .reviewIDNumberTaken: { CandidateClaims.correctionToTakenNumber(username: "zhangsan") },
        .candidateNotRegistered: {
            candidate(History(), .removeEducation(RemoveEducationEntry(candidateID: z, entryID: "e1")), Fixture.candidate())
        },
        .profileBasicInfoLocked: { candidate(.submitted(), correct(.name, "张叁"), Fixture.candidate(at: T.review)) },
        .entryAlreadyExists: {
            candidate(
                .withEducation(),
                .addEducation(AddEducationEntry(candidateID: z, entryID: "e1", education: Fixture.bachelor)),
                Fixture.candidate()
            )
        },
        .entryNotFound: { candidate(.registered(), .removeTraining(RemoveTrainingEntry(candidateID: z, entryID: "t1")), Fixture.candidate()) },
        .applicationLockedEntry: {
            candidate(.submitted(), .removeEducation(RemoveEducationEntry(candidateID: z, entryID: "e1")), Fixture.candidate())
        },
        .educationGraduationBeforeEnrolment: {
            var input = Fixture.bachelor
            input.graduation = "2005-01"
            return candidate(.registered(), .addEducation(AddEducationEntry(candidateID: z, entryID: "e2", education: input)), Fixture.candidate())
        },
        .educationCertificateNumberRequired: {
            var input = Fixture.bachelor
            input.certificateNumber = ""
            return candidate(.registered(), .addEducation(AddEducationEntry(candidateID: z, entryID: "e2", education: input)), Fixture.candidate())
        },
        .educationFlagNotApplicable: {
            var input = Fixture.bachelor
            input.fiveYearJuniorCollegeClinical = true
            return candidate(.registered(), .addEducation(AddEducationEntry(candidateID: z, entryID: "e2", education: input)), Fixture.candidate())
        },
        .trainingEndBeforeStart: {
            var input = Fixture.residency
            input.end = "2009-01"
            return candidate(.registered(), .addTraining(AddTrainingEntry(candidateID: z, entryID: "t1", training: input)), Fixture.candidate())
        },
        .certificateRegisteredBeforeIssued: {
            var input = Fixture.assistantCertificate
            input.registered = "2007-01"
            return candidate(
                .registered(),
                .addCertificate(AddCertificateEntry(candidateID: z, entryID: "z1", certificate: input)),
                Fixture.candidate()
            )
        },
        .chsiWindowClosed: {
            candidate(.withEducation(), .startChsiScan(StartChsiScan(candidateID: z, entryID: "e1", scanID: "s")), during)
        },
        .chsiOutOfScope: {
            var history = History.registered()
            history.run(.addEducation(AddEducationEntry(candidateID: z, entryID: "zz", education: Fixture.secondary)), Fixture.candidate())
            return candidate(history, .startChsiScan(StartChsiScan(candidateID: z, entryID: "zz", scanID: "s")), Fixture.candidate())
        },
        .chsiEntryNotApplied: {
            candidate(.withEducation(), .startChsiScan(StartChsiScan(candidateID: z, entryID: "e1", scanID: "s")), Fixture.candidate(at: T.review))
        },
        .chsiEntryVerified: {
            candidate(.approved(), .startChsiScan(StartChsiScan(candidateID: z, entryID: "e1", scanID: "s")), Fixture.candidate(at: T.review))
        },
        .chsiScanAlreadyAnswered: {
            var history = History.withEducation()
            history.run(.startChsiScan(StartChsiScan(candidateID: z, entryID: "e1", scanID: "s1")), Fixture.candidate())
            history.run(
                .recordChsiResult(RecordChsiResult(candidateID: z, entryID: "e1", scanID: "s1", record: Fixture.chsiRecord)),
                Fixture.actor(.chsi)
            )
            var other = Fixture.chsiRecord
            other.major = "计算机科学与技术"
            return candidate(
                history,
                .recordChsiResult(RecordChsiResult(candidateID: z, entryID: "e1", scanID: "s1", record: other)),
                Fixture.actor(.chsi)
            )
        },
        .chsiUnknownScan: {
            candidate(
                .withEducation(),
                .recordChsiResult(RecordChsiResult(candidateID: z, entryID: "e1", scanID: "s", record: Fixture.chsiRecord)),
                Fixture.actor(.chsi)
            )
        },
        .chsiScanIDUsed: {
            var history = History.withEducation()
            history.run(.startChsiScan(StartChsiScan(candidateID: z, entryID: "e1", scanID: "s")), Fixture.candidate())
            history.run(
                .recordChsiResult(RecordChsiResult(candidateID: z, entryID: "e1", scanID: "s", record: Fixture.chsiRecord)),
                Fixture.actor(.chsi)
            )
            return candidate(history, .startChsiScan(StartChsiScan(candidateID: z, entryID: "e1", scanID: "s")), Fixture.candidate())
        },
        .chsiInvalidResult: {
            var history = History.withEducation()
            history.run(.startChsiScan(StartChsiScan(candidateID: z, entryID: "e1", scanID: "s")), Fixture.candidate())
            var record = Fixture.chsiRecord
            record.graduationDate = "2010-07"
            return candidate(
                history,
                .recordChsiResult(RecordChsiResult(candidateID: z, entryID: "e1", scanID: "s", record: record)),
                Fixture.actor(.chsi)
            )
        },
        .applicationRegistrationClosed: { candidate(.withEducation(), Fixture.submit(), Fixture.candidate(at: T.review)) },
        .applicationLiveExists: { candidate(.submitted(), Fixture.submit("a2"), during) },
        .applicationAlreadyExists: {
            var history = History.submitted()
            history.run(.abandonApplication(AbandonApplication(candidateID: z, applicationID: "a1")), during)
            return candidate(history, Fixture.submit("a1"), during)
        },
        .applicationNotFound: { candidate(.submitted(), .abandonApplication(AbandonApplication(candidateID: z, applicationID: "a9")), during) },
        .applicationUnknownExam: { candidate(.withEducation(), Fixture.submit(exam: "404"), during) },
        .applicationUnknownArea: { candidate(.withEducation(), Fixture.submit(area: "404"), during) },
        .applicationUnknownSite: { candidate(.withEducation(), Fixture.submit(site: "404"), during) },
        .applicationSiteNotInArea: { candidate(.withEducation(), Fixture.submit(site: "4101"), during) },
        .applicationAttemptCountInvalid: { candidate(.withEducation(), Fixture.submit(attemptCount: -2), during) },
        .applicationEducationRequired: { candidate(.withEducation(), Fixture.submit(education: []), during) },
        .applicationTrainingNotResidency: {
            var history = History.withEducation()
            var other = Fixture.residency
            other.kind = "其它培训"
            history.run(.addTraining(AddTrainingEntry(candidateID: z, entryID: "t1", training: other)), Fixture.candidate())
            return candidate(history, Fixture.submit(training: ["t1"]), during)
        },
        .applicationAssistantCertificateRequired: {
            var history = History.registered()
            history.run(.addEducation(AddEducationEntry(candidateID: z, entryID: "zz", education: Fixture.secondary)), Fixture.candidate())
            return candidate(history, Fixture.submit(education: ["zz"]), during)
        },
        .applicationTownshipCertificateNotAccepted: {
            var history = History.registered()
            history.run(.addEducation(AddEducationEntry(candidateID: z, entryID: "zz", education: Fixture.secondary)), Fixture.candidate())
            var township = Fixture.assistantCertificate
            township.type = CertificateType.townshipAssistantPhysician.rawValue
            history.run(.addCertificate(AddCertificateEntry(candidateID: z, entryID: "z2", certificate: township)), Fixture.candidate())
            return candidate(history, Fixture.submit(education: ["zz"], certificate: "z2"), during)
        },
        .applicationCertificateRegistrationRequired: {
            var history = History.registered()
            history.run(.addEducation(AddEducationEntry(candidateID: z, entryID: "zz", education: Fixture.secondary)), Fixture.candidate())
            let unregistered = CertificateInput(type: "执业助理医师", issued: "2008-03", number: "200811110110101199")
            history.run(.addCertificate(AddCertificateEntry(candidateID: z, entryID: "z1", certificate: unregistered)), Fixture.candidate())
            return candidate(history, Fixture.submit(education: ["zz"], certificate: "z1"), during)
        },
        .applicationFiveYearCollegePracticeRequired: {
            var history = History.registered()
            history.run(.addEducation(AddEducationEntry(candidateID: z, entryID: "f5", education: EligibilityTests.fiveYear)), Fixture.candidate())
            return candidate(history, Fixture.submit(education: ["f5"]), during)
        },
        .applicationEducationNotEligible: {
            var history = History.registered()
            history.run(.addEducation(AddEducationEntry(candidateID: z, entryID: "n", education: EligibilityTests.none)), Fixture.candidate())
            return candidate(history, Fixture.submit(education: ["n"]), during)
        },
        .applicationMilitaryMedicineRequired: {
            var history = History.registered(Fixture.register(identity: 1))
            history.run(.addEducation(AddEducationEntry(candidateID: z, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
            return candidate(history, Fixture.submit(), during)
        },
        .applicationContactRequired: {
            var history = History()
            history.run(.register(Fixture.register()), Fixture.candidate())
            history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
            return candidate(history, Fixture.submit(), during)
        },
        .applicationWorkRequired: {
            var history = History()
            history.run(.register(Fixture.register()), Fixture.candidate())
            history.run(.updateContact(UpdateContactDetails(candidateID: Fixture.zhang, contact: Fixture.contact)), Fixture.candidate())
            history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
            return candidate(history, Fixture.submit(), during)
        },
        .applicationUndergraduateEntryRequired: {
            var history = History.registered()
            history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "m1", education: Fixture.master)), Fixture.candidate())
            return candidate(history, Fixture.submit(education: ["m1"]), during)
        },
        .applicationWorkPostRequired: { candidate(.withEducation(), Fixture.submit(additionalSubject: "儿科"), during) },
        .applicationWorkPostNotApplicable: { candidate(.withEducation(), Fixture.submit(workPost: "儿科"), during) },
        .applicationAdditionalSubjectNotAllowed: { candidate(.withEducation(), Fixture.submit(additionalSubject: "军事医学"), during) },
        .applicationPhotoFormat: {
            candidate(.withEducation(), Fixture.submit(photo: PhotoUpload(photoID: "p", format: "bmp", sizeBytes: 10)), during)
        },
        .applicationPhotoTooLarge: {
            candidate(.withEducation(), Fixture.submit(photo: PhotoUpload(photoID: "p", format: "jpg", sizeBytes: 40_960)), during)
        },
        .applicationPassNumberNotApplicable: { candidate(.withEducation(), Fixture.submit(passNumber: "H1234567801"), during) },
        .applicationSigned: { candidate(.signed(), correct(.name, "张叁"), reviewer) },
        .applicationInvalidStatus: { candidate(.submitted(), .recordSignature(RecordSignature(candidateID: z, applicationID: "a1")), reviewer) },
        .reviewWindowClosed: { candidate(.submitted(), correct(.name, "张叁"), Fixture.reviewer(at: T.paymentOnly)) },
        .reviewReasonRequired: { candidate(.submitted(), correct(.name, "张叁", reason: ""), reviewer) },
        .reviewNoChange: { candidate(.submitted(), correct(.name, "张三"), reviewer) },
        .reviewApprovalNoteRequired: {
            candidate(.submittedOverChsiDifferences(), .approveApplication(ApproveApplication(candidateID: z, applicationID: "a1")), reviewer)
        },
        .reviewDerivedField: { candidate(.submitted(), correct(.sex, "女"), reviewer) },
        .reviewIDTypeChangeRefused: {
            candidate(
                .submitted(),
                .correctBasicInfo(
                    CorrectBasicInfo(candidateID: z, applicationID: "a1", field: .idNumber, newValue: "A1234567", reason: "核对证件", idType: "香港身份证")
                ),
                reviewer
            )
        },
        .paymentNotApproved: {
            candidate(.submitted(), .startPayment(StartPayment(candidateID: z, applicationID: "a1", orderNumber: "o", amountFen: 1)), pay)
        },
        .paymentOnlineUnavailable: {
            var history = History.withEducation()
            history.run(Fixture.submit(area: "41", site: "4101"), during)
            history.run(
                .approveApplication(ApproveApplication(candidateID: z, applicationID: "a1", note: Fixture.originalsChecked)),
                Fixture.reviewer(sites: ["4101"])
            )
            return candidate(history, .startPayment(StartPayment(candidateID: z, applicationID: "a1", orderNumber: "o", amountFen: 1)), pay)
        },
        .paymentWindowClosed: {
            candidate(
                .signed(),
                .startPayment(StartPayment(candidateID: z, applicationID: "a1", orderNumber: "o", amountFen: 1)),
                Fixture.candidate(at: T.review)
            )
        },
        .paymentAmountInvalid: {
            candidate(.signed(), .startPayment(StartPayment(candidateID: z, applicationID: "a1", orderNumber: "o", amountFen: -5)), pay)
        },
        .paymentAlreadyPaid: {
            candidate(.paid(), .startPayment(StartPayment(candidateID: z, applicationID: "a1", orderNumber: "o2", amountFen: 1)), pay)
        },
        .paymentRefundExceedsExcess: {
            var history = History.paymentStarted()
            let later = Fixture.candidate(at: T.reviewAndPayment.addingTimeInterval(CandidateDecider.paymentConfirmationTimeout + 60))
            history.run(.startPayment(StartPayment(candidateID: z, applicationID: "a1", orderNumber: "o2", amountFen: 15000)), later)
            history.run(bankResult(txn: "t1"), bank)
            history.run(
                .recordBankResult(
                    RecordBankResult(
                        candidateID: z,
                        applicationID: "a1",
                        orderNumber: "o2",
                        bankTransactionID: "t2",
                        succeeded: true,
                        amountFen: 15000
                    )
                ),
                bank
            )
            return candidate(history, refund(amount: 15001), Fixture.actor(.admin))
        },
        .paymentNotSigned: {
            candidate(.approved(), .startPayment(StartPayment(candidateID: z, applicationID: "a1", orderNumber: "o1", amountFen: 1)), pay)
        },
        .paymentRefunded: {
            var history = History.paid()
            history.run(refund(), Fixture.actor(.admin, at: T.reviewAndPayment))
            return candidate(history, .startPayment(StartPayment(candidateID: z, applicationID: "a1", orderNumber: "o2", amountFen: 1)), pay)
        },
        .paymentPending: {
            candidate(.paymentStarted(), .startPayment(StartPayment(candidateID: z, applicationID: "a1", orderNumber: "o2", amountFen: 1)), pay)
        },
        .paymentDuplicateOrder: {
            var history = History.paymentStarted()
            history.run(
                .recordBankResult(
                    RecordBankResult(
                        candidateID: z,
                        applicationID: "a1",
                        orderNumber: "o1",
                        bankTransactionID: "f",
                        succeeded: false,
                        amountFen: 15000
                    )
                ),
                bank
            )
            return candidate(history, .startPayment(StartPayment(candidateID: z, applicationID: "a1", orderNumber: "o1", amountFen: 1)), pay)
        },
        .paymentUnknownOrder: { candidate(.signed(), bankResult(), bank) },
        .paymentAmountMismatch: { candidate(.paymentStarted(), bankResult(amount: 1), bank) },
        .paymentOrderAlreadySettled: { candidate(.paid(), bankResult(txn: "t2"), bank) },
        .paymentTransactionConflict: { candidate(.paid(), bankResult(amount: 1), bank) },
        .paymentNotPaid: { candidate(.signed(), refund(), Fixture.actor(.admin)) },
        .paymentRefundExceedsPaid: { candidate(.paid(), refund(amount: 15001), Fixture.actor(.admin)) },
        .paymentDuplicateRefund: {
            var history = History.paid()
            history.run(refund(amount: 1), Fixture.actor(.admin))
            return candidate(history, refund(amount: 1), Fixture.actor(.admin))
        },
    ]

    @Test func everyCodeHasAScenario() {
        let missing = DecisionCode.allCases.filter { Self.scenarios[$0] == nil }
        #expect(missing.isEmpty, "codes without a scenario: \(missing.map(\.rawValue))")
    }

    @Test(arguments: DecisionCode.allCases)
    func everyCodeIsProducedWithAChineseMessage(code: DecisionCode) {
        guard let scenario = Self.scenarios[code] else { return }
        let rejection = scenario()
        #expect(rejection?.code == code.rawValue, "got \(String(describing: rejection))")
        let message = rejection?.message ?? ""
        #expect(message.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "message is Chinese: \(message)")
        let field = rejection?.field ?? ""
        #expect(field.isEmpty == false)
    }

    @Test func codesAreStableDottedLowerCase() {
        for code in DecisionCode.allCases {
            let parts = code.rawValue.split(separator: ".")
            #expect(parts.count == 2, "\(code.rawValue)")
            #expect(code.rawValue.allSatisfy { $0.isLowercase || $0 == "." || $0 == "_" }, "\(code.rawValue)")
        }
        #expect(Set(DecisionCode.allCases.map(\.rawValue)).count == DecisionCode.allCases.count)
    }
}
