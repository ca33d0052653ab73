import Foundation

// CHSI verification (DOMAIN §3) and applications (§4): submit and abandon.
extension CandidateDecider {
    // MARK: - CHSI

    /// Why an education entry is outside CHSI's scope, or nil when CHSI can verify it: higher education (专科 and
    /// above) obtained in the mainland, graduating in 2001 or later.
    public static func chsiScope(_ record: EducationRecord) -> Rejection? {
        func refuse(_ message: String) -> Rejection {
            Reject.make(.chsiOutOfScope, field: "entryID", message: message)
        }
        guard let level = record.levelValue, level.isHigherEducation else {
            return refuse("学信网验证仅适用于专科及以上的高等教育学历")
        }
        guard record.region == EducationRegion.mainland.rawValue else {
            return refuse("港澳台及国外学历不能通过学信网验证，请在现场资格审核时提交认证材料")
        }
        if let text = record.graduation, let graduation = try? Rules.parseYearMonth(text, field: ""), graduation.year < 2001 {
            return refuse("学信网验证仅适用于2001年以来国家承认的高等教育学历证书")
        }
        return nil
    }

    static func startChsiScan(
        _ c: StartChsiScan,
        _ context: CommandContext,
        _ state: CandidateState
    ) throws(Rejection)
        -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "验证")
        try requireRegistered(state, c.candidateID)
        guard context.season.isChsiVerificationOpen(at: context.now) else {
            throw Reject.make(
                .chsiWindowClosed,
                field: "entryID",
                message: "学信网验证仅在网报开通前和资格审核期间开放，网报期间暂不开通"
            )
        }
        guard let entry = state.education[c.entryID] else {
            throw Reject.make(.entryNotFound, field: "entryID", message: "教育经历\(c.entryID)不存在")
        }
        if let outOfScope = chsiScope(entry.record) { throw outOfScope }
        guard !entry.flags.verified else {
            throw Reject.make(.chsiEntryVerified, field: "entryID", message: "该学历已审核通过，无需再进行学信网验证")
        }
        if let scannable = state.chsiScannableEntryIDs(at: context.now, season: context.season), !scannable.contains(c.entryID) {
            throw Reject.make(
                .chsiEntryNotApplied,
                field: "entryID",
                message: "资格审核期间请在已提交报名信息的“报考学历”行进行学信网验证，该学历不是本次报考学历"
            )
        }
        guard !Check.isBlank(c.scanID) else { throw Reject.required("scanID", "验证编号") }
        // A retried request for a scan still waiting is the same request; an answered scan id is never reused,
        // or its new answer would be ignored as a repeat.
        if entry.pendingScanIDs.contains(c.scanID) { return [] }
        guard !entry.startedScanIDs.contains(c.scanID) else {
            throw Reject.make(.chsiScanIDUsed, field: "scanID", message: "验证编号\(c.scanID)已使用，请重新扫码验证")
        }
        return [
            .chsiScanStarted(
                ChsiScanStarted(candidateID: c.candidateID, entryID: c.entryID, scanID: c.scanID, startedAt: now(context))
            )
        ]
    }

    /// CHSI's answer. The window was checked when the scan started; an answer arriving just after it closed still
    /// counts. A repeated answer to the same scan emits nothing.
    static func recordChsiResult(
        _ c: RecordChsiResult,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        try context.actor.require([.chsi], action: "提交学信网验证结果")
        let basic = try requireRegistered(state, c.candidateID)
        guard let entry = state.education[c.entryID] else {
            throw Reject.make(.entryNotFound, field: "entryID", message: "教育经历\(c.entryID)不存在")
        }
        if entry.hasAnswered(c.scanID) {
            // The same answer delivered again is a duplicate; another answer to an answered scan is refused, so
            // that CHSI learns its second record was not used.
            let stored = entry.chsiResults.first { $0.scanID == c.scanID }
            let r = c.record
            guard let stored,
                [stored.name, stored.idNumber, stored.school, stored.major, stored.level, stored.studyForm]
                    == [r.name, r.idNumber, r.school, r.major, r.level, r.studyForm]
                    && [stored.educationCategory, stored.enrolmentDate, stored.graduationDate, stored.conclusion]
                        == [r.educationCategory, r.enrolmentDate, r.graduationDate, r.conclusion]
            else {
                throw Reject.make(
                    .chsiScanAlreadyAnswered,
                    field: "scanID",
                    message: "该扫码请求已收到学信网的验证结果，本次结果与之不同，未予记录；如需重新验证请重新扫码"
                )
            }
            return []
        }
        guard entry.pendingScanIDs.contains(c.scanID) else {
            throw Reject.make(.chsiUnknownScan, field: "scanID", message: "没有找到对应的学信网扫码请求，请重新扫码验证")
        }
        // Approval made the entry trusted data (已审核) and froze what the reviewer compared: an answer to a scan
        // started before it arrives too late to change that.
        guard !entry.flags.verified else {
            throw Reject.make(
                .chsiEntryVerified,
                field: "scanID",
                message: "该学历已在现场资格审核中审核通过，审核前发起的学信网验证结果不再记录"
            )
        }
        let r = c.record
        func requirePresent(_ value: String, _ field: String, _ label: String) throws(Rejection) {
            guard !Check.isBlank(value) else {
                throw Reject.make(.chsiInvalidResult, field: "record.\(field)", message: "学信网返回的结果缺少\(label)")
            }
        }
        try requirePresent(r.name, "name", "姓名")
        try requirePresent(r.idNumber, "idNumber", "证件号码")
        try requirePresent(r.school, "school", "院校名称")
        try requirePresent(r.level, "level", "层次")
        try requirePresent(r.conclusion, "conclusion", "毕业结论")
        // What CHSI sends goes to the log verbatim and to the reviewer's page: no control or invisible format
        // characters, and no more than a record's field holds.
        for (value, field, label, maxLength) in [
            (r.name, "name", "姓名", 50), (r.idNumber, "idNumber", "证件号码", 32), (r.school, "school", "院校名称", 100),
            (r.major, "major", "专业", 100), (r.level, "level", "层次", 20), (r.studyForm, "studyForm", "学习形式", 20),
            (r.educationCategory, "educationCategory", "学历类别", 40), (r.conclusion, "conclusion", "毕业结论", 20),
        ] {
            do throws(Rejection) {
                try Rules.validateNoControlCharacters(value, field: "record.\(field)", label: label)
                if value.count > maxLength {
                    throw Reject.make(.chsiInvalidResult, field: "record.\(field)", message: "学信网返回的\(label)超过\(maxLength)个字符")
                }
            } catch {
                throw Reject.make(.chsiInvalidResult, field: error.field, message: "学信网返回的结果有误：\(error.message)")
            }
        }
        for (value, field, label) in [(r.enrolmentDate, "enrolmentDate", "入学日期"), (r.graduationDate, "graduationDate", "毕业日期")] {
            guard ChsiDate.parse(value) != nil else {
                throw Reject.make(
                    .chsiInvalidResult,
                    field: "record.\(field)",
                    message: "学信网返回的\(label)“\(value)”不是YYYYMMDD格式的有效日期"
                )
            }
        }
        return [
            .chsiResultReceived(
                ChsiResultReceived(
                    candidateID: c.candidateID,
                    entryID: c.entryID,
                    scanID: c.scanID,
                    name: r.name,
                    idNumber: r.idNumber,
                    school: r.school,
                    major: r.major,
                    level: r.level,
                    studyForm: r.studyForm,
                    educationCategory: r.educationCategory,
                    enrolmentDate: r.enrolmentDate,
                    graduationDate: r.graduationDate,
                    conclusion: r.conclusion,
                    nameMatches: EducationComparison.sameText(r.name, basic.name),
                    idNumberMatches: EducationComparison.sameIDNumber(r.idNumber, basic.idNumber),
                    receivedAt: now(context)
                )
            )
        ]
    }

    // MARK: - Submit

    static func submitApplication(
        _ c: SubmitApplication,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "报名")
        let basic = try requireRegistered(state, c.candidateID)
        let season = context.season
        let seasonID = try requireSeason(context)
        guard season.isRegistrationOpen(at: context.now) else {
            throw Reject.make(.applicationRegistrationClosed, field: "applicationID", message: "当前不在网上报名期间，不能提交报名")
        }
        guard !Check.isBlank(c.applicationID) else { throw Reject.required("applicationID", "报名编号") }
        guard state.applications[c.applicationID] == nil else {
            throw Reject.make(.applicationAlreadyExists, field: "applicationID", message: "报名记录\(c.applicationID)已存在")
        }
        if let live = state.liveApplication(season: seasonID) {
            throw Reject.make(
                .applicationLiveExists,
                field: "applicationID",
                message: "本年度已有有效报名（\(live.examCode)），如需重新报考请先放弃原报名"
            )
        }
        guard let exam = season.exam(c.examCode), !exam.withdrawn else {
            throw Reject.make(.applicationUnknownExam, field: "examCode", message: "考试科目\(c.examCode)不存在或已停止报名")
        }
        guard let area = season.area(c.areaCode) else {
            throw Reject.make(.applicationUnknownArea, field: "areaCode", message: "考区\(c.areaCode)不存在")
        }
        guard let site = season.site(c.siteCode) else {
            throw Reject.make(.applicationUnknownSite, field: "siteCode", message: "考点\(c.siteCode)不存在")
        }
        guard site.areaCode == area.code else {
            throw Reject.make(
                .applicationSiteNotInArea,
                field: "siteCode",
                message: "考点\(site.name)不属于考区\(area.name)，请重新选择"
            )
        }
        let attemptCount = c.attemptCount ?? 1
        guard attemptCount >= 1 else {
            throw Reject.make(.applicationAttemptCountInvalid, field: "attemptCount", message: "累计报考次数至少为1")
        }
        // The national exam has been held since 1999, at most twice a year (一年两试): more attempts than that at the
        // same level and category is a typing slip, and it would be printed on the notice.
        let mostAttempts = 2 * (seasonYear(context) - 1998)
        guard attemptCount <= mostAttempts else {
            throw Reject.make(
                .applicationAttemptCountInvalid,
                field: "attemptCount",
                message: "累计报考次数\(attemptCount)超出可能的次数（医师资格考试自1999年起举行，至多\(mostAttempts)次），请核对"
            )
        }
        let educationIDs = unique(c.educationEntryIDs)
        guard !educationIDs.isEmpty else {
            throw Reject.make(.applicationEducationRequired, field: "educationEntryIDs", message: "请勾选用于报考的教育经历")
        }
        var ticked: [EducationEntry] = []
        for (index, id) in educationIDs.enumerated() {
            guard let entry = state.education[id] else {
                throw Reject.make(.entryNotFound, field: "educationEntryIDs[\(index)]", message: "教育经历\(id)不存在")
            }
            ticked.append(entry)
        }
        try checkProfileComplete(state)
        // The account may be years old: the age limits hold on the day of applying too.
        if let birthDate = CalendarDate(iso: basic.birthDate) {
            try Rules.validateAge(birthDate: birthDate, today: Instant.beijingDate(context.now), field: "basic.birthDate")
        }
        try checkCertificateNumbers(ticked, work: state.work, seasonYear: seasonYear(context))
        try checkEducationFitsTheExam(ticked, exam: exam)
        try checkUndergraduateEntry(ticked, in: state)
        let trainingIDs = unique(c.trainingEntryIDs)
        for (index, id) in trainingIDs.enumerated() {
            guard let entry = state.training[id] else {
                throw Reject.make(.entryNotFound, field: "trainingEntryIDs[\(index)]", message: "培训经历\(id)不存在")
            }
            guard entry.kind == TrainingKind.residency.rawValue else {
                throw Reject.make(
                    .applicationTrainingNotResidency,
                    field: "trainingEntryIDs[\(index)]",
                    message: "医考报名只勾选住院医师规范化培训经历"
                )
            }
        }
        var certificate: CertificateEntry?
        if let id = c.certificateEntryID, !Check.isBlank(id) {
            guard let entry = state.certificates[id] else {
                throw Reject.make(.entryNotFound, field: "certificateEntryID", message: "证书\(id)不存在")
            }
            certificate = entry
        }
        try checkSecondaryEducationRule(exam: exam, ticked: ticked, certificate: certificate)
        try checkAssistantCertificateRegistration(exam: exam, certificate: certificate)
        try checkFiveYearCollegeRule(exam: exam, ticked: ticked, certificate: certificate, today: Instant.beijingDate(context.now))
        let subject = try checkAdditionalSubject(c.additionalSubject, exam: exam, basic: basic)
        let workPost = try checkWorkPost(c.workPost, subject: subject)
        try checkPhoto(c.photo, limit: season.photoLimitBytes)
        let passNumber = try checkPassNumber(c.passNumber, basic: basic)
        let submitted = ApplicationSubmitted(
            candidateID: c.candidateID,
            applicationID: c.applicationID,
            seasonID: seasonID,
            examCode: exam.code,
            examLevel: exam.level,
            examCategory: exam.category,
            educationEntryIDs: educationIDs,
            trainingEntryIDs: trainingIDs,
            certificateEntryID: certificate?.entryID,
            areaCode: area.code,
            siteCode: site.code,
            attemptCount: attemptCount,
            additionalSubject: subject?.rawValue,
            photoID: c.photo.photoID,
            photoFormat: c.photo.format.lowercased() == "jpeg" ? "jpg" : c.photo.format.lowercased(),
            photoSizeBytes: c.photo.sizeBytes,
            passNumber: passNumber,
            identity: basic.identity,
            onDutyStatus: state.work?.onDutyStatus,
            workUnit: state.work?.workUnit,
            title: state.work?.title,
            workPost: workPost,
            submittedAt: now(context)
        )
        let locks = Application(submitted).tickedEntries.map { kind, entryID in
            CandidateEvent.entryLocked(
                EntryLocked(entryKind: kind.rawValue, entryID: entryID, applicationID: c.applicationID)
            )
        }
        return [.applicationSubmitted(submitted)] + locks
    }

    private static func unique(_ ids: [String]) -> [String] {
        var seen: Set<String> = []
        return ids.filter { seen.insert($0).inserted }
    }

    /// The application is filled from the profile (DOMAIN.md §4): its step 2 is the work information, and the
    /// contact details are how the exam authorities reach the candidate; both are filled in first.
    private static func checkProfileComplete(_ state: CandidateState) throws(Rejection) {
        guard state.contact != nil else {
            throw Reject.make(.applicationContactRequired, field: "contact", message: "请先在个人信息中填写联系方式，再进行考试报名")
        }
        guard state.work != nil else {
            throw Reject.make(.applicationWorkRequired, field: "work", message: "请先在个人信息中填写工作情况，再进行考试报名")
        }
    }

    /// A ticked education entry may leave its certificate number empty only where ``emptyCertificateNumberReason``
    /// allows it, judged now: with the work information and the season of the application (the status may have
    /// changed since the entry was saved, and a 当年毕业研究生 graduates in the season's year).
    private static func checkCertificateNumbers(_ ticked: [EducationEntry], work: WorkInfo?, seasonYear: Int) throws(Rejection) {
        for (index, entry) in ticked.enumerated() where entry.record.certificateNumber.isEmpty {
            let reason = emptyCertificateNumberReason(
                level: entry.record.levelValue,
                region: EducationRegion(rawValue: entry.record.region),
                graduation: entry.record.graduation.flatMap(YearMonth.init(iso:)),
                combinedMasterDoctor: entry.record.combinedMasterDoctor,
                onDutyStatus: work?.onDutyStatus,
                seasonYear: seasonYear,
                applying: true
            )
            if let reason {
                throw Reject.make(
                    .educationCertificateNumberRequired,
                    field: "educationEntryIDs[\(index)]",
                    message: "所选教育经历（\(describe(entry))）未填写毕业证书编号。\(reason)"
                )
            }
        }
    }

    /// How a message names an education entry: school and level (`北京大学 硕士研究生`), or the level alone.
    private static func describe(_ entry: EducationEntry) -> String {
        [entry.record.school, entry.record.level].compactMap { $0 }.joined(separator: " ")
    }

    /// The ticked education must be one the exam accepts, in the cases the guides state plainly (DOMAIN-NOTES.md):
    ///
    /// - 无学历 and 师承/确有专长 entries are the education of the 传统医学师承/确有专长 exams only (报考传统医学师承或
    ///   确有专长类别医师资格考试的，还须提交《传统医学师承出师证书》或《传统医学医术确有专长证书》), never of a 执业医师,
    ///   执业助理医师 or 乡村全科执业助理医师 exam of the four categories;
    /// - 乡村全科执业助理医师 needs a 临床, 中医 or 中西医结合 education (具备……报考临床类别、中医类别或中西医结合类别医师资格
    ///   的学历要求): at least one ticked formal entry must be a medical education (not 高等非医学教育) whose major does
    ///   not name another category (口腔; 公共卫生 or 预防医学).
    private static func checkEducationFitsTheExam(_ ticked: [EducationEntry], exam: Exam) throws(Rejection) {
        guard let category = exam.examCategory, category != .traditionalApprenticeship else { return }
        for (index, entry) in ticked.enumerated() {
            guard let level = entry.record.levelValue, level.isWithoutFormalEducation else { continue }
            throw Reject.make(
                .applicationEducationNotEligible,
                field: "educationEntryIDs[\(index)]",
                message: "“\(level.rawValue)”不能作为报考\(exam.name)的学历；\(level == .apprenticeship ? "师承或确有专长人员请报考传统医学师承/确有专长类别的考试" : "请勾选您的毕业学历")"
            )
        }
        guard exam.examLevel == .ruralGeneralAssistant else { return }
        let qualifies = ticked.contains { entry in
            entry.record.levelValue?.rank != nil
                && entry.record.category != EducationCategory.higherNonMedical.rawValue
                && EducationMajor.otherExamCategory(entry.record.major) == nil
        }
        guard qualifies else {
            let first = ticked.first
            let what: String
            if first?.record.category == EducationCategory.higherNonMedical.rawValue {
                what = "所选教育经历为高等非医学教育"
            } else if let major = first?.record.major, let other = EducationMajor.otherExamCategory(major) {
                what = "所选教育经历的专业“\(major)”属于\(other.rawValue)类别"
            } else {
                what = "所选教育经历不符合要求"
            }
            throw Reject.make(
                .applicationEducationNotEligible,
                field: "educationEntryIDs",
                message: "报考乡村全科执业助理医师，须具备报考临床类别、中医类别或中西医结合类别医师资格的学历，\(what)"
            )
        }
    }

    /// A graduate applying with a graduate degree also records the undergraduate (本科 or 专科) entry, without ticking
    /// it (the guides: 还应补充相应本科/专科的教育经历情况（但不用勾选）). Seven- and eight-year programmes (七年制,
    /// 八年制) lead to the graduate degree with no undergraduate certificate of their own, so they need none.
    private static func checkUndergraduateEntry(_ ticked: [EducationEntry], in state: CandidateState) throws(Rejection) {
        let graduate = ticked.filter { $0.record.levelValue?.isGraduate == true }
        guard !graduate.isEmpty else { return }
        let longProgramme = graduate.contains {
            $0.record.length == StudyLength.seven.rawValue || $0.record.length == StudyLength.eight.rawValue
        }
        let hasUndergraduate = state.education.values.contains {
            $0.record.levelValue == .bachelor || $0.record.levelValue == .juniorCollege
        }
        guard longProgramme || hasUndergraduate else {
            throw Reject.make(
                .applicationUndergraduateEntryRequired,
                field: "educationEntryIDs",
                message: "以研究生学历报考，还应在教育经历中补充相应的本科或专科教育经历（不用勾选）"
            )
        }
    }

    /// 执业医师 with a 中专 education (the highest ticked level is 中专) needs a 执业助理医师 certificate; the
    /// 执业助理医师（乡镇） type does not count.
    private static func checkSecondaryEducationRule(
        exam: Exam,
        ticked: [EducationEntry],
        certificate: CertificateEntry?
    ) throws(Rejection) {
        guard exam.examLevel == .physician else { return }
        guard highestMedicalLevel(ticked) == EducationLevel.secondary.rank else { return }
        if certificate?.type == CertificateType.townshipAssistantPhysician.rawValue {
            throw Reject.make(
                .applicationTownshipCertificateNotAccepted,
                field: "certificateEntryID",
                message: "“执业助理医师（乡镇）”类型证书不具备报考执业医师的资格"
            )
        }
        guard certificate?.type == CertificateType.assistantPhysician.rawValue else {
            throw Reject.make(
                .applicationAssistantCertificateRequired,
                field: "certificateEntryID",
                message: "以中专学历报考执业医师，须选择“执业助理医师”证书"
            )
        }
    }

    /// Applying for a 执业医师 exam with a 执业助理医师 certificate needs the 注册年月 and the 注册编号 (注册登记号) of the
    /// 《医师执业证书》 as well (the guide: 只有已获得“执业助理医师”并报考“执业医师”的考生，需填写……“执业助理医师注册登记号”
    /// （即《医师执业证书》中的注册登记号码）). The profile keeps them optional: other candidates need not give them.
    private static func checkAssistantCertificateRegistration(exam: Exam, certificate: CertificateEntry?) throws(Rejection) {
        guard exam.examLevel == .physician, let certificate, certificate.type == CertificateType.assistantPhysician.rawValue else {
            return
        }
        var missing: [String] = []
        if certificate.registered.map(Check.isBlank) ?? true { missing.append("注册年月") }
        if certificate.registrationNumber.map(Check.isBlank) ?? true { missing.append("注册编号（注册登记号）") }
        guard missing.isEmpty else {
            throw Reject.make(
                .applicationCertificateRegistrationRequired,
                field: "certificateEntryID",
                message: "以执业助理医师资格报考执业医师，须在证书情况中填写《医师执业证书》上的\(missing.joined(separator: "和"))"
            )
        }
    }

    /// The highest level among the ticked entries of a medical education: a 高等非医学教育 degree (accounting by
    /// 自学考试, say) ticked beside a 中专 or a 五年制大专 makes no one eligible for a 执业医师 exam, so it does not
    /// lift the 中专 and 五年制 rules.
    static func highestMedicalLevel(_ ticked: [EducationEntry]) -> Int? {
        ticked.filter { $0.record.category != EducationCategory.higherNonMedical.rawValue }.compactMap { $0.record.levelValue?.rank }.max()
    }

    /// How long a 初中起点五年制大专 graduate practises as a 执业助理医师 before applying for 执业医师: two years (执业满两年).
    static let fiveYearCollegePracticeMonths = 24

    /// A 初中起点五年制大专临床专业 graduate applies for a 执业医师 exam only after obtaining the 执业助理医师 qualification
    /// and practising two years (the 2025 guide's 知情同意书: 五年一贯制大专毕业生取得执业助理医师资格并执业满两年后，
    /// 可以报考执业医师资格). Applies when a ticked 专科 entry has the flag and no ticked entry is higher (the rule
    /// looks at the highest ticked education, as the 中专 rule does). The certificate's 注册年月 must lie at least 24
    /// months before the month of applying (compared by month, as the certificate keeps only the month; the
    /// 执业期考核证明 is checked on site).
    private static func checkFiveYearCollegeRule(
        exam: Exam,
        ticked: [EducationEntry],
        certificate: CertificateEntry?,
        today: CalendarDate
    ) throws(Rejection) {
        guard exam.examLevel == .physician else { return }
        guard highestMedicalLevel(ticked) == EducationLevel.juniorCollege.rank,
            ticked.contains(where: { $0.record.fiveYearJuniorCollegeClinical && $0.record.levelValue == .juniorCollege })
        else { return }
        guard let certificate, certificate.type == CertificateType.assistantPhysician.rawValue else {
            throw Reject.make(
                .applicationFiveYearCollegePracticeRequired,
                field: "certificateEntryID",
                message: "以初中起点五年制大专学历报考执业医师，须取得执业助理医师资格并执业满两年，请选择“执业助理医师”证书"
                    + "（“执业助理医师（乡镇）”类型不具备报考资格）"
            )
        }
        // checkAssistantCertificateRegistration ran first: the registration month is there.
        guard let text = certificate.registered, let registered = YearMonth(iso: text) else { return }
        let months = (today.year * 12 + today.month) - (registered.year * 12 + registered.month)
        guard months >= fiveYearCollegePracticeMonths else {
            throw Reject.make(
                .applicationFiveYearCollegePracticeRequired,
                field: "certificateEntryID",
                message: "初中起点五年制大专毕业生须取得执业助理医师资格并执业满两年后才能报考执业医师："
                    + "执业证书注册年月为\(registered)，至报名时（\(YearMonth(uncheckedYear: today.year, month: today.month))）执业未满两年"
            )
        }
    }

    /// 军事医学 only for active servicemen, and active servicemen must take it; 院前急救 and 儿科 only for clinical
    /// 执业医师 exams.
    private static func checkAdditionalSubject(
        _ value: String?,
        exam: Exam,
        basic: BasicInfo
    ) throws(Rejection)
        -> AdditionalSubject?
    {
        // The guides: 现役军人（需要加考军事医学）; 现役军人在下拉列表中选择“军事医学”.
        let militaryMedicineRequired = Reject.make(
            .applicationMilitaryMedicineRequired,
            field: "additionalSubject",
            message: "现役军人（本人身份为1、2、4、5项）须加试军事医学，请在加试科目中选择“军事医学”"
        )
        let activeService = basic.isActiveServiceman
        guard let value, !Check.isBlank(value) else {
            if activeService { throw militaryMedicineRequired }
            return nil
        }
        let subject = try Check.choice(value, as: AdditionalSubject.self, field: "additionalSubject", label: "加试科目")
        if activeService && subject != .militaryMedicine { throw militaryMedicineRequired }
        switch subject {
        case .militaryMedicine:
            guard activeService else {
                throw Reject.make(
                    .applicationAdditionalSubjectNotAllowed,
                    field: "additionalSubject",
                    message: "只有现役军人（本人身份为1、2、4、5项）才能加试军事医学"
                )
            }
        case .prehospitalEmergency, .pediatrics:
            guard exam.examLevel == .physician, exam.examCategory == .clinical else {
                throw Reject.make(
                    .applicationAdditionalSubjectNotAllowed,
                    field: "additionalSubject",
                    message: "只有报考临床执业医师的考生才能加试\(subject.rawValue)"
                )
            }
        }
        return subject
    }

    /// 院前急救 and 儿科 are for candidates working in those posts (the guide: 在院前急救岗位工作…选择“院前急救”): the
    /// application names the post, which the review site checks against the unit's stamped 短线医学专业加试申请表.
    /// Without those subjects no post is given.
    private static func checkWorkPost(_ value: String?, subject: AdditionalSubject?) throws(Rejection) -> String? {
        let typed = value.flatMap { Check.isBlank($0) ? nil : $0 }
        switch subject {
        case .prehospitalEmergency, .pediatrics:
            guard let typed else {
                throw Reject.make(
                    .applicationWorkPostRequired,
                    field: "workPost",
                    message: "加试\(subject!.rawValue)须填写所在的\(subject!.rawValue)工作岗位"
                )
            }
            return try Check.text(typed, field: "workPost", label: "工作岗位", maxLength: 30)
        case .militaryMedicine, nil:
            guard typed == nil else {
                throw Reject.make(
                    .applicationWorkPostNotApplicable,
                    field: "workPost",
                    message: "只有加试院前急救或儿科时才填写工作岗位"
                )
            }
            return nil
        }
    }

    /// jpg, not empty, smaller than the season's limit (the 2025 guide: 小于30K; 文件小于30kb).
    private static func checkPhoto(_ photo: PhotoUpload, limit: Int) throws(Rejection) {
        guard !Check.isBlank(photo.photoID), photo.sizeBytes > 0 else { throw Reject.required("photo", "照片") }
        guard ["jpg", "jpeg"].contains(photo.format.lowercased()) else {
            throw Reject.make(.applicationPhotoFormat, field: "photo.format", message: "照片须为jpg格式")
        }
        guard photo.sizeBytes < limit else {
            throw Reject.make(
                .applicationPhotoTooLarge,
                field: "photo.sizeBytes",
                message: "照片文件须小于\(photoLimitText(limit))，当前为\(photo.sizeBytes)字节（\(kilobytes(photo.sizeBytes))KB），请压缩后重新上传"
            )
        }
    }

    /// The season's photo limit as messages give it: `30KB`, or bytes when not whole kilobytes.
    public static func photoLimitText(_ limit: Int) -> String {
        limit % 1024 == 0 ? "\(limit / 1024)KB" : "\(limit)字节"
    }

    /// A size in KB with one decimal, rounded up so that a photo over a limit never reads as equal to it (30721 bytes
    /// is 30.1KB).
    private static func kilobytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + 1023) / 1024
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Hong Kong, Macau and Taiwan candidates give their 往来大陆通行证 number (defaulting to their ID number when
    /// they registered with the pass itself); nobody else gives one.
    private static func checkPassNumber(_ value: String?, basic: BasicInfo) throws(Rejection) -> String? {
        let typed = value.flatMap { Check.isBlank($0) ? nil : $0 }
        let passType: IDType
        switch basic.idTypeValue {
        case .taiwanPass, .taiwanID: passType = .taiwanPass
        case .hongKongPass, .hongKongID: passType = .hongKongPass
        case .macauPass, .macauID: passType = .macauPass
        default:
            guard typed == nil else {
                throw Reject.make(
                    .applicationPassNumberNotApplicable,
                    field: "passNumber",
                    message: "只有台港澳考生需要填写往来大陆通行证编号"
                )
            }
            return nil
        }
        let pass = typed ?? (basic.idTypeValue == passType ? basic.idNumber : nil)
        guard let pass else { throw Reject.required("passNumber", "往来大陆通行证编号") }
        try Rules.validateHalfWidth(pass, field: "passNumber")
        try Rules.validateIDNumber(pass, type: passType, field: "passNumber")
        return pass
    }

    // MARK: - Abandon

    static func abandonApplication(
        _ c: AbandonApplication,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "放弃报考")
        try requireRegistered(state, c.candidateID)
        let application = try requireApplication(state, c.applicationID)
        try requireUnsigned(application)
        guard application.status == .submitted else {
            throw Reject.make(
                .applicationInvalidStatus,
                field: "applicationID",
                message: "报名状态为“\(application.status.label)”，不能放弃报考"
            )
        }
        guard context.season.isRegistrationOpen(at: context.now) else {
            throw Reject.make(
                .applicationRegistrationClosed,
                field: "applicationID",
                message: "网上报名已截止，不能放弃报考"
            )
        }
        return [
            .applicationAbandoned(
                ApplicationAbandoned(candidateID: c.candidateID, applicationID: c.applicationID, abandonedAt: now(context))
            )
        ] + unlocks(application)
    }

    /// One ``EntryUnlocked`` per ticked entry of an application.
    static func unlocks(_ application: Application) -> [CandidateEvent] {
        application.tickedEntries.map { kind, entryID in
            .entryUnlocked(EntryUnlocked(entryKind: kind.rawValue, entryID: entryID, applicationID: application.applicationID))
        }
    }
}

/// CHSI's `YYYYMMDD` dates.
public enum ChsiDate {
    /// Parses exactly eight ASCII digits forming a real date, or nil.
    public static func parse(_ text: String) -> CalendarDate? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 8, scalars.allSatisfy({ (0x30...0x39).contains($0.value) }) else { return nil }
        let digits = scalars.map { Int($0.value - 0x30) }
        let year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        return CalendarDate(year: year, month: digits[4] * 10 + digits[5], day: digits[6] * 10 + digits[7])
    }
}
