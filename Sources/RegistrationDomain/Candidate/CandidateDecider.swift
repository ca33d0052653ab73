import Foundation

/// A candidate's registration file: registration, profile, entries, CHSI verification, applications, review,
/// signature, payment and refunds (DOMAIN.md §1–6).
///
/// Readings of the rules where DOMAIN.md and the guides leave room:
/// - Registration is issued by the new candidate themselves: the application layer authenticates the sign-up as
///   `Actor.candidate(newCandidateID)`. "Today" for the age rule is the Beijing (UTC+8) date of `now`.
/// - Nationality is 中国 for every ID type but the foreign passport, and never 中国 for a foreign passport.
/// - Mobile and postcode follow the mainland rules when the candidate's ID type is a mainland one.
/// - An empty certificate number is allowed for 无学历, 师承/确有专长, 硕博连读 graduate entries, and graduate
///   entries while the work status is 当年毕业研究生 (the guide ties the two).
/// - The 中专 rule looks at the highest ticked education: 执业医师 exams need a 执业助理医师 certificate when it is 中专.
/// - A Hong Kong, Macau or Taiwan candidate's pass number is checked as that region's 往来大陆通行证 number and
///   defaults to the ID number when they registered with the pass itself; nobody else gives one.
/// - CHSI: the window is checked when the scan starts; the answer counts even if it arrives after the window closed.
///   Only mainland entries of 专科 and above graduating in 2001 or later are in scope; verified entries need no scan.
/// - Rejection releases the locks like abandonment does (the entries were not accepted and must stay correctable).
/// - Payment needs approval, not the signature; a new attempt needs the previous one failed, not pending (the
///   application layer queries the bank for a pending order and reports its answer).
/// - Corrections happen while the application is submitted (before the decision); sex and birth date of a
///   居民身份证 holder follow a corrected ID number, with one correction event per changed field.
public enum CandidateDecider: Decider {
    /// A candidate command with its context.
    public typealias Command = ContextualCommand<CandidateCommand>
    /// ``CandidateState``.
    public typealias State = CandidateState
    /// ``CandidateEvent``.
    public typealias Event = CandidateEvent

    /// An unregistered file.
    public static var initial: CandidateState { CandidateState() }

    /// Decides a command in its context.
    public static func decide(
        _ command: CandidateCommand,
        in context: CommandContext,
        state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        try decide(ContextualCommand(command, context), state)
    }

    /// Decides a candidate command.
    public static func decide(_ command: Command, _ state: CandidateState) throws(Rejection) -> [CandidateEvent] {
        let context = command.context
        switch command.body {
        case .register(let register): return try self.register(register, context, state)
        case .updateContact(let update): return try updateContact(update, context, state)
        case .updateWork(let update): return try updateWork(update, context, state)
        case .addEducation(let add): return try addEducation(add, context, state)
        case .amendEducation(let amend): return try amendEducation(amend, context, state)
        case .removeEducation(let remove): return try removeEducation(remove, context, state)
        case .addTraining(let add): return try addTraining(add, context, state)
        case .amendTraining(let amend): return try amendTraining(amend, context, state)
        case .removeTraining(let remove): return try removeTraining(remove, context, state)
        case .addCertificate(let add): return try addCertificate(add, context, state)
        case .amendCertificate(let amend): return try amendCertificate(amend, context, state)
        case .removeCertificate(let remove): return try removeCertificate(remove, context, state)
        case .startChsiScan(let start): return try startChsiScan(start, context, state)
        case .recordChsiResult(let record): return try recordChsiResult(record, context, state)
        case .submitApplication(let submit): return try submitApplication(submit, context, state)
        case .abandonApplication(let abandon): return try abandonApplication(abandon, context, state)
        case .correctBasicInfo(let correct): return try correctBasicInfo(correct, context, state)
        case .approveApplication(let approve): return try approveApplication(approve, context, state)
        case .rejectApplication(let reject): return try rejectApplication(reject, context, state)
        case .recordSignature(let sign): return try recordSignature(sign, context, state)
        case .withdrawApproval(let withdraw): return try withdrawApproval(withdraw, context, state)
        case .startPayment(let start): return try startPayment(start, context, state)
        case .recordBankResult(let result): return try recordBankResult(result, context, state)
        case .recordRefund(let refund): return try recordRefund(refund, context, state)
        case .changePassword(let change): return try changePassword(change, context, state)
        case .changeRecoveryQuestion(let change): return try changeRecoveryQuestion(change, context, state)
        }
    }

