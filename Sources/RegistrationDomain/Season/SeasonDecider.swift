import Foundation

/// Opens the season stream.
public struct OpenSeason: Sendable, Equatable {
    /// The season id, e.g. `2025`.
    public var seasonID: String
    /// The title.
    public var title: String

    /// Creates the command.
    public init(seasonID: String, title: String) {
        self.seasonID = seasonID
        self.title = title
    }
}

/// Sets (or resets) the season calendar.
public struct SetSeasonCalendar: Sendable, Equatable {
    /// The calendar.
    public var calendar: SeasonCalendar

    /// Creates the command.
    public init(calendar: SeasonCalendar) {
        self.calendar = calendar
    }
}

/// Sets the photo size limit.
public struct SetPhotoSizeLimit: Sendable, Equatable {
    /// The photo size limit, in bytes (40 KB = 40960): a photo must be smaller.
    public var maximumBytes: Int

    /// Creates the command.
    public init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }
}

/// Adds an exam to the catalogue.
public struct AddExam: Sendable, Equatable {
    /// The exam code.
    public var code: String
    /// The display name.
    public var name: String
    /// 级别.
    public var level: ExamLevel
    /// 类别.
    public var category: ExamCategory

    /// Creates the command.
    public init(code: String, name: String, level: ExamLevel, category: ExamCategory) {
        self.code = code
        self.name = name
        self.level = level
        self.category = category
    }
}

/// Withdraws an exam from the catalogue.
public struct WithdrawExam: Sendable, Equatable {
    /// The exam code.
    public var code: String

    /// Creates the command.
    public init(code: String) {
        self.code = code
    }
}

/// Adds an exam area, or (as ``UpdateExamArea``) changes one.
public struct AddExamArea: Sendable, Equatable {
    /// The area code.
    public var code: String
    /// The display name.
    public var name: String
    /// Whether online payment is enabled.
    public var onlinePayment: Bool
    /// The refund policy text; required when online payment is enabled.
    public var refundPolicy: String

    /// Creates the command.
    public init(code: String, name: String, onlinePayment: Bool, refundPolicy: String) {
        self.code = code
        self.name = name
        self.onlinePayment = onlinePayment
        self.refundPolicy = refundPolicy
    }
}

/// Changes an exam area (full new values).
public typealias UpdateExamArea = AddExamArea

/// Adds an exam site to an existing area.
public struct AddExamSite: Sendable, Equatable {
    /// The site code.
    public var code: String
    /// The display name.
    public var name: String
    /// The area code.
    public var areaCode: String

    /// Creates the command.
    public init(code: String, name: String, areaCode: String) {
        self.code = code
        self.name = name
        self.areaCode = areaCode
    }
}

/// Renames an exam site (its code, area and applications stay): a site's official name changes, or was mistyped.
public struct RenameExamSite: Sendable, Equatable {
    /// The site code.
    public var code: String
    /// The new display name.
    public var name: String

    /// Creates the command.
    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

/// Every command of the season stream (administrators and the system only).
public enum SeasonCommand: Sendable, Equatable {
    /// ``OpenSeason``.
    case open(OpenSeason)
    /// ``SetSeasonCalendar``.
    case setCalendar(SetSeasonCalendar)
    /// ``SetPhotoSizeLimit``.
    case setPhotoSizeLimit(SetPhotoSizeLimit)
    /// ``AddExam``.
    case addExam(AddExam)
    /// ``WithdrawExam``.
    case withdrawExam(WithdrawExam)
    /// ``AddExamArea``.
    case addArea(AddExamArea)
    /// ``UpdateExamArea``.
    case updateArea(UpdateExamArea)
    /// ``AddExamSite``.
    case addSite(AddExamSite)
    /// ``RenameExamSite``.
    case renameSite(RenameExamSite)
}

/// The season stream: calendar, photo limit, exam catalogue, areas and sites.
public enum SeasonDecider: Decider {
    /// A season command with its context.
    public typealias Command = ContextualCommand<SeasonCommand>
    /// ``SeasonState``.
    public typealias State = SeasonState
    /// ``SeasonEvent``.
    public typealias Event = SeasonEvent

    /// The largest photo limit an administrator may set: 1 MB.
    public static let maximumPhotoLimitBytes = 1024 * 1024
    /// The smallest: 10 KB. The guides ask for 30 or 40 KB; a limit below any real photo would refuse every
    /// application.
    public static let minimumPhotoLimitBytes = 10 * 1024

