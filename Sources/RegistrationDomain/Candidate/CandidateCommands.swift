// Candidate commands: plain values from the application layer, which also supplies every id and the clock.

/// 注册: creates the registration file. The password and the recovery answer are validated here and never stored in an event; the application layer hashes them.
public struct RegisterCandidate: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The permanent username.
    public var username: String
    /// 姓名.
    public var name: String
    /// 姓(拼音).
    public var surnamePinyin: String
    /// 名(拼音).
    public var givenNamePinyin: String
    /// 证件类型 (raw ``IDType``).
    public var idType: String
    /// 证件号码.
    public var idNumber: String
    /// 性别: typed for every ID type except 居民身份证 (where, if given, it must match the number).
    public var sex: String?
    /// 出生日期 `YYYY-MM-DD`: typed for every ID type except 居民身份证 (where, if given, it must match).
    public var birthDate: String?
    /// 国籍: 中国 for every ID type but the foreign passport.
    public var nationality: String
    /// 民族; defaults to 其它 for a foreign passport.
    public var ethnicity: String?
    /// 本人身份 1…6, only for army, armed-police and public-security units.
    public var identity: Int?
    /// 密码 (5–12 letters and digits).
    public var password: String
    /// 密码找回问题.
    public var recoveryQuestion: String
    /// 密码找回答案 (4–30 characters).
    public var recoveryAnswer: String

    /// Creates the value.
    public init(
        candidateID: String,
        username: String,
        name: String,
        surnamePinyin: String,
        givenNamePinyin: String,
        idType: String,
        idNumber: String,
        sex: String? = nil,
        birthDate: String? = nil,
        nationality: String,
        ethnicity: String? = nil,
        identity: Int? = nil,
        password: String,
        recoveryQuestion: String,
        recoveryAnswer: String
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
        self.password = password
        self.recoveryQuestion = recoveryQuestion
        self.recoveryAnswer = recoveryAnswer
    }
}

/// 联系方式 as typed.
public struct ContactInput: Codable, Sendable, Equatable {
    /// 家庭电话 `区号-号码[-分机]`.
    public var homePhone: String?
    /// 单位电话 `区号-号码[-分机]`.
    public var workPhone: String?
    /// 手机.
    public var mobile: String
    /// 电子邮件.
    public var email: String?
    /// 联系地址.
    public var address: String
    /// 邮政编码.
    public var postcode: String

    /// Creates the value.
    public init(
        homePhone: String? = nil,
        workPhone: String? = nil,
        mobile: String,
        email: String? = nil,
        address: String,
        postcode: String
    ) {
        self.homePhone = homePhone
        self.workPhone = workPhone
        self.mobile = mobile
        self.email = email
        self.address = address
        self.postcode = postcode
    }
}

/// Replaces 联系方式. Mobile and postcode follow the mainland rules when the ID type is a mainland one.
public struct UpdateContactDetails: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The new values.
    public var contact: ContactInput

    /// Creates the value.
    public init(
        candidateID: String,
        contact: ContactInput
    ) {
        self.candidateID = candidateID
        self.contact = contact
    }
}

/// 工作情况 as typed.
public struct WorkInput: Codable, Sendable, Equatable {
    /// 在岗情况 (raw ``OnDutyStatus``).
    public var onDutyStatus: String
    /// 工作单位 (students: the internship unit).
    public var workUnit: String
    /// 职称.
    public var title: String?
    /// 获得职称年月 `YYYY-MM`; needs a title.
    public var titleObtained: String?

    /// Creates the value.
    public init(
        onDutyStatus: String,
        workUnit: String,
        title: String? = nil,
        titleObtained: String? = nil
    ) {
        self.onDutyStatus = onDutyStatus
        self.workUnit = workUnit
        self.title = title
        self.titleObtained = titleObtained
    }
}

/// Replaces 工作情况.
public struct UpdateWorkDetails: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The new values.
    public var work: WorkInput

    /// Creates the value.
    public init(
        candidateID: String,
        work: WorkInput
    ) {
        self.candidateID = candidateID
        self.work = work
    }
}

