import Foundation

/// 基本信息: set at registration; only a reviewer corrects it afterwards. Values are the event's texts.
public struct BasicInfo: Codable, Equatable, Sendable {
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
    /// 性别 (raw ``Sex``).
    public var sex: String
    /// 出生日期 `YYYY-MM-DD`.
    public var birthDate: String
    /// 国籍.
    public var nationality: String
    /// 民族.
    public var ethnicity: String
    /// 本人身份 1…6.
    public var identity: Int?

    /// The `field` of a ``BasicInfoCorrected`` that changes the 证件类型: not a ``BasicInfoField`` of its own, since
    /// the type is corrected only with the number it goes with (``CorrectBasicInfo/idType``).
    public static let idTypeField = "idType"

    /// The ID type, if known.
    public var idTypeValue: IDType? { IDType(rawValue: idType) }
    /// The identity, if any.
    public var identityValue: MilitaryIdentity? { identity.flatMap(MilitaryIdentity.init(rawValue:)) }
    /// 现役军人 (identity 1, 2, 4 or 5).
    public var isActiveServiceman: Bool { identityValue?.isActiveService ?? false }
    /// Holders of a Hong Kong, Macau or Taiwan pass or ID, who need a pass number to apply.
    public var isHongKongMacauTaiwan: Bool {
        switch idTypeValue {
        case .taiwanPass, .taiwanID, .hongKongPass, .hongKongID, .macauPass, .macauID: true
        default: false
        }
    }

    /// The current value of a correctable field, as text.
    public func value(of field: BasicInfoField) -> String {
        switch field {
        case .name: name
        case .surnamePinyin: surnamePinyin
        case .givenNamePinyin: givenNamePinyin
        case .idNumber: idNumber
        case .sex: sex
        case .birthDate: birthDate
        case .nationality: nationality
        case .ethnicity: ethnicity
        case .identity: identity.map(String.init) ?? ""
        }
    }

    /// Sets a field from its text (as a correction event carries it).
    mutating func set(_ field: BasicInfoField, to value: String) {
        switch field {
        case .name: name = value
        case .surnamePinyin: surnamePinyin = value
        case .givenNamePinyin: givenNamePinyin = value
        case .idNumber: idNumber = value
        case .sex: sex = value
        case .birthDate: birthDate = value
        case .nationality: nationality = value
        case .ethnicity: ethnicity = value
        case .identity: identity = Int(value)
        }
    }
}

/// 联系方式.
public struct ContactInfo: Codable, Equatable, Sendable {
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
}

/// 工作情况.
public struct WorkInfo: Codable, Equatable, Sendable {
    /// 在岗情况 (raw ``OnDutyStatus``).
    public var onDutyStatus: String
    /// 工作单位.
    public var workUnit: String
    /// 职称.
    public var title: String?
    /// 获得职称年月.
    public var titleObtained: String?
}

/// The declared content of an education entry (as the events carry it).
public struct EducationRecord: Codable, Equatable, Sendable {
    /// 类型 (raw ``EducationRegion``).
    public var region: String
    /// 学校.
    public var school: String?
    /// 类别 (raw ``EducationCategory``).
    public var category: String
    /// 入学时间 `YYYY-MM`.
    public var enrolment: String?
    /// 毕业年月 `YYYY-MM`.
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
    /// 初中起点五年制大专临床专业.
    public var fiveYearJuniorCollegeClinical: Bool
    /// 硕博连读.
    public var combinedMasterDoctor: Bool
    /// 毕业证书编号.
    public var certificateNumber: String

    /// The level, if known.
    public var levelValue: EducationLevel? { EducationLevel(rawValue: level) }
}

/// A CHSI result kept in an entry's history.
public struct ChsiResult: Codable, Equatable, Sendable {
    /// The scan it answers.
    public var scanID: String
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
    /// CHSI's name equals the candidate's.
    public var nameMatches: Bool
    /// CHSI's ID number equals the candidate's.
    public var idNumberMatches: Bool
    /// When it arrived (ISO-8601 UTC).
    public var receivedAt: String