    /// No season opened.
    public static var initial: SeasonState { SeasonState() }

    /// Decides a command in its context.
    public static func decide(
        _ command: SeasonCommand,
        in context: CommandContext,
        state: SeasonState
    ) throws(Rejection)
        -> [SeasonEvent]
    {
        try decide(ContextualCommand(command, context), state)
    }

    /// Decides a season command.
    public static func decide(_ command: Command, _ state: SeasonState) throws(Rejection) -> [SeasonEvent] {
        let context = command.context
        try context.actor.require([.admin, .system], action: "维护考试季设置")
        if case .open(let open) = command.body {
            guard state.seasonID == nil else {
                throw Reject.make(.seasonAlreadyOpened, field: "seasonID", message: "考试季已开启，不能重复开启")
            }
            let seasonID = try Check.text(open.seasonID, field: "seasonID", label: "考试季编号", maxLength: 20)
            let title = try Check.text(open.title, field: "title", label: "考试季名称", maxLength: 60, halfWidth: false)
            // The notice's heading is the title and the log's stream the id: a title of another year would print one
            // year on paper and keep another in the trail.
            if seasonID.count == 4, seasonID.allSatisfy(\.isASCII), seasonID.allSatisfy(\.isNumber) {
                let years = Self.years(in: title)
                if let other = years.first(where: { $0 != seasonID }) {
                    throw Reject.make(
                        .seasonTitleYearMismatch,
                        field: "title",
                        message: "考试季名称中的年份\(other)与考试季编号\(seasonID)不一致：服务器以考试季\(seasonID)运行，如需开启\(other)年考试季，请以--season \(other)启动"
                    )
                }
            }
            return [.seasonOpened(SeasonOpened(seasonID: seasonID, title: title, openedAt: Instant.string(from: context.now)))]
        }
        guard state.seasonID != nil else {
            throw Reject.make(.seasonNotOpened, field: "seasonID", message: "考试季尚未开启，请先开启考试季")
        }
        switch command.body {
        case .open:
            return []  // handled above
        case .setCalendar(let set):
            try validate(set.calendar, seasonYear: state.year)
            let calendar = set.calendar
            // The same calendar again changes nothing: no event, and no empty row in the trail.
            if let current = state.calendar, Self.instants(of: current) == Self.instants(of: calendar) { return [] }
            return [
                .calendarSet(
                    SeasonCalendarSet(
                        registrationOpens: Instant.string(from: calendar.registrationOpens),
                        registrationCloses: Instant.string(from: calendar.registrationCloses),
                        reviewOpens: Instant.string(from: calendar.reviewOpens),
                        reviewCloses: Instant.string(from: calendar.reviewCloses),
                        paymentOpens: Instant.string(from: calendar.paymentOpens),
                        paymentCloses: Instant.string(from: calendar.paymentCloses)
                    )
                )
            ]
        case .setPhotoSizeLimit(let set):
            guard (minimumPhotoLimitBytes...maximumPhotoLimitBytes).contains(set.maximumBytes) else {
                throw Reject.make(
                    .seasonPhotoLimitInvalid,
                    field: "maximumBytes",
                    message: "照片大小上限须在\(minimumPhotoLimitBytes)字节到\(maximumPhotoLimitBytes)字节之间"
                )
            }
            if set.maximumBytes == state.photoLimitBytes { return [] }
            return [.photoSizeLimitSet(PhotoSizeLimitSet(maximumBytes: set.maximumBytes))]
        case .addExam(let add):
            let code = try validCode(Check.text(add.code, field: "code", label: "考试科目代码", maxLength: 10), label: "考试科目代码")
            let name = try Check.name(add.name, field: "name", label: "考试科目名称", maxLength: 40)
            // A withdrawn exam is offered again by adding it again, as the same exam: applications already made name
            // it by its code, so its level and category stay (a withdrawal made by mistake is not for good).
            if let existing = state.exams[code] {
                guard existing.withdrawn else {
                    throw Reject.make(.seasonDuplicateExam, field: "code", message: "考试科目代码\(code)已存在")
                }
                guard existing.level == add.level.rawValue, existing.category == add.category.rawValue else {
                    throw Reject.make(
                        .seasonDuplicateExam,
                        field: "code",
                        message: "考试科目代码\(code)已撤销，重新开设须与原科目同一级别和类别（\(existing.level)、\(existing.category)）"
                    )
                }
            }
            // Candidates choose an exam by its name: two of one name split them between codes.
            if let same = state.exams.values.first(where: { !$0.withdrawn && $0.name == name }) {
                throw Reject.make(.seasonDuplicateExam, field: "name", message: "考试科目名称“\(name)”已由科目\(same.code)使用")
            }
            // 乡村全科执业助理医师 is one exam, of the clinical category (DOMAIN §4).
            guard add.level != .ruralGeneralAssistant || add.category == .clinical else {
                throw Reject.make(
                    .seasonExamCategoryInvalid,
                    field: "category",
                    message: "乡村全科执业助理医师只有临床类别，不能设为\(add.category.rawValue)"
                )
            }
            return [.examAdded(ExamAdded(code: code, name: name, level: add.level.rawValue, category: add.category.rawValue))]
        case .withdrawExam(let withdraw):
            guard let exam = state.exams[withdraw.code], !exam.withdrawn else {
                throw Reject.make(.seasonUnknownExam, field: "code", message: "考试科目\(withdraw.code)不存在或已撤销")
            }
            return [.examWithdrawn(ExamWithdrawn(code: exam.code))]
        case .addArea(let add):
            let area = try validate(add)
            guard state.areas[area.code] == nil else {
                throw Reject.make(.seasonDuplicateArea, field: "code", message: "考区代码\(area.code)已存在")
            }
            try requireUniqueName(area.name, of: area.code, among: state)
            return [.areaAdded(area)]
        case .updateArea(let update):
            let area = try validate(update)
            guard let current = state.areas[area.code] else {
                throw Reject.make(.seasonUnknownArea, field: "code", message: "考区\(area.code)不存在")
            }
            try requireUniqueName(area.name, of: area.code, among: state)
            // Refunds record the area's policy; once one is published, candidates have paid under it.
            if area.refundPolicy.isEmpty && !current.refundPolicy.isEmpty {
                throw Reject.make(
                    .seasonRefundPolicyRequired,
                    field: "refundPolicy",
                    message: "考区已公布退费说明，不能清空；如需修改，请填写新的退费说明"
                )
            }
            if current == ExamArea(code: area.code, name: area.name, onlinePayment: area.onlinePayment, refundPolicy: area.refundPolicy) {
                return []
            }
            return [
                .areaUpdated(
                    ExamAreaUpdated(
                        code: area.code,
                        name: area.name,
                        onlinePayment: area.onlinePayment,
                        refundPolicy: area.refundPolicy
                    )
                )
            ]
        case .addSite(let add):
            let code = try validCode(Check.text(add.code, field: "code", label: "考点代码", maxLength: 20), label: "考点代码")
            let name = try Check.name(add.name, field: "name", label: "考点名称", maxLength: 60)
            guard state.sites[code] == nil else {
                throw Reject.make(.seasonDuplicateSite, field: "code", message: "考点代码\(code)已存在")
            }
            guard state.areas[add.areaCode] != nil else {
                throw Reject.make(.seasonUnknownArea, field: "areaCode", message: "考区\(add.areaCode)不存在")
            }
            try requireSiteName(name, in: add.areaCode, apartFrom: code, among: state)
            return [.siteAdded(ExamSiteAdded(code: code, name: name, areaCode: add.areaCode))]
        case .renameSite(let rename):
            guard let site = state.sites[rename.code] else {
                throw Reject.make(.seasonUnknownSite, field: "code", message: "考点\(Reject.excerpt(rename.code))不存在")
            }
            let name = try Check.name(rename.name, field: "name", label: "考点名称", maxLength: 60)
            guard name != site.name else { return [] }
            try requireSiteName(name, in: site.areaCode, apartFrom: site.code, among: state)
            return [.siteRenamed(ExamSiteRenamed(code: site.code, name: name, previousName: site.name))]
        }
    }

