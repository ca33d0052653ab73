import Foundation
import Testing

@testable import RegistrationDomain

@Suite("Candidate: CHSI scan verification (DOMAIN §3)")
struct ChsiTests {
    let chsi = Fixture.actor(.chsi, at: T.beforeRegistration)

    func start(_ entryID: String = "e1", scan: String = "s1") -> CandidateCommand {
        .startChsiScan(StartChsiScan(candidateID: Fixture.zhang, entryID: entryID, scanID: scan))
    }

    func result(_ entryID: String = "e1", scan: String = "s1", _ change: (inout ChsiRecord) -> Void = { _ in }) -> CandidateCommand {
        var record = Fixture.chsiRecord
        change(&record)
        return .recordChsiResult(RecordChsiResult(candidateID: Fixture.zhang, entryID: entryID, scanID: scan, record: record))
    }

    func scanned(_ scans: [String] = ["s1"]) -> History {
        var history = History.withEducation()
        for scan in scans { history.run(start(scan: scan), Fixture.candidate()) }
        return history
    }

    @Test(arguments: [T.beforeRegistration, T.review, T.reviewAndPayment])
    func scanningIsOpenBeforeRegistrationAndDuringReview(now: Date) {
        let history = now < T.registration ? History.withEducation() : History.submitted()
        given(history.events).when(start(), Fixture.candidate(at: now))
            .then([
                .chsiScanStarted(
                    ChsiScanStarted(candidateID: Fixture.zhang, entryID: "e1", scanID: "s1", startedAt: Instant.string(from: now))
                )
            ])
    }

    @Test(arguments: [T.registration, T.betweenRegistrationAndReview, T.paymentOnly, T.closed])
    func scanningIsClosedOtherwise(now: Date) {
        given(History.withEducation().events).when(start(), Fixture.candidate(at: now))
            .thenRejects(.chsiWindowClosed)
    }

    @Test(arguments: [T.review, T.reviewAndPayment])
    func duringReviewOnlyTheLiveApplicationsEntriesAreScanned(now: Date) {
        // No application at all.
        given(History.withEducation().events).when(start(), Fixture.candidate(at: now))
            .thenRejects(.chsiEntryNotApplied, field: "entryID")
        // An entry the application did not tick.
        var history = History.submitted()
        history.run(
            .addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e2", education: Fixture.bachelor)),
            Fixture.candidate(at: T.beforeRegistration)
        )
        given(history.events).when(start("e2"), Fixture.candidate(at: now))
            .thenRejects(.chsiEntryNotApplied, field: "entryID")
        // The application was rejected: it is no longer live.
        var rejected = History.submitted()
        rejected.run(
            .rejectApplication(RejectApplication(candidateID: Fixture.zhang, applicationID: "a1", reason: "学历材料不全")),
            Fixture.reviewer()
        )
        given(rejected.events).when(start(), Fixture.candidate(at: now))
            .thenRejects(.chsiEntryNotApplied, field: "entryID")
    }

    @Test func scanningIsClosedWithoutACalendar() {
        given(History.withEducation().events).when(start(), Fixture.candidate(season: SeasonState()))
            .thenRejects(.chsiWindowClosed)
    }

