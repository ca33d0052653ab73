// Candidate events: one struct per event type (flat, primitive fields), then the `CandidateEvent` wrapper.

/// 注册: a candidate registered. Carries the basic information (基本信息), never the password or the recovery question and answer.
public struct CandidateRegistered: DomainEvent {
    /// `CandidateRegistered`.
    public static let eventType = "CandidateRegistered"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The permanent username.
    public var username: String
    /// 姓名.
    public var name: String
    /// 姓(拼音).
    public var surnamePinyin: String
    /// 名(拼音).
    public var givenNamePinyin: String
    /// 证件类型: raw value of ``IDType``.
    public var idType: String
    /// 证件号码.
    public var idNumber: String
    /// 性别: raw value of ``Sex`` (derived from a 居民身份证).
    public var sex: String
    /// 出生日期 `YYYY-MM-DD` (derived from a 居民身份证).
    public var birthDate: String
    /// 国籍.
    public var nationality: String
    /// 民族.
    public var ethnicity: String
    /// 本人身份 1…6 (``MilitaryIdentity``), nil when not applicable.
    public var identity: Int?
    /// When (ISO-8601 UTC with milliseconds).
    public var registeredAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        username: String,
        name: String,
        surnamePinyin: String,
        givenNamePinyin: String,
        idType: String,
        idNumber: String,
        sex: String,
        birthDate: String,
        nationality: String,
        ethnicity: String,
        identity: Int?,
        registeredAt: String
    ) {
        self.candidateID = candidateID
        self.username = username
        self.name = name
        self.surnamePinyin = surnamePinyin
        self.givenNamePinyin = givenNamePinyin
        self.idType = idType
        self.idNumber = idNumber
        self.sex = sex
        self.birthDate = birthDate
        self.nationality = nationality
        self.ethnicity = ethnicity
        self.identity = identity
        self.registeredAt = registeredAt
    }
}

/// 联系方式 replaced (full new values).
public struct ContactDetailsUpdated: DomainEvent {
    /// `ContactDetailsUpdated`.
    public static let eventType = "ContactDetailsUpdated"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// 家庭电话.
    public var homePhone: String?
    /// 单位电话.
    public var workPhone: String?
    /// 手机.
    public var mobile: String
    /// 电子邮件.
    public var email: String?
    /// 联系地址.
    public var address: String
    /// 邮政编码.
    public var postcode: String
    /// When (ISO-8601 UTC with milliseconds).
    public var updatedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        homePhone: String?,
        workPhone: String?,
        mobile: String,
        email: String?,
        address: String,
        postcode: String,
        updatedAt: String
    ) {
        self.candidateID = candidateID
        self.homePhone = homePhone
        self.workPhone = workPhone
        self.mobile = mobile
        self.email = email
        self.address = address
        self.postcode = postcode
        self.updatedAt = updatedAt
    }
}

/// 工作情况 replaced (full new values).
public struct WorkDetailsUpdated: DomainEvent {
    /// `WorkDetailsUpdated`.
    public static let eventType = "WorkDetailsUpdated"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// 在岗情况: raw value of ``OnDutyStatus``.
    public var onDutyStatus: String
    /// 工作单位 (for students the internship unit).
    public var workUnit: String
    /// 职称.
    public var title: String?
    /// 获得职称年月 `YYYY-MM`.
    public var titleObtained: String?
    /// When (ISO-8601 UTC with milliseconds).
    public var updatedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        onDutyStatus: String,
        workUnit: String,
        title: String?,
        titleObtained: String?,
        updatedAt: String
    ) {
        self.candidateID = candidateID
        self.onDutyStatus = onDutyStatus
        self.workUnit = workUnit
        self.title = title
        self.titleObtained = titleObtained
        self.updatedAt = updatedAt
    }
}

/// An education entry (教育经历) was added.
public struct EducationEntryAdded: DomainEvent {
    /// `EducationEntryAdded`.
    public static let eventType = "EducationEntryAdded"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String
    /// 类型: raw value of ``EducationRegion``.
    public var region: String
    /// 学校; nil for 无学历 and 师承/确有专长 when not given.
    public var school: String?
    /// 类别: raw value of ``EducationCategory``.
    public var category: String
    /// 入学时间 `YYYY-MM`.
    public var enrolment: String?
    /// 毕业年月 `YYYY-MM`.
    public var graduation: String?
    /// 学习形式: raw value of ``StudyForm``; nil for 无学历 when not given.
    public var studyForm: String?
    /// 学历: raw value of ``EducationLevel``.
    public var level: String
    /// 学位: raw value of ``Degree``.
    public var degree: String?
    /// 学制: raw value of ``StudyLength``.
    public var length: String?
    /// 专业.
    public var major: String?
    /// 初中起点五年制大专临床专业.
    public var fiveYearJuniorCollegeClinical: Bool
    /// 硕博连读: the certificate number may be empty.
    public var combinedMasterDoctor: Bool
    /// 毕业证书编号: the number printed on the certificate, digits only, at most 18 (the 18-digit 电子注册号 for a
    /// mainland 专科-or-higher certificate of 2001 or later), or empty where allowed.
    public var certificateNumber: String
    /// When (ISO-8601 UTC with milliseconds).
    public var addedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        entryID: String,
        region: String,
        school: String?,
        category: String,
        enrolment: String?,
        graduation: String?,
        studyForm: String?,
        level: String,
        degree: String?,
        length: String?,
        major: String?,
        fiveYearJuniorCollegeClinical: Bool,
        combinedMasterDoctor: Bool,
        certificateNumber: String,
        addedAt: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.region = region
        self.school = school
        self.category = category
        self.enrolment = enrolment
        self.graduation = graduation
        self.studyForm = studyForm
        self.level = level
        self.degree = degree
        self.length = length
        self.major = major
        self.fiveYearJuniorCollegeClinical = fiveYearJuniorCollegeClinical
        self.combinedMasterDoctor = combinedMasterDoctor
        self.certificateNumber = certificateNumber
        self.addedAt = addedAt
    }
}