    /// A red flag for the reviewer: CHSI's record belongs to someone else (or the registration is wrong).
    public var isIdentityMismatch: Bool { !nameMatches || !idNumberMatches }
}

/// Lock and verification flags shared by the three kinds of entries.
public struct EntryFlags: Codable, Equatable, Sendable {
    /// Applications holding a lock on the entry, sorted. 已锁定 when not empty.
    public var lockedBy: [String] = []
    /// 已审核.
    public var verified: Bool = false

    /// 已锁定.
    public var isLocked: Bool { !lockedBy.isEmpty }

    mutating func lock(by applicationID: String) {
        if !lockedBy.contains(applicationID) {
            lockedBy.append(applicationID)
            lockedBy.sort()
        }
    }

    mutating func unlock(by applicationID: String) {
        lockedBy.removeAll { $0 == applicationID }
    }
}

/// An education entry with its flags and CHSI history.
public struct EducationEntry: Codable, Equatable, Sendable {
    /// The entry id.
    public var entryID: String
    /// Position in the order entries were added (for display).
    public var order: Int
    /// The declared content.
    public var record: EducationRecord
    /// Locked and verified flags.
    public var flags: EntryFlags
    /// Scans started and not answered yet. On a verified entry their answers are refused (`chsi.entry_verified`):
    /// see ``awaitedScanIDs``.
    public var pendingScanIDs: [String]
    /// Every scan started on the entry, oldest first (answered: started and no longer pending; a repeated answer is
    /// ignored).
    public var startedScanIDs: [String]
    /// Every CHSI result, in the order their scans started; the last one is current.
    public var chsiResults: [ChsiResult]

    /// The current CHSI result: the answer to the newest scan supersedes the older ones, even when an older scan's
    /// answer arrives after it.
    public var currentChsiResult: ChsiResult? { chsiResults.last }

    /// The scans whose answer would still be recorded: the pending ones, unless approval verified the entry (what the
    /// reviewer approved stays, so a later answer is refused).
    public var awaitedScanIDs: [String] { flags.verified ? [] : pendingScanIDs }

    /// Whether CHSI has answered the scan.
    public func hasAnswered(_ scanID: String) -> Bool {
        startedScanIDs.contains(scanID) && !pendingScanIDs.contains(scanID)
    }
}

/// A training entry.
public struct TrainingEntry: Codable, Equatable, Sendable {
    /// The entry id.
    public var entryID: String
    /// Position in the order entries were added.
    public var order: Int
    /// 培训类型 (raw ``TrainingKind``).
    public var kind: String
    /// 培训基地.
    public var institution: String
    /// 培训专业.
    public var specialty: String
    /// Start `YYYY-MM`.
    public var start: String
    /// End `YYYY-MM`.
    public var end: String
    /// 证书编号.
    public var certificateNumber: String?
    /// Locked and verified flags.
    public var flags: EntryFlags
}

/// A certificate entry.
public struct CertificateEntry: Codable, Equatable, Sendable {
    /// The entry id.
    public var entryID: String
    /// Position in the order entries were added.
    public var order: Int
    /// 证书类型 (raw ``CertificateType``).
    public var type: String
    /// 发证年月.
    public var issued: String
    /// 证书编号.
    public var number: String
    /// 注册年月.
    public var registered: String?
    /// 注册编号.
    public var registrationNumber: String?
    /// Locked and verified flags.
    public var flags: EntryFlags
}

/// Where an application stands. Derived from its recorded facts, most advanced first: refunded, paid, signed,
/// approved or rejected, abandoned, submitted.
public enum ApplicationStatus: String, Codable, CaseIterable, Sendable {
    /// 已提交: waiting for on-site review.
    case submitted
    /// 已放弃.
    case abandoned
    /// 审核通过.
    case approved
    /// 审核未通过.
    case rejected
    /// 已签字确认.
    case signed
    /// 已缴费.
    case paid
    /// 已退费 (refunds cover everything paid).
    case refunded

