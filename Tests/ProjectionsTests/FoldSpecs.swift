import EventLog
import Foundation
import RegistrationDomain
import Testing

@testable import Projections

/// Builds decoded events by hand: the folds need no database.
enum Given {
    static let candidate = "candidate-1"
    static let idNumber = "110105199003071238"

    static func event(
        _ payload: DecodedEvent.Payload,
        position: Int64 = 1,
        stream: String = candidate,
        actor: String = candidate,
        role: String = "candidate",
        reason: String? = nil,
        at recordedAt: String = "2025-12-20T02:00:00.000Z"
    ) -> DecodedEvent {
        let type: String =
            switch payload {
            case .candidate(let e): Swift.type(of: e.payload).eventType
            case .season(let e): Swift.type(of: e.payload).eventType
            case .staff(let e): Swift.type(of: e.payload).eventType
            case .other: "Unknown"
            }
        return DecodedEvent(
            recorded: RecordedEvent(
                position: position,
                streamId: stream,
                streamVersion: Int(position),
                type: type,
                schemaVersion: 1,
                data: Data("{}".utf8),
                metadata: Data("{}".utf8),
                previousHash: Data(repeating: 0, count: 32),
                hash: Data(repeating: UInt8(position & 0xff), count: 32)
            ),
            metadata: EventMetadata(actorId: actor, role: role, channel: "web", reason: reason, recordedAt: recordedAt),
            payload: payload
        )
    }

    static let registered = CandidateEvent.registered(
        CandidateRegistered(
            candidateID: candidate,
            username: "zhangsan",
            name: "张三",
            surnamePinyin: "zhang",
            givenNamePinyin: "san",
            idType: "居民身份证",
            idNumber: idNumber,
            sex: "男",
            birthDate: "1990-03-07",
            nationality: "中国",
            ethnicity: "汉族",
            identity: nil,
            registeredAt: "2025-12-20T02:00:00.000Z"
        )
    )

    /// The seed case's declared entry: 北京大学 / 普通全日制 / 本科 / 基础医学 / 五年制 / 2006-07 / 2010-07.
    static func seedEntry(_ entryID: String = "e1", school: String = "北京大学") -> CandidateEvent {
        .educationAdded(
            EducationEntryAdded(
                candidateID: candidate,
                entryID: entryID,
                region: "大陆",
                school: school,
                category: "高等医学教育",
                enrolment: "2006-07",
                graduation: "2010-07",
                studyForm: "普通全日制",
                level: "本科",
                degree: "医学学士",
                length: "五年制",
                major: "基础医学",
                fiveYearJuniorCollegeClinical: false,
                combinedMasterDoctor: false,
                certificateNumber: "100011201005001234",
                addedAt: "2025-12-20T02:00:00.000Z"
            )
        )
    }

    static func amended(school: String) -> CandidateEvent {
        .educationAmended(
            EducationEntryAmended(
                candidateID: candidate,
                entryID: "e1",
                region: "大陆",
                school: school,
                category: "高等医学教育",
                enrolment: "2006-07",
                graduation: "2010-07",
                studyForm: "普通全日制",
                level: "本科",
                degree: "医学学士",
                length: "五年制",
                major: "基础医学",
                fiveYearJuniorCollegeClinical: false,
                combinedMasterDoctor: false,
                certificateNumber: "100011201005001234",
                amendedAt: "2025-12-21T02:00:00.000Z"
            )
        )
    }

    /// The seed case's CHSI record: 中国地质大学(北京) / 非全日制 / 本科 / 计算机科学与技术 / 20190901 / 20240928 / 毕业.
    static func seedChsi(scan: String = "scan-1", school: String = "中国地质大学(北京)", name: String = "张三") -> CandidateEvent {
        .chsiResultReceived(
            ChsiResultReceived(
                candidateID: candidate,
                entryID: "e1",
                scanID: scan,
                name: name,
                idNumber: idNumber,
                school: school,
                major: "计算机科学与技术",
                level: "本科",
                studyForm: "非全日制",
                educationCategory: "普通高等教育",
                enrolmentDate: "20190901",
                graduationDate: "20240928",
                conclusion: "毕业",
                nameMatches: name == "张三",
                idNumberMatches: true,
                receivedAt: "2025-12-20T03:00:00.000Z"
            )
        )
    }