/// An unlocked education entry was amended (full new values).
public struct EducationEntryAmended: DomainEvent {
    /// `EducationEntryAmended`.
    public static let eventType = "EducationEntryAmended"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String
    /// 类型: raw value of ``EducationRegion``.
    public var region: String
    /// 学校; nil for 无学历 and 师承/确有专长 when not given.
    public var school: String?
    /// 类别: raw value of ``EducationCategory``.
    public var category: String
    /// 入学时间 `YYYY-MM`.
    public var enrolment: String?
    /// 毕业年月 `YYYY-MM`.
    public var graduation: String?
    /// 学习形式: raw value of ``StudyForm``; nil for 无学历 when not given.
    public var studyForm: String?
    /// 学历: raw value of ``EducationLevel``.
    public var level: String
    /// 学位: raw value of ``Degree``.
    public var degree: String?
    /// 学制: raw value of ``StudyLength``.
    public var length: String?
    /// 专业.
    public var major: String?
    /// 初中起点五年制大专临床专业.
    public var fiveYearJuniorCollegeClinical: Bool
    /// 硕博连读: the certificate number may be empty.
    public var combinedMasterDoctor: Bool
    /// 毕业证书编号: the number printed on the certificate, digits only, at most 18 (the 18-digit 电子注册号 for a
    /// mainland 专科-or-higher certificate of 2001 or later), or empty where allowed.
    public var certificateNumber: String
    /// When (ISO-8601 UTC with milliseconds).
    public var amendedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        entryID: String,
        region: String,
        school: String?,
        category: String,
        enrolment: String?,
        graduation: String?,
        studyForm: String?,
        level: String,
        degree: String?,
        length: String?,
        major: String?,
        fiveYearJuniorCollegeClinical: Bool,
        combinedMasterDoctor: Bool,
        certificateNumber: String,
        amendedAt: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.region = region
        self.school = school
        self.category = category
        self.enrolment = enrolment
        self.graduation = graduation
        self.studyForm = studyForm
        self.level = level
        self.degree = degree
        self.length = length
        self.major = major
        self.fiveYearJuniorCollegeClinical = fiveYearJuniorCollegeClinical
        self.combinedMasterDoctor = combinedMasterDoctor
        self.certificateNumber = certificateNumber
        self.amendedAt = amendedAt
    }
}

/// An unlocked education entry was removed.
public struct EducationEntryRemoved: DomainEvent {
    /// `EducationEntryRemoved`.
    public static let eventType = "EducationEntryRemoved"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String
    /// When (ISO-8601 UTC with milliseconds).
    public var removedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        entryID: String,
        removedAt: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.removedAt = removedAt
    }
}

/// A training entry (培训经历) was added.
public struct TrainingEntryAdded: DomainEvent {
    /// `TrainingEntryAdded`.
    public static let eventType = "TrainingEntryAdded"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String
    /// 培训类型: raw value of ``TrainingKind``.
    public var kind: String
    /// 培训基地 (institution).
    public var institution: String
    /// 培训专业 (specialty).
    public var specialty: String
    /// Start `YYYY-MM`.
    public var start: String
    /// End `YYYY-MM`.
    public var end: String
    /// 培训合格证书编号.
    public var certificateNumber: String?
    /// When (ISO-8601 UTC with milliseconds).
    public var addedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        entryID: String,
        kind: String,
        institution: String,
        specialty: String,
        start: String,
        end: String,
        certificateNumber: String?,
        addedAt: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.kind = kind
        self.institution = institution
        self.specialty = specialty
        self.start = start
        self.end = end
        self.certificateNumber = certificateNumber
        self.addedAt = addedAt
    }
}

/// An unlocked training entry was amended (full new values).
public struct TrainingEntryAmended: DomainEvent {
    /// `TrainingEntryAmended`.
    public static let eventType = "TrainingEntryAmended"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String
    /// 培训类型: raw value of ``TrainingKind``.
    public var kind: String
    /// 培训基地 (institution).
    public var institution: String
    /// 培训专业 (specialty).
    public var specialty: String
    /// Start `YYYY-MM`.
    public var start: String
    /// End `YYYY-MM`.
    public var end: String
    /// 培训合格证书编号.
    public var certificateNumber: String?
    /// When (ISO-8601 UTC with milliseconds).
    public var amendedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        entryID: String,
        kind: String,
        institution: String,
        specialty: String,
        start: String,
        end: String,
        certificateNumber: String?,
        amendedAt: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.kind = kind
        self.institution = institution
        self.specialty = specialty
        self.start = start
        self.end = end
        self.certificateNumber = certificateNumber
        self.amendedAt = amendedAt
    }
}