/// An education entry as typed.
public struct EducationInput: Codable, Sendable, Equatable {
    /// 类型 (raw ``EducationRegion``).
    public var region: String
    /// 学校.
    public var school: String?
    /// 类别 (raw ``EducationCategory``).
    public var category: String
    /// 入学时间 `YYYY-MM`.
    public var enrolment: String?
    /// 毕业年月 `YYYY-MM`, not before enrolment.
    public var graduation: String?
    /// 学习形式 (raw ``StudyForm``).
    public var studyForm: String?
    /// 学历 (raw ``EducationLevel``).
    public var level: String
    /// 学位 (raw ``Degree``).
    public var degree: String?
    /// 学制 (raw ``StudyLength``).
    public var length: String?
    /// 专业.
    public var major: String?
    /// 初中起点五年制大专临床专业 (专科 only).
    public var fiveYearJuniorCollegeClinical: Bool
    /// 硕博连读 (graduate levels only): the certificate number may be empty.
    public var combinedMasterDoctor: Bool
    /// 毕业证书编号: the number printed on the certificate, digits only, at most 18 (the 18-digit 电子注册号 for a
    /// mainland 专科-or-higher certificate of 2001 or later), or empty where allowed.
    public var certificateNumber: String

    /// Creates the value.
    public init(
        region: String,
        school: String? = nil,
        category: String,
        enrolment: String? = nil,
        graduation: String? = nil,
        studyForm: String? = nil,
        level: String,
        degree: String? = nil,
        length: String? = nil,
        major: String? = nil,
        fiveYearJuniorCollegeClinical: Bool = false,
        combinedMasterDoctor: Bool = false,
        certificateNumber: String = ""
    ) {
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
    }
}

/// Adds an education entry.
public struct AddEducationEntry: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The new entry's id.
    public var entryID: String
    /// The entry.
    public var education: EducationInput

    /// Creates the value.
    public init(
        candidateID: String,
        entryID: String,
        education: EducationInput
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.education = education
    }
}

/// Replaces an unlocked education entry.
public struct AmendEducationEntry: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String
    /// The new values.
    public var education: EducationInput

    /// Creates the value.
    public init(
        candidateID: String,
        entryID: String,
        education: EducationInput
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.education = education
    }
}

/// Removes an unlocked education entry.
public struct RemoveEducationEntry: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String

    /// Creates the value.
    public init(
        candidateID: String,
        entryID: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
    }
}

/// A training entry as typed.
public struct TrainingInput: Codable, Sendable, Equatable {
    /// 培训类型 (raw ``TrainingKind``).
    public var kind: String
    /// 培训基地.
    public var institution: String
    /// 培训专业.
    public var specialty: String
    /// Start `YYYY-MM`.
    public var start: String
    /// End `YYYY-MM`, not before start.
    public var end: String
    /// 证书编号.
    public var certificateNumber: String?

    /// Creates the value.
    public init(
        kind: String,
        institution: String,
        specialty: String,
        start: String,
        end: String,
        certificateNumber: String? = nil
    ) {
        self.kind = kind
        self.institution = institution
        self.specialty = specialty
        self.start = start
        self.end = end
        self.certificateNumber = certificateNumber
    }
}

/// Adds a training entry.
public struct AddTrainingEntry: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The new entry's id.
    public var entryID: String
    /// The entry.
    public var training: TrainingInput

    /// Creates the value.
    public init(
        candidateID: String,
        entryID: String,
        training: TrainingInput
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.training = training
    }
}

/// Replaces an unlocked training entry.
public struct AmendTrainingEntry: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String
    /// The new values.
    public var training: TrainingInput

    /// Creates the value.
    public init(
        candidateID: String,
        entryID: String,
        training: TrainingInput
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.training = training
    }
}

/// Removes an unlocked training entry.
public struct RemoveTrainingEntry: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String

    /// Creates the value.
    public init(
        candidateID: String,
        entryID: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
    }
}

/// A certificate entry as typed.
public struct CertificateInput: Codable, Sendable, Equatable {
    /// 证书类型 (raw ``CertificateType``).
    public var type: String
    /// 发证年月 `YYYY-MM`.
    public var issued: String
    /// 证书编号.
    public var number: String
    /// 注册年月 `YYYY-MM`, not before issue.
    public var registered: String?
    /// 注册编号.
    public var registrationNumber: String?

    /// Creates the value.
    public init(
        type: String,
        issued: String,
        number: String,
        registered: String? = nil,
        registrationNumber: String? = nil
    ) {
        self.type = type
        self.issued = issued
        self.number = number
        self.registered = registered
        self.registrationNumber = registrationNumber
    }
}

/// Adds a certificate entry.
public struct AddCertificateEntry: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The new entry's id.
    public var entryID: String
    /// The entry.
    public var certificate: CertificateInput

    /// Creates the value.
    public init(
        candidateID: String,
        entryID: String,
        certificate: CertificateInput
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.certificate = certificate
    }
}

/// Replaces an unlocked certificate entry.
public struct AmendCertificateEntry: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String
    /// The new values.
    public var certificate: CertificateInput

    /// Creates the value.
    public init(
        candidateID: String,
        entryID: String,
        certificate: CertificateInput
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.certificate = certificate
    }
}

