import Foundation
import Testing

@testable import RegistrationDomain

@Suite("Event and rejection catalogues")
struct CatalogueTests {
    /// One sample per candidate event type, with every optional filled.
    static let candidateSamples: [CandidateEvent] = {
        let c = "c1"
        let education = EducationEntryAdded(
            candidateID: c,
            entryID: "e1",
            region: "大陆",
            school: "北京大学",
            category: "高等医学教育",
            enrolment: "2006-07",
            graduation: "2010-07",
            studyForm: "普通全日制",
            level: "本科",
            degree: "学士",
            length: "五年制",
            major: "基础医学",
            fiveYearJuniorCollegeClinical: false,
            combinedMasterDoctor: false,
            certificateNumber: "100011201005001234",
            addedAt: "2025-01-01T00:00:00.000Z"
        )
        let amended = EducationEntryAmended(
            candidateID: c,
            entryID: "e1",
            region: "大陆",
            school: "北京大学",
            category: "高等医学教育",
            enrolment: "2006-07",
            graduation: "2010-07",
            studyForm: "普通全日制",
            level: "本科",
            degree: "学士",
            length: "五年制",
            major: "临床医学",
            fiveYearJuniorCollegeClinical: false,
            combinedMasterDoctor: false,
            certificateNumber: "100011201005001234",
            amendedAt: "2025-01-01T00:00:00.000Z"
        )
        let at = "2025-01-01T00:00:00.000Z"
        return [
            .registered(
                CandidateRegistered(
                    candidateID: c,
                    username: "u",
                    name: "张三",
                    surnamePinyin: "zhang",
                    givenNamePinyin: "san",
                    idType: "居民身份证",
                    idNumber: "x",
                    sex: "男",
                    birthDate: "1990-01-01",
                    nationality: "中国",
                    ethnicity: "汉族",
                    identity: 1,
                    registeredAt: at
                )
            ),
            .contactUpdated(
                ContactDetailsUpdated(
                    candidateID: c,
                    homePhone: "010-1234567",
                    workPhone: "010-7654321",
                    mobile: "13800138000",
                    email: "a@b.cn",
                    address: "北京",
                    postcode: "100000",
                    updatedAt: at
                )
            ),
            .workUpdated(
                WorkDetailsUpdated(candidateID: c, onDutyStatus: "在职", workUnit: "医院", title: "医师", titleObtained: "2011-11", updatedAt: at)
            ),
            .educationAdded(education),
            .educationAmended(amended),
            .educationRemoved(EducationEntryRemoved(candidateID: c, entryID: "e1", removedAt: at)),
            .trainingAdded(
                TrainingEntryAdded(
                    candidateID: c,
                    entryID: "t1",
                    kind: "住院医师规范化培训",
                    institution: "i",
                    specialty: "s",
                    start: "2010-09",
                    end: "2013-08",
                    certificateNumber: "n",
                    addedAt: at
                )
            ),
            .trainingAmended(
                TrainingEntryAmended(
                    candidateID: c,
                    entryID: "t1",
                    kind: "其它培训",
                    institution: "i",
                    specialty: "s",
                    start: "2010-09",
                    end: "2013-08",
                    certificateNumber: nil,
                    amendedAt: at
                )
            ),
            .trainingRemoved(TrainingEntryRemoved(candidateID: c, entryID: "t1", removedAt: at)),
            .certificateAdded(
                CertificateEntryAdded(
                    candidateID: c,
                    entryID: "z1",
                    type: "执业助理医师",
                    issued: "2008-03",
                    number: "n",
                    registered: "2008-06",
                    registrationNumber: "r",
                    addedAt: at
                )
            ),
            .certificateAmended(
                CertificateEntryAmended(
                    candidateID: c,
                    entryID: "z1",
                    type: "执业助理医师",
                    issued: "2008-03",
                    number: "n2",
                    registered: nil,
                    registrationNumber: nil,
                    amendedAt: at
                )
            ),
            .certificateRemoved(CertificateEntryRemoved(candidateID: c, entryID: "z1", removedAt: at)),
            .chsiScanStarted(ChsiScanStarted(candidateID: c, entryID: "e1", scanID: "s1", startedAt: at)),
            .chsiResultReceived(
                ChsiResultReceived(
                    candidateID: c,
                    entryID: "e1",
                    scanID: "s1",
                    name: "张三",
                    idNumber: "x",
                    school: "北京大学",
                    major: "m",
                    level: "本科",
                    studyForm: "普通全日制",
                    educationCategory: "普通高等教育",
                    enrolmentDate: "20060901",
                    graduationDate: "20100701",
                    conclusion: "毕业",
                    nameMatches: true,
                    idNumberMatches: false,
                    receivedAt: at
                )
            ),
            .applicationSubmitted(
                ApplicationSubmitted(
                    candidateID: c,
                    applicationID: "a1",
                    seasonID: "2025",
                    examCode: "110",
                    examLevel: "执业医师",
                    examCategory: "临床",
                    educationEntryIDs: ["e1"],
                    trainingEntryIDs: ["t1"],
                    certificateEntryID: "z1",
                    areaCode: "11",
                    siteCode: "1101",
                    attemptCount: 2,
                    additionalSubject: "儿科",
                    photoID: "p",
                    photoFormat: "jpg",
                    photoSizeBytes: 1000,
                    passNumber: "H1234567801",
                    identity: 1,
                    submittedAt: at
                )
            ),
            .entryLocked(EntryLocked(entryKind: "education", entryID: "e1", applicationID: "a1")),
            .entryUnlocked(EntryUnlocked(entryKind: "education", entryID: "e1", applicationID: "a1")),
            .entryVerified(EntryVerified(entryKind: "training", entryID: "t1", applicationID: "a1")),
            .applicationAbandoned(ApplicationAbandoned(candidateID: c, applicationID: "a1", abandonedAt: at)),
            .basicInfoCorrected(
                BasicInfoCorrected(
                    candidateID: c,
                    applicationID: "a1",
                    idType: "居民身份证",
                    field: "name",
                    oldValue: "张三",
                    newValue: "张叁",
                    reason: "r",
                    reviewerID: "rv",
                    correctedAt: at
                )
            ),
            .applicationApproved(ApplicationApproved(candidateID: c, applicationID: "a1", reviewerID: "rv", approvedAt: at, paysOnline: true)),
            .applicationRejected(ApplicationRejected(candidateID: c, applicationID: "a1", reviewerID: "rv", reason: "r", rejectedAt: at)),
            .applicationApprovalWithdrawn(
                ApplicationApprovalWithdrawn(candidateID: c, applicationID: "a1", reviewerID: "rv", reason: "r", withdrawnAt: at)
            ),
            .entryVerificationWithdrawn(EntryVerificationWithdrawn(entryKind: "education", entryID: "e1", applicationID: "a1")),
            .applicationSigned(ApplicationSigned(candidateID: c, applicationID: "a1", reviewerID: "rv", signedAt: at)),
            .passwordChanged(PasswordChanged(candidateID: c, method: "staff", changedBy: "rv", reason: "现场申请", changedAt: at)),
            .recoveryQuestionChanged(RecoveryQuestionChanged(candidateID: c, changedAt: at)),
            .paymentStarted(PaymentStarted(candidateID: c, applicationID: "a1", orderNumber: "o1", amountFen: 100, startedAt: at)),
            .paymentConfirmed(
                PaymentConfirmed(candidateID: c, applicationID: "a1", orderNumber: "o1", bankTransactionID: "t", amountFen: 100, confirmedAt: at)
            ),
            .paymentFailed(PaymentFailed(candidateID: c, applicationID: "a1", orderNumber: "o1", bankTransactionID: "t2", reason: "r", failedAt: at)),
            .refundRecorded(
                RefundRecorded(candidateID: c, applicationID: "a1", refundID: "rf", amountFen: 100, reason: "r", refundPolicy: "p", recordedAt: at)
            ),
        ]
    }()