/// An unlocked training entry was removed.
public struct TrainingEntryRemoved: DomainEvent {
    /// `TrainingEntryRemoved`.
    public static let eventType = "TrainingEntryRemoved"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String
    /// When (ISO-8601 UTC with milliseconds).
    public var removedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        entryID: String,
        removedAt: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.removedAt = removedAt
    }
}

/// A certificate entry (证书情况) was added.
public struct CertificateEntryAdded: DomainEvent {
    /// `CertificateEntryAdded`.
    public static let eventType = "CertificateEntryAdded"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String
    /// 证书类型: raw value of ``CertificateType``.
    public var type: String
    /// 发证年月 `YYYY-MM`.
    public var issued: String
    /// 证书编号.
    public var number: String
    /// 注册年月 `YYYY-MM`.
    public var registered: String?
    /// 注册编号.
    public var registrationNumber: String?
    /// When (ISO-8601 UTC with milliseconds).
    public var addedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        entryID: String,
        type: String,
        issued: String,
        number: String,
        registered: String?,
        registrationNumber: String?,
        addedAt: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.type = type
        self.issued = issued
        self.number = number
        self.registered = registered
        self.registrationNumber = registrationNumber
        self.addedAt = addedAt
    }
}

/// An unlocked certificate entry was amended (full new values).
public struct CertificateEntryAmended: DomainEvent {
    /// `CertificateEntryAmended`.
    public static let eventType = "CertificateEntryAmended"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String
    /// 证书类型: raw value of ``CertificateType``.
    public var type: String
    /// 发证年月 `YYYY-MM`.
    public var issued: String
    /// 证书编号.
    public var number: String
    /// 注册年月 `YYYY-MM`.
    public var registered: String?
    /// 注册编号.
    public var registrationNumber: String?
    /// When (ISO-8601 UTC with milliseconds).
    public var amendedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        entryID: String,
        type: String,
        issued: String,
        number: String,
        registered: String?,
        registrationNumber: String?,
        amendedAt: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.type = type
        self.issued = issued
        self.number = number
        self.registered = registered
        self.registrationNumber = registrationNumber
        self.amendedAt = amendedAt
    }
}

/// An unlocked certificate entry was removed.
public struct CertificateEntryRemoved: DomainEvent {
    /// `CertificateEntryRemoved`.
    public static let eventType = "CertificateEntryRemoved"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String
    /// When (ISO-8601 UTC with milliseconds).
    public var removedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        entryID: String,
        removedAt: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.removedAt = removedAt
    }
}

/// 学信网验证 started on an education entry: the QR code for scan `scanID` was shown.
public struct ChsiScanStarted: DomainEvent {
    /// `ChsiScanStarted`.
    public static let eventType = "ChsiScanStarted"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The education entry id.
    public var entryID: String
    /// The scan id (from the application layer).
    public var scanID: String
    /// When (ISO-8601 UTC with milliseconds).
    public var startedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        entryID: String,
        scanID: String,
        startedAt: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.scanID = scanID
        self.startedAt = startedAt
    }
}

/// CHSI returned the record the candidate picked in the app. The newest result of an entry supersedes older ones, which stay in its history. CHSI returns no certificate number and no 学制.
public struct ChsiResultReceived: DomainEvent {
    /// `ChsiResultReceived`.
    public static let eventType = "ChsiResultReceived"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The education entry id.
    public var entryID: String
    /// The scan this answers.
    public var scanID: String
    /// 姓名 as CHSI has it.
    public var name: String
    /// 证件号码 as CHSI has it.
    public var idNumber: String
    /// 院校名称.
    public var school: String
    /// 专业名称.
    public var major: String
    /// 层次.
    public var level: String
    /// 学习形式.
    public var studyForm: String
    /// 学历类别 (e.g. 普通高等教育, 网络教育).
    public var educationCategory: String
    /// 入学日期, CHSI's `YYYYMMDD`, kept verbatim.
    public var enrolmentDate: String
    /// 毕业日期, CHSI's `YYYYMMDD`, kept verbatim.
    public var graduationDate: String
    /// 毕业结论 (毕业, 结业, …).
    public var conclusion: String
    /// Whether CHSI's name equals the candidate's: a mismatch is a red flag for the reviewer, not a rejection.
    public var nameMatches: Bool
    /// Whether CHSI's ID number equals the candidate's (case-insensitively).
    public var idNumberMatches: Bool
    /// When (ISO-8601 UTC with milliseconds).
    public var receivedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        entryID: String,
        scanID: String,
        name: String,
        idNumber: String,
        school: String,
        major: String,
        level: String,
        studyForm: String,
        educationCategory: String,
        enrolmentDate: String,
        graduationDate: String,
        conclusion: String,
        nameMatches: Bool,
        idNumberMatches: Bool,
        receivedAt: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.scanID = scanID
        self.name = name
        self.idNumber = idNumber
        self.school = school
        self.major = major
        self.level = level
        self.studyForm = studyForm
        self.educationCategory = educationCategory
        self.enrolmentDate = enrolmentDate
        self.graduationDate = graduationDate
        self.conclusion = conclusion
        self.nameMatches = nameMatches
        self.idNumberMatches = idNumberMatches
        self.receivedAt = receivedAt
    }
}

