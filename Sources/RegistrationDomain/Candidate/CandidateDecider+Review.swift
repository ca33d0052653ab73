import Foundation

// On-site qualification review (DOMAIN §5): corrections, approval, rejection, signature.
extension CandidateDecider {
    /// Common preconditions of reviewer actions: a reviewer of the application's site, during review, on an
    /// unsigned application.
    private static func reviewable(
        _ candidateID: String,
        _ applicationID: String,
        _ context: CommandContext,
        _ state: CandidateState,
        action: String
    ) throws(Rejection) -> (BasicInfo, Application) {
        try context.actor.require([.reviewer], action: action)
        let basic = try requireRegistered(state, candidateID)
        let application = try requireApplication(state, applicationID)
        try requireReviewer(context, of: application, action: action)
        guard context.season.isReviewOpen(at: context.now) else {
            throw Reject.make(.reviewWindowClosed, field: "applicationID", message: "当前不在现场资格审核期间")
        }
        try requireUnsigned(application)
        return (basic, application)
    }

    private static func requireSubmitted(_ application: Application, action: String) throws(Rejection) {
        guard application.status == .submitted else {
            throw Reject.make(
                .applicationInvalidStatus,
                field: "applicationID",
                message: "报名状态为“\(application.status.label)”，不能\(action)"
            )
        }
    }

    private static func reason(_ value: String) throws(Rejection) -> String {
        try Check.reason(value, label: "原因", code: .reviewReasonRequired)
    }

    // MARK: - Correct basic information

    static func correctBasicInfo(
        _ c: CorrectBasicInfo,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        if context.actor.role == .candidate {
            throw Reject.make(
                .profileBasicInfoLocked,
                field: c.field.rawValue,
                message: "基本信息注册后不能修改，如有错误请在现场资格审核时由考点工作人员修改"
            )
        }
        let (basic, application) = try reviewable(c.candidateID, c.applicationID, context, state, action: "修改基本信息")
        try requireSubmitted(application, action: "修改基本信息")
        let why = try reason(c.reason)
        let registeredType = basic.idTypeValue ?? .residentID
        let field = c.field
        let value = c.newValue
        let today = Instant.beijingDate(context.now)
        // The document in hand: the registered one, or another of the same region given with its number.
        let idType = try correctedIDType(c, registered: registeredType, basic: basic)
        guard value != basic.value(of: field) || idType != registeredType else {
            throw Reject.make(.reviewNoChange, field: "newValue", message: "新值与原值相同，无需修改")
        }
        var changes: [(BasicInfoField, String)] = value != basic.value(of: field) ? [(field, value)] : []
        switch field {
        case .name:
            try Rules.validateName(value, idType: idType, field: "newValue")
        case .surnamePinyin, .givenNamePinyin:
            try Rules.validatePinyin(value, field: "newValue")
        case .idNumber:
            try Rules.validateIDNumber(value, type: idType, field: "newValue")
            if idType == .residentID, let facts = Rules.residentIDFacts(value) {
                try Rules.validateAge(birthDate: facts.birthDate, today: today, field: "newValue")
                if facts.sex.rawValue != basic.sex { changes.append((.sex, facts.sex.rawValue)) }
                if facts.birthDate.description != basic.birthDate {
                    changes.append((.birthDate, facts.birthDate.description))
                }
            }
        case .sex, .birthDate:
            guard idType != .residentID else {
                throw Reject.make(
                    .reviewDerivedField,
                    field: "field",
                    message: "居民身份证考生的性别和出生日期由身份证号码确定，请修改证件号码"
                )
            }
            if field == .sex {
                _ = try Check.choice(value, as: Sex.self, field: "newValue", label: "性别")
            } else {
                let date = try Rules.parseCalendarDate(value, field: "newValue")
                try Rules.validateAge(birthDate: date, today: today, field: "newValue")
            }
        case .nationality:
            _ = try Check.text(value, field: "newValue", label: "国籍", maxLength: 40)
            try checkNationality(value, idType: idType, field: "newValue")
        case .ethnicity:
            _ = try checkEthnicity(value, field: "newValue")
        case .identity:
            if !value.isEmpty {
                guard let number = Int(value) else { throw Reject.invalidChoice("newValue", "本人身份", value) }
                try checkIdentity(number, idType: idType, field: "newValue")
            }
            // The submitted application cannot change: an identity that contradicts its additional subject is for the
            // reviewer to refuse the application over, not to correct into a file that breaks the rule.
            var corrected = basic
            corrected.identity = value.isEmpty ? nil : Int(value)
            let takesMilitaryMedicine = application.additionalSubject == AdditionalSubject.militaryMedicine.rawValue
            if corrected.isActiveServiceman && !takesMilitaryMedicine {
                throw Reject.make(
                    .applicationMilitaryMedicineRequired,
                    field: "newValue",
                    message: "现役军人（本人身份为1、2、4、5项）须加试军事医学，而本报名未选加试军事医学：本人身份如确为现役军人，请审核不通过并说明原因"
                )
            }
            if !corrected.isActiveServiceman && takesMilitaryMedicine {
                throw Reject.make(
                    .applicationAdditionalSubjectNotAllowed,
                    field: "newValue",
                    message: "本报名加试军事医学，只有现役军人（本人身份为1、2、4、5项）才能加试：本人身份如确非现役军人，请审核不通过并说明原因"
                )
            }
        }
        let at = now(context)
        let corrected = { (field: String, oldValue: String, newValue: String) -> CandidateEvent in
            .basicInfoCorrected(
                BasicInfoCorrected(
                    candidateID: c.candidateID,
                    applicationID: c.applicationID,
                    idType: idType.rawValue,
                    field: field,
                    oldValue: oldValue,
                    newValue: newValue,
                    reason: why,
                    reviewerID: context.actor.id,
                    correctedAt: at
                )
            )
        }
        let typeChange = idType == registeredType ? [] : [corrected(BasicInfo.idTypeField, basic.idType, idType.rawValue)]
        return typeChange + changes.map { field, newValue in corrected(field.rawValue, basic.value(of: field), newValue) }
    }