    static let seasonSamples: [SeasonEvent] =
        Fixture.seasonEvents + [
            .areaUpdated(ExamAreaUpdated(code: "41", name: "河南考区", onlinePayment: true, refundPolicy: "p")),
            .siteRenamed(ExamSiteRenamed(code: "4101", name: "郑州市考点", previousName: "郑州考点")),
        ]

    static let staffSamples: [StaffEvent] = [
        .created(
            StaffAccountCreated(
                staffID: "s",
                role: "reviewer",
                displayName: "李",
                areaCode: "11",
                siteCodes: ["1101"],
                createdAt: "2025-01-01T00:00:00.000Z"
            )
        ),
        .scopeChanged(
            StaffScopeChanged(
                staffID: "s",
                previousAreaCode: "11",
                previousSiteCodes: ["1101"],
                areaCode: "11",
                siteCodes: ["1102"],
                changedAt: "2025-01-01T00:00:00.000Z"
            )
        ),
        .deactivated(StaffAccountDeactivated(staffID: "s", reason: "r", deactivatedAt: "2025-01-01T00:00:00.000Z")),
        .reactivated(StaffAccountReactivated(staffID: "s", reason: "r", reactivatedAt: "2025-01-01T00:00:00.000Z")),
        .passwordChanged(StaffPasswordChanged(staffID: "s", method: "reset", changedBy: "a", reason: "r", changedAt: "2025-01-01T00:00:00.000Z")),
    ]