/// Removes an unlocked certificate entry.
public struct RemoveCertificateEntry: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The entry id.
    public var entryID: String

    /// Creates the value.
    public init(
        candidateID: String,
        entryID: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
    }
}

/// 学信网验证: the candidate asks for a QR code on an education entry.
public struct StartChsiScan: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The education entry.
    public var entryID: String
    /// The new scan's id (from the application layer).
    public var scanID: String

    /// Creates the value.
    public init(
        candidateID: String,
        entryID: String,
        scanID: String
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.scanID = scanID
    }
}

/// The record CHSI returns: no certificate number, no 学制.
public struct ChsiRecord: Codable, Sendable, Equatable {
    /// 姓名.
    public var name: String
    /// 证件号码.
    public var idNumber: String
    /// 院校名称.
    public var school: String
    /// 专业名称.
    public var major: String
    /// 层次.
    public var level: String
    /// 学习形式.
    public var studyForm: String
    /// 学历类别.
    public var educationCategory: String
    /// 入学日期 `YYYYMMDD`.
    public var enrolmentDate: String
    /// 毕业日期 `YYYYMMDD`.
    public var graduationDate: String
    /// 毕业结论.
    public var conclusion: String

    /// Creates the value.
    public init(
        name: String,
        idNumber: String,
        school: String,
        major: String,
        level: String,
        studyForm: String,
        educationCategory: String,
        enrolmentDate: String,
        graduationDate: String,
        conclusion: String
    ) {
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
    }
}

/// CHSI's answer to a scan (from the CHSI adapter only). A repeated answer to the same scan is ignored.
public struct RecordChsiResult: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The education entry.
    public var entryID: String
    /// The scan it answers.
    public var scanID: String
    /// The returned record.
    public var record: ChsiRecord

    /// Creates the value.
    public init(
        candidateID: String,
        entryID: String,
        scanID: String,
        record: ChsiRecord
    ) {
        self.candidateID = candidateID
        self.entryID = entryID
        self.scanID = scanID
        self.record = record
    }
}

/// The application photo, stored by the application layer.
public struct PhotoUpload: Codable, Sendable, Equatable {
    /// The stored photo's id.
    public var photoID: String
    /// The file format: `jpg` (or `jpeg`), any case.
    public var format: String
    /// The file size in bytes.
    public var sizeBytes: Int

    /// Creates the value.
    public init(
        photoID: String,
        format: String,
        sizeBytes: Int
    ) {
        self.photoID = photoID
        self.format = format
        self.sizeBytes = sizeBytes
    }
}

/// 考试报名: submits an application during online registration and locks every ticked entry.
public struct SubmitApplication: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// The exam code.
    public var examCode: String
    /// Ticked education entries (at least one).
    public var educationEntryIDs: [String]
    /// Ticked training entries (residency training only).
    public var trainingEntryIDs: [String]
    /// The ticked certificate.
    public var certificateEntryID: String?
    /// 考区.
    public var areaCode: String
    /// 考点 (in that area).
    public var siteCode: String
    /// 累计报考次数; nil means 1.
    public var attemptCount: Int?
    /// 加试科目 (raw ``AdditionalSubject``).
    public var additionalSubject: String?
    /// The photo.
    public var photo: PhotoUpload
    /// 往来大陆通行证编号 (Hong Kong, Macau, Taiwan only).
    public var passNumber: String?
    /// 工作岗位: required with the 院前急救 or 儿科 additional subject (the post the candidate works in).
    public var workPost: String?

    /// Creates the value.
    public init(
        candidateID: String,
        applicationID: String,
        examCode: String,
        educationEntryIDs: [String],
        trainingEntryIDs: [String] = [],
        certificateEntryID: String? = nil,
        areaCode: String,
        siteCode: String,
        attemptCount: Int? = nil,
        additionalSubject: String? = nil,
        photo: PhotoUpload,
        passNumber: String? = nil,
        workPost: String? = nil
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.examCode = examCode
        self.educationEntryIDs = educationEntryIDs
        self.trainingEntryIDs = trainingEntryIDs
        self.certificateEntryID = certificateEntryID
        self.areaCode = areaCode
        self.siteCode = siteCode
        self.attemptCount = attemptCount
        self.additionalSubject = additionalSubject
        self.photo = photo
        self.passNumber = passNumber
        self.workPost = workPost
    }
}

/// 放弃报考 during online registration, before signature: unlocks the ticked entries.
public struct AbandonApplication: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String

    /// Creates the value.
    public init(
        candidateID: String,
        applicationID: String
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
    }
}