    /// The 证件类型 a correction of the number is made under: the registered one, or the type given with the number
    /// (``CorrectBasicInfo/idType``), of the same region (``IDType/correctionGroup``: the name's rule, the nationality
    /// and the application's pass number stay right) and allowed with the candidate's 本人身份.
    private static func correctedIDType(_ c: CorrectBasicInfo, registered: IDType, basic: BasicInfo) throws(Rejection) -> IDType {
        guard let typed = c.idType, !Check.isBlank(typed) else { return registered }
        let type = try Check.choice(typed, as: IDType.self, field: "idType", label: "证件类型")
        guard type != registered else { return registered }
        guard c.field == .idNumber else {
            throw Reject.make(
                .reviewIDTypeChangeRefused,
                field: "idType",
                message: "证件类型须与证件号码一起更正：请选择修改“证件号码”，填写新证件上的号码"
            )
        }
        guard type.correctionGroup == registered.correctionGroup else {
            throw Reject.make(
                .reviewIDTypeChangeRefused,
                field: "idType",
                message: "证件类型只能在同类证件之间更正（\(registered.correctionGroup)）：由“\(registered.rawValue)”改为“\(type.rawValue)”"
                    + "涉及国籍、姓名或往来大陆通行证号码等报名信息，请审核不通过并说明原因"
            )
        }
        if let identity = basic.identity { try checkIdentity(identity, idType: type, field: "idType") }
        return type
    }

    // MARK: - Approve, reject, sign

    static func approveApplication(
        _ c: ApproveApplication,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        let (_, application) = try reviewable(c.candidateID, c.applicationID, context, state, action: "审核")
        try requireSubmitted(application, action: "审核通过")
        // Approval makes the ticked entries trusted data for every later exam: over what CHSI contradicts, only with
        // the reviewer's written reason, kept with the approval.
        let differences = chsiDifferences(of: application, in: state)
        var note: String?
        if let typed = c.note, !Check.isBlank(typed) {
            note = try Check.text(typed, field: "note", label: "审核意见", maxLength: 200, halfWidth: false)
            guard Rules.saysSomething(typed) else {
                throw Reject.make(
                    .reviewApprovalNoteRequired,
                    field: "note",
                    message: "审核意见须用文字说明核对了哪些原件、为何予以通过（至少两个字），不能只填标点或符号"
                )
            }
        }
        if !differences.isEmpty && note == nil {
            throw Reject.make(
                .reviewApprovalNoteRequired,
                field: "note",
                message: "学信网核验结果与填报不符（\(differences.joined(separator: "；"))），审核通过须填写审核意见，说明核对了哪些原件、为何予以通过"
            )
        }
        // What CHSI never confirmed rests on the originals alone: the note says which were checked.
        let unconfirmed = entriesWithoutChsiResult(of: application, in: state)
        if !unconfirmed.isEmpty && note == nil {
            throw Reject.make(
                .reviewApprovalNoteRequired,
                field: "note",
                message: "\(unconfirmed.joined(separator: "、"))未经学信网核验，审核通过须填写审核意见，说明核对了哪些学历证书原件或认证材料"
            )
        }
        let verifications = application.tickedEntries.compactMap { kind, entryID -> CandidateEvent? in
            guard let flags = state.flags(kind, entryID), !flags.verified else { return nil }
            return .entryVerified(EntryVerified(entryKind: kind.rawValue, entryID: entryID, applicationID: c.applicationID))
        }
        return [
            .applicationApproved(
                ApplicationApproved(
                    candidateID: c.candidateID,
                    applicationID: c.applicationID,
                    reviewerID: context.actor.id,
                    approvedAt: now(context),
                    paysOnline: context.season.area(application.areaCode)?.onlinePayment == true,
                    note: note,
                    acceptedChsiDifferences: differences.isEmpty ? nil : differences
                )
            )
        ] + verifications
    }