/// 考试报名 submitted. Followed by one ``EntryLocked`` per ticked entry.
///
/// Version 2 adds the application's step 2, the work information as it stood when the candidate applied
/// (`onDutyStatus`, `workUnit`, `title`), and the 工作岗位 a 院前急救 or 儿科 additional subject is applied for from
/// (`workPost`). A version-1 payload is a version-2 payload without them (the upcaster is the identity).
public struct ApplicationSubmitted: DomainEvent {
    /// `ApplicationSubmitted`.
    public static let eventType = "ApplicationSubmitted"
    /// 2.
    public static let schemaVersion = 2
    /// The candidate (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// The season.
    public var seasonID: String
    /// The exam code.
    public var examCode: String
    /// The exam's level (raw ``ExamLevel``), copied for read models.
    public var examLevel: String
    /// The exam's category (raw ``ExamCategory``), copied for read models.
    public var examCategory: String
    /// Ticked education entries.
    public var educationEntryIDs: [String]
    /// Ticked residency-training entries.
    public var trainingEntryIDs: [String]
    /// The ticked certificate, if any.
    public var certificateEntryID: String?
    /// 考区.
    public var areaCode: String
    /// 考点.
    public var siteCode: String
    /// 累计报考次数 for the same level and category, at least 1.
    public var attemptCount: Int
    /// 加试科目: raw value of ``AdditionalSubject``.
    public var additionalSubject: String?
    /// The stored photo's id.
    public var photoID: String
    /// `jpg`.
    public var photoFormat: String
    /// The photo's size.
    public var photoSizeBytes: Int
    /// 往来大陆通行证编号 of Hong Kong, Macau and Taiwan candidates.
    public var passNumber: String?
    /// 本人身份 at submission (copied from basic information).
    public var identity: Int?
    /// 在岗情况 at submission (raw ``OnDutyStatus``; nil in version 1).
    public var onDutyStatus: String?
    /// 工作单位 (for students the internship unit) at submission (nil in version 1).
    public var workUnit: String?
    /// 职称 at submission, if any.
    public var title: String?
    /// 工作岗位 the 院前急救 or 儿科 additional subject is applied for from (nil otherwise, and in version 1).
    public var workPost: String?
    /// When (ISO-8601 UTC with milliseconds).
    public var submittedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        applicationID: String,
        seasonID: String,
        examCode: String,
        examLevel: String,
        examCategory: String,
        educationEntryIDs: [String],
        trainingEntryIDs: [String],
        certificateEntryID: String?,
        areaCode: String,
        siteCode: String,
        attemptCount: Int,
        additionalSubject: String?,
        photoID: String,
        photoFormat: String,
        photoSizeBytes: Int,
        passNumber: String?,
        identity: Int?,
        onDutyStatus: String? = nil,
        workUnit: String? = nil,
        title: String? = nil,
        workPost: String? = nil,
        submittedAt: String
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.seasonID = seasonID
        self.examCode = examCode
        self.examLevel = examLevel
        self.examCategory = examCategory
        self.educationEntryIDs = educationEntryIDs
        self.trainingEntryIDs = trainingEntryIDs
        self.certificateEntryID = certificateEntryID
        self.areaCode = areaCode
        self.siteCode = siteCode
        self.attemptCount = attemptCount
        self.additionalSubject = additionalSubject
        self.photoID = photoID
        self.photoFormat = photoFormat
        self.photoSizeBytes = photoSizeBytes
        self.passNumber = passNumber
        self.identity = identity
        self.onDutyStatus = onDutyStatus
        self.workUnit = workUnit
        self.title = title
        self.workPost = workPost
        self.submittedAt = submittedAt
    }
}

/// 已锁定: an entry was ticked in an application; it cannot change until the application is abandoned (or rejected).
public struct EntryLocked: DomainEvent {
    /// `EntryLocked`.
    public static let eventType = "EntryLocked"
    /// 1.
    public static let schemaVersion = 1
    /// Raw value of ``ProfileEntryKind``.
    public var entryKind: String
    /// The entry id.
    public var entryID: String
    /// The application id.
    public var applicationID: String

    /// Creates the event.
    public init(
        entryKind: String,
        entryID: String,
        applicationID: String
    ) {
        self.entryKind = entryKind
        self.entryID = entryID
        self.applicationID = applicationID
    }
}

/// An application released its lock on an entry (abandoned or rejected).
public struct EntryUnlocked: DomainEvent {
    /// `EntryUnlocked`.
    public static let eventType = "EntryUnlocked"
    /// 1.
    public static let schemaVersion = 1
    /// Raw value of ``ProfileEntryKind``.
    public var entryKind: String
    /// The entry id.
    public var entryID: String
    /// The application id.
    public var applicationID: String

    /// Creates the event.
    public init(
        entryKind: String,
        entryID: String,
        applicationID: String
    ) {
        self.entryKind = entryKind
        self.entryID = entryID
        self.applicationID = applicationID
    }
}

/// 已审核: review passed; the entry is trusted data for every later exam.
public struct EntryVerified: DomainEvent {
    /// `EntryVerified`.
    public static let eventType = "EntryVerified"
    /// 1.
    public static let schemaVersion = 1
    /// Raw value of ``ProfileEntryKind``.
    public var entryKind: String
    /// The entry id.
    public var entryID: String
    /// The application id.
    public var applicationID: String