    @Test func onlyStateRecognisedMainlandHigherEducationSince2001() {
        var history = History.registered()
        let ctx = Fixture.candidate()
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "zz", education: Fixture.secondary)), ctx)
        var abroad = Fixture.bachelor
        abroad.region = "国外"
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "ab", education: abroad)), ctx)
        var old = Fixture.bachelor
        old.enrolment = "1995-09"
        old.graduation = "2000-07"
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "old", education: old)), ctx)
        let state = given(history.events)
        state.when(start("zz"), ctx).thenRejects(.chsiOutOfScope, field: "entryID")
        state.when(start("ab"), ctx).thenRejects(.chsiOutOfScope, field: "entryID")
        state.when(start("old"), ctx).thenRejects(.chsiOutOfScope, field: "entryID")
        state.when(start("nope"), ctx).thenRejects(.entryNotFound)
    }

    @Test func verifiedEntriesNeedNoScan() {
        given(History.approved().events).when(start(), Fixture.candidate(at: T.review))
            .thenRejects(.chsiEntryVerified)
    }

    @Test func onlyTheCandidateStartsAScan() {
        given(History.withEducation().events).when(start(), Fixture.candidate("c-other")).thenRejects(.authNotOwnFile)
        given(History.withEducation().events).when(start(), chsi).thenRejects(.authForbidden)
        given(History.withEducation().events).when(start(scan: ""), Fixture.candidate()).thenRejects(.inputRequired, field: "scanID")
    }

    @Test func theResultIsRecordedVerbatimWithIdentityFlags() {
        let events = given(scanned().events).when(result(), chsi)
            .then([
                .chsiResultReceived(
                    ChsiResultReceived(
                        candidateID: Fixture.zhang,
                        entryID: "e1",
                        scanID: "s1",
                        name: "张三",
                        idNumber: Fixture.zhangID,
                        school: "北京大学",
                        major: "基础医学",
                        level: "本科",
                        studyForm: "普通全日制",
                        educationCategory: "普通高等教育",
                        enrolmentDate: "20060901",
                        graduationDate: "20100701",
                        conclusion: "毕业",
                        nameMatches: true,
                        idNumberMatches: true,
                        receivedAt: "2024-12-20T02:00:00.000Z"
                    )
                )
            ])
        let entry = CandidateDecider.replay(events).education["e1"]
        #expect(entry?.pendingScanIDs == [])
        #expect(entry?.currentChsiResult?.school == "北京大学")
        #expect(entry?.record.certificateNumber == "100011201005001234", "CHSI never touches the declared entry")
    }

    @Test func aNameOrIDMismatchIsAFlagNotARejection() {
        given(scanned().events).when(
            result {
                $0.name = "朱浩民"
                $0.idNumber = "13102319070727241X"
            },
            chsi
        )
        .thenAccepts { events in
            guard case .chsiResultReceived(let e) = events.first else {
                Issue.record("no result")
                return
            }
            #expect(!e.nameMatches)
            #expect(!e.idNumberMatches)
        }
        given(scanned().events).when(result { $0.idNumber = Fixture.zhangID.lowercased() }, chsi)
            .thenAccepts { events in
                guard case .chsiResultReceived(let e) = events.first else {
                    Issue.record("no result")
                    return
                }
                #expect(e.nameMatches && e.idNumberMatches)
            }
    }

    @Test func theNewestResultSupersedesAndTheOlderStaysInHistory() {
        var history = scanned(["s1", "s2"])
        history.run(result(scan: "s1") { $0.school = "中国地质大学(北京)" }, chsi)
        history.run(result(scan: "s2"), chsi)
        let entry = history.state.education["e1"]
        #expect(entry?.chsiResults.map(\.school) == ["中国地质大学(北京)", "北京大学"])
        #expect(entry?.currentChsiResult?.scanID == "s2")
    }

    @Test func aLateAnswerToAnOlderScanJoinsTheHistoryWithoutSupersedingTheNewer() {
        // The candidate picked the wrong degree (s1), scanned again (s2), and s2 was answered first.
        var history = scanned(["s1", "s2"])
        history.run(result(scan: "s2"), chsi)
        let late = given(history.events).when(result(scan: "s1") { $0.school = "中国地质大学(北京)" }, chsi)
        late.thenAccepts { events in #expect(events.count == 1) }
        history.run(result(scan: "s1") { $0.school = "中国地质大学(北京)" }, chsi)
        let entry = history.state.education["e1"]
        #expect(entry?.chsiResults.map(\.scanID) == ["s1", "s2"], "in the order the scans started")
        #expect(entry?.currentChsiResult?.school == "北京大学")
        #expect(entry?.pendingScanIDs == [])
        // Answered either way, so a repeat of either answer emits nothing.
        given(history.events).when(result(scan: "s1") { $0.school = "中国地质大学(北京)" }, chsi).then([])
        given(history.events).when(result(scan: "s2"), chsi).then([])
    }

    @Test func anOlderScanAnsweredWhileTheNewerIsPendingIsCurrentUntilTheNewerAnswers() {
        var history = scanned(["s1", "s2"])
        history.run(result(scan: "s1") { $0.school = "中国地质大学(北京)" }, chsi)
        #expect(history.state.education["e1"]?.currentChsiResult?.scanID == "s1")
        history.run(result(scan: "s2"), chsi)
        #expect(history.state.education["e1"]?.currentChsiResult?.scanID == "s2")
    }

    @Test func aRepeatedAnswerEmitsNothingAndADifferentOneIsRefused() {
        var history = scanned()
        history.run(result(), chsi)
        given(history.events).when(result(), chsi).then([])
        given(history.events).when(result { $0.school = "别的学校" }, chsi).thenRejects(.chsiScanAlreadyAnswered, field: "scanID")
        given(history.events).when(result { $0.conclusion = "结业" }, chsi).thenRejects(.chsiScanAlreadyAnswered, field: "scanID")
    }

    @Test func aRetriedScanRequestIsTheSameRequestAndAnsweredScanIDsAreNotReused() {
        given(scanned().events).when(start(), Fixture.candidate()).then([])
        var answered = scanned()
        answered.run(result(), chsi)
        given(answered.events).when(start(), Fixture.candidate()).thenRejects(.chsiScanIDUsed, field: "scanID")
        given(answered.events).when(start(scan: "s2"), Fixture.candidate()).thenAccepts()
    }

    @Test func answersMustMatchAScanOfTheEntry() {
        given(scanned().events).when(result(scan: "s9"), chsi).thenRejects(.chsiUnknownScan, field: "scanID")
        given(scanned().events).when(result("e9"), chsi).thenRejects(.entryNotFound)
    }

    @Test func onlyCHSIReportsResults() {
        given(scanned().events).when(result(), Fixture.candidate()).thenRejects(.authForbidden)
        given(scanned().events).when(result(), Fixture.actor(.auditor)).thenRejects(.authReadOnly)
    }

    @Test func malformedResultsAreRefused() {
        given(scanned().events).when(result { $0.enrolmentDate = "2006-09-01" }, chsi)
            .thenRejects(.chsiInvalidResult, field: "record.enrolmentDate")
        given(scanned().events).when(result { $0.graduationDate = "20100231" }, chsi)
            .thenRejects(.chsiInvalidResult, field: "record.graduationDate")
        given(scanned().events).when(result { $0.school = "" }, chsi)
            .thenRejects(.chsiInvalidResult, field: "record.school")
        given(scanned().events).when(result { $0.name = " " }, chsi)
            .thenRejects(.chsiInvalidResult, field: "record.name")
        // Control and invisible characters, and more than a field holds, never reach the log or a reviewer's page.
        given(scanned().events).when(result { $0.school = "北京大学\u{0}" }, chsi)
            .thenRejects(.chsiInvalidResult, field: "record.school")
        given(scanned().events).when(result { $0.major = "临床\u{202E}医学" }, chsi)
            .thenRejects(.chsiInvalidResult, field: "record.major")
        given(scanned().events).when(result { $0.school = String(repeating: "大", count: 101) }, chsi)
            .thenRejects(.chsiInvalidResult, field: "record.school")
    }

    @Test func anAnswerToAScanStartedBeforeApprovalDoesNotChangeTheApprovedEntry() throws {
        var history = scanned()
        history.run(Fixture.submit(), Fixture.candidate(at: T.registration))
        given(history.events).when(result(), chsi).thenAccepts()
        history.run(
            .approveApplication(ApproveApplication(candidateID: Fixture.zhang, applicationID: "a1", note: Fixture.originalsChecked)),
            Fixture.reviewer()
        )
        given(history.events).when(result { $0.school = "别的学校" }, chsi).thenRejects(.chsiEntryVerified, field: "scanID")
        // The file no longer awaits that scan's answer, though the scan stays on record as started and unanswered.
        let entry = try #require(history.state.education["e1"])
        #expect(entry.pendingScanIDs == ["s1"] && entry.awaitedScanIDs.isEmpty)
        #expect(try #require(scanned().state.education["e1"]).awaitedScanIDs == ["s1"])
    }

    @Test func anAnswerArrivingAfterTheWindowClosedStillCounts() {
        given(scanned().events).when(result(), Fixture.actor(.chsi, at: T.registration)).thenAccepts()
    }

    @Test func theResultCarriesNoCertificateNumberAndNoStudyLength() {
        let keys = Set(
            Mirror(
                reflecting: ChsiResultReceived(
                    candidateID: "",
                    entryID: "",
                    scanID: "",
                    name: "",
                    idNumber: "",
                    school: "",
                    major: "",
                    level: "",
                    studyForm: "",
                    educationCategory: "",
                    enrolmentDate: "",
                    graduationDate: "",
                    conclusion: "",
                    nameMatches: true,
                    idNumberMatches: true,
                    receivedAt: ""
                )
            ).children.compactMap(\.label)
        )
        #expect(!keys.contains("certificateNumber"))
        #expect(!keys.contains("length"))
        #expect(
            keys.isSuperset(of: [
                "name", "idNumber", "school", "major", "level", "studyForm", "educationCategory",
                "enrolmentDate", "graduationDate", "conclusion",
            ])
        )
    }
}