    static let submitted = CandidateEvent.applicationSubmitted(
        ApplicationSubmitted(
            candidateID: candidate,
            applicationID: "a1",
            seasonID: "2026",
            examCode: "110",
            examLevel: "执业医师",
            examCategory: "临床",
            educationEntryIDs: ["e1"],
            trainingEntryIDs: [],
            certificateEntryID: nil,
            areaCode: "42",
            siteCode: "4201",
            attemptCount: 1,
            additionalSubject: nil,
            photoID: "photo-1",
            photoFormat: "jpg",
            photoSizeBytes: 20_000,
            passNumber: nil,
            identity: nil,
            submittedAt: "2026-01-12T03:00:00.000Z"
        )
    )

    static let locked = CandidateEvent.entryLocked(EntryLocked(entryKind: "education", entryID: "e1", applicationID: "a1"))

    static let corrected = CandidateEvent.basicInfoCorrected(
        BasicInfoCorrected(
            candidateID: candidate,
            applicationID: "a1",
            idType: "居民身份证",
            field: "name",
            oldValue: "张三",
            newValue: "张叁",
            reason: "身份证原件为“叁”",
            reviewerID: "staff-r1",
            correctedAt: "2026-02-15T02:00:00.000Z"
        )
    )
}

@Suite("Fold specs")
struct FoldSpecs {
    // MARK: candidate_view

    @Test("candidate_view: the row is the domain state; status, site and mask follow the newest application")
    func candidateView() {
        let events: [CandidateEvent] = [Given.registered, Given.seedEntry(), Given.seedChsi(), Given.submitted, Given.locked]
        let row = events.reduce(nil as CandidateState?) { CandidateViewProjection.fold($0, $1) }
        #expect(row?.basic?.username == "zhangsan")
        #expect(row?.education["e1"]?.flags.isLocked == true)
        #expect(row?.education["e1"]?.currentChsiResult?.school == "中国地质大学(北京)")
        #expect(row.map(CandidateViewProjection.status) == "submitted")
        #expect(CandidateViewProjection.mask(Given.idNumber) == "110***********1238")
        let view = CandidateView(candidateID: Given.candidate, state: row!, now: Date(), season: nil)
        #expect(view.education.first?.locked == true && view.education.first?.chsiVerified == true)
        #expect(view.education.first?.chsiVerifiedAt == "2025-12-20T03:00:00.000Z")
        #expect(view.applications.map(\.status) == [.submitted])
        #expect(view.education.first?.chsiIdentityMismatch == false)
        // Another person's record is an answer, not a verification of the candidate's entry.
        let other = [Given.registered, Given.seedEntry(), Given.seedChsi(name: "李四")].reduce(nil as CandidateState?) {
            CandidateViewProjection.fold($0, $1)
        }
        let otherView = CandidateView(candidateID: Given.candidate, state: other!, now: Date(), season: nil)
        #expect(otherView.education.first?.chsiVerified == false && otherView.education.first?.chsiIdentityMismatch == true)
        #expect(otherView.education.first?.chsiVerifiedAt == "2025-12-20T03:00:00.000Z")
    }

    // MARK: review_comparison