    // MARK: - Authorisation and lookups

    /// The actor is the candidate who owns this file.
    static func requireOwnFile(_ context: CommandContext, _ candidateID: String, action: String) throws(Rejection) {
        try context.actor.require([.candidate], action: action)
        guard context.actor.id == candidateID else {
            throw Reject.make(.authNotOwnFile, field: "candidateID", message: "只能\(action)本人的报名信息")
        }
    }

    /// The file is registered under this id; returns the basic information.
    @discardableResult
    static func requireRegistered(_ state: CandidateState, _ candidateID: String) throws(Rejection) -> BasicInfo {
        guard let basic = state.basic, state.candidateID == candidateID else {
            throw Reject.make(.candidateNotRegistered, field: "candidateID", message: "考生\(candidateID)尚未注册")
        }
        return basic
    }

    /// The application exists in this file.
    static func requireApplication(_ state: CandidateState, _ applicationID: String) throws(Rejection) -> Application {
        guard let application = state.applications[applicationID] else {
            throw Reject.make(.applicationNotFound, field: "applicationID", message: "报名记录\(applicationID)不存在")
        }
        return application
    }

    /// The actor is a reviewer of the application's site.
    static func requireReviewer(_ context: CommandContext, of application: Application, action: String) throws(Rejection) {
        try context.actor.require([.reviewer], action: action)
        guard context.actor.siteCodes.contains(application.siteCode) else {
            throw Reject.make(
                .authNotReviewerOfSite,
                field: "applicationID",
                message: "该考生报考的考点为\(application.siteCode)，不在您的审核范围内"
            )
        }
    }

    /// Nothing in a signed application changes.
    static func requireUnsigned(_ application: Application) throws(Rejection) {
        guard !application.isSigned else {
            throw Reject.make(.applicationSigned, field: "applicationID", message: "报名信息已签字确认，不能再更改")
        }
    }

    /// The current season, which must be opened and have a calendar.
    static func requireSeason(_ context: CommandContext) throws(Rejection) -> String {
        guard let seasonID = context.season.seasonID, context.season.calendar != nil else {
            throw Reject.make(.seasonNotConfigured, field: "season", message: "本年度考试尚未开放报名")
        }
        return seasonID
    }

    static func now(_ context: CommandContext) -> String { Instant.string(from: context.now) }

    // MARK: - Evolve

    /// Applies one event. Total: events that refer to unknown entries or applications change nothing.
    public static func evolve(_ state: consuming CandidateState, _ event: CandidateEvent) -> CandidateState {
        // Moved into a local and changed in place through `inout`: returning the consumed parameter itself compiled
        // to a copy of the whole state (every field retained) and a destruction of the original, at every event.
        var folded = consume state
        apply(event, to: &folded)
        return folded
    }