    /// Applies one event. Events that cannot apply (bad instants, unknown codes) leave the state unchanged.
    public static func evolve(_ state: consuming SeasonState, _ event: SeasonEvent) -> SeasonState {
        // A consuming parameter is mutable: folding into it avoids copying the state (`var state = state` did).
        switch event {
        case .seasonOpened(let event):
            state.seasonID = event.seasonID
            state.title = event.title
        case .calendarSet(let event):
            if let registrationOpens = Instant.date(from: event.registrationOpens),
                let registrationCloses = Instant.date(from: event.registrationCloses),
                let reviewOpens = Instant.date(from: event.reviewOpens),
                let reviewCloses = Instant.date(from: event.reviewCloses),
                let paymentOpens = Instant.date(from: event.paymentOpens),
                let paymentCloses = Instant.date(from: event.paymentCloses)
            {
                state.calendar = SeasonCalendar(
                    registrationOpens: registrationOpens,
                    registrationCloses: registrationCloses,
                    reviewOpens: reviewOpens,
                    reviewCloses: reviewCloses,
                    paymentOpens: paymentOpens,
                    paymentCloses: paymentCloses
                )
            }
        case .photoSizeLimitSet(let event):
            state.photoLimitBytes = event.maximumBytes
        case .examAdded(let event):
            state.exams[event.code] = Exam(
                code: event.code,
                name: event.name,
                level: event.level,
                category: event.category,
                withdrawn: false
            )
        case .examWithdrawn(let event):
            state.exams[event.code]?.withdrawn = true
        case .areaAdded(let event):
            state.areas[event.code] = ExamArea(
                code: event.code,
                name: event.name,
                onlinePayment: event.onlinePayment,
                refundPolicy: event.refundPolicy
            )
        case .areaUpdated(let event):
            state.areas[event.code] = ExamArea(
                code: event.code,
                name: event.name,
                onlinePayment: event.onlinePayment,
                refundPolicy: event.refundPolicy
            )
        case .siteAdded(let event):
            state.sites[event.code] = ExamSite(code: event.code, name: event.name, areaCode: event.areaCode)
        case .siteRenamed(let event):
            state.sites[event.code]?.name = event.name
        }
        return state
    }