    @Test("review_comparison: the seed case gives mismatches on 院校, 形式, 专业, 入学, 毕业; 学制 not provided; 学历 matches")
    func seedCase() throws {
        let events: [CandidateEvent] = [Given.registered, Given.seedEntry(), Given.seedChsi(), Given.submitted]
        let file = try #require(events.reduce(nil as ReviewFile?) { ReviewFile.fold($0, $1) })
        let rows = ReviewComparisonProjection.rows(file: file, entry: try #require(file.education["e1"]))
        let status = Dictionary(uniqueKeysWithValues: rows.map { ($0.label, $0.status) })
        #expect(rows.map(\.label) == ["姓名", "证件号码", "院校", "形式", "学历", "专业", "学制", "入学", "毕业", "结论", "证书编号"])
        #expect(status["院校"] == .mismatch)
        #expect(status["形式"] == .mismatch)
        #expect(status["专业"] == .mismatch)
        #expect(status["入学"] == .mismatch)
        #expect(status["毕业"] == .mismatch)
        #expect(status["学制"] == .notProvided)
        #expect(status["证书编号"] == .notProvided)
        #expect(status["学历"] == .match)
        #expect(status["结论"] == .match)
        #expect(status["姓名"] == .match && status["证件号码"] == .match)
        let graduation = try #require(rows.first { $0.label == "毕业" })
        #expect(graduation.declared == "2010-07" && graduation.chsi == "20240928")
        #expect(graduation.declaredNormalised == "2010-07" && graduation.chsiNormalised == "2024-09")
        #expect(rows.first { $0.label == "学制" }?.declared == "五年制")
        #expect(rows.first { $0.label == "学制" }?.chsi == nil)
    }

    @Test("review_comparison: dates compare by year and month; without a CHSI result every row is not verified")
    func datesAndUnverified() throws {
        var file = try #require([Given.registered, Given.seedEntry()].reduce(nil as ReviewFile?) { ReviewFile.fold($0, $1) })
        var rows = ReviewComparisonProjection.rows(file: file, entry: file.education["e1"]!)
        #expect(rows.allSatisfy { $0.status == .notVerified })
        let matching = CandidateEvent.chsiResultReceived(
            ChsiResultReceived(
                candidateID: Given.candidate,
                entryID: "e1",
                scanID: "scan-2",
                name: "张三",
                idNumber: Given.idNumber,
                school: "北京大学",
                major: "基础医学",
                level: "本科",
                studyForm: "普通全日制",
                educationCategory: "普通高等教育",
                enrolmentDate: "20060901",
                graduationDate: "20100728",
                conclusion: "毕业",
                nameMatches: true,
                idNumberMatches: true,
                receivedAt: "2025-12-21T00:00:00.000Z"
            )
        )
        file = try #require(ReviewFile.fold(file, matching))
        rows = ReviewComparisonProjection.rows(file: file, entry: file.education["e1"]!)
        #expect(rows.first { $0.label == "毕业" }?.status == .match)
        #expect(rows.first { $0.label == "入学" }?.status == .mismatch)  // 2006-07 declared, 2006-09 at CHSI
        #expect(rows.filter { $0.status == .mismatch }.count == 1)
    }

    @Test("review_comparison: a newer scan supersedes the older, which stays in the history; a wrong name is a red flag")
    func supersededAttempts() throws {
        let events: [CandidateEvent] = [
            Given.registered, Given.seedEntry(), Given.seedChsi(scan: "s1"), Given.seedChsi(scan: "s2", school: "北京大学", name: "李四"),
        ]
        let file = try #require(events.reduce(nil as ReviewFile?) { ReviewFile.fold($0, $1) })
        let entry = try #require(file.education["e1"])
        #expect(entry.chsiResults.map(\.scanID) == ["s1", "s2"])
        let rows = ReviewComparisonProjection.rows(file: file, entry: entry)
        #expect(rows.first { $0.label == "院校" }?.status == .match)
        #expect(rows.first { $0.label == "姓名" }?.status == .mismatch)
    }

    /// Spaces around CHSI's text say nothing: a row whose normalised values are equal is a match, and the attempt's
    /// identity agrees with the rows (audit X-4); an attempt's identity follows the name the rows compare with, not
    /// the flags of its arrival (audit X-5).
    @Test("review_comparison: rows and attempts compare one way: spaces around values ignored, against the file's name now")
    func rowsAndAttemptsAgree() throws {
        let spaced = Given.seedChsi(scan: "s1", school: "北京大学 ", name: "张三\u{3000}")
        let file = try #require([Given.registered, Given.seedEntry(), spaced].reduce(nil as ReviewFile?) { ReviewFile.fold($0, $1) })
        let entry = try #require(file.education["e1"])
        let rows = ReviewComparisonProjection.rows(file: file, entry: entry)
        #expect(rows.first { $0.label == "院校" }?.status == .match)
        #expect(rows.first { $0.label == "姓名" }?.status == .match)
        var attempt = try #require(ReviewQueries.entries(["e1"], in: file).first?.attempts.first)
        #expect(attempt.nameMatches && attempt.idNumberMatches, "\(attempt)")
        // CHSI names 张叁 (the flag of its arrival says another name); the rows and the attempt read the file's name.
        let other = try #require(
            [Given.registered, Given.seedEntry(), Given.seedChsi(scan: "s1", name: "张叁")].reduce(nil as ReviewFile?) { ReviewFile.fold($0, $1) }
        )
        attempt = try #require(ReviewQueries.entries(["e1"], in: other).first?.attempts.first)
        #expect(!attempt.nameMatches)
        var corrected = other
        corrected.name = "张叁"
        attempt = try #require(ReviewQueries.entries(["e1"], in: corrected).first?.attempts.first)
        #expect(attempt.nameMatches, "a reviewer's correction of the name shows in the attempt as in the 姓名 row")
        #expect(
            ReviewComparisonProjection.rows(file: corrected, entry: try #require(corrected.education["e1"])).first { $0.label == "姓名" }?.status
                == .match
        )
    }