    /// The label shown to candidates.
    public var label: String {
        switch self {
        case .submitted: "已报名，待现场审核"
        case .abandoned: "已放弃报考"
        case .approved: "审核通过"
        case .rejected: "审核未通过"
        case .signed: "已签字确认"
        case .paid: "已缴费"
        case .refunded: "已退费"
        }
    }
}

/// Where an application's payment stands.
public enum PaymentStatus: String, Codable, CaseIterable, Sendable {
    /// 未缴费.
    case unpaid
    /// 待银行确认: an attempt awaits the bank.
    case pending
    /// 缴费失败: the latest attempt failed; a new one is allowed.
    case failed
    /// 已缴费.
    case paid
    /// 已缴费, and the bank confirmed more than one order: the excess (``Application/excessFen``) awaits a refund.
    case overpaid
    /// 已退费.
    case refunded

    /// The label shown to candidates.
    public var label: String {
        switch self {
        case .unpaid: "未缴费"
        case .pending: "缴费处理中，请稍后刷新"
        case .failed: "缴费失败"
        case .paid: "已缴费"
        case .overpaid: "已缴费（重复缴费，多缴部分待退还）"
        case .refunded: "已退费"
        }
    }
}

/// The outcome of one payment attempt.
public enum PaymentOutcome: String, Codable, CaseIterable, Sendable {
    /// No answer from the bank yet.
    case pending
    /// The bank reported a failure.
    case failed
    /// The bank confirmed the payment.
    case succeeded
}

/// One payment attempt (one order number).
public struct PaymentAttempt: Codable, Equatable, Sendable {
    /// Our order number.
    public var orderNumber: String
    /// Amount in fen.
    public var amountFen: Int
    /// When it started (ISO-8601 UTC).
    public var startedAt: String
    /// The bank's answer so far.
    public var outcome: PaymentOutcome
    /// Bank transaction ids already recorded for this order (confirmations and failures).
    public var bankTransactionIDs: [String]
    /// When the bank confirmed it (ISO-8601 UTC).
    public var confirmedAt: String?
    /// The bank's failure reason: of the order's failure, or, on an order the bank confirmed after reporting a
    /// failure, of that earlier report.
    public var failureReason: String?
}

/// A recorded refund.
public struct Refund: Codable, Equatable, Sendable {
    /// The refund id.
    public var refundID: String
    /// Amount in fen.
    public var amountFen: Int
    /// Why.
    public var reason: String
    /// When (ISO-8601 UTC).
    public var recordedAt: String
}

/// A reviewer's correction of basic information, kept in the application's history.
public struct Correction: Codable, Equatable, Sendable {
    /// Raw ``BasicInfoField``.
    public var field: String
    /// The value before.
    public var oldValue: String
    /// The value after.
    public var newValue: String
    /// Why.
    public var reason: String
    /// Who.
    public var reviewerID: String
    /// When (ISO-8601 UTC).
    public var correctedAt: String
}

/// An approval the site's reviewer withdrew before the signature (撤销审核通过): what it was, and who withdrew it, when and
/// why.
public struct WithdrawnApproval: Codable, Equatable, Sendable {
    /// When it was approved (ISO-8601 UTC).
    public var approvedAt: String
    /// The approving reviewer.
    public var approvedBy: String
    /// The approval's note (审核意见), if any.
    public var note: String?
    /// When it was withdrawn (ISO-8601 UTC).
    public var withdrawnAt: String
    /// The reviewer who withdrew it.
    public var withdrawnBy: String
    /// Why.
    public var reason: String
}