    /// The six instants as the event records them (milliseconds).
    private static func instants(of calendar: SeasonCalendar) -> [String] {
        [
            calendar.registrationOpens, calendar.registrationCloses, calendar.reviewOpens, calendar.reviewCloses,
            calendar.paymentOpens, calendar.paymentCloses,
        ].map(Instant.string(from:))
    }

    /// Another area may not have the name: candidates choose their area by it.
    /// Candidates choose a site by its name within their area: a name that says something (not punctuation alone),
    /// and no other site of the area's, compared without the spaces inside (`海淀区　考点` is 海淀区考点).
    private static func requireSiteName(_ name: String, in areaCode: String, apartFrom code: String, among state: SeasonState) throws(Rejection) {
        guard Rules.saysSomething(name) else {
            throw Reject.make(.inputRequired, field: "name", message: "考点名称须为文字（至少两个字），不能只填标点或符号")
        }
        let key = { (text: String) in String(text.filter { !$0.isWhitespace }) }
        if let same = state.sites.values.first(where: { $0.areaCode == areaCode && $0.code != code && key($0.name) == key(name) }) {
            throw Reject.make(.seasonDuplicateSite, field: "name", message: "考区\(areaCode)已有名为“\(same.name)”的考点\(same.code)")
        }
    }

    private static func requireUniqueName(_ name: String, of code: String, among state: SeasonState) throws(Rejection) {
        if let same = state.areas.values.first(where: { $0.code != code && $0.name == name }) {
            throw Reject.make(.seasonDuplicateArea, field: "name", message: "考区名称“\(name)”已由考区\(same.code)使用")
        }
    }