/// A reviewer corrects one basic-information field during on-site review, with a reason.
public struct CorrectBasicInfo: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// The field.
    public var field: BasicInfoField
    /// The corrected value.
    public var newValue: String
    /// Why (mandatory).
    public var reason: String
    /// With `field` ``BasicInfoField/idNumber``: the 证件类型 of the document in hand, when it is not the registered
    /// one (the number is `newValue`, which may stay the same). Only among the documents of one region
    /// (``IDType/correctionGroup``).
    public var idType: String?

    /// Creates the value.
    public init(
        candidateID: String,
        applicationID: String,
        field: BasicInfoField,
        newValue: String,
        reason: String,
        idType: String? = nil
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.field = field
        self.newValue = newValue
        self.reason = reason
        self.idType = idType
    }
}

/// 现场资格审核 passed: verifies the ticked entries.
public struct ApproveApplication: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// The reviewer's note (审核意见): why the application passes although CHSI's record of a ticked education entry
    /// differs from the declaration or names another person. Required then, optional otherwise.
    public var note: String?

    /// Creates the value.
    public init(
        candidateID: String,
        applicationID: String,
        note: String? = nil
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.note = note
    }
}

/// 现场资格审核 failed, with a reason: unlocks the ticked entries.
public struct RejectApplication: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// Why (mandatory).
    public var reason: String

    /// Creates the value.
    public init(
        candidateID: String,
        applicationID: String,
        reason: String
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.reason = reason
    }
}

/// 签字确认 at the review site, after approval.
public struct RecordSignature: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String

    /// Creates the value.
    public init(
        candidateID: String,
        applicationID: String
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
    }
}

/// 撤销审核通过: the site's reviewer reopens an approved application the candidate has not signed (a mis-click, a
/// document found wrong after all), with a reason.
public struct WithdrawApproval: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// Why (mandatory, kept in the event and the audit trail).
    public var reason: String

    /// Creates the value.
    public init(candidateID: String, applicationID: String, reason: String) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.reason = reason
    }
}

/// Starts a payment attempt with the bank.
public struct StartPayment: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// Our new order number (from the application layer).
    public var orderNumber: String
    /// Amount in fen.
    public var amountFen: Int

    /// Creates the value.
    public init(
        candidateID: String,
        applicationID: String,
        orderNumber: String,
        amountFen: Int
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.orderNumber = orderNumber
        self.amountFen = amountFen
    }
}

/// The bank's answer for an order (from the bank adapter only), possibly late or repeated.
public struct RecordBankResult: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// Our order number.
    public var orderNumber: String
    /// The bank's transaction id (idempotency key).
    public var bankTransactionID: String
    /// Paid, or failed.
    public var succeeded: Bool
    /// The amount the bank reports, in fen.
    public var amountFen: Int
    /// The bank's reason when it failed.
    public var failureReason: String?

    /// Creates the value.
    public init(
        candidateID: String,
        applicationID: String,
        orderNumber: String,
        bankTransactionID: String,
        succeeded: Bool,
        amountFen: Int,
        failureReason: String? = nil
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.orderNumber = orderNumber
        self.bankTransactionID = bankTransactionID
        self.succeeded = succeeded
        self.amountFen = amountFen
        self.failureReason = failureReason
    }
}

/// Records a refund per the area's policy (administrators).
public struct RecordRefund: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The application id.
    public var applicationID: String
    /// The new refund id.
    public var refundID: String
    /// Amount in fen.
    public var amountFen: Int
    /// Why (mandatory).
    public var reason: String

    /// Creates the value.
    public init(
        candidateID: String,
        applicationID: String,
        refundID: String,
        amountFen: Int,
        reason: String
    ) {
        self.candidateID = candidateID
        self.applicationID = applicationID
        self.refundID = refundID
        self.amountFen = amountFen
        self.reason = reason
    }
}

/// Replaces the password of a candidate's account (安全设置 / 找回密码 / 密码重置). The application layer checks what
/// proves the right to do it (the current password, or the recovery answer) before; staff give a reason.
public struct ChangePassword: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// The new password (5–12 letters and digits); it is hashed into the credentials table, never into the event.
    public var newPassword: String
    /// How.
    public var method: PasswordChangeMethod
    /// Why (required from staff).
    public var reason: String?

    /// Creates the value.
    public init(candidateID: String, newPassword: String, method: PasswordChangeMethod, reason: String? = nil) {
        self.candidateID = candidateID
        self.newPassword = newPassword
        self.method = method
        self.reason = reason
    }
}