    /// Creates the event.
    public init(
        entryKind: String,
        entryID: String,
        applicationID: String
    ) {
        self.entryKind = entryKind
        self.entryID = entryID
        self.applicationID = applicationID
    }
}

/// 放弃报考 during online registration. Followed by one ``EntryUnlocked`` per ticked entry.
public struct ApplicationAbandoned: DomainEvent {
    /// `ApplicationAbandoned`.
    public static let eventType = "ApplicationAbandoned"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// When (ISO-8601 UTC with milliseconds).
    public var abandonedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        applicationID: String,
        abandonedAt: String
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.abandonedAt = abandonedAt
    }
}

/// A reviewer corrected one basic-information field on site, with a reason; old and new values are kept.
public struct BasicInfoCorrected: DomainEvent {
    /// `BasicInfoCorrected`.
    public static let eventType = "BasicInfoCorrected"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// The candidate's ID type (raw ``IDType``), so a new ID number can be claimed.
    public var idType: String
    /// Raw value of ``BasicInfoField``.
    public var field: String
    /// The value before.
    public var oldValue: String
    /// The value after.
    public var newValue: String
    /// Why (mandatory).
    public var reason: String
    /// The reviewer.
    public var reviewerID: String
    /// When (ISO-8601 UTC with milliseconds).
    public var correctedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        applicationID: String,
        idType: String,
        field: String,
        oldValue: String,
        newValue: String,
        reason: String,
        reviewerID: String,
        correctedAt: String
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.idType = idType
        self.field = field
        self.oldValue = oldValue
        self.newValue = newValue
        self.reason = reason
        self.reviewerID = reviewerID
        self.correctedAt = correctedAt
    }
}

/// 现场资格审核 passed. Followed by one ``EntryVerified`` per ticked entry not yet verified.
public struct ApplicationApproved: DomainEvent {
    /// `ApplicationApproved`.
    public static let eventType = "ApplicationApproved"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// The reviewer.
    public var reviewerID: String
    /// When (ISO-8601 UTC with milliseconds).
    public var approvedAt: String
    /// Whether the exam area took payments online when the application was approved: the candidate is told then how
    /// to pay, and an area that turns online payment on later does not offer it to those told to pay on site (who may
    /// have paid there). Nil in events recorded before it was kept: the area's setting alone decides.
    public var paysOnline: Bool?
    /// The reviewer's note (审核意见), required when the approval accepts CHSI mismatches or a CHSI record of another
    /// person (``acceptedChsiDifferences``).
    public var note: String?
    /// What of CHSI's records the approval accepted as it stood, e.g. `教育经历1：院校、专业不一致` or `…学信网记录的姓名或证件号码与考生不符`;
    /// nil when there was nothing (or in events recorded before it was kept).
    public var acceptedChsiDifferences: [String]?

    /// Creates the event.
    public init(
        candidateID: String,
        applicationID: String,
        reviewerID: String,
        approvedAt: String,
        paysOnline: Bool? = nil,
        note: String? = nil,
        acceptedChsiDifferences: [String]? = nil
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.reviewerID = reviewerID
        self.approvedAt = approvedAt
        self.paysOnline = paysOnline
        self.note = note
        self.acceptedChsiDifferences = acceptedChsiDifferences
    }
}

/// 撤销审核通过: the site's reviewer withdrew an approval before the candidate signed, with a reason. The application is
/// submitted (待审核) again. Followed by one ``EntryVerificationWithdrawn`` per entry the approval verified that no other
/// approved application of the file ticks.
public struct ApplicationApprovalWithdrawn: DomainEvent {
    /// `ApplicationApprovalWithdrawn`.
    public static let eventType = "ApplicationApprovalWithdrawn"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// The reviewer who withdrew it.
    public var reviewerID: String
    /// Why (mandatory).
    public var reason: String
    /// When (ISO-8601 UTC with milliseconds).
    public var withdrawnAt: String

    /// Creates the event.
    public init(candidateID: String, applicationID: String, reviewerID: String, reason: String, withdrawnAt: String) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.reviewerID = reviewerID
        self.reason = reason
        self.withdrawnAt = withdrawnAt
    }
}

/// An entry is no longer 已审核: the approval that verified it was withdrawn (``ApplicationApprovalWithdrawn``).
public struct EntryVerificationWithdrawn: DomainEvent {
    /// `EntryVerificationWithdrawn`.
    public static let eventType = "EntryVerificationWithdrawn"
    /// 1.
    public static let schemaVersion = 1
    /// Raw value of ``ProfileEntryKind``.
    public var entryKind: String
    /// The entry id.
    public var entryID: String
    /// The application whose approval was withdrawn.
    public var applicationID: String

    /// Creates the event.
    public init(entryKind: String, entryID: String, applicationID: String) {
        self.entryKind = entryKind
        self.entryID = entryID
        self.applicationID = applicationID
    }
}

/// 现场资格审核 failed, with a reason. Followed by one ``EntryUnlocked`` per ticked entry.
public struct ApplicationRejected: DomainEvent {
    /// `ApplicationRejected`.
    public static let eventType = "ApplicationRejected"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// The reviewer.
    public var reviewerID: String
    /// Why (mandatory).
    public var reason: String
    /// When (ISO-8601 UTC with milliseconds).
    public var rejectedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        applicationID: String,
        reviewerID: String,
        reason: String,
        rejectedAt: String
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.reviewerID = reviewerID
        self.reason = reason
        self.rejectedAt = rejectedAt
    }
}