    private static func validate(_ calendar: SeasonCalendar, seasonYear: Int?) throws(Rejection) {
        func refuse(_ field: String, _ message: String) -> Rejection {
            Reject.make(.seasonCalendarInvalid, field: "calendar.\(field)", message: message)
        }
        // A season's windows fall in the year before its exam year, that year, or the next (a window extended past
        // New Year): not in year 1 or 9999, where a slip of the keyboard puts them.
        if let seasonYear {
            let members: [(String, Date)] = [
                ("registrationOpens", calendar.registrationOpens), ("registrationCloses", calendar.registrationCloses),
                ("reviewOpens", calendar.reviewOpens), ("reviewCloses", calendar.reviewCloses),
                ("paymentOpens", calendar.paymentOpens), ("paymentCloses", calendar.paymentCloses),
            ]
            for (member, instant) in members {
                // The year in Beijing time, as the pages and the guides show the calendar.
                let year = Int(Instant.string(from: instant.addingTimeInterval(8 * 3600)).prefix(4)) ?? 0
                guard (seasonYear - 1...seasonYear + 1).contains(year) else {
                    throw refuse(member, "日程时间须在\(seasonYear - 1)年至\(seasonYear + 1)年之间（北京时间；考试季\(seasonYear)年），不能是\(year)年")
                }
            }
        }
        // Compare at millisecond precision: that is what the event keeps.
        let c = SeasonCalendar(
            registrationOpens: Instant.truncated(calendar.registrationOpens),
            registrationCloses: Instant.truncated(calendar.registrationCloses),
            reviewOpens: Instant.truncated(calendar.reviewOpens),
            reviewCloses: Instant.truncated(calendar.reviewCloses),
            paymentOpens: Instant.truncated(calendar.paymentOpens),
            paymentCloses: Instant.truncated(calendar.paymentCloses)
        )
        guard c.registrationOpens < c.registrationCloses else {
            throw refuse("registrationCloses", "网上报名结束时间须晚于开始时间")
        }
        guard c.reviewOpens < c.reviewCloses else { throw refuse("reviewCloses", "资格审核结束时间须晚于开始时间") }
        guard c.paymentOpens < c.paymentCloses else { throw refuse("paymentCloses", "缴费结束时间须晚于开始时间") }
        guard c.registrationCloses <= c.reviewOpens else {
            throw refuse("reviewOpens", "资格审核须在网上报名结束后开始")
        }
        guard c.reviewOpens <= c.paymentOpens else { throw refuse("paymentOpens", "缴费不能早于资格审核开始") }
        guard c.paymentOpens <= c.reviewCloses else {
            throw refuse("paymentOpens", "缴费须在资格审核结束前开始，两者之间不能留有空档")
        }
        guard c.reviewCloses <= c.paymentCloses else { throw refuse("paymentCloses", "缴费不能早于资格审核结束") }
    }

    /// A code as exams, areas and sites are named in paths, lists and candidates' applications: ASCII letters and
    /// digits only (the national codes are digits), so that no code is refused by the routes that name it, and no
    /// blank makes ` 1101` a site beside `1101`.
    private static func validCode(_ code: String, label: String) throws(Rejection) -> String {
        guard code.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
            throw Reject.make(.seasonCodeInvalid, field: "code", message: "\(label)只能由英文字母和数字组成，不能含空格或其他符号")
        }
        return code
    }

    private static func validate(_ area: AddExamArea) throws(Rejection) -> ExamAreaAdded {
        let code = try validCode(Check.text(area.code, field: "code", label: "考区代码", maxLength: 20), label: "考区代码")
        let name = try Check.name(area.name, field: "name", label: "考区名称", maxLength: 60)
        let policy =
            try Check.optionalText(
                area.refundPolicy,
                field: "refundPolicy",
                label: "退费说明",
                maxLength: 2000,
                halfWidth: false,
                lineBreaks: true
            ) ?? ""
        if area.onlinePayment && policy.isEmpty {
            throw Reject.required("refundPolicy", "开通网上缴费考区的退费说明")
        }
        return ExamAreaAdded(code: code, name: name, onlinePayment: area.onlinePayment, refundPolicy: policy)
    }
}

extension SeasonDecider {
    /// The four-digit years (19xx, 20xx) a text names, in order, however the digits are typed (ASCII, full-width as an
    /// input method types them, or 〇一二…九): `2027年医师资格考试`, `２０２７年…` and `二〇二七年…` → `["2027"]`.
    static func years(in text: String) -> [String] {
        let numerals: [Character: Character] = [
            "〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
        ]
        func digit(_ character: Character) -> Character? {
            if character.isASCII && character.isNumber { return character }
            if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1, (0xFF10...0xFF19).contains(scalar.value) {
                return Character(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            }
            return numerals[character]
        }
        var years: [String] = []
        var digits = ""
        for character in text + " " {
            if let value = digit(character) {
                digits.append(value)
                continue
            }
            if digits.count == 4, digits.hasPrefix("19") || digits.hasPrefix("20") { years.append(digits) }
            digits = ""
        }
        return years
    }
}