/// One application (考试报名) and everything that happened to it.
public struct Application: Codable, Equatable, Sendable {
    /// The application id.
    public var applicationID: String
    /// The season.
    public var seasonID: String
    /// The exam code.
    public var examCode: String
    /// The exam's level (raw ``ExamLevel``).
    public var examLevel: String
    /// The exam's category (raw ``ExamCategory``).
    public var examCategory: String
    /// Ticked education entries.
    public var educationEntryIDs: [String]
    /// Ticked training entries.
    public var trainingEntryIDs: [String]
    /// The ticked certificate.
    public var certificateEntryID: String?
    /// 考区.
    public var areaCode: String
    /// 考点.
    public var siteCode: String
    /// 累计报考次数.
    public var attemptCount: Int
    /// 加试科目.
    public var additionalSubject: String?
    /// The photo's id.
    public var photoID: String
    /// The photo's format.
    public var photoFormat: String
    /// The photo's size in bytes.
    public var photoSizeBytes: Int
    /// 往来大陆通行证编号.
    public var passNumber: String?
    /// 本人身份 at submission.
    public var identity: Int?
    /// 在岗情况 at submission (nil for applications recorded before schema version 2 of their event).
    public var onDutyStatus: String?
    /// 工作单位 at submission.
    public var workUnit: String?
    /// 职称 at submission.
    public var title: String?
    /// 工作岗位 of a 院前急救 or 儿科 additional subject.
    public var workPost: String?
    /// When it was submitted (ISO-8601 UTC).
    public var submittedAt: String
    /// When it was abandoned.
    public var abandonedAt: String?
    /// When it was approved, and by whom.
    public var approvedAt: String?
    /// The approving reviewer.
    public var approvedBy: String?
    /// Whether its area took payments online when it was approved (``ApplicationApproved/paysOnline``).
    public var paysOnline: Bool?
    /// The reviewer's note of the approval (审核意见), if any.
    public var approvalNote: String?
    /// Approvals withdrawn before the signature, oldest first; nil when none (the application is submitted again after
    /// each).
    public var withdrawnApprovals: [WithdrawnApproval]?
    /// When it was rejected.
    public var rejectedAt: String?
    /// Why it was rejected.
    public var rejectionReason: String?
    /// When the signature was recorded.
    public var signedAt: String?
    /// Corrections of basic information made during its review, oldest first.
    public var corrections: [Correction]
    /// Payment attempts, oldest first.
    public var payments: [PaymentAttempt]
    /// Refunds, oldest first.
    public var refunds: [Refund]

    /// The status, derived from the recorded facts.
    public var status: ApplicationStatus {
        if paidFen > 0 && isWithdrawn { return .refunded }
        if paidFen > 0 { return .paid }
        if signedAt != nil { return .signed }
        if approvedAt != nil { return .approved }
        if rejectedAt != nil { return .rejected }
        if abandonedAt != nil { return .abandoned }
        return .submitted
    }

    /// Whether it is paid online: its area takes payments online now and did when it was approved (an area that turns
    /// online payment on later keeps to the site those it told to pay there; one that turns it off stops it for all).
    public func paysOnline(in season: SeasonState) -> Bool {
        season.area(areaCode)?.onlinePayment == true && paysOnline != false
    }

    /// Live applications count against "one per season": everything but abandoned and rejected ones.
    public var isLive: Bool { abandonedAt == nil && rejectedAt == nil }

    /// Passed review (and was not later rejected).
    public var isApproved: Bool { approvedAt != nil && rejectedAt == nil }

    /// Signed: nothing in the application changes any more.
    public var isSigned: Bool { signedAt != nil }

    /// The payment status.
    public var paymentStatus: PaymentStatus {
        if paidFen > 0 { return excessFen > 0 ? .overpaid : isWithdrawn ? .refunded : .paid }
        switch payments.last?.outcome {
        case nil: return .unpaid
        case .pending: return .pending
        case .failed, .succeeded: return .failed
        }
    }