    private static func apply(_ event: CandidateEvent, to state: inout CandidateState) {
        switch event {
        case .registered(let e):
            state.candidateID = e.candidateID
            state.registeredAt = e.registeredAt
            state.basic = BasicInfo(
                username: e.username,
                name: e.name,
                surnamePinyin: e.surnamePinyin,
                givenNamePinyin: e.givenNamePinyin,
                idType: e.idType,
                idNumber: e.idNumber,
                sex: e.sex,
                birthDate: e.birthDate,
                nationality: e.nationality,
                ethnicity: e.ethnicity,
                identity: e.identity
            )
        case .contactUpdated(let e):
            state.contact = ContactInfo(
                homePhone: e.homePhone,
                workPhone: e.workPhone,
                mobile: e.mobile,
                email: e.email,
                address: e.address,
                postcode: e.postcode
            )
        case .workUpdated(let e):
            state.work = WorkInfo(
                onDutyStatus: e.onDutyStatus,
                workUnit: e.workUnit,
                title: e.title,
                titleObtained: e.titleObtained
            )
        case .educationAdded(let e):
            if state.education[e.entryID] == nil {
                state.education[e.entryID] = EducationEntry(
                    entryID: e.entryID,
                    order: state.nextOrder,
                    record: EducationRecord(e),
                    flags: EntryFlags(),
                    pendingScanIDs: [],
                    startedScanIDs: [],
                    chsiResults: []
                )
                state.nextOrder += 1
            }
        case .educationAmended(let e):
            state.education.changeValue(forKey: e.entryID) { $0.record = EducationRecord(e) }
        case .educationRemoved(let e):
            state.education[e.entryID] = nil
        case .trainingAdded(let e):
            if state.training[e.entryID] == nil {
                state.training[e.entryID] = TrainingEntry(
                    entryID: e.entryID,
                    order: state.nextOrder,
                    kind: e.kind,
                    institution: e.institution,
                    specialty: e.specialty,
                    start: e.start,
                    end: e.end,
                    certificateNumber: e.certificateNumber,
                    flags: EntryFlags()
                )
                state.nextOrder += 1
            }
        case .trainingAmended(let e):
            state.training.changeValue(forKey: e.entryID) { entry in
                entry.kind = e.kind
                entry.institution = e.institution
                entry.specialty = e.specialty
                entry.start = e.start
                entry.end = e.end
                entry.certificateNumber = e.certificateNumber
            }
        case .trainingRemoved(let e):
            state.training[e.entryID] = nil
        case .certificateAdded(let e):
            if state.certificates[e.entryID] == nil {
                state.certificates[e.entryID] = CertificateEntry(
                    entryID: e.entryID,
                    order: state.nextOrder,
                    type: e.type,
                    issued: e.issued,
                    number: e.number,
                    registered: e.registered,
                    registrationNumber: e.registrationNumber,
                    flags: EntryFlags()
                )
                state.nextOrder += 1
            }
        case .certificateAmended(let e):
            state.certificates.changeValue(forKey: e.entryID) { entry in
                entry.type = e.type
                entry.issued = e.issued
                entry.number = e.number
                entry.registered = e.registered
                entry.registrationNumber = e.registrationNumber
            }
        case .certificateRemoved(let e):
            state.certificates[e.entryID] = nil
        case .chsiScanStarted(let e):
            state.education.changeValue(forKey: e.entryID) { entry in
                guard !entry.startedScanIDs.contains(e.scanID) else { return }
                entry.pendingScanIDs.append(e.scanID)
                entry.startedScanIDs.append(e.scanID)
            }
        case .chsiResultReceived(let e):
            state.education.changeValue(forKey: e.entryID) { $0.receive(e) }
        case .applicationSubmitted(let e):
            if state.applications[e.applicationID] == nil {
                state.applications[e.applicationID] = Application(e)
                state.applicationOrder.append(e.applicationID)
            }
        case .entryLocked(let e):
            state.updateFlags(e.entryKind, e.entryID) { $0.lock(by: e.applicationID) }
        case .entryUnlocked(let e):
            state.updateFlags(e.entryKind, e.entryID) { $0.unlock(by: e.applicationID) }
        case .entryVerified(let e):
            state.updateFlags(e.entryKind, e.entryID) { $0.verified = true }
        case .applicationAbandoned(let e):
            state.applications.changeValue(forKey: e.applicationID) { $0.abandonedAt = e.abandonedAt }
        case .basicInfoCorrected(let e):
            if let field = BasicInfoField(rawValue: e.field) {
                state.basic?.set(field, to: e.newValue)
            } else if e.field == BasicInfo.idTypeField {
                state.basic?.idType = e.newValue
            }
            state.applications.changeValue(forKey: e.applicationID) { application in
                // A pass number taken from the ID number (a 往来大陆通行证 holder's) is the number the reviewer
                // corrected: the application must not keep the wrong one. Once the document is another (the pass
                // corrected to the identity card it goes with), the pass number stays the pass's.
                if e.field == BasicInfoField.idNumber.rawValue, IDType(rawValue: e.idType)?.isMainlandPass == true,
                    application.passNumber == e.oldValue
                {
                    application.passNumber = e.newValue
                }
                application.corrections.append(
                    Correction(
                        field: e.field,
                        oldValue: e.oldValue,
                        newValue: e.newValue,
                        reason: e.reason,
                        reviewerID: e.reviewerID,
                        correctedAt: e.correctedAt
                    )
                )
            }
        case .applicationApproved(let e):
            state.applications.changeValue(forKey: e.applicationID) { application in
                application.approvedAt = e.approvedAt
                application.approvedBy = e.reviewerID
                application.paysOnline = e.paysOnline
                application.approvalNote = e.note
            }
        case .applicationApprovalWithdrawn(let e):
            state.applications.changeValue(forKey: e.applicationID) { application in
                guard let approvedAt = application.approvedAt else { return }
                application.withdrawnApprovals =
                    (application.withdrawnApprovals ?? []) + [
                        WithdrawnApproval(
                            approvedAt: approvedAt,
                            approvedBy: application.approvedBy ?? "",
                            note: application.approvalNote,
                            withdrawnAt: e.withdrawnAt,
                            withdrawnBy: e.reviewerID,
                            reason: e.reason
                        )
                    ]
                application.approvedAt = nil
                application.approvedBy = nil
                application.paysOnline = nil
                application.approvalNote = nil
            }
        case .entryVerificationWithdrawn(let e):
            state.updateFlags(e.entryKind, e.entryID) { $0.verified = false }
        case .applicationRejected(let e):
            state.applications.changeValue(forKey: e.applicationID) { application in
                application.rejectedAt = e.rejectedAt
                application.rejectionReason = e.reason
            }
        case .applicationSigned(let e):
            state.applications.changeValue(forKey: e.applicationID) { $0.signedAt = e.signedAt }
        case .paymentStarted(let e):
            state.applications.changeValue(forKey: e.applicationID) { application in
                application.payments.append(
                    PaymentAttempt(
                        orderNumber: e.orderNumber,
                        amountFen: e.amountFen,
                        startedAt: e.startedAt,
                        outcome: .pending,
                        bankTransactionIDs: [],
                        confirmedAt: nil,
                        failureReason: nil
                    )
                )
            }
        case .paymentConfirmed(let e):
            state.updatePayment(e.applicationID, e.orderNumber) { attempt in
                attempt.bankTransactionIDs.append(e.bankTransactionID)
                attempt.outcome = .succeeded
                attempt.confirmedAt = e.confirmedAt
                // A failure the bank reported before it confirmed the order stays on record (reconciliation reads it).
            }
        case .paymentFailed(let e):
            state.updatePayment(e.applicationID, e.orderNumber) { attempt in
                attempt.bankTransactionIDs.append(e.bankTransactionID)
                if attempt.outcome != .succeeded {
                    attempt.outcome = .failed
                    attempt.failureReason = e.reason
                }
            }
        case .refundRecorded(let e):
            state.applications.changeValue(forKey: e.applicationID) { application in
                application.refunds.append(
                    Refund(refundID: e.refundID, amountFen: e.amountFen, reason: e.reason, recordedAt: e.recordedAt)
                )
            }
        case .passwordChanged, .recoveryQuestionChanged:
            // The file does not change: the credentials are outside the log; the event is the audit record.
            break
        }
    }
}