/// 签字确认 recorded at the review site: nothing in the application changes any more.
public struct ApplicationSigned: DomainEvent {
    /// `ApplicationSigned`.
    public static let eventType = "ApplicationSigned"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// The reviewer who recorded it.
    public var reviewerID: String
    /// When (ISO-8601 UTC with milliseconds).
    public var signedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        applicationID: String,
        reviewerID: String,
        signedAt: String
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.reviewerID = reviewerID
        self.signedAt = signedAt
    }
}

/// A payment attempt started with the bank.
public struct PaymentStarted: DomainEvent {
    /// `PaymentStarted`.
    public static let eventType = "PaymentStarted"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// Our order number.
    public var orderNumber: String
    /// Amount in fen (分).
    public var amountFen: Int
    /// When (ISO-8601 UTC with milliseconds).
    public var startedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        applicationID: String,
        orderNumber: String,
        amountFen: Int,
        startedAt: String
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.orderNumber = orderNumber
        self.amountFen = amountFen
        self.startedAt = startedAt
    }
}

/// The bank confirmed a payment (possibly late). Makes the application 已缴费.
public struct PaymentConfirmed: DomainEvent {
    /// `PaymentConfirmed`.
    public static let eventType = "PaymentConfirmed"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// Our order number.
    public var orderNumber: String
    /// The bank's transaction id (idempotency key).
    public var bankTransactionID: String
    /// Amount in fen.
    public var amountFen: Int
    /// When (ISO-8601 UTC with milliseconds).
    public var confirmedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        applicationID: String,
        orderNumber: String,
        bankTransactionID: String,
        amountFen: Int,
        confirmedAt: String
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.orderNumber = orderNumber
        self.bankTransactionID = bankTransactionID
        self.amountFen = amountFen
        self.confirmedAt = confirmedAt
    }
}

/// The bank reported a failed payment; a new attempt is allowed.
public struct PaymentFailed: DomainEvent {
    /// `PaymentFailed`.
    public static let eventType = "PaymentFailed"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// Our order number.
    public var orderNumber: String
    /// The bank's transaction id (idempotency key).
    public var bankTransactionID: String
    /// The bank's reason.
    public var reason: String
    /// When (ISO-8601 UTC with milliseconds).
    public var failedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        applicationID: String,
        orderNumber: String,
        bankTransactionID: String,
        reason: String,
        failedAt: String
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.orderNumber = orderNumber
        self.bankTransactionID = bankTransactionID
        self.reason = reason
        self.failedAt = failedAt
    }
}

/// A refund was recorded per the area's policy.
public struct RefundRecorded: DomainEvent {
    /// `RefundRecorded`.
    public static let eventType = "RefundRecorded"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// The refund id.
    public var refundID: String
    /// Amount in fen.
    public var amountFen: Int
    /// Why.
    public var reason: String
    /// The area's refund policy at the time.
    public var refundPolicy: String
    /// When (ISO-8601 UTC with milliseconds).
    public var recordedAt: String

    /// Creates the event.
    public init(
        candidateID: String,
        applicationID: String,
        refundID: String,
        amountFen: Int,
        reason: String,
        refundPolicy: String,
        recordedAt: String
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.refundID = refundID
        self.amountFen = amountFen
        self.reason = reason
        self.refundPolicy = refundPolicy
        self.recordedAt = recordedAt
    }
}

/// The password of a candidate's account was replaced: by the candidate (with the current password), through the
/// recovery question (name, ID number and answer), or by staff at the review site or the exam authority when both are
/// forgotten (with a reason). The password itself, and its hash, are never in an event: they are in the credentials
/// table, written in the same transaction.
public struct PasswordChanged: DomainEvent {
    /// `PasswordChanged`.
    public static let eventType = "PasswordChanged"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// How (raw ``PasswordChangeMethod``): `self`, `recovery` or `staff`.
    public var method: String
    /// Who set the new password: the candidate, or the staff account.
    public var changedBy: String
    /// Why (staff resets; nil otherwise).
    public var reason: String?
    /// When (ISO-8601 UTC with milliseconds).
    public var changedAt: String

    /// Creates the event.
    public init(candidateID: String, method: String, changedBy: String, reason: String?, changedAt: String) {
        self.candidateID = candidateID
        self.method = method
        self.changedBy = changedBy
        self.reason = reason
        self.changedAt = changedAt
    }
}

/// The recovery question and answer of a candidate's account were replaced (安全设置 密码找回设置) by the candidate,
/// after giving the current password. Neither the question nor the answer is in the event: they are in the
/// credentials table, written in the same transaction.
public struct RecoveryQuestionChanged: DomainEvent {
    /// `RecoveryQuestionChanged`.
    public static let eventType = "RecoveryQuestionChanged"
    /// 1.
    public static let schemaVersion = 1
    /// The candidate (stream) id.
    public var candidateID: String
    /// When (ISO-8601 UTC with milliseconds).
    public var changedAt: String

    /// Creates the event.
    public init(candidateID: String, changedAt: String) {
        self.candidateID = candidateID
        self.changedAt = changedAt
    }
}