    @Test("review_comparison: a late answer to an older scan joins the history without superseding the newer scan's answer")
    func lateAnswerToAnOlderScan() throws {
        func started(_ scan: String) -> CandidateEvent {
            .chsiScanStarted(ChsiScanStarted(candidateID: Given.candidate, entryID: "e1", scanID: scan, startedAt: "2025-12-20T02:00:00.000Z"))
        }
        #expect(ReviewFile.isRelevant(started("s1")))
        let events: [CandidateEvent] = [
            Given.registered, Given.seedEntry(), started("s1"), started("s2"),
            Given.seedChsi(scan: "s2", school: "北京大学"), Given.seedChsi(scan: "s1"),
        ]
        let file = try #require(events.reduce(nil as ReviewFile?) { ReviewFile.fold($0, $1) })
        let entry = try #require(file.education["e1"])
        #expect(entry.chsiResults.map(\.scanID) == ["s1", "s2"])
        #expect(ReviewComparisonProjection.rows(file: file, entry: entry).first { $0.label == "院校" }?.status == .match)
        let attempts = ReviewQueries.entries(["e1"], in: file).first?.attempts ?? []
        #expect(attempts.map(\.superseded) == [true, false])
    }

    @Test("review_comparison: corrections and decisions reach the file; unrelated events are skipped")
    func reviewDecisions() throws {
        let approved = CandidateEvent.applicationApproved(
            ApplicationApproved(candidateID: Given.candidate, applicationID: "a1", reviewerID: "staff-r1", approvedAt: "2026-02-15T03:00:00.000Z")
        )
        let events: [CandidateEvent] = [Given.registered, Given.seedEntry(), Given.submitted, Given.corrected, approved]
        let file = try #require(events.reduce(nil as ReviewFile?) { ReviewFile.fold($0, $1) })
        #expect(file.name == "张叁")
        #expect(file.applications.first?.status == "approved" && file.applications.first?.decidedBy == "staff-r1")
        #expect(file.applications.first?.corrections == 1)
        #expect(!ReviewFile.isRelevant(Given.locked))
        // An ID number corrected with the 性别 and 出生日期 it decides: three events of one correction, counted once.
        func corrected(_ field: String, _ old: String, _ new: String, at instant: String) -> CandidateEvent {
            .basicInfoCorrected(
                BasicInfoCorrected(
                    candidateID: Given.candidate,
                    applicationID: "a1",
                    idType: "居民身份证",
                    field: field,
                    oldValue: old,
                    newValue: new,
                    reason: "按身份证原件更正",
                    reviewerID: "staff-r1",
                    correctedAt: instant
                )
            )
        }
        let numberFix = [
            corrected("idNumber", Given.idNumber, "110105199104071236", at: "2026-02-15T02:05:00.000Z"),
            corrected("sex", "男", "女", at: "2026-02-15T02:05:00.000Z"),
            corrected("birthDate", "1990-03-07", "1991-04-07", at: "2026-02-15T02:05:00.000Z"),
        ]
        let twice = try #require(
            ([Given.registered, Given.seedEntry(), Given.submitted, Given.corrected] + numberFix).reduce(nil as ReviewFile?) {
                ReviewFile.fold($0, $1)
            }
        )
        #expect(twice.applications.first?.corrections == 2)
    }

    @Test("review_comparison: payments and refunds give each application the status and payment status of the candidate's file")
    func reviewPayments() throws {
        let approved = CandidateEvent.applicationApproved(
            ApplicationApproved(candidateID: Given.candidate, applicationID: "a1", reviewerID: "staff-r1", approvedAt: "2026-02-15T03:00:00.000Z")
        )
        let started = CandidateEvent.paymentStarted(
            PaymentStarted(
                candidateID: Given.candidate,
                applicationID: "a1",
                orderNumber: "o1",
                amountFen: 60_000,
                startedAt: "2026-02-21T02:00:00.000Z"
            )
        )
        let confirmed = CandidateEvent.paymentConfirmed(
            PaymentConfirmed(
                candidateID: Given.candidate,
                applicationID: "a1",
                orderNumber: "o1",
                bankTransactionID: "t1",
                amountFen: 60_000,
                confirmedAt: "2026-02-21T02:01:00.000Z"
            )
        )
        let refunded = CandidateEvent.refundRecorded(
            RefundRecorded(
                candidateID: Given.candidate,
                applicationID: "a1",
                refundID: "r1",
                amountFen: 60_000,
                reason: "考生因病无法参加考试",
                refundPolicy: "考试前全额退费",
                recordedAt: "2026-03-01T02:00:00.000Z"
            )
        )
        var events: [CandidateEvent] = [Given.registered, Given.seedEntry(), Given.submitted, approved]
        var state = CandidateState()
        // After every step the queue's status and payment status are the domain's (the candidate's file's).
        for next in [started, confirmed, refunded] {
            #expect(ReviewFile.isRelevant(next))
            events.append(next)
            state = events.reduce(CandidateState()) { CandidateDecider.evolve($0, $1) }
            let file = try #require(events.reduce(nil as ReviewFile?) { ReviewFile.fold($0, $1) })
            let line = try #require(file.applications.first)
            let domain = try #require(state.applications["a1"])
            #expect(line.status == domain.status.rawValue && line.paymentStatus == domain.paymentStatus.rawValue)
            #expect(line.application == domain)
        }
        let file = try #require(events.reduce(nil as ReviewFile?) { ReviewFile.fold($0, $1) })
        #expect(file.applications.first?.status == "refunded" && file.applications.first?.paymentStatus == "refunded")
        #expect(file.applications.first?.decidedBy == "staff-r1")
    }

    @Test("review_comparison: a decided application is compared as it was reviewed, not after the candidate's edits or a later CHSI answer")
    func reviewFrozenAtTheDecision() throws {
        let rejected = CandidateEvent.applicationRejected(
            ApplicationRejected(
                candidateID: Given.candidate,
                applicationID: "a1",
                reviewerID: "staff-r1",
                reason: "毕业证书与填报信息不符",
                rejectedAt: "2026-02-15T03:00:00.000Z"
            )
        )
        let reviewedOn: [CandidateEvent] = [Given.registered, Given.seedEntry(), Given.seedChsi(scan: "s1"), Given.submitted, Given.corrected]
        let before = try #require(reviewedOn.reduce(nil as ReviewFile?) { ReviewFile.fold($0, $1) })
        #expect(before.applications.first?.reviewed == nil)
        let atDecision = try #require(ReviewFile.fold(before, rejected))
        let reviewed = try #require(atDecision.applications.first?.reviewed)
        #expect(reviewed.name == "张叁" && reviewed.education["e1"]?.record.school == "北京大学")
        let comparedThen = ReviewQueries.entries(["e1"], in: ReviewComparisonProjection.source(of: atDecision.applications[0], in: atDecision))

        // The entry unlocked: the candidate edits it, and a late answer to another scan arrives.
        let later = [Given.amended(school: "武汉大学"), Given.seedChsi(scan: "s2", school: "北京大学")]
        let file = try #require(later.reduce(atDecision) { ReviewFile.fold($0, $1) })
        #expect(file.education["e1"]?.record.school == "武汉大学" && file.education["e1"]?.chsiResults.count == 2)
        let line = file.applications[0]
        #expect(line.reviewed == reviewed)
        let comparedNow = ReviewQueries.entries(["e1"], in: ReviewComparisonProjection.source(of: line, in: file))
        #expect(comparedNow == comparedThen)
        #expect(comparedNow.first?.rows.first { $0.label == "院校" }?.declared == "北京大学")
        #expect(
            ReviewComparisonProjection.counts(line, of: file).mismatches
                == ReviewComparisonProjection.counts(atDecision.applications[0], of: atDecision).mismatches
        )
        // The stored line reads back with its copy.
        #expect(try ReviewFile.ReviewedApplication(compactBinary: line.compactBinary()) == line)
    }

    @Test("review_comparison: the stored file (compact binary) reads back equal and covers every stored property")
    func reviewFileStoredForm() throws {
        let approved = CandidateEvent.applicationApproved(
            ApplicationApproved(candidateID: Given.candidate, applicationID: "a1", reviewerID: "staff-r1", approvedAt: "2026-02-15T03:00:00.000Z")
        )
        let events: [CandidateEvent] = [
            Given.registered, Given.seedEntry(), Given.seedChsi(scan: "s1"), Given.seedChsi(scan: "s2", school: "北京大学", name: "李四"),
            Given.submitted, Given.corrected, approved,
        ]
        let file = try #require(events.reduce(nil as ReviewFile?) { ReviewFile.fold($0, $1) })
        let application = try #require(file.applications.first)
        #expect(application.decidedBy != nil && application.reason == nil && !file.education.isEmpty)
        #expect(try ReviewFile(compactBinary: file.compactBinary()) == file)
        #expect(Mirror(reflecting: file).children.count == ReviewFile.compactFieldCount)
        #expect(Mirror(reflecting: application).children.count == ReviewFile.ReviewedApplication.compactFieldCount)
        // A truncated document is an error, not a partial file.
        let stored = file.compactBinary()
        #expect(throws: (any Error).self) { try ReviewFile(compactBinary: stored.prefix(stored.count - 3)) }
    }

    // MARK: audit_trail

    @Test("audit_trail: registration sets each basic field from nothing")
    func auditRegistration() {
        let (values, changes) = AuditFold.fold(nil, .candidate(Given.registered))
        #expect(changes.contains(FieldChange(field: "basic.name", before: nil, after: "张三")))
        #expect(changes.contains(FieldChange(field: "basic.idNumber", before: nil, after: Given.idNumber)))
        #expect(!changes.contains { $0.field == "basic.identity" })
        #expect(values["basic.username"] == "zhangsan")
    }

    @Test("audit_trail: an amendment shows only the changed field, with the value before")
    func auditAmendment() {
        let (afterAdd, _) = AuditFold.fold(nil, .candidate(Given.seedEntry()))
        let (values, changes) = AuditFold.fold(afterAdd, .candidate(Given.amended(school: "北京大学医学部")))
        #expect(changes == [FieldChange(field: "education[e1].school", before: "北京大学", after: "北京大学医学部")])
        #expect(values["education[e1].school"] == "北京大学医学部")
        let removed = CandidateEvent.educationRemoved(EducationEntryRemoved(candidateID: Given.candidate, entryID: "e1", removedAt: "x"))
        let (emptied, removals) = AuditFold.fold(values, .candidate(removed))
        #expect(removals.count == 13)  // every field the entry had
        #expect(removals.allSatisfy { $0.after == nil && $0.before != nil })
        #expect(!emptied.keys.contains { $0.hasPrefix("education[e1].") })
    }

    @Test("audit_trail: a late answer to an older scan joins the history; the current chsi values stay the newer scan's, as in the file")
    func auditLateAnswerToAnOlderScan() throws {
        func started(_ scan: String) -> CandidateEvent {
            .chsiScanStarted(ChsiScanStarted(candidateID: Given.candidate, entryID: "e1", scanID: scan, startedAt: "2025-12-20T02:00:00.000Z"))
        }
        // Scans s1 and s2 started; s2 answers (北京大学), then s1's answer (中国地质大学(北京)) arrives late.
        let events: [CandidateEvent] = [
            Given.registered, Given.seedEntry(), started("s1"), started("s2"),
            Given.seedChsi(scan: "s2", school: "北京大学"), Given.seedChsi(scan: "s1"),
        ]
        var values = AuditFold.Values()
        var changes = [[FieldChange]]()
        for event in events { changes.append(AuditFold.apply(.candidate(event), to: &values)) }
        #expect(values["education[e1].chsi.scanID"] == "s2")
        #expect(values["education[e1].chsi.school"] == "北京大学")
        // The late answer changes no current value: it is recorded under its own scan.
        let late = try #require(changes.last)
        #expect(!late.contains { $0.field.hasPrefix("education[e1].chsi.") })
        #expect(late.contains(FieldChange(field: "education[e1].chsiScans[s1]", before: "started", after: "answered")))
        #expect(late.contains(FieldChange(field: "education[e1].chsiScans[s1].school", before: nil, after: "中国地质大学(北京)")))
        // The trail's current values are the file's current result, whatever the order the answers came in.
        let state = events.reduce(CandidateDecider.initial) { CandidateDecider.evolve($0, $1) }
        let current = try #require(state.education["e1"]?.currentChsiResult)
        #expect(values["education[e1].chsi.scanID"] == current.scanID && values["education[e1].chsi.school"] == current.school)
        // In order, each answer becomes current; the bookkeeping never shows as a field, and goes with the entry.
        var inOrder = AuditFold.Values()
        for event in [Given.seedEntry(), started("s1"), Given.seedChsi(scan: "s1"), started("s2"), Given.seedChsi(scan: "s2", school: "北京大学")] {
            _ = AuditFold.apply(.candidate(event), to: &inOrder)
        }
        #expect(inOrder["education[e1].chsi.scanID"] == "s2" && inOrder["education[e1].chsi.school"] == "北京大学")
        let removed = CandidateEvent.educationRemoved(EducationEntryRemoved(candidateID: Given.candidate, entryID: "e1", removedAt: "x"))
        let removals = AuditFold.apply(.candidate(removed), to: &values)
        #expect(removals.allSatisfy { $0.field.hasPrefix("education[e1].") })
        #expect(!values.keys.contains { $0.contains("e1") })
    }

    @Test("audit_trail: a corrected ID number carries the pass number taken from it, as the file does")
    func auditCorrectedPassNumber() {
        guard case .applicationSubmitted(var submitted) = Given.submitted else {
            Issue.record("fixture")
            return
        }
        submitted.passNumber = "T123456789"
        let correction = CandidateEvent.basicInfoCorrected(
            BasicInfoCorrected(
                candidateID: Given.candidate,
                applicationID: "a1",
                idType: "台湾往来大陆通行证",
                field: "idNumber",
                oldValue: "T123456789",
                newValue: "T987654321",
                reason: "证件核对",
                reviewerID: "staff-r1",
                correctedAt: "2026-02-15T02:00:00.000Z"
            )
        )
        var values = AuditFold.Values()
        _ = AuditFold.apply(.candidate(.applicationSubmitted(submitted)), to: &values)
        let changes = AuditFold.apply(.candidate(correction), to: &values)
        #expect(changes.contains(FieldChange(field: "applications[a1].passNumber", before: "T123456789", after: "T987654321")))
        #expect(changes.contains(FieldChange(field: "basic.idNumber", before: "T123456789", after: "T987654321")))
        let state = [CandidateEvent.applicationSubmitted(submitted), correction].reduce(CandidateDecider.initial) { CandidateDecider.evolve($0, $1) }
        #expect(state.applications["a1"]?.passNumber == values["applications[a1].passNumber"])
    }

    @Test("audit_trail: a reviewer's correction shows the old value and the reason")
    func auditCorrection() {
        let (values, _) = AuditFold.fold(nil, .candidate(Given.registered))
        let (_, changes) = AuditFold.fold(values, .candidate(Given.corrected))
        #expect(changes == [FieldChange(field: "basic.name", before: "张三", after: "张叁")])
        let event = Given.event(.candidate(Given.corrected), actor: "staff-r1", role: "reviewer")
        #expect(AuditTrailProjection.reason(event) == "身份证原件为“叁”")
        #expect(AuditFold.action("BasicInfoCorrected").contains("corrected"))
    }

    @Test("audit_trail: a repeated bank confirmation is still traced, with no field changed")
    func auditRepeat() {
        let started = CandidateEvent.paymentStarted(
            PaymentStarted(candidateID: Given.candidate, applicationID: "a1", orderNumber: "o1", amountFen: 15000, startedAt: "t")
        )
        let confirmed = CandidateEvent.paymentConfirmed(
            PaymentConfirmed(
                candidateID: Given.candidate,
                applicationID: "a1",
                orderNumber: "o1",
                bankTransactionID: "t1",
                amountFen: 15000,
                confirmedAt: "t"
            )
        )
        var (values, _) = AuditFold.fold(nil, .candidate(started))
        let (paid, changes) = AuditFold.fold(values, .candidate(confirmed))
        #expect(changes.contains(FieldChange(field: "applications[a1].status", before: nil, after: "paid")))
        #expect(paid["applications[a1].paidFen"] == "15000")
        values = paid
        let (_, repeated) = AuditFold.fold(values, .candidate(confirmed))
        #expect(repeated == [FieldChange(field: "", before: nil, after: nil)])
    }

    @Test("the document encoder writes JSONEncoder's bytes: sorted keys, escapes, nesting; floating point falls back")
    func documentEncoder() throws {
        struct Inner: Codable {
            var flag: Bool
            var count: Int
            var note: String?
        }
        enum Kind: Codable {
            case plain
            case tagged(label: String, inner: Inner)
        }
        struct Sample: Codable {
            var text: String
            var byID: [String: Inner]
            var list: [String]
            var empty: [Int]
            var emptyMap: [String: String]
            var optional: String?
            var negative: Int64
            var kinds: [Kind]
            var ordinal: [Int: String]
        }
        let sample = Sample(
            text: "张三 \"q\" \\ / \n\t\r\u{8}\u{c}\u{1}\u{1f}\u{7f}é\u{2028}😀",
            byID: [
                "e10": Inner(flag: true, count: 2, note: nil), "e2": Inner(flag: false, count: -1, note: "x"),
                "E1": Inner(flag: true, count: 0, note: ""),
            ],
            list: ["a", "", "b"],
            empty: [],
            emptyMap: [:],
            optional: nil,
            negative: -9_000_000_000,
            kinds: [.plain, .tagged(label: "l", inner: Inner(flag: true, count: 1, note: nil))],
            ordinal: [10: "ten", 2: "two"]
        )
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(try DocumentEncoder.encode(sample) == String(decoding: try foundation.encode(sample), as: UTF8.self))
        struct Measured: Codable {
            var value: Double
            var at: Date
        }
        let measured = Measured(value: 0.1, at: Date(timeIntervalSinceReferenceDate: 12.5))
        #expect(try DocumentEncoder.encode(measured) == String(decoding: try foundation.encode(measured), as: UTF8.self))
    }
}