@Suite("Review comparison (DOMAIN §5)")
struct ComparisonTests {
    /// The seed case of chsi-scan-verification-guide.zh.txt.
    static let seedResult = ChsiResult(
        scanID: "s1",
        name: "朱浩民",
        idNumber: "13102319070727241X",
        school: "中国地质大学(北京)",
        major: "计算机科学与技术",
        level: "本科",
        studyForm: "非全日制",
        educationCategory: "网络教育",
        enrolmentDate: "20190901",
        graduationDate: "20240928",
        conclusion: "毕业",
        nameMatches: false,
        idNumberMatches: false,
        receivedAt: "2024-12-20T02:00:00.000Z"
    )

    static var seedRecord: EducationRecord {
        try! CandidateDecider.validate(Fixture.bachelor, state: CandidateState(), seasonYear: 2025)
    }

    @Test func theSeedCaseShowsEveryDifferenceAndNoneForFieldsCHSIDoesNotReturn() {
        let comparison = EducationComparison.compare(Self.seedRecord, with: Self.seedResult)
        let rows = comparison.rows.map { ($0.label, $0.declared, $0.chsi, $0.verdict) }
        #expect(rows.map(\.0) == ["院校", "形式", "学历", "专业", "学制", "入学", "毕业", "结论"])
        #expect(rows[0] == ("院校", "北京大学", "中国地质大学(北京)", .mismatch))
        #expect(rows[1] == ("形式", "普通全日制", "非全日制", .mismatch))
        #expect(rows[2] == ("学历", "本科", "本科", .match))
        #expect(rows[3] == ("专业", "基础医学", "计算机科学与技术", .mismatch))
        #expect(rows[4] == ("学制", "五年制", nil, .notProvided))
        #expect(rows[5] == ("入学", "2006-07", "20190901", .mismatch))
        #expect(rows[6] == ("毕业", "2010-07", "20240928", .mismatch))
        #expect(rows[7] == ("结论", "", "毕业", .match))
        #expect(comparison.identityMismatch)
        #expect(comparison.isVerified)
    }