/// Every event of a candidate's registration file.
public enum CandidateEvent: Equatable, Sendable {
    /// ``CandidateRegistered``.
    case registered(CandidateRegistered)
    /// ``ContactDetailsUpdated``.
    case contactUpdated(ContactDetailsUpdated)
    /// ``WorkDetailsUpdated``.
    case workUpdated(WorkDetailsUpdated)
    /// ``EducationEntryAdded``.
    case educationAdded(EducationEntryAdded)
    /// ``EducationEntryAmended``.
    case educationAmended(EducationEntryAmended)
    /// ``EducationEntryRemoved``.
    case educationRemoved(EducationEntryRemoved)
    /// ``TrainingEntryAdded``.
    case trainingAdded(TrainingEntryAdded)
    /// ``TrainingEntryAmended``.
    case trainingAmended(TrainingEntryAmended)
    /// ``TrainingEntryRemoved``.
    case trainingRemoved(TrainingEntryRemoved)
    /// ``CertificateEntryAdded``.
    case certificateAdded(CertificateEntryAdded)
    /// ``CertificateEntryAmended``.
    case certificateAmended(CertificateEntryAmended)
    /// ``CertificateEntryRemoved``.
    case certificateRemoved(CertificateEntryRemoved)
    /// ``ChsiScanStarted``.
    case chsiScanStarted(ChsiScanStarted)
    /// ``ChsiResultReceived``.
    case chsiResultReceived(ChsiResultReceived)
    /// ``ApplicationSubmitted``.
    case applicationSubmitted(ApplicationSubmitted)
    /// ``EntryLocked``.
    case entryLocked(EntryLocked)
    /// ``EntryUnlocked``.
    case entryUnlocked(EntryUnlocked)
    /// ``EntryVerified``.
    case entryVerified(EntryVerified)
    /// ``ApplicationAbandoned``.
    case applicationAbandoned(ApplicationAbandoned)
    /// ``BasicInfoCorrected``.
    case basicInfoCorrected(BasicInfoCorrected)
    /// ``ApplicationApproved``.
    case applicationApproved(ApplicationApproved)
    /// ``ApplicationRejected``.
    case applicationRejected(ApplicationRejected)
    /// ``ApplicationApprovalWithdrawn``.
    case applicationApprovalWithdrawn(ApplicationApprovalWithdrawn)
    /// ``EntryVerificationWithdrawn``.
    case entryVerificationWithdrawn(EntryVerificationWithdrawn)
    /// ``ApplicationSigned``.
    case applicationSigned(ApplicationSigned)
    /// ``PaymentStarted``.
    case paymentStarted(PaymentStarted)
    /// ``PaymentConfirmed``.
    case paymentConfirmed(PaymentConfirmed)
    /// ``PaymentFailed``.
    case paymentFailed(PaymentFailed)
    /// ``RefundRecorded``.
    case refundRecorded(RefundRecorded)
    /// ``PasswordChanged``.
    case passwordChanged(PasswordChanged)
    /// ``RecoveryQuestionChanged``.
    case recoveryQuestionChanged(RecoveryQuestionChanged)

    /// The payload, for encoding.
    public var payload: any DomainEvent {
        switch self {
        case .registered(let event): event
        case .contactUpdated(let event): event
        case .workUpdated(let event): event
        case .educationAdded(let event): event
        case .educationAmended(let event): event
        case .educationRemoved(let event): event
        case .trainingAdded(let event): event
        case .trainingAmended(let event): event
        case .trainingRemoved(let event): event
        case .certificateAdded(let event): event
        case .certificateAmended(let event): event
        case .certificateRemoved(let event): event
        case .chsiScanStarted(let event): event
        case .chsiResultReceived(let event): event
        case .applicationSubmitted(let event): event
        case .entryLocked(let event): event
        case .entryUnlocked(let event): event
        case .entryVerified(let event): event
        case .applicationAbandoned(let event): event
        case .basicInfoCorrected(let event): event
        case .applicationApproved(let event): event
        case .applicationRejected(let event): event
        case .applicationApprovalWithdrawn(let event): event
        case .entryVerificationWithdrawn(let event): event
        case .applicationSigned(let event): event
        case .paymentStarted(let event): event
        case .paymentConfirmed(let event): event
        case .paymentFailed(let event): event
        case .refundRecorded(let event): event
        case .passwordChanged(let event): event
        case .recoveryQuestionChanged(let event): event
        }
    }

    /// The application the event concerns, if it concerns one (a submission, a lock, a review decision, a payment).
    public var applicationID: String? {
        switch self {
        case .applicationSubmitted(let e): e.applicationID
        case .entryLocked(let e): e.applicationID
        case .entryUnlocked(let e): e.applicationID
        case .entryVerified(let e): e.applicationID
        case .applicationAbandoned(let e): e.applicationID
        case .basicInfoCorrected(let e): e.applicationID
        case .applicationApproved(let e): e.applicationID
        case .applicationApprovalWithdrawn(let e): e.applicationID
        case .entryVerificationWithdrawn(let e): e.applicationID
        case .applicationRejected(let e): e.applicationID
        case .applicationSigned(let e): e.applicationID
        case .paymentStarted(let e): e.applicationID
        case .paymentConfirmed(let e): e.applicationID
        case .paymentFailed(let e): e.applicationID
        case .refundRecorded(let e): e.applicationID
        case .registered, .contactUpdated, .workUpdated, .educationAdded, .educationAmended, .educationRemoved, .trainingAdded,
            .trainingAmended, .trainingRemoved, .certificateAdded, .certificateAmended, .certificateRemoved, .chsiScanStarted,
            .chsiResultReceived, .passwordChanged, .recoveryQuestionChanged:
            nil
        }
    }