    /// What CHSI's current records of the application's ticked education entries contradict, one line per entry:
    /// the rows that differ from the declaration, and a record of another person (a name or ID number not the
    /// candidate's, compared with the basic information as it is now). Entries without a CHSI result add nothing.
    public static func chsiDifferences(of application: Application, in state: CandidateState) -> [String] {
        var lines: [String] = []
        for (index, entryID) in application.educationEntryIDs.enumerated() {
            guard let entry = state.education[entryID], let result = entry.currentChsiResult else { continue }
            let comparison = EducationComparison.compare(entry.record, with: result, against: state.basic)
            var parts: [String] = []
            let rows = comparison.rows.filter { $0.verdict == .mismatch }.map(\.label)
            if !rows.isEmpty { parts.append(rows.joined(separator: "、") + "不一致") }
            if comparison.identityMismatch { parts.append("学信网记录的姓名或证件号码与考生不符") }
            if !parts.isEmpty { lines.append("报考学历\(index + 1)：" + parts.joined(separator: "，")) }
        }
        return lines
    }

    /// The application's ticked education entries that CHSI never answered for and no earlier approval verified, named
    /// as the review page numbers them (报考学历1, 报考学历2, ...).
    public static func entriesWithoutChsiResult(of application: Application, in state: CandidateState) -> [String] {
        application.educationEntryIDs.enumerated().compactMap { index, entryID in
            guard let entry = state.education[entryID], entry.currentChsiResult == nil, !entry.flags.verified else { return nil }
            return "报考学历\(index + 1)"
        }
    }

    /// A rejected application releases its locks: its entries were not accepted and the candidate must be able to
    /// correct them before the next season.
    static func rejectApplication(
        _ c: RejectApplication,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        let (_, application) = try reviewable(c.candidateID, c.applicationID, context, state, action: "审核")
        try requireSubmitted(application, action: "审核不通过")
        let why = try reason(c.reason)
        return [
            .applicationRejected(
                ApplicationRejected(
                    candidateID: c.candidateID,
                    applicationID: c.applicationID,
                    reviewerID: context.actor.id,
                    reason: why,
                    rejectedAt: now(context)
                )
            )
        ] + unlocks(application)
    }

    /// 撤销审核通过 before the signature: the application is submitted again, and the entries its approval verified lose
    /// the flag unless another approved application of the file ticks them (an approval of an earlier application
    /// stands).
    static func withdrawApproval(
        _ c: WithdrawApproval,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        let (_, application) = try reviewable(c.candidateID, c.applicationID, context, state, action: "撤销审核通过")
        guard application.status == .approved else {
            throw Reject.make(
                .applicationInvalidStatus,
                field: "applicationID",
                message: "报名状态为“\(application.status.label)”，只有审核通过、考生尚未签字确认的报名才能撤销审核通过"
            )
        }
        let why = try reason(c.reason)
        let heldElsewhere = Set(
            state.applications.values.filter { $0.applicationID != c.applicationID && $0.isApproved }
                .flatMap { $0.tickedEntries.map { "\($0.0.rawValue)/\($0.1)" } }
        )
        let withdrawals = application.tickedEntries.compactMap { kind, entryID -> CandidateEvent? in
            guard state.flags(kind, entryID)?.verified == true, !heldElsewhere.contains("\(kind.rawValue)/\(entryID)") else { return nil }
            return .entryVerificationWithdrawn(
                EntryVerificationWithdrawn(entryKind: kind.rawValue, entryID: entryID, applicationID: c.applicationID)
            )
        }
        return [
            .applicationApprovalWithdrawn(
                ApplicationApprovalWithdrawn(
                    candidateID: c.candidateID,
                    applicationID: c.applicationID,
                    reviewerID: context.actor.id,
                    reason: why,
                    withdrawnAt: now(context)
                )
            )
        ] + withdrawals
    }

    static func recordSignature(
        _ c: RecordSignature,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        // The candidate signs the printed form at the site; the site's reviewer records it. Told so, not just refused.
        if context.actor.role == .candidate {
            throw Reject.make(
                .authForbidden,
                field: "actor",
                message: "签字确认须在现场资格审核时办理：请到考点在打印的报名表上签字，由考点审核人员记录"
            )
        }
        let (_, application) = try reviewable(c.candidateID, c.applicationID, context, state, action: "记录签字确认")
        guard application.isApproved else {
            throw Reject.make(
                .applicationInvalidStatus,
                field: "applicationID",
                message: "报名状态为“\(application.status.label)”，审核通过后才能签字确认"
            )
        }
        return [
            .applicationSigned(
                ApplicationSigned(
                    candidateID: c.candidateID,
                    applicationID: c.applicationID,
                    reviewerID: context.actor.id,
                    signedAt: now(context)
                )
            )
        ]
    }
}