    /// Total confirmed payments, in fen.
    public var paidFen: Int {
        payments.filter { $0.outcome == .succeeded }.reduce(0) { $0 + $1.amountFen }
    }

    /// Total refunds, in fen.
    public var refundedFen: Int { refunds.reduce(0) { $0 + $1.amountFen } }

    /// What was paid beyond the fee and not yet refunded, in fen: the bank confirmed a second order (an earlier one
    /// it answered late, after the candidate had paid again). The fee is the first confirmed order's amount; once
    /// the fee was refunded in full (``isWithdrawn``), everything the bank confirms after is excess.
    public var excessFen: Int {
        guard let fee = payments.first(where: { $0.outcome == .succeeded })?.amountFen else { return 0 }
        let net = paidFen - refundedFen
        return max(0, isWithdrawn ? net : net - fee)
    }

    /// Refunded in full at some point: a refund brought what was refunded up to what had been confirmed by then (the
    /// candidate withdrew and got the fee back). It stays 已退费 if the bank later confirms an older order: that money
    /// is an excess to return, not a fee paid again. "By then" compares the recorded times (ISO-8601, one server
    /// clock): a refund is recorded only after a confirmation, which the refund command requires.
    public var isWithdrawn: Bool {
        var refunded = 0
        for refund in refunds {
            refunded += refund.amountFen
            let confirmedBy = payments.filter { $0.outcome == .succeeded && ($0.confirmedAt ?? "") <= refund.recordedAt }
                .reduce(0) { $0 + $1.amountFen }
            if confirmedBy > 0 && refunded >= confirmedBy { return true }
        }
        return false
    }

    /// The newest payment attempt if it still awaits the bank and is younger than
    /// ``CandidateDecider/paymentConfirmationTimeout`` at `now`: it blocks a new attempt. An older one no longer
    /// does (the bank may still confirm it; a second confirmation is then an excess to refund).
    public func blockingPendingPayment(at now: Date) -> PaymentAttempt? {
        guard let last = payments.last, last.outcome == .pending else { return nil }
        guard let ends = pendingPaymentBlockEnds else { return last }
        return now < ends ? last : nil
    }

    /// When the newest payment attempt, if it awaits the bank, stops blocking a new one: its start plus
    /// ``CandidateDecider/paymentConfirmationTimeout`` (nil when nothing is pending, or its start does not parse).
    public var pendingPaymentBlockEnds: Date? {
        guard let last = payments.last, last.outcome == .pending, let started = Instant.date(from: last.startedAt) else { return nil }
        return started.addingTimeInterval(CandidateDecider.paymentConfirmationTimeout)
    }

    /// Every ticked entry, with its kind.
    public var tickedEntries: [(kind: ProfileEntryKind, entryID: String)] {
        educationEntryIDs.map { (ProfileEntryKind.education, $0) } + trainingEntryIDs.map { (.training, $0) }
            + (certificateEntryID.map { [(ProfileEntryKind.certificate, $0)] } ?? [])
    }
}

/// What a candidate can or should do next; computed for read models and pages.
public enum CandidateAction: String, Codable, CaseIterable, Sendable {
    /// Fill in 联系方式.
    case completeContact
    /// Fill in 工作情况.
    case completeWork
    /// Add at least one education entry.
    case addEducation
    /// 学信网验证 of a higher-education entry without a CHSI result, or whose result is another person's record (a
    /// wrong pick, corrected by scanning again); window open.
    case verifyEducationWithChsi
    /// 开始新的报名 (online registration open, no live application this season).
    case submitApplication
    /// 打印网上报名成功通知单.
    case printSuccessNotice
    /// 放弃报考 (online registration open, application submitted).
    case abandonApplication
    /// Attend on-site review at the chosen site (submitted, before the review window closes).
    case attendReview
    /// Sign the application form at the site (approved, not signed, on-site review open).
    case signForm
    /// 缴费 (signed, area with online payment, window open, nothing paid, no attempt awaiting the bank).
    case pay
    /// 缴费 as the exam area's notice says: signed, nothing paid, in an area without online payment, until the
    /// payment window closes.
    case payAsAreaInstructs
    /// Wait for the bank's confirmation (an attempt is pending).
    case awaitBankConfirmation
    /// Wait for the refund of a second payment the bank confirmed (``PaymentStatus/overpaid``).
    case awaitExcessRefund
}

