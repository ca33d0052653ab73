import Foundation
import Testing

@testable import RegistrationDomain

@Suite("Candidate: applications (DOMAIN §4)")
struct ApplicationTests {
    let during = Fixture.candidate(at: T.registration)
    let ready = given(History.withEducation().events)

    var submittedEvent: ApplicationSubmitted {
        ApplicationSubmitted(
            candidateID: Fixture.zhang,
            applicationID: "a1",
            seasonID: "2025",
            examCode: "110",
            examLevel: "执业医师",
            examCategory: "临床",
            educationEntryIDs: ["e1"],
            trainingEntryIDs: [],
            certificateEntryID: nil,
            areaCode: "11",
            siteCode: "1101",
            attemptCount: 1,
            additionalSubject: nil,
            photoID: "photo-1",
            photoFormat: "jpg",
            photoSizeBytes: 25_600,
            passNumber: nil,
            identity: nil,
            onDutyStatus: "在职",
            workUnit: "北京协和医院",
            title: "住院医师",
            workPost: nil,
            submittedAt: "2025-01-10T03:00:00.000Z"
        )
    }

    /// Registered with a 中专 entry `zz` and the two kinds of assistant certificates.
    func secondaryHistory() -> History {
        var history = History.registered()
        let ctx = Fixture.candidate()
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "zz", education: Fixture.secondary)), ctx)
        history.run(
            .addCertificate(AddCertificateEntry(candidateID: Fixture.zhang, entryID: "z1", certificate: Fixture.assistantCertificate)),
            ctx
        )
        var township = Fixture.assistantCertificate
        township.type = "执业助理医师（乡镇）"
        history.run(.addCertificate(AddCertificateEntry(candidateID: Fixture.zhang, entryID: "z2", certificate: township)), ctx)
        return history
    }

    @Test func submittingRecordsTheApplicationAndLocksEveryTickedEntry() {
        var history = History.withEducation()
        let ctx = Fixture.candidate()
        history.run(.addTraining(AddTrainingEntry(candidateID: Fixture.zhang, entryID: "t1", training: Fixture.residency)), ctx)
        history.run(
            .addCertificate(AddCertificateEntry(candidateID: Fixture.zhang, entryID: "z1", certificate: Fixture.assistantCertificate)),
            ctx
        )
        var expected = submittedEvent
        expected.trainingEntryIDs = ["t1"]
        expected.certificateEntryID = "z1"
        let events = given(history.events).when(Fixture.submit(training: ["t1"], certificate: "z1"), during)
            .then([
                .applicationSubmitted(expected),
                .entryLocked(EntryLocked(entryKind: "education", entryID: "e1", applicationID: "a1")),
                .entryLocked(EntryLocked(entryKind: "training", entryID: "t1", applicationID: "a1")),
                .entryLocked(EntryLocked(entryKind: "certificate", entryID: "z1", applicationID: "a1")),
            ])
        let state = CandidateDecider.replay(events)
        #expect(state.education["e1"]?.flags.isLocked == true)
        #expect(state.training["t1"]?.flags.lockedBy == ["a1"])
        #expect(state.certificates["z1"]?.flags.isLocked == true)
        #expect(state.applications["a1"]?.status == .submitted)
        #expect(state.liveApplication(season: "2025")?.applicationID == "a1")
    }

    @Test func attemptCountDefaultsToOneAndMustBePositive() {
        ready.when(Fixture.submit(attemptCount: 3), during).thenAccepts { events in
            guard case .applicationSubmitted(let e) = events.first else {
                Issue.record("not submitted")
                return
            }
            #expect(e.attemptCount == 3)
        }
        ready.when(Fixture.submit(attemptCount: 0), during).thenRejects(.applicationAttemptCountInvalid, field: "attemptCount")
        // Since 1999, at most twice a year: 2 × (2025 − 1998) = 54 attempts by the 2025 season.
        ready.when(Fixture.submit(attemptCount: 55), during).thenRejects(.applicationAttemptCountInvalid, field: "attemptCount")
        ready.when(Fixture.submit(attemptCount: 54), during).thenAccepts()
    }

    @Test(arguments: [T.beforeRegistration, T.betweenRegistrationAndReview, T.review, T.closed])
    func submittingOnlyDuringOnlineRegistration(now: Date) {
        ready.when(Fixture.submit(), Fixture.candidate(at: now)).thenRejects(.applicationRegistrationClosed)
    }

    @Test func submittingNeedsAConfiguredSeason() {
        ready.when(Fixture.submit(), Fixture.candidate(at: T.registration, season: SeasonState()))
            .thenRejects(.seasonNotConfigured)
    }

    @Test func atMostOneLiveApplicationPerSeason() {
        let submitted = given(History.submitted().events)
        submitted.when(Fixture.submit("a2"), during).thenRejects(.applicationLiveExists)
        submitted.when(Fixture.submit("a1"), during).thenRejects(.applicationAlreadyExists, field: "applicationID")
        ready.when(Fixture.submit(" "), during).thenRejects(.inputRequired, field: "applicationID")
    }

    @Test func aLiveApplicationOfAnotherSeasonDoesNotCountAndItsLocksAreShared() {
        var lastYear = submittedEvent
        lastYear.applicationID = "a2024"
        lastYear.seasonID = "2024"
        let history =
            History.withEducation().events + [
                .applicationSubmitted(lastYear),
                .entryLocked(EntryLocked(entryKind: "education", entryID: "e1", applicationID: "a2024")),
            ]
        let events = given(history).when(Fixture.submit(), during).thenAccepts()
        #expect(CandidateDecider.replay(events).education["e1"]?.flags.lockedBy == ["a1", "a2024"])
    }

    @Test func examAreaAndSiteMustExistAndBelongTogether() {
        ready.when(Fixture.submit(exam: "000"), during).thenRejects(.applicationUnknownExam, field: "examCode")
        ready.when(Fixture.submit(exam: "999"), during).thenRejects(.applicationUnknownExam, field: "examCode")
        ready.when(Fixture.submit(area: "99"), during).thenRejects(.applicationUnknownArea, field: "areaCode")
        ready.when(Fixture.submit(site: "9999"), during).thenRejects(.applicationUnknownSite, field: "siteCode")
        ready.when(Fixture.submit(area: "11", site: "4101"), during).thenRejects(.applicationSiteNotInArea, field: "siteCode")
        ready.when(Fixture.submit(area: "41", site: "4101"), during).thenAccepts()
    }

    @Test func tickedEntriesMustExist() {
        ready.when(Fixture.submit(education: []), during).thenRejects(.applicationEducationRequired)
        ready.when(Fixture.submit(education: ["e1", "e7"]), during).thenRejects(.entryNotFound, field: "educationEntryIDs[1]")
        ready.when(Fixture.submit(training: ["t7"]), during).thenRejects(.entryNotFound, field: "trainingEntryIDs[0]")
        ready.when(Fixture.submit(certificate: "z7"), during).thenRejects(.entryNotFound, field: "certificateEntryID")
        ready.when(Fixture.submit(education: ["e1", "e1"]), during).thenAccepts { events in
            #expect(events.count == 2, "a duplicate tick is one tick: one submission, one lock")
        }
    }

    @Test func onlyResidencyTrainingIsTicked() {
        var history = History.withEducation()
        var other = Fixture.residency
        other.kind = "其它培训"
        history.run(.addTraining(AddTrainingEntry(candidateID: Fixture.zhang, entryID: "t2", training: other)), Fixture.candidate())
        given(history.events).when(Fixture.submit(training: ["t2"]), during)
            .thenRejects(.applicationTrainingNotResidency, field: "trainingEntryIDs[0]")
    }

    @Test func aPhysicianExamWithSecondaryEducationNeedsAnAssistantCertificate() {
        let history = given(secondaryHistory().events)
        history.when(Fixture.submit(education: ["zz"]), during)
            .thenRejects(.applicationAssistantCertificateRequired, field: "certificateEntryID")
        history.when(Fixture.submit(education: ["zz"], certificate: "z2"), during)
            .thenRejects(.applicationTownshipCertificateNotAccepted, field: "certificateEntryID")
        history.when(Fixture.submit(education: ["zz"], certificate: "z1"), during).thenAccepts()
        // Assistant exams and the rural general assistant exam need no certificate.
        history.when(Fixture.submit(exam: "120", education: ["zz"]), during).thenAccepts()
        history.when(Fixture.submit(exam: "130", education: ["zz"]), during).thenAccepts()
    }

    @Test func theSecondaryRuleLooksAtTheHighestTickedEducation() {
        var history = secondaryHistory()
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
        given(history.events).when(Fixture.submit(education: ["zz", "e1"]), during).thenAccepts()
    }

    @Test func militaryMedicineIsForActiveServicemenOnly() {
        ready.when(Fixture.submit(additionalSubject: "军事医学"), during)
            .thenRejects(.applicationAdditionalSubjectNotAllowed, field: "additionalSubject")
        var soldier = History.registered(Fixture.register(identity: 2))
        soldier.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
        given(soldier.events).when(Fixture.submit(additionalSubject: "军事医学"), during).thenAccepts { events in
            guard case .applicationSubmitted(let e) = events.first else {
                Issue.record("not submitted")
                return
            }
            #expect(e.additionalSubject == "军事医学")
            #expect(e.identity == 2, "an active serviceman's identity goes with the application")
        }
        var employee = History.registered(Fixture.register(identity: 3))
        employee.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
        given(employee.events).when(Fixture.submit(additionalSubject: "军事医学"), during)
            .thenRejects(.applicationAdditionalSubjectNotAllowed)
    }

    @Test(arguments: ["院前急救", "儿科"])
    func shortageSubjectsAreForClinicalPhysicianExamsInThosePostsOnly(subject: String) {
        ready.when(Fixture.submit(exam: "110", additionalSubject: subject, workPost: "\(subject)岗位"), during).thenAccepts { events in
            guard case .applicationSubmitted(let e) = events.first else {
                Issue.record("not submitted")
                return
            }
            #expect(e.additionalSubject == subject && e.workPost == "\(subject)岗位")
        }
        // The guide: 在院前急救岗位工作… / 在儿科岗位工作…: the application names the post.
        ready.when(Fixture.submit(exam: "110", additionalSubject: subject), during)
            .thenRejects(.applicationWorkPostRequired, field: "workPost")
        ready.when(Fixture.submit(exam: "110", additionalSubject: subject, workPost: " "), during)
            .thenRejects(.applicationWorkPostRequired, field: "workPost")
        ready.when(Fixture.submit(exam: "120", additionalSubject: subject, workPost: "儿科"), during)
            .thenRejects(.applicationAdditionalSubjectNotAllowed, field: "additionalSubject")
        ready.when(Fixture.submit(exam: "210", additionalSubject: subject, workPost: "儿科"), during)
            .thenRejects(.applicationAdditionalSubjectNotAllowed)
    }

    @Test func aPostIsNamedOnlyWithAShortageSubject() {
        ready.when(Fixture.submit(workPost: "儿科"), during).thenRejects(.applicationWorkPostNotApplicable, field: "workPost")
    }

    @Test func theApplicationKeepsTheWorkInformationItWasSubmittedWith() {
        var history = History.withEducation()
        history.run(Fixture.submit(), during)
        let moved = WorkInput(onDutyStatus: "在职", workUnit: "首都医科大学附属北京同仁医院", title: nil, titleObtained: nil)
        history.run(.updateWork(UpdateWorkDetails(candidateID: Fixture.zhang, work: moved)), Fixture.candidate(at: T.registration))
        let application = history.state.applications["a1"]
        #expect(application?.workUnit == "北京协和医院" && application?.title == "住院医师" && application?.onDutyStatus == "在职")
        #expect(history.state.work?.workUnit == "首都医科大学附属北京同仁医院")
    }

    @Test func unknownAdditionalSubjectsAreRefused() {
        ready.when(Fixture.submit(additionalSubject: "外语"), during).thenRejects(.inputInvalidChoice, field: "additionalSubject")
    }

    /// The 2025 guide: 小于30K, 文件小于30kb: strictly smaller than the season's limit.
    @Test func thePhotoIsAJpgSmallerThanTheSeasonLimit() {
        ready.when(Fixture.submit(photo: PhotoUpload(photoID: "p", format: "png", sizeBytes: 1000)), during)
            .thenRejects(.applicationPhotoFormat, field: "photo.format")
        ready.when(Fixture.submit(photo: PhotoUpload(photoID: "p", format: "JPEG", sizeBytes: 30_719)), during)
            .thenAccepts { events in
                guard case .applicationSubmitted(let e) = events.first else {
                    Issue.record("not submitted")
                    return
                }
                #expect(e.photoFormat == "jpg")
            }
        let atTheLimit = ready.when(Fixture.submit(photo: PhotoUpload(photoID: "p", format: "jpg", sizeBytes: 30_720)), during)
        atTheLimit.thenRejects(.applicationPhotoTooLarge, field: "photo.sizeBytes")
        #expect(atTheLimit.rejection?.message.contains("须小于30KB") == true, "\(String(describing: atTheLimit.rejection))")
        #expect(atTheLimit.rejection?.message.contains("30720字节") == true)
        let over = ready.when(Fixture.submit(photo: PhotoUpload(photoID: "p", format: "jpg", sizeBytes: 30_721)), during)
        over.thenRejects(.applicationPhotoTooLarge, field: "photo.sizeBytes")
        #expect(over.rejection?.message.contains("30.1KB") == true, "\(String(describing: over.rejection))")
        ready.when(Fixture.submit(photo: PhotoUpload(photoID: "p", format: "jpg", sizeBytes: 0)), during)
            .thenRejects(.inputRequired, field: "photo")
        // The national 40 KB limit applies when the season sets none.
        var national = Fixture.season
        national.photoLimitBytes = SeasonState.nationalPhotoLimitBytes
        ready.when(
            Fixture.submit(photo: PhotoUpload(photoID: "p", format: "jpg", sizeBytes: 40_959)),
            Fixture.candidate(at: T.registration, season: national)
        )
        .thenAccepts()
        ready.when(
            Fixture.submit(photo: PhotoUpload(photoID: "p", format: "jpg", sizeBytes: 40_960)),
            Fixture.candidate(at: T.registration, season: national)
        )
        .thenRejects(.applicationPhotoTooLarge)
        // A limit that is not a whole number of KB is named in bytes.
        var odd = Fixture.season
        odd.photoLimitBytes = 30_000
        let oddLimit = ready.when(
            Fixture.submit(photo: PhotoUpload(photoID: "p", format: "jpg", sizeBytes: 30_000)),
            Fixture.candidate(at: T.registration, season: odd)
        )
        #expect(oddLimit.rejection?.message.contains("须小于30000字节") == true, "\(String(describing: oddLimit.rejection))")
    }

    @Test func hongKongMacauAndTaiwanCandidatesGiveTheirPassNumber() {
        var history = History.registered(
            Fixture.register(name: "Chan Tai Man", idType: "香港身份证", idNumber: "A1234567", sex: "男", birthDate: "1990-01-01")
        )
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
        let hongKong = given(history.events)
        hongKong.when(Fixture.submit(), during).thenRejects(.inputRequired, field: "passNumber")
        hongKong.when(Fixture.submit(passNumber: "H123"), during)
            .thenRejects(ruleRejection { try Rules.validateIDNumber("H123", type: .hongKongPass, field: "passNumber") })
        hongKong.when(Fixture.submit(passNumber: "H1234567801"), during).thenAccepts { events in
            guard case .applicationSubmitted(let e) = events.first else {
                Issue.record("not submitted")
                return
            }
            #expect(e.passNumber == "H1234567801")
        }
    }

    @Test func aPassHolderDefaultsToTheirOwnNumber() {
        var history = History.registered(
            Fixture.register(name: "Lin Mei", idType: "台湾往来大陆通行证", idNumber: "T123456789", sex: "女", birthDate: "1990-01-01")
        )
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
        given(history.events).when(Fixture.submit(), during).thenAccepts { events in
            guard case .applicationSubmitted(let e) = events.first else {
                Issue.record("not submitted")
                return
            }
            #expect(e.passNumber == "T123456789")
        }
    }

    /// A reviewer's correction of the ID number corrects a pass number that was that number; a pass number given
    /// apart from the ID number (a 香港身份证 holder's) stays.
    @Test func aCorrectedIDNumberCorrectsThePassNumberTakenFromIt() {
        var history = History.registered(
            Fixture.register(name: "Lin Mei", idType: "台湾往来大陆通行证", idNumber: "T123456789", sex: "女", birthDate: "1990-01-01")
        )
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
        history.run(Fixture.submit(), during)
        let correction = CandidateCommand.correctBasicInfo(
            CorrectBasicInfo(candidateID: Fixture.zhang, applicationID: "a1", field: .idNumber, newValue: "T987654321", reason: "证件核对")
        )
        history.run(correction, Fixture.reviewer())
        #expect(history.state.basic?.idNumber == "T987654321")
        #expect(history.state.applications["a1"]?.passNumber == "T987654321")

        var apart = History.registered(
            Fixture.register(name: "Chan Tai Man", idType: "香港身份证", idNumber: "A1234567", sex: "男", birthDate: "1990-01-01")
        )
        apart.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
        apart.run(Fixture.submit(passNumber: "H1234567801"), during)
        apart.run(
            .correctBasicInfo(
                CorrectBasicInfo(candidateID: Fixture.zhang, applicationID: "a1", field: .idNumber, newValue: "A7654321", reason: "证件核对")
            ),
            Fixture.reviewer()
        )
        #expect(apart.state.applications["a1"]?.passNumber == "H1234567801")
    }

    @Test func mainlandCandidatesGiveNoPassNumber() {
        ready.when(Fixture.submit(passNumber: "H1234567801"), during)
            .thenRejects(.applicationPassNumberNotApplicable, field: "passNumber")
    }

    @Test func candidatesApplyOnlyForThemselves() {
        ready.when(Fixture.submit(), Fixture.candidate("c-other", at: T.registration)).thenRejects(.authNotOwnFile)
        ready.when(Fixture.submit(), Fixture.reviewer(at: T.registration)).thenRejects(.authForbidden)
        ready.when(Fixture.submit(), Fixture.actor(.auditor, at: T.registration)).thenRejects(.authReadOnly)
    }

    // MARK: Abandon and re-apply

    @Test func abandoningUnlocksTheTickedEntries() {
        let events = given(History.submitted().events)
            .when(CandidateCommand.abandonApplication(AbandonApplication(candidateID: Fixture.zhang, applicationID: "a1")), during)
            .then([
                .applicationAbandoned(
                    ApplicationAbandoned(candidateID: Fixture.zhang, applicationID: "a1", abandonedAt: "2025-01-10T03:00:00.000Z")
                ),
                .entryUnlocked(EntryUnlocked(entryKind: "education", entryID: "e1", applicationID: "a1")),
            ])
        let state = CandidateDecider.replay(events)
        #expect(state.education["e1"]?.flags.isLocked == false)
        #expect(state.applications["a1"]?.status == .abandoned)
        #expect(state.liveApplication(season: "2025") == nil)
    }

    @Test func afterAbandoningTheCandidateAmendsAndReApplies() {
        var history = History.submitted()
        history.run(.abandonApplication(AbandonApplication(candidateID: Fixture.zhang, applicationID: "a1")), during)
        var fixed = Fixture.bachelor
        fixed.major = "临床医学"
        history.run(.amendEducation(AmendEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: fixed)), during)
        given(history.events).when(Fixture.submit("a2", exam: "120"), during).thenAccepts { events in
            #expect(events.count == 2)
        }
    }

    @Test func abandoningOnlyDuringOnlineRegistrationAndOnlyWhileSubmitted() {
        let abandon = CandidateCommand.abandonApplication(AbandonApplication(candidateID: Fixture.zhang, applicationID: "a1"))
        given(History.submitted().events).when(abandon, Fixture.candidate(at: T.betweenRegistrationAndReview))
            .thenRejects(.applicationRegistrationClosed)
        given(History.approved().events).when(abandon, Fixture.candidate(at: T.review))
            .thenRejects(.applicationInvalidStatus)
        given(History.signed().events).when(abandon, Fixture.candidate(at: T.review))
            .thenRejects(.applicationSigned)
        var abandoned = History.submitted()
        abandoned.run(abandon, during)
        given(abandoned.events).when(abandon, during).thenRejects(.applicationInvalidStatus)
        given(History.submitted().events)
            .when(CandidateCommand.abandonApplication(AbandonApplication(candidateID: Fixture.zhang, applicationID: "zz")), during)
            .thenRejects(.applicationNotFound, field: "applicationID")
        given(History.submitted().events).when(abandon, Fixture.candidate("c-other", at: T.registration))
            .thenRejects(.authNotOwnFile)
    }

    @Test func anEntryLockedByTwoApplicationsStaysLockedUntilBothRelease() {
        var flags = EntryFlags()
        let state = CandidateDecider.replay(
            History.withEducation().events + [
                .entryLocked(EntryLocked(entryKind: "education", entryID: "e1", applicationID: "a0")),
                .entryLocked(EntryLocked(entryKind: "education", entryID: "e1", applicationID: "a1")),
                .entryUnlocked(EntryUnlocked(entryKind: "education", entryID: "e1", applicationID: "a0")),
            ]
        )
        flags.lockedBy = ["a1"]
        #expect(state.education["e1"]?.flags == flags)
    }

    @Test func theProfilesContactAndWorkAreFilledInBeforeApplying() {
        var bare = History()
        bare.run(.register(Fixture.register()), Fixture.candidate())
        bare.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
        given(bare.events).when(Fixture.submit(), during).thenRejects(.applicationContactRequired, field: "contact")
        bare.run(.updateContact(UpdateContactDetails(candidateID: Fixture.zhang, contact: Fixture.contact)), Fixture.candidate())
        given(bare.events).when(Fixture.submit(), during).thenRejects(.applicationWorkRequired, field: "work")
        bare.run(.updateWork(UpdateWorkDetails(candidateID: Fixture.zhang, work: Fixture.work)), Fixture.candidate())
        given(bare.events).when(Fixture.submit(), during).thenAccepts()
    }

    @Test func theAgeLimitsHoldOnTheDayOfApplyingToo() {
        // 75 when the account was made (2024-12-20), 76 on 2025-01-05, before applying on 2025-01-10.
        var history = History.registered(Fixture.register(idType: "军官证", idNumber: "JG19490105", sex: "男", birthDate: "1949-01-05"))
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)), Fixture.candidate())
        given(history.events).when(Fixture.submit(), during).thenRejects(code: "age.too_old", field: "basic.birthDate")
    }

    @Test func anEmptyCertificateNumberIsCheckedAgainstTheWorkStatusWhenApplying() {
        var master = Fixture.master
        master.enrolment = "2022-09"
        master.graduation = "2025-06"
        master.certificateNumber = ""
        var history = History.graduatingStudent()
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "b1", education: Fixture.bachelor)), Fixture.candidate())
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "m1", education: master)), Fixture.candidate())
        given(history.events).when(Fixture.submit(education: ["m1"]), during).thenAccepts()
        // No longer a graduating student: the exemption the entry was added under no longer holds.
        history.run(.updateWork(UpdateWorkDetails(candidateID: Fixture.zhang, work: Fixture.work)), Fixture.candidate())
        given(history.events).when(Fixture.submit(education: ["m1"]), during)
            .thenRejects(.educationCertificateNumberRequired, field: "educationEntryIDs[0]")
    }

    /// An entry saved before the graduation year was checked (a 2020 master's with no number, under 当年毕业研究生) is
    /// refused when applying: only this season's graduates are 当年毕业研究生. The year is the season's, not the clock's.
    @Test func anEmptyCertificateNumberIsCheckedAgainstTheSeasonYearWhenApplying() {
        func legacyMaster(graduating month: String) -> [CandidateEvent] {
            History.graduatingStudent().events + [
                .educationAdded(
                    EducationEntryAdded(
                        candidateID: Fixture.zhang,
                        entryID: "b1",
                        region: "大陆",
                        school: "北京大学",
                        category: "高等医学教育",
                        enrolment: "2010-09",
                        graduation: "2015-07",
                        studyForm: "普通全日制",
                        level: "本科",
                        degree: "医学学士",
                        length: "五年制",
                        major: "临床医学",
                        fiveYearJuniorCollegeClinical: false,
                        combinedMasterDoctor: false,
                        certificateNumber: "100011201505001234",
                        addedAt: "2024-01-01T00:00:00.000Z"
                    )
                ),
                .educationAdded(
                    EducationEntryAdded(
                        candidateID: Fixture.zhang,
                        entryID: "m1",
                        region: "大陆",
                        school: "北京大学",
                        category: "高等医学教育",
                        enrolment: "2017-09",
                        graduation: month,
                        studyForm: "普通全日制",
                        level: "硕士研究生",
                        degree: "医学硕士",
                        length: "三年制",
                        major: "内科学",
                        fiveYearJuniorCollegeClinical: false,
                        combinedMasterDoctor: false,
                        certificateNumber: "",
                        addedAt: "2024-01-01T00:00:00.000Z"
                    )
                ),
            ]
        }
        let old = given(legacyMaster(graduating: "2020-07")).when(Fixture.submit(education: ["m1"]), during)
        old.thenRejects(.educationCertificateNumberRequired, field: "educationEntryIDs[0]")
        #expect(old.rejection?.message.contains("毕业年月为2020-07") == true, "\(String(describing: old.rejection))")
        given(legacyMaster(graduating: "2024-12")).when(Fixture.submit(education: ["m1"]), during)
            .thenRejects(.educationCertificateNumberRequired)
        given(legacyMaster(graduating: "2025-01")).when(Fixture.submit(education: ["m1"]), during).thenAccepts()
        var season2026 = Fixture.season
        season2026.seasonID = "2026"
        given(legacyMaster(graduating: "2025-07")).when(Fixture.submit(education: ["m1"]), Fixture.candidate(at: T.registration, season: season2026))
            .thenRejects(.educationCertificateNumberRequired)
        // Graduating after the exam year: an 在校研究生, who applies on the 本科 (FAQ:749), not on this entry.
        let inSchool = given(legacyMaster(graduating: "2030-07")).when(Fixture.submit(education: ["m1"]), during)
        inSchool.thenRejects(.educationCertificateNumberRequired, field: "educationEntryIDs[0]")
        #expect(inSchool.rejection?.message.contains("在校研究生") == true, "\(String(describing: inSchool.rejection))")
        given(legacyMaster(graduating: "2030-07")).when(Fixture.submit(education: ["b1"]), during).thenAccepts()
    }

    @Test func aGraduateAlsoRecordsTheUndergraduateEntryWithoutTickingIt() {
        var history = History.registered()
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "m1", education: Fixture.master)), Fixture.candidate())
        given(history.events).when(Fixture.submit(education: ["m1"]), during)
            .thenRejects(.applicationUndergraduateEntryRequired, field: "educationEntryIDs")
        var recorded = history
        recorded.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "b1", education: Fixture.bachelor)), Fixture.candidate())
        given(recorded.events).when(Fixture.submit(education: ["m1"]), during).thenAccepts { events in
            #expect(events.count == 2, "the application and the lock of the ticked master's entry only")
        }
        // An eight-year programme leads to the degree with no undergraduate certificate of its own.
        var eightYear = Fixture.master
        eightYear.enrolment = "2005-09"
        eightYear.length = "八年制"
        var longProgramme = History.registered()
        longProgramme.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "m8", education: eightYear)), Fixture.candidate())
        given(longProgramme.events).when(Fixture.submit(education: ["m8"]), during).thenAccepts()
    }
}
