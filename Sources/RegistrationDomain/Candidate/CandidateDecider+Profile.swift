import Foundation

// Registration (DOMAIN §1) and the personal profile (§2): contact, work, education, training, certificates.
extension CandidateDecider {
    // MARK: - Registration

    static func register(
        _ c: RegisterCandidate,
        _ context: CommandContext,
        _ state: CandidateState
    ) throws(Rejection)
        -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "注册")
        guard !Check.isBlank(c.candidateID) else { throw Reject.required("candidateID", "考生编号") }
        guard state.candidateID == nil else {
            throw Reject.make(
                .registrationAlreadyRegistered,
                field: "candidateID",
                message: "该账号已完成注册，请直接登录"
            )
        }
        try Rules.validateUsername(c.username)
        try Rules.validatePassword(c.password)
        _ = try Check.text(c.recoveryQuestion, field: "recoveryQuestion", label: "密码找回问题", maxLength: 30)
        try Rules.validateRecoveryAnswer(c.recoveryAnswer)
        let idType = try Check.choice(c.idType, as: IDType.self, field: "idType", label: "证件类型")
        try Rules.validateName(c.name, idType: idType)
        try Rules.validatePinyin(c.surnamePinyin, field: "surnamePinyin")
        try Rules.validatePinyin(c.givenNamePinyin, field: "givenNamePinyin")
        try Rules.validateIDNumber(c.idNumber, type: idType)
        let (sex, birthDate) = try sexAndBirthDate(c, idType: idType)
        try Rules.validateAge(birthDate: birthDate, today: Instant.beijingDate(context.now))
        let nationality = try Check.text(c.nationality, field: "nationality", label: "国籍", maxLength: 40)
        try checkNationality(nationality, idType: idType, field: "nationality")
        let ethnicity: String
        if let typed = c.ethnicity, !Check.isBlank(typed) {
            ethnicity = try checkEthnicity(typed, field: "ethnicity")
        } else if idType == .foreignPassport {
            ethnicity = Ethnicities.other
        } else {
            throw Reject.required("ethnicity", "民族")
        }
        if let identity = c.identity {
            try checkIdentity(identity, idType: idType, field: "identity")
        }
        return [
            .registered(
                CandidateRegistered(
                    candidateID: c.candidateID,
                    username: c.username,
                    name: c.name,
                    surnamePinyin: c.surnamePinyin,
                    givenNamePinyin: c.givenNamePinyin,
                    idType: idType.rawValue,
                    idNumber: c.idNumber,
                    sex: sex.rawValue,
                    birthDate: birthDate.description,
                    nationality: nationality,
                    ethnicity: ethnicity,
                    identity: c.identity,
                    registeredAt: now(context)
                )
            )
        ]
    }

    /// Derived from a 居民身份证 (a typed value must agree), typed by hand for every other ID type.
    private static func sexAndBirthDate(_ c: RegisterCandidate, idType: IDType) throws(Rejection) -> (Sex, CalendarDate) {
        if idType == .residentID {
            guard let facts = Rules.residentIDFacts(c.idNumber) else {
                // validateIDNumber passed, so this cannot happen; refuse rather than guess.
                throw Reject.make(.registrationDerivedMismatch, field: "idNumber", message: "无法从身份证号码识别性别和出生日期")
            }
            if let typed = c.sex, !Check.isBlank(typed), typed != facts.sex.rawValue {
                throw Reject.make(
                    .registrationDerivedMismatch,
                    field: "sex",
                    message: "性别与身份证号码不符：按号码应为“\(facts.sex.rawValue)”"
                )
            }
            if let typed = c.birthDate, !Check.isBlank(typed), typed != facts.birthDate.description {
                throw Reject.make(
                    .registrationDerivedMismatch,
                    field: "birthDate",
                    message: "出生日期与身份证号码不符：按号码应为\(facts.birthDate)"
                )
            }
            return (facts.sex, facts.birthDate)
        }
        let sex = try Check.choice(c.sex, as: Sex.self, field: "sex", label: "性别")
        guard let typed = c.birthDate, !Check.isBlank(typed) else { throw Reject.required("birthDate", "出生日期") }
        try Rules.validateHalfWidth(typed, field: "birthDate")
        return (sex, try Rules.parseCalendarDate(typed, field: "birthDate"))
    }

    /// 中国 for every ID type but the foreign passport; anything but 中国 for a foreign passport.
    static func checkNationality(_ nationality: String, idType: IDType, field: String) throws(Rejection) {
        guard Nationality.isListed(nationality) else { throw Reject.invalidChoice(field, "国籍", nationality) }
        if idType == .foreignPassport {
            guard nationality != Nationality.china else {
                throw Reject.make(
                    .registrationNationalityMismatch,
                    field: field,
                    message: "持外籍护照注册的考生，国籍不能为中国"
                )
            }
        } else {
            guard nationality == Nationality.china else {
                throw Reject.make(
                    .registrationNationalityMismatch,
                    field: field,
                    message: "持\(idType.rawValue)注册的考生，国籍应为中国"
                )
            }
        }
    }

    /// One of the listed ethnicities.
    static func checkEthnicity(_ ethnicity: String, field: String) throws(Rejection) -> String {
        guard Ethnicities.all.contains(ethnicity) else { throw Reject.invalidChoice(field, "民族", ethnicity) }
        return ethnicity
    }

    /// 1…6; active service (1, 2, 4, 5) only with a 居民身份证.
    static func checkIdentity(_ identity: Int, idType: IDType, field: String) throws(Rejection) {
        guard let value = MilitaryIdentity(rawValue: identity) else {
            throw Reject.invalidChoice(field, "本人身份", String(identity))
        }
        if value.isActiveService && idType != .residentID {
            throw Reject.make(
                .registrationActiveServiceRequiresResidentID,
                field: field,
                message: "军队文职人员及现役军人必须使用居民身份证注册账号报名"
            )
        }
    }

    // MARK: - Contact and work

    static func updateContact(
        _ c: UpdateContactDetails,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "修改")
        let basic = try requireRegistered(state, c.candidateID)
        let mainland = basic.idTypeValue?.isMainland ?? true
        let input = c.contact
        let homePhone = try optionalLandline(input.homePhone, field: "contact.homePhone")
        let workPhone = try optionalLandline(input.workPhone, field: "contact.workPhone")
        guard !Check.isBlank(input.mobile) else { throw Reject.required("contact.mobile", "手机号码") }
        try Rules.validateHalfWidth(input.mobile, field: "contact.mobile")
        try Rules.validateMobile(input.mobile, mainland: mainland)
        var email: String?
        if let typed = input.email, !Check.isBlank(typed) {
            try Rules.validateHalfWidth(typed, field: "contact.email")
            try Rules.validateEmail(typed)
            email = typed
        }
        try Rules.validateHalfWidth(input.address, field: "contact.address")
        try Rules.validateAddress(input.address)
        guard !Check.isBlank(input.postcode) else { throw Reject.required("contact.postcode", "邮政编码") }
        try Rules.validateHalfWidth(input.postcode, field: "contact.postcode")
        try Rules.validatePostcode(input.postcode, mainland: mainland)
        return [
            .contactUpdated(
                ContactDetailsUpdated(
                    candidateID: c.candidateID,
                    homePhone: homePhone,
                    workPhone: workPhone,
                    mobile: input.mobile,
                    email: email,
                    address: input.address,
                    postcode: input.postcode,
                    updatedAt: now(context)
                )
            )
        ]
    }

    private static func optionalLandline(_ value: String?, field: String) throws(Rejection) -> String? {
        guard let value, !Check.isBlank(value) else { return nil }
        try Rules.validateHalfWidth(value, field: field)
        try Rules.validateLandline(value, field: field)
        return value
    }

    static func updateWork(
        _ c: UpdateWorkDetails,
        _ context: CommandContext,
        _ state: CandidateState
    ) throws(Rejection)
        -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "修改")
        try requireRegistered(state, c.candidateID)
        let input = c.work
        let status = try Check.choice(input.onDutyStatus, as: OnDutyStatus.self, field: "work.onDutyStatus", label: "在岗情况")
        let unit = try Check.text(input.workUnit, field: "work.workUnit", label: "工作单位", maxLength: 60)
        let title = try Check.optionalText(input.title, field: "work.title", label: "职称", maxLength: 30)
        let obtained = try Check.optionalYearMonth(input.titleObtained, field: "work.titleObtained", label: "获得职称年月")
        if obtained != nil && title == nil { throw Reject.required("work.title", "职称") }
        if let obtained { try Rules.validateNotInFuture(obtained, today: Instant.beijingDate(context.now), field: "work.titleObtained") }
        if status == .graduatingGraduateStudent {
            // A graduate student gives the internship unit, typed without spaces or punctuation (the guide's 实习单位).
            try Rules.validateNoSpacesOrPunctuation(unit, field: "work.workUnit", label: "实习单位")
        }
        return [
            .workUpdated(
                WorkDetailsUpdated(
                    candidateID: c.candidateID,
                    onDutyStatus: status.rawValue,
                    workUnit: unit,
                    title: title,
                    titleObtained: obtained?.description,
                    updatedAt: now(context)
                )
            )
        ]
    }

    // MARK: - Entries: shared rules

    /// An entry id that is new in its kind.
    private static func requireNewEntry(_ exists: Bool, _ entryID: String) throws(Rejection) {
        guard !Check.isBlank(entryID) else { throw Reject.required("entryID", "条目编号") }
        guard !exists else {
            throw Reject.make(.entryAlreadyExists, field: "entryID", message: "条目\(entryID)已存在")
        }
    }

    /// An existing, unlocked entry (locked entries cannot be amended or removed until the application is abandoned).
    private static func requireUnlockedEntry(_ flags: EntryFlags?, _ entryID: String) throws(Rejection) {
        guard let flags else {
            throw Reject.make(.entryNotFound, field: "entryID", message: "条目\(entryID)不存在")
        }
        guard !flags.isLocked else {
            throw Reject.make(
                .applicationLockedEntry,
                field: "entryID",
                message: "该条目已在报名中使用并已锁定，不能修改或删除；如需修改，请在网上报名期间先放弃报考"
            )
        }
    }

    // MARK: - Education

    static func addEducation(
        _ c: AddEducationEntry,
        _ context: CommandContext,
        _ state: CandidateState
    ) throws(Rejection)
        -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "修改")
        try requireRegistered(state, c.candidateID)
        try requireNewEntry(state.education[c.entryID] != nil, c.entryID)
        let r = try validate(c.education, state: state, seasonYear: seasonYear(context))
        return [
            .educationAdded(
                EducationEntryAdded(
                    candidateID: c.candidateID,
                    entryID: c.entryID,
                    region: r.region,
                    school: r.school,
                    category: r.category,
                    enrolment: r.enrolment,
                    graduation: r.graduation,
                    studyForm: r.studyForm,
                    level: r.level,
                    degree: r.degree,
                    length: r.length,
                    major: r.major,
                    fiveYearJuniorCollegeClinical: r.fiveYearJuniorCollegeClinical,
                    combinedMasterDoctor: r.combinedMasterDoctor,
                    certificateNumber: r.certificateNumber,
                    addedAt: now(context)
                )
            )
        ]
    }

    static func amendEducation(
        _ c: AmendEducationEntry,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "修改")
        try requireRegistered(state, c.candidateID)
        try requireUnlockedEntry(state.education[c.entryID]?.flags, c.entryID)
        let r = try validate(c.education, state: state, seasonYear: seasonYear(context))
        return [
            .educationAmended(
                EducationEntryAmended(
                    candidateID: c.candidateID,
                    entryID: c.entryID,
                    region: r.region,
                    school: r.school,
                    category: r.category,
                    enrolment: r.enrolment,
                    graduation: r.graduation,
                    studyForm: r.studyForm,
                    level: r.level,
                    degree: r.degree,
                    length: r.length,
                    major: r.major,
                    fiveYearJuniorCollegeClinical: r.fiveYearJuniorCollegeClinical,
                    combinedMasterDoctor: r.combinedMasterDoctor,
                    certificateNumber: r.certificateNumber,
                    amendedAt: now(context)
                )
            )
        ]
    }

    static func removeEducation(
        _ c: RemoveEducationEntry,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "修改")
        try requireRegistered(state, c.candidateID)
        try requireUnlockedEntry(state.education[c.entryID]?.flags, c.entryID)
        return [.educationRemoved(EducationEntryRemoved(candidateID: c.candidateID, entryID: c.entryID, removedAt: now(context)))]
    }

    /// DOMAIN §2 education rules. Returns the normalised record (blank optional texts become nil). `seasonYear` is
    /// the season's year (see ``seasonYear(_:)``): a 当年毕业研究生 graduates in it or later.
    static func validate(_ input: EducationInput, state: CandidateState, seasonYear: Int) throws(Rejection) -> EducationRecord {
        let f = "education."
        let region = try Check.choice(input.region, as: EducationRegion.self, field: f + "region", label: "教育类型")
        let category = try Check.choice(input.category, as: EducationCategory.self, field: f + "category", label: "类别")
        let level = try Check.choice(input.level, as: EducationLevel.self, field: f + "level", label: "学历")
        let informal = level.isWithoutFormalEducation
        // 无学历 and 师承/确有专长 need no school and no graduation date; 无学历 needs no study form.
        let school: String?
        let enrolment: YearMonth?
        let graduation: YearMonth?
        let major: String?
        if informal {
            school = try Check.optionalText(input.school, field: f + "school", label: "学校", maxLength: 60)
            enrolment = try Check.optionalYearMonth(input.enrolment, field: f + "enrolment", label: "入学时间")
            graduation = try Check.optionalYearMonth(input.graduation, field: f + "graduation", label: "毕业年月")
            major = try Check.optionalText(input.major, field: f + "major", label: "专业", maxLength: 60)
        } else {
            school = try Check.text(input.school, field: f + "school", label: "学校", maxLength: 60)
            enrolment = try Check.yearMonth(input.enrolment, field: f + "enrolment", label: "入学时间")
            graduation = try Check.yearMonth(input.graduation, field: f + "graduation", label: "毕业年月")
            major = try Check.text(input.major, field: f + "major", label: "专业", maxLength: 60)
        }
        let born = state.basic?.birthDate
        if let enrolment { try Rules.validateNotBeforeBirth(enrolment, birthDate: born, field: f + "enrolment") }
        if let graduation { try Rules.validateNotBeforeBirth(graduation, birthDate: born, field: f + "graduation") }
        if let enrolment, let graduation, graduation < enrolment {
            throw Reject.make(
                .educationGraduationBeforeEnrolment,
                field: f + "graduation",
                message: "毕业年月（\(graduation)）不能早于入学时间（\(enrolment)）"
            )
        }
        let studyForm: StudyForm?
        if level == .none, input.studyForm.map(Check.isBlank) ?? true {
            studyForm = nil
        } else {
            studyForm = try Check.choice(input.studyForm, as: StudyForm.self, field: f + "studyForm", label: "学习形式")
        }
        let degree = try optionalChoice(input.degree, as: Degree.self, field: f + "degree", label: "学位")
        let length = try optionalChoice(input.length, as: StudyLength.self, field: f + "length", label: "学制")
        // Degrees are awarded from 本科 on (a 本科 graduate may also hold a 硕士 degree by 同等学力); 中专, 专科 and no
        // formal education award none.
        if let degree, degree != .none, ![.bachelor, .master, .doctor].contains(level) {
            throw Reject.make(
                .educationFlagNotApplicable,
                field: f + "degree",
                message: "\(level.rawValue)学历没有学位，学位请选择“无学位”"
            )
        }
        if input.fiveYearJuniorCollegeClinical && level != .juniorCollege {
            throw Reject.make(
                .educationFlagNotApplicable,
                field: f + "fiveYearJuniorCollegeClinical",
                message: "“初中起点五年制大专临床专业”只适用于专科学历"
            )
        }
        if input.combinedMasterDoctor && !level.isGraduate {
            throw Reject.make(
                .educationFlagNotApplicable,
                field: f + "combinedMasterDoctor",
                message: "“硕博连读”只适用于研究生学历"
            )
        }
        // A certificate is issued on graduation: an entry that gives its number has graduated, by the exam year at
        // the latest (9999-12 with a number is a typing slip).
        if !input.certificateNumber.isEmpty, let graduation, graduation.year > seasonYear {
            throw Rejection(
                code: "year_month.in_future",
                field: f + "graduation",
                message: "毕业年月\(graduation)晚于\(seasonYear)年：填写了毕业证书编号的学历应已毕业，请核对毕业年月"
            )
        }
        if input.certificateNumber.isEmpty {
            let reason = emptyCertificateNumberReason(
                level: level,
                region: region,
                graduation: graduation,
                combinedMasterDoctor: input.combinedMasterDoctor,
                onDutyStatus: state.work?.onDutyStatus,
                seasonYear: seasonYear,
                applying: false
            )
            if let reason {
                throw Reject.make(.educationCertificateNumberRequired, field: f + "certificateNumber", message: reason)
            }
        } else {
            try Rules.validateHalfWidth(input.certificateNumber, field: f + "certificateNumber")
            if region != .mainland && !Rules.isAllASCIIDigits(input.certificateNumber) {
                throw Rejection(
                    code: "certificate_number.invalid_character",
                    field: f + "certificateNumber",
                    message: "毕业证书编号只能填写数字；港澳台及国外学历的毕业证书上没有数字编号的，可以不填，现场审核时提交学历认证材料"
                )
            }
            try Rules.validateEducationCertificateNumber(
                input.certificateNumber,
                field: f + "certificateNumber",
                electronicRegistration: Rules.requiresElectronicRegistrationNumber(
                    mainland: region == .mainland,
                    higherEducation: level.isHigherEducation,
                    graduationYear: graduation?.year
                )
            )
        }
        return EducationRecord(
            region: region.rawValue,
            school: school,
            category: category.rawValue,
            enrolment: enrolment?.description,
            graduation: graduation?.description,
            studyForm: studyForm?.rawValue,
            level: level.rawValue,
            degree: degree?.rawValue,
            length: length?.rawValue,
            major: major,
            fiveYearJuniorCollegeClinical: input.fiveYearJuniorCollegeClinical,
            combinedMasterDoctor: input.combinedMasterDoctor,
            certificateNumber: input.certificateNumber
        )
    }

    private static func optionalChoice<Choice: RawRepresentable>(
        _ value: String?,
        as type: Choice.Type,
        field: String,
        label: String
    ) throws(Rejection) -> Choice? where Choice.RawValue == String {
        guard let value, !Check.isBlank(value) else { return nil }
        return try Check.choice(value, as: type, field: field, label: label)
    }

    /// The season's year (the exam year): the open season's (``SeasonState/year``), or, before a season is opened,
    /// the Beijing year of the command's time (the injected clock; a profile may be filled in before the season
    /// exists, and the application, which needs a season, checks again).
    static func seasonYear(_ context: CommandContext) -> Int {
        context.season.year ?? Instant.beijingDate(context.now).year
    }

    /// Why an education entry must give its certificate number (毕业证书编号), as the message a candidate reads, or nil
    /// when it may leave it empty. The guides let these leave it empty: 无学历 and 师承/确有专长 (在校研究生、无学历或
    /// 师承人员, 可不填写), 硕博连读, a 当年毕业研究生: a graduate entry (硕士, 博士) graduating in the season's year, of a
    /// candidate whose work information says 当年毕业研究生 (若本人为当年毕业研究生，尚未获取毕业证书，此处需要
    /// 选择为“当年毕业研究生”). Our reading (DOMAIN-NOTES.md): an entry from Hong Kong, Macau, Taiwan or abroad may also
    /// leave it empty: such certificates carry no mainland 统一编号, and their proof is the 学历认证书 checked on site.
    /// A graduate entry graduating after the season's year (an 在校研究生) may be saved without it (`applying` false)
    /// but not ticked for an application (`applying` true).
    static func emptyCertificateNumberReason(
        level: EducationLevel?,
        region: EducationRegion?,
        graduation: YearMonth?,
        combinedMasterDoctor: Bool,
        onDutyStatus: String?,
        seasonYear: Int,
        applying: Bool
    ) -> String? {
        if level?.isWithoutFormalEducation == true || combinedMasterDoctor { return nil }
        if let region, region != .mainland { return nil }
        let graduating = onDutyStatus == OnDutyStatus.graduatingGraduateStudent.rawValue
        if level?.isGraduate == true, let graduation {
            // Graduating after the exam year: an 在校研究生, who may record the entry without a number (在校研究生…可不
            // 填写) but applies on an education already obtained (报考类别最高学历可以选择…当年将毕业…的研究生学历或本科学历).
            if graduation.year > seasonYear {
                return applying
                    ? "毕业年月为\(graduation)，在校研究生不能以尚未毕业的研究生学历报考，请勾选已取得的学历（如本科）；"
                        + "\(seasonYear)年毕业的研究生请核对毕业年月" : nil
            }
            let thisYearsGraduate = graduation.year == seasonYear
            if thisYearsGraduate && graduating { return nil }
            if graduating {
                return "毕业年月为\(graduation)，不是\(seasonYear)年毕业的当年毕业研究生，请填写毕业证书编号"
            }
            if thisYearsGraduate {
                return "毕业年月为\(graduation)：尚未取得毕业证书的\(seasonYear)年毕业研究生，请先在工作情况中将在岗情况选为“当年毕业研究生”；"
                    + "已取得毕业证书的，请填写毕业证书编号"
            }
        }
        let electronic = Rules.requiresElectronicRegistrationNumber(
            mainland: true,
            higherEducation: level?.isHigherEducation == true,
            graduationYear: graduation?.year
        )
        return electronic
            ? "请填写毕业证书编号：2001年及以后毕业的大陆专科及以上学历，填写毕业证书上的18位电子注册号"
            : "请填写毕业证书编号：按毕业证书上的编号填写数字"
    }

    // MARK: - Training

    static func addTraining(
        _ c: AddTrainingEntry,
        _ context: CommandContext,
        _ state: CandidateState
    ) throws(Rejection)
        -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "修改")
        try requireRegistered(state, c.candidateID)
        try requireNewEntry(state.training[c.entryID] != nil, c.entryID)
        let t = try validate(c.training, birthDate: state.basic?.birthDate)
        return [
            .trainingAdded(
                TrainingEntryAdded(
                    candidateID: c.candidateID,
                    entryID: c.entryID,
                    kind: t.kind,
                    institution: t.institution,
                    specialty: t.specialty,
                    start: t.start,
                    end: t.end,
                    certificateNumber: t.certificateNumber,
                    addedAt: now(context)
                )
            )
        ]
    }

    static func amendTraining(
        _ c: AmendTrainingEntry,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "修改")
        try requireRegistered(state, c.candidateID)
        try requireUnlockedEntry(state.training[c.entryID]?.flags, c.entryID)
        let t = try validate(c.training, birthDate: state.basic?.birthDate)
        return [
            .trainingAmended(
                TrainingEntryAmended(
                    candidateID: c.candidateID,
                    entryID: c.entryID,
                    kind: t.kind,
                    institution: t.institution,
                    specialty: t.specialty,
                    start: t.start,
                    end: t.end,
                    certificateNumber: t.certificateNumber,
                    amendedAt: now(context)
                )
            )
        ]
    }

    static func removeTraining(
        _ c: RemoveTrainingEntry,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "修改")
        try requireRegistered(state, c.candidateID)
        try requireUnlockedEntry(state.training[c.entryID]?.flags, c.entryID)
        return [.trainingRemoved(TrainingEntryRemoved(candidateID: c.candidateID, entryID: c.entryID, removedAt: now(context)))]
    }

    private static func validate(_ input: TrainingInput, birthDate: String?) throws(Rejection) -> TrainingInput {
        let f = "training."
        let kind = try Check.choice(input.kind, as: TrainingKind.self, field: f + "kind", label: "培训类型")
        let institution = try Check.text(input.institution, field: f + "institution", label: "培训基地", maxLength: 60)
        let specialty = try Check.text(input.specialty, field: f + "specialty", label: "培训专业", maxLength: 60)
        let start = try Check.yearMonth(input.start, field: f + "start", label: "培训开始年月")
        let end = try Check.yearMonth(input.end, field: f + "end", label: "培训结束年月")
        try Rules.validateNotBeforeBirth(start, birthDate: birthDate, field: f + "start")
        guard start <= end else {
            throw Reject.make(
                .trainingEndBeforeStart,
                field: f + "end",
                message: "培训结束年月（\(end)）不能早于开始年月（\(start)）"
            )
        }
        let number = try Check.optionalText(input.certificateNumber, field: f + "certificateNumber", label: "证书编号", maxLength: 30)
        if let number { try Rules.validateNoSpacesOrPunctuation(number, field: f + "certificateNumber", label: "证书编号") }
        return TrainingInput(
            kind: kind.rawValue,
            institution: institution,
            specialty: specialty,
            start: start.description,
            end: end.description,
            certificateNumber: number
        )
    }

    // MARK: - Certificates

    static func addCertificate(
        _ c: AddCertificateEntry,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "修改")
        try requireRegistered(state, c.candidateID)
        try requireNewEntry(state.certificates[c.entryID] != nil, c.entryID)
        let v = try validate(c.certificate, today: Instant.beijingDate(context.now), birthDate: state.basic?.birthDate)
        return [
            .certificateAdded(
                CertificateEntryAdded(
                    candidateID: c.candidateID,
                    entryID: c.entryID,
                    type: v.type,
                    issued: v.issued,
                    number: v.number,
                    registered: v.registered,
                    registrationNumber: v.registrationNumber,
                    addedAt: now(context)
                )
            )
        ]
    }

    static func amendCertificate(
        _ c: AmendCertificateEntry,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "修改")
        try requireRegistered(state, c.candidateID)
        try requireUnlockedEntry(state.certificates[c.entryID]?.flags, c.entryID)
        let v = try validate(c.certificate, today: Instant.beijingDate(context.now), birthDate: state.basic?.birthDate)
        return [
            .certificateAmended(
                CertificateEntryAmended(
                    candidateID: c.candidateID,
                    entryID: c.entryID,
                    type: v.type,
                    issued: v.issued,
                    number: v.number,
                    registered: v.registered,
                    registrationNumber: v.registrationNumber,
                    amendedAt: now(context)
                )
            )
        ]
    }

    static func removeCertificate(
        _ c: RemoveCertificateEntry,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "修改")
        try requireRegistered(state, c.candidateID)
        try requireUnlockedEntry(state.certificates[c.entryID]?.flags, c.entryID)
        return [
            .certificateRemoved(CertificateEntryRemoved(candidateID: c.candidateID, entryID: c.entryID, removedAt: now(context)))
        ]
    }

    private static func validate(_ input: CertificateInput, today: CalendarDate, birthDate: String?) throws(Rejection) -> CertificateInput {
        let f = "certificate."
        let type = try Check.choice(input.type, as: CertificateType.self, field: f + "type", label: "证书类型")
        let issued = try Check.yearMonth(input.issued, field: f + "issued", label: "发证年月")
        try Rules.validateNotInFuture(issued, today: today, field: f + "issued")
        try Rules.validateNotBeforeBirth(issued, birthDate: birthDate, field: f + "issued")
        let number = try Check.text(input.number, field: f + "number", label: "证书编号", maxLength: 30)
        try Rules.validateNoSpacesOrPunctuation(number, field: f + "number", label: "证书编号")
        let registered = try Check.optionalYearMonth(input.registered, field: f + "registered", label: "注册年月")
        if let registered { try Rules.validateNotInFuture(registered, today: today, field: f + "registered") }
        if let registered, registered < issued {
            throw Reject.make(
                .certificateRegisteredBeforeIssued,
                field: f + "registered",
                message: "注册年月（\(registered)）不能早于发证年月（\(issued)）"
            )
        }
        let registrationNumber = try Check.optionalText(
            input.registrationNumber,
            field: f + "registrationNumber",
            label: "注册编号",
            maxLength: 30
        )
        if let registrationNumber {
            try Rules.validateNoSpacesOrPunctuation(registrationNumber, field: f + "registrationNumber", label: "注册编号")
        }
        return CertificateInput(
            type: type.rawValue,
            issued: issued.description,
            number: number,
            registered: registered?.description,
            registrationNumber: registrationNumber
        )
    }
}