/// A candidate's registration file: basic information, profile, entries, applications.
public struct CandidateState: Codable, Equatable, Sendable {
    /// Bumped whenever the encoded shape changes; snapshots of another version are ignored. Version 2: the compact
    /// binary form (`CandidateState+CompactBinary.swift`) instead of JSON. Version 3: an education entry keeps every
    /// scan it started, in order (`startedScanIDs`, which replaced the answered ones), and its CHSI results in the
    /// order of their scans; an application keeps the work information it was submitted with. Version 4: a reviewer's
    /// correction of the ID number also corrects the application's pass number when it was that number, and a
    /// payment confirmed after a failure report keeps that report's reason. Version 5: an application keeps whether it
    /// is paid online (set at approval) and the approval's note. Version 6: the approvals withdrawn before the
    /// signature.
    public static let stateSchemaVersion = 6

    /// The candidate id; nil before registration.
    public var candidateID: String?
    /// When the candidate registered (ISO-8601 UTC).
    public var registeredAt: String?
    /// 基本信息; nil before registration.
    public var basic: BasicInfo?
    /// 联系方式.
    public var contact: ContactInfo?
    /// 工作情况.
    public var work: WorkInfo?
    /// Education entries by id.
    public var education: [String: EducationEntry]
    /// Training entries by id.
    public var training: [String: TrainingEntry]
    /// Certificate entries by id.
    public var certificates: [String: CertificateEntry]
    /// Applications by id.
    public var applications: [String: Application]
    /// The order of the next entry or application (a counter for display order).
    public var nextOrder: Int
    /// Application ids in submission order.
    public var applicationOrder: [String]

    /// Creates an empty (unregistered) file.
    public init() {
        education = [:]
        training = [:]
        certificates = [:]
        applications = [:]
        nextOrder = 0
        applicationOrder = []
    }

    /// Registered.
    public var isRegistered: Bool { candidateID != nil && basic != nil }

    /// Education entries in the order they were added.
    public var educationInOrder: [EducationEntry] { education.values.sorted { $0.order < $1.order } }
    /// Training entries in the order they were added.
    public var trainingInOrder: [TrainingEntry] { training.values.sorted { $0.order < $1.order } }
    /// Certificate entries in the order they were added.
    public var certificatesInOrder: [CertificateEntry] { certificates.values.sorted { $0.order < $1.order } }
    /// Applications in submission order.
    public var applicationsInOrder: [Application] { applicationOrder.compactMap { applications[$0] } }

    /// Whether a reviewer of one of `sites` reviews this candidate: the candidate has an application there that was
    /// not abandoned (a rejected one still counts: its reviewer answers for the rejection). The one rule for reading
    /// the file, following it in the live feed and resetting the password: an abandoned application leaves its site
    /// nothing to review, and its reviewers no access to the candidate who now applies elsewhere.
    public func isReviewed(atAnyOf sites: [String]) -> Bool {
        applications.values.contains { $0.abandonedAt == nil && sites.contains($0.siteCode) }
    }

    /// The newest application, if any (the last of ``applicationsInOrder``, without copying the others).
    public var newestApplication: Application? { applicationOrder.last.flatMap { applications[$0] } }

    /// The live application of a season, if any.
    public func liveApplication(season seasonID: String) -> Application? {
        // Newest first: the live one is almost always the newest, so the others are not copied.
        for id in applicationOrder.reversed() {
            if let application = applications[id], application.seasonID == seasonID, application.isLive { return application }
        }
        return nil
    }