/// Replaces the recovery question and answer (安全设置 密码找回设置); the application layer checks the current password
/// before.
public struct ChangeRecoveryQuestion: Codable, Sendable, Equatable {
    /// The candidate's file (stream) id.
    public var candidateID: String
    /// 密码找回问题 (at most 30 characters).
    public var question: String
    /// 密码找回答案 (4–30 half-width characters); hashed into the credentials table, never into the event.
    public var answer: String

    /// Creates the value.
    public init(candidateID: String, question: String, answer: String) {
        self.candidateID = candidateID
        self.question = question
        self.answer = answer
    }
}

/// How a password was replaced.
public enum PasswordChangeMethod: String, Codable, CaseIterable, Sendable {
    /// By the candidate, logged in, with the current password (修改密码).
    case byCandidate = "self"
    /// By the candidate through the recovery question: name, ID number and answer (找回密码).
    case recovery
    /// By a reviewer of one of the candidate's sites, or an administrator, when both are forgotten (密码重置).
    case staff
}

/// Every command on a candidate's registration file.
public enum CandidateCommand: Sendable, Equatable {
    /// ``RegisterCandidate``.
    case register(RegisterCandidate)
    /// ``UpdateContactDetails``.
    case updateContact(UpdateContactDetails)
    /// ``UpdateWorkDetails``.
    case updateWork(UpdateWorkDetails)
    /// ``AddEducationEntry``.
    case addEducation(AddEducationEntry)
    /// ``AmendEducationEntry``.
    case amendEducation(AmendEducationEntry)
    /// ``RemoveEducationEntry``.
    case removeEducation(RemoveEducationEntry)
    /// ``AddTrainingEntry``.
    case addTraining(AddTrainingEntry)
    /// ``AmendTrainingEntry``.
    case amendTraining(AmendTrainingEntry)
    /// ``RemoveTrainingEntry``.
    case removeTraining(RemoveTrainingEntry)
    /// ``AddCertificateEntry``.
    case addCertificate(AddCertificateEntry)
    /// ``AmendCertificateEntry``.
    case amendCertificate(AmendCertificateEntry)
    /// ``RemoveCertificateEntry``.
    case removeCertificate(RemoveCertificateEntry)
    /// ``StartChsiScan``.
    case startChsiScan(StartChsiScan)
    /// ``RecordChsiResult``.
    case recordChsiResult(RecordChsiResult)
    /// ``SubmitApplication``.
    case submitApplication(SubmitApplication)
    /// ``AbandonApplication``.
    case abandonApplication(AbandonApplication)
    /// ``CorrectBasicInfo``.
    case correctBasicInfo(CorrectBasicInfo)
    /// ``ApproveApplication``.
    case approveApplication(ApproveApplication)
    /// ``RejectApplication``.
    case rejectApplication(RejectApplication)
    /// ``RecordSignature``.
    case recordSignature(RecordSignature)
    /// ``WithdrawApproval``.
    case withdrawApproval(WithdrawApproval)
    /// ``StartPayment``.
    case startPayment(StartPayment)
    /// ``RecordBankResult``.
    case recordBankResult(RecordBankResult)
    /// ``RecordRefund``.
    case recordRefund(RecordRefund)
    /// ``ChangePassword``.
    case changePassword(ChangePassword)
    /// ``ChangeRecoveryQuestion``.
    case changeRecoveryQuestion(ChangeRecoveryQuestion)

    /// The file the command targets.
    public var candidateID: String {
        switch self {
        case .register(let command): command.candidateID
        case .updateContact(let command): command.candidateID
        case .updateWork(let command): command.candidateID
        case .addEducation(let command): command.candidateID
        case .amendEducation(let command): command.candidateID
        case .removeEducation(let command): command.candidateID
        case .addTraining(let command): command.candidateID
        case .amendTraining(let command): command.candidateID
        case .removeTraining(let command): command.candidateID
        case .addCertificate(let command): command.candidateID
        case .amendCertificate(let command): command.candidateID
        case .removeCertificate(let command): command.candidateID
        case .startChsiScan(let command): command.candidateID
        case .recordChsiResult(let command): command.candidateID
        case .submitApplication(let command): command.candidateID
        case .abandonApplication(let command): command.candidateID
        case .correctBasicInfo(let command): command.candidateID
        case .approveApplication(let command): command.candidateID
        case .rejectApplication(let command): command.candidateID
        case .recordSignature(let command): command.candidateID
        case .withdrawApproval(let command): command.candidateID
        case .startPayment(let command): command.candidateID
        case .recordBankResult(let command): command.candidateID
        case .recordRefund(let command): command.candidateID
        case .changePassword(let command): command.candidateID
        case .changeRecoveryQuestion(let command): command.candidateID
        }
    }
}