    @Test func datesCompareByYearAndMonth() {
        var result = Self.seedResult
        result.enrolmentDate = "20060901"
        result.graduationDate = "20100728"
        let rows = EducationComparison.compare(Self.seedRecord, with: result).rows
        #expect(rows[5].verdict == .mismatch, "2006-07 vs 2006-09")
        #expect(rows[6].verdict == .match, "2010-07 vs 20100728")
    }

    @Test func withoutAResultEveryRowIsNotVerified() {
        let comparison = EducationComparison.compare(Self.seedRecord, with: nil)
        #expect(comparison.rows.allSatisfy { $0.verdict == .notVerified && $0.chsi == nil })
        #expect(!comparison.isVerified)
        #expect(!comparison.identityMismatch)
    }

    @Test func theSeedCaseEndToEnd() {
        var history = History.withEducation()
        history.run(.startChsiScan(StartChsiScan(candidateID: Fixture.zhang, entryID: "e1", scanID: "s1")), Fixture.candidate())
        let r = Self.seedResult
        history.run(
            .recordChsiResult(
                RecordChsiResult(
                    candidateID: Fixture.zhang,
                    entryID: "e1",
                    scanID: "s1",
                    record: ChsiRecord(
                        name: r.name,
                        idNumber: r.idNumber,
                        school: r.school,
                        major: r.major,
                        level: r.level,
                        studyForm: r.studyForm,
                        educationCategory: r.educationCategory,
                        enrolmentDate: r.enrolmentDate,
                        graduationDate: r.graduationDate,
                        conclusion: r.conclusion
                    )
                )
            ),
            Fixture.actor(.chsi, at: T.beforeRegistration)
        )
        let entry = history.state.education["e1"]!
        let comparison = EducationComparison.compare(entry.record, with: entry.currentChsiResult)
        #expect(comparison.rows.filter { $0.verdict == .mismatch }.map(\.label) == ["院校", "形式", "专业", "入学", "毕业"])
        #expect(comparison.identityMismatch, "朱浩民 is not 张三: a red flag for the reviewer")
    }

    @Test func aReviewersNameCorrectionClearsTheIdentityFlagAgainstTheCurrentBasicInfo() {
        var history = History.submitted()
        history.run(.startChsiScan(StartChsiScan(candidateID: Fixture.zhang, entryID: "e1", scanID: "s1")), Fixture.candidate(at: T.review))
        var record = Fixture.chsiRecord
        record.name = "张叁"
        history.run(
            .recordChsiResult(RecordChsiResult(candidateID: Fixture.zhang, entryID: "e1", scanID: "s1", record: record)),
            Fixture.actor(.chsi, at: T.review)
        )
        let before = history.state
        let entry = before.education["e1"]!
        #expect(EducationComparison.compare(entry.record, with: entry.currentChsiResult, against: before.basic).identityMismatch)
        history.run(
            .correctBasicInfo(CorrectBasicInfo(candidateID: Fixture.zhang, applicationID: "a1", field: .name, newValue: "张叁", reason: "证件原件为“叁”")),
            Fixture.reviewer()
        )
        let after = history.state
        #expect(!EducationComparison.compare(entry.record, with: entry.currentChsiResult, against: after.basic).identityMismatch)
        // Without the current basic information, the flag recorded on arrival stands.
        #expect(EducationComparison.compare(entry.record, with: entry.currentChsiResult).identityMismatch)
    }
}