extension EducationEntry {
    fileprivate mutating func receive(_ e: ChsiResultReceived) {
        pendingScanIDs.removeAll { $0 == e.scanID }
        // A wrong pick is corrected by scanning again, and the answer to the first scan may still come later: the
        // results stay in the order their scans started, so that the newest scan's answer remains the current one.
        // A scan this file has no start of (a fold that skipped it) ranks after every known one, as it arrives.
        let started = startedScanIDs
        func rank(_ scanID: String) -> Int { started.firstIndex(of: scanID) ?? started.count }
        let rankOfThis = rank(e.scanID)
        let index = chsiResults.firstIndex { rank($0.scanID) > rankOfThis } ?? chsiResults.endIndex
        chsiResults.insert(ChsiResult(e), at: index)
    }
}

extension CandidateState {
    fileprivate mutating func updateFlags(_ kind: String, _ entryID: String, _ change: (inout EntryFlags) -> Void) {
        switch ProfileEntryKind(rawValue: kind) {
        case .education: education.changeValue(forKey: entryID) { change(&$0.flags) }
        case .training: training.changeValue(forKey: entryID) { change(&$0.flags) }
        case .certificate: certificates.changeValue(forKey: entryID) { change(&$0.flags) }
        case nil: break
        }
    }

    fileprivate mutating func updatePayment(
        _ applicationID: String,
        _ orderNumber: String,
        _ change: (inout PaymentAttempt) -> Void
    ) {
        applications.changeValue(forKey: applicationID) { application in
            guard let index = application.payments.lastIndex(where: { $0.orderNumber == orderNumber }) else { return }
            change(&application.payments[index])
        }
    }
}