    @Test func everyCaseHasOnePayloadTypeAndEveryPayloadTypeACase() {
        func check<E: Equatable>(_ samples: [E], _ types: [any DomainEvent.Type], _ payload: (E) -> any DomainEvent, _ wrap: (any DomainEvent) -> E?)
        {
            let sampleTypes = samples.map { type(of: payload($0)).eventType }
            #expect(Set(sampleTypes) == Set(types.map { $0.eventType }), "every type has a sample")
            #expect(Set(types.map { $0.eventType }).count == types.count, "event type names are unique")
            #expect(types.allSatisfy { $0.schemaVersion >= 1 })
            for sample in samples { #expect(wrap(payload(sample)) == sample, "init?(payload:) inverts payload") }
        }
        check(Self.candidateSamples, CandidateEvent.payloadTypes, { $0.payload }, { CandidateEvent(payload: $0) })
        check(Self.seasonSamples, SeasonEvent.payloadTypes, { $0.payload }, { SeasonEvent(payload: $0) })
        check(Self.staffSamples, StaffEvent.payloadTypes, { $0.payload }, { StaffEvent(payload: $0) })
        #expect(CandidateEvent(payload: SeasonOpened(seasonID: "", title: "", openedAt: "")) == nil)
        #expect(SeasonEvent(payload: ApplicationSigned(candidateID: "", applicationID: "", reviewerID: "", signedAt: "")) == nil)
        #expect(StaffEvent(payload: ExamWithdrawn(code: "")) == nil)
    }

    @Test func eventTypesArePastTenseNamesOfTheirStruct() {
        let all: [any DomainEvent.Type] = CandidateEvent.payloadTypes + SeasonEvent.payloadTypes + StaffEvent.payloadTypes
        for type in all {
            #expect(type.eventType == String(describing: type))
            let name = type.eventType
            #expect(name.hasSuffix("ed") || name.hasSuffix("Set") || name.hasSuffix("Withdrawn"), "\(name)")
        }
        #expect(Set(all.map { $0.eventType }).count == all.count)
    }

    /// Payloads are flat JSON objects of strings, numbers, booleans and arrays of strings: no nested objects.
    @Test func payloadsArePrimitive() throws {
        let candidate: [any DomainEvent] = Self.candidateSamples.map { $0.payload }
        let season: [any DomainEvent] = Self.seasonSamples.map { $0.payload }
        let staff: [any DomainEvent] = Self.staffSamples.map { $0.payload }
        let payloads = candidate + season + staff
        for payload in payloads {
            let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(payload)) as? [String: Any]
            #expect(object != nil)
            for (key, value) in object ?? [:] {
                let primitive = value is String || value is NSNumber || (value as? [Any])?.allSatisfy { $0 is String } == true
                #expect(primitive, "\(type(of: payload).eventType).\(key)")
            }
        }
    }

    @Test func payloadsRoundTripThroughJSON() throws {
        func roundTrip<E: DomainEvent>(_ event: E) throws -> any DomainEvent {
            try JSONDecoder().decode(E.self, from: JSONEncoder().encode(event))
        }
        for event in Self.candidateSamples {
            #expect(CandidateEvent(payload: try roundTrip(event.payload)) == event)
        }
        for event in Self.seasonSamples {
            #expect(SeasonEvent(payload: try roundTrip(event.payload)) == event)
        }
        for event in Self.staffSamples {
            #expect(StaffEvent(payload: try roundTrip(event.payload)) == event)
        }
    }

    @Test func instantsAreISO8601UTCWithMilliseconds() {
        #expect(Instant.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Instant.string(from: Date(timeIntervalSince1970: 1_736_478_000.1239)) == "2025-01-10T03:00:00.123Z")
        #expect(Instant.string(from: Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(Instant.date(from: "2024-02-29T23:59:59.999Z") == Date(timeIntervalSince1970: 1_709_251_199.999))
        #expect(Instant.date(from: "2023-02-29T00:00:00.000Z") == nil)
        #expect(Instant.date(from: "2025-01-10T03:00:00Z") == nil)
        #expect(Instant.date(from: "2025-01-10T24:00:00.000Z") == nil)
        #expect(Instant.beijingDate(T.at("2024-12-31T15:59:59.999Z")).description == "2024-12-31")
        #expect(Instant.beijingDate(T.at("2024-12-31T16:00:00.000Z")).description == "2025-01-01")
    }

    @Test func chsiDatesAreEightDigitsOfARealDate() {
        #expect(ChsiDate.parse("20240928")?.description == "2024-09-28")
        #expect(ChsiDate.parse("20240230") == nil)
        #expect(ChsiDate.parse("2024-09-28") == nil)
        #expect(ChsiDate.parse("2024092") == nil)
    }
}