    /// The lock and verification flags of an entry.
    public func flags(_ kind: ProfileEntryKind, _ entryID: String) -> EntryFlags? {
        switch kind {
        case .education: education[entryID]?.flags
        case .training: training[entryID]?.flags
        case .certificate: certificates[entryID]?.flags
        }
    }

    /// The education entries a CHSI scan may start from now: any (nil) before online registration opens; from then on
    /// only those the season's live application ticked, as the real system offers the scan during review only on the
    /// submitted application's "报考学历" row (the CHSI guide, 资格审核期间). Whether CHSI is open at all is the
    /// calendar's question (`SeasonState.isChsiVerificationOpen`).
    public func chsiScannableEntryIDs(at now: Date, season: SeasonState) -> Set<String>? {
        guard let calendar = season.calendar, now >= calendar.registrationOpens else { return nil }
        return Set(season.seasonID.flatMap { liveApplication(season: $0) }?.educationEntryIDs ?? [])
    }

    /// Whether a CHSI record is in the candidate's name and ID number as the file has them now: a reviewer's
    /// correction of either is compared against, as the reviewer's comparison does, rather than the registration's
    /// values that the result's own flags (``ChsiResult/nameMatches``) were computed with when it arrived.
    public func chsiIdentityMatches(_ result: ChsiResult) -> Bool {
        guard let basic else { return false }
        return result.name == basic.name && result.idNumber.uppercased() == basic.idNumber.uppercased()
    }

    /// What the candidate can or should do next, in a stable order.
    public func nextActions(at now: Date, season: SeasonState) -> [CandidateAction] {
        guard isRegistered else { return [] }
        var actions: [CandidateAction] = []
        if contact == nil { actions.append(.completeContact) }
        if work == nil { actions.append(.completeWork) }
        if education.isEmpty { actions.append(.addEducation) }
        let scannable = chsiScannableEntryIDs(at: now, season: season)
        if season.isChsiVerificationOpen(at: now),
            education.values.contains(where: { entry in
                (entry.currentChsiResult.map { !chsiIdentityMatches($0) } ?? true) && !entry.flags.verified
                    && CandidateDecider.chsiScope(entry.record) == nil
                    && scannable.map { $0.contains(entry.entryID) } != false
            })
        {
            actions.append(.verifyEducationWithChsi)
        }
        guard let seasonID = season.seasonID else { return actions }
        let live = liveApplication(season: seasonID)
        if season.isRegistrationOpen(at: now) && live == nil { actions.append(.submitApplication) }
        guard let live else { return actions }
        switch live.status {
        case .submitted:
            actions.append(.printSuccessNotice)
            if season.isRegistrationOpen(at: now) {
                actions.append(.abandonApplication)
            } else if let calendar = season.calendar, now < calendar.reviewCloses {
                // Once the review window has closed nobody reviews the application: nothing is left to attend.
                actions.append(.attendReview)
            }
        case .approved, .signed, .paid, .refunded, .abandoned, .rejected:
            if live.isApproved && !live.isSigned && season.isReviewOpen(at: now) { actions.append(.signForm) }
            let paysOnline = live.paysOnline(in: season)
            let mayPay = live.isApproved && live.isSigned && season.isPaymentOpen(at: now) && paysOnline
            switch live.paymentStatus {
            case .pending:
                if live.blockingPendingPayment(at: now) != nil || !mayPay {
                    actions.append(.awaitBankConfirmation)
                } else {
                    actions.append(.pay)
                }
            case .unpaid, .failed:
                if mayPay { actions.append(.pay) }
                if live.isApproved && live.isSigned && !paysOnline,
                    let calendar = season.calendar, now < calendar.paymentCloses, live.refunds.isEmpty
                {
                    actions.append(.payAsAreaInstructs)
                }
            case .overpaid:
                actions.append(.awaitExcessRefund)
            case .paid, .refunded:
                break
            }
        }
        return actions
    }
}