extension EducationRecord {
    init(_ e: EducationEntryAdded) {
        self.init(
            region: e.region,
            school: e.school,
            category: e.category,
            enrolment: e.enrolment,
            graduation: e.graduation,
            studyForm: e.studyForm,
            level: e.level,
            degree: e.degree,
            length: e.length,
            major: e.major,
            fiveYearJuniorCollegeClinical: e.fiveYearJuniorCollegeClinical,
            combinedMasterDoctor: e.combinedMasterDoctor,
            certificateNumber: e.certificateNumber
        )
    }

    init(_ e: EducationEntryAmended) {
        self.init(
            region: e.region,
            school: e.school,
            category: e.category,
            enrolment: e.enrolment,
            graduation: e.graduation,
            studyForm: e.studyForm,
            level: e.level,
            degree: e.degree,
            length: e.length,
            major: e.major,
            fiveYearJuniorCollegeClinical: e.fiveYearJuniorCollegeClinical,
            combinedMasterDoctor: e.combinedMasterDoctor,
            certificateNumber: e.certificateNumber
        )
    }
}

extension ChsiResult {
    init(_ e: ChsiResultReceived) {
        self.init(
            scanID: e.scanID,
            name: e.name,
            idNumber: e.idNumber,
            school: e.school,
            major: e.major,
            level: e.level,
            studyForm: e.studyForm,
            educationCategory: e.educationCategory,
            enrolmentDate: e.enrolmentDate,
            graduationDate: e.graduationDate,
            conclusion: e.conclusion,
            nameMatches: e.nameMatches,
            idNumberMatches: e.idNumberMatches,
            receivedAt: e.receivedAt
        )
    }
}

extension Application {
    init(_ e: ApplicationSubmitted) {
        self.init(
            applicationID: e.applicationID,
            seasonID: e.seasonID,
            examCode: e.examCode,
            examLevel: e.examLevel,
            examCategory: e.examCategory,
            educationEntryIDs: e.educationEntryIDs,
            trainingEntryIDs: e.trainingEntryIDs,
            certificateEntryID: e.certificateEntryID,
            areaCode: e.areaCode,
            siteCode: e.siteCode,
            attemptCount: e.attemptCount,
            additionalSubject: e.additionalSubject,
            photoID: e.photoID,
            photoFormat: e.photoFormat,
            photoSizeBytes: e.photoSizeBytes,
            passNumber: e.passNumber,
            identity: e.identity,
            onDutyStatus: e.onDutyStatus,
            workUnit: e.workUnit,
            title: e.title,
            workPost: e.workPost,
            submittedAt: e.submittedAt,
            abandonedAt: nil,
            approvedAt: nil,
            approvedBy: nil,
            rejectedAt: nil,
            rejectionReason: nil,
            signedAt: nil,
            corrections: [],
            payments: [],
            refunds: []
        )
    }
}

extension Dictionary {
    /// Changes the value stored for `key`, when there is one, where it lies in the table. (`dict[key]?.field = x`
    /// moves the whole value out into an optional and back, copying a large struct such as an application twice.)
    @inline(__always)
    mutating func changeValue(forKey key: Key, _ change: (inout Value) -> Void) {
        guard let index = index(forKey: key) else { return }
        change(&values[index])
    }
}