    /// Every payload type of the stream, one per case.
    public static let payloadTypes: [any DomainEvent.Type] = [
        CandidateRegistered.self,
        ContactDetailsUpdated.self,
        WorkDetailsUpdated.self,
        EducationEntryAdded.self,
        EducationEntryAmended.self,
        EducationEntryRemoved.self,
        TrainingEntryAdded.self,
        TrainingEntryAmended.self,
        TrainingEntryRemoved.self,
        CertificateEntryAdded.self,
        CertificateEntryAmended.self,
        CertificateEntryRemoved.self,
        ChsiScanStarted.self,
        ChsiResultReceived.self,
        ApplicationSubmitted.self,
        EntryLocked.self,
        EntryUnlocked.self,
        EntryVerified.self,
        ApplicationAbandoned.self,
        BasicInfoCorrected.self,
        ApplicationApproved.self,
        ApplicationRejected.self,
        ApplicationApprovalWithdrawn.self,
        EntryVerificationWithdrawn.self,
        ApplicationSigned.self,
        PaymentStarted.self,
        PaymentConfirmed.self,
        PaymentFailed.self,
        RefundRecorded.self,
        PasswordChanged.self,
        RecoveryQuestionChanged.self,
    ]

    /// Wraps a decoded payload, or nil if it is not a candidate event.
    public init?(payload: any DomainEvent) {
        guard let event = Self.wrap(payload) else { return nil }
        self = event
    }

    /// Wraps a decoded payload of a statically known type, or nil if it is not one of this family's: one comparison
    /// of types per case, which a replay does for every stored event (casting an existential costs several times more).
    public static func wrap<Payload: DomainEvent>(_ payload: Payload) -> Self? {
        if let event = cast(payload, to: CandidateRegistered.self) { return .registered(event) }
        if let event = cast(payload, to: ContactDetailsUpdated.self) { return .contactUpdated(event) }
        if let event = cast(payload, to: WorkDetailsUpdated.self) { return .workUpdated(event) }
        if let event = cast(payload, to: EducationEntryAdded.self) { return .educationAdded(event) }
        if let event = cast(payload, to: EducationEntryAmended.self) { return .educationAmended(event) }
        if let event = cast(payload, to: EducationEntryRemoved.self) { return .educationRemoved(event) }
        if let event = cast(payload, to: TrainingEntryAdded.self) { return .trainingAdded(event) }
        if let event = cast(payload, to: TrainingEntryAmended.self) { return .trainingAmended(event) }
        if let event = cast(payload, to: TrainingEntryRemoved.self) { return .trainingRemoved(event) }
        if let event = cast(payload, to: CertificateEntryAdded.self) { return .certificateAdded(event) }
        if let event = cast(payload, to: CertificateEntryAmended.self) { return .certificateAmended(event) }
        if let event = cast(payload, to: CertificateEntryRemoved.self) { return .certificateRemoved(event) }
        if let event = cast(payload, to: ChsiScanStarted.self) { return .chsiScanStarted(event) }
        if let event = cast(payload, to: ChsiResultReceived.self) { return .chsiResultReceived(event) }
        if let event = cast(payload, to: ApplicationSubmitted.self) { return .applicationSubmitted(event) }
        if let event = cast(payload, to: EntryLocked.self) { return .entryLocked(event) }
        if let event = cast(payload, to: EntryUnlocked.self) { return .entryUnlocked(event) }
        if let event = cast(payload, to: EntryVerified.self) { return .entryVerified(event) }
        if let event = cast(payload, to: ApplicationAbandoned.self) { return .applicationAbandoned(event) }
        if let event = cast(payload, to: BasicInfoCorrected.self) { return .basicInfoCorrected(event) }
        if let event = cast(payload, to: ApplicationApproved.self) { return .applicationApproved(event) }
        if let event = cast(payload, to: ApplicationRejected.self) { return .applicationRejected(event) }
        if let event = cast(payload, to: ApplicationApprovalWithdrawn.self) { return .applicationApprovalWithdrawn(event) }
        if let event = cast(payload, to: EntryVerificationWithdrawn.self) { return .entryVerificationWithdrawn(event) }
        if let event = cast(payload, to: ApplicationSigned.self) { return .applicationSigned(event) }
        if let event = cast(payload, to: PaymentStarted.self) { return .paymentStarted(event) }
        if let event = cast(payload, to: PaymentConfirmed.self) { return .paymentConfirmed(event) }
        if let event = cast(payload, to: PaymentFailed.self) { return .paymentFailed(event) }
        if let event = cast(payload, to: RefundRecorded.self) { return .refundRecorded(event) }
        if let event = cast(payload, to: PasswordChanged.self) { return .passwordChanged(event) }
        if let event = cast(payload, to: RecoveryQuestionChanged.self) { return .recoveryQuestionChanged(event) }
        return nil
    }
}
