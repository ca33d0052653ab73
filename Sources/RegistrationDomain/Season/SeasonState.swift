import Foundation

/// Exam level (级别).
public enum ExamLevel: String, Codable, CaseIterable, Sendable {
    /// 执业医师.
    case physician = "执业医师"
    /// 执业助理医师.
    case assistantPhysician = "执业助理医师"
    /// 乡村全科执业助理医师.
    case ruralGeneralAssistant = "乡村全科执业助理医师"
}

/// Exam category (类别).
public enum ExamCategory: String, Codable, CaseIterable, Sendable {
    /// 临床.
    case clinical = "临床"
    /// 中医 (中医, 民族医, 中西医结合).
    case traditionalChinese = "中医"
    /// 口腔.
    case dental = "口腔"
    /// 公共卫生.
    case publicHealth = "公共卫生"
    /// 传统医学师承/确有专长.
    case traditionalApprenticeship = "传统医学师承/确有专长"
}

/// The phase of the season at an instant, for display and read models.
///
/// Deciders check the individual windows (``SeasonState/isRegistrationOpen(at:)``, …), not the phase, because the
/// review and payment windows may overlap.
public enum SeasonPhase: String, Codable, CaseIterable, Sendable {
    /// No calendar yet.
    case notConfigured
    /// 网报开通前: accounts, profile, CHSI verification.
    case beforeRegistration
    /// 网上报名期间: applications; CHSI closed.
    case onlineRegistration
    /// After registration closed, before on-site review opened.
    case betweenRegistrationAndReview
    /// 资格审核期间: on-site review; CHSI open again.
    case qualificationReview
    /// 缴费: the payment window (wins over review where they overlap).
    case payment
    /// After the payment window.
    case closed
}

/// The season calendar: three half-open windows `[opens, closes)`.
///
/// Constraints (enforced by ``SeasonDecider``): every window opens before it closes; review opens no earlier than
/// registration closes; payment opens within the review window (no earlier than review opens, no later than it
/// closes) and closes no earlier than review closes. So from review opening to payment closing there is no gap.
public struct SeasonCalendar: Codable, Equatable, Sendable {
    /// 网上报名 opens.
    public var registrationOpens: Date
    /// 网上报名 closes (exclusive).
    public var registrationCloses: Date
    /// 现场资格审核 opens.
    public var reviewOpens: Date
    /// 现场资格审核 closes (exclusive).
    public var reviewCloses: Date
    /// 网上缴费 opens.
    public var paymentOpens: Date
    /// 网上缴费 closes (exclusive).
    public var paymentCloses: Date

    /// Creates a calendar.
    public init(
        registrationOpens: Date,
        registrationCloses: Date,
        reviewOpens: Date,
        reviewCloses: Date,
        paymentOpens: Date,
        paymentCloses: Date
    ) {
        self.registrationOpens = registrationOpens
        self.registrationCloses = registrationCloses
        self.reviewOpens = reviewOpens
        self.reviewCloses = reviewCloses
        self.paymentOpens = paymentOpens
        self.paymentCloses = paymentCloses
    }

    private enum CodingKeys: String, CodingKey {
        case registrationOpens, registrationCloses, reviewOpens, reviewCloses, paymentOpens, paymentCloses
    }

    /// Decodes instants written as ISO-8601 text (see ``Instant``), so that snapshots read the same whatever the
    /// encoder's date strategy. An administrator may type them without milliseconds or in Beijing time
    /// (`2026-01-08T09:00:00+08:00`, ``Instant/date(fromISO8601:)``); the events keep the one UTC form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func instant(_ key: CodingKeys) throws -> Date {
            let text = try container.decode(String.self, forKey: key)
            guard let date = Instant.date(fromISO8601: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key,
                    in: container,
                    debugDescription: "Expected YYYY-MM-DDTHH:MM:SS.sssZ, found \(text)"
                )
            }
            return date
        }
        registrationOpens = try instant(.registrationOpens)
        registrationCloses = try instant(.registrationCloses)
        reviewOpens = try instant(.reviewOpens)
        reviewCloses = try instant(.reviewCloses)
        paymentOpens = try instant(.paymentOpens)
        paymentCloses = try instant(.paymentCloses)
    }

    /// Encodes instants as ISO-8601 UTC text with milliseconds.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Instant.string(from: registrationOpens), forKey: .registrationOpens)
        try container.encode(Instant.string(from: registrationCloses), forKey: .registrationCloses)
        try container.encode(Instant.string(from: reviewOpens), forKey: .reviewOpens)
        try container.encode(Instant.string(from: reviewCloses), forKey: .reviewCloses)
        try container.encode(Instant.string(from: paymentOpens), forKey: .paymentOpens)
        try container.encode(Instant.string(from: paymentCloses), forKey: .paymentCloses)
    }
}

/// One exam of the catalogue (考试科目), e.g. code `110`, 临床执业医师.
public struct Exam: Codable, Equatable, Sendable {
    /// The exam code.
    public var code: String
    /// The display name.
    public var name: String
    /// Level, raw text (see ``ExamLevel``).
    public var level: String
    /// Category, raw text (see ``ExamCategory``).
    public var category: String
    /// Withdrawn exams take no new applications.
    public var withdrawn: Bool

    /// The level, if known.
    public var examLevel: ExamLevel? { ExamLevel(rawValue: level) }
    /// The category, if known.
    public var examCategory: ExamCategory? { ExamCategory(rawValue: category) }

    /// Creates an exam.
    public init(code: String, name: String, level: String, category: String, withdrawn: Bool = false) {
        self.code = code
        self.name = name
        self.level = level
        self.category = category
        self.withdrawn = withdrawn
    }
}

/// An exam area (考区), usually a province.
public struct ExamArea: Codable, Equatable, Sendable {
    /// The area code.
    public var code: String
    /// The display name.
    public var name: String
    /// Whether the area takes payments online (网上缴费).
    public var onlinePayment: Bool
    /// The area's refund policy as published (退费说明).
    public var refundPolicy: String

    /// Creates an area.
    public init(code: String, name: String, onlinePayment: Bool, refundPolicy: String) {
        self.code = code
        self.name = name
        self.onlinePayment = onlinePayment
        self.refundPolicy = refundPolicy
    }
}

/// An exam site (考点) of an area, where on-site review happens.
public struct ExamSite: Codable, Equatable, Sendable {
    /// The site code.
    public var code: String
    /// The display name.
    public var name: String
    /// The area it belongs to.
    public var areaCode: String

    /// Creates a site.
    public init(code: String, name: String, areaCode: String) {
        self.code = code
        self.name = name
        self.areaCode = areaCode
    }
}

/// The season as the deciders see it: calendar, photo limit, catalogue, areas and sites.
public struct SeasonState: Codable, Equatable, Sendable {
    /// Bumped whenever the encoded shape changes; snapshots of another version are ignored.
    public static let stateSchemaVersion = 1
    /// The photo limit of the national guide when a season sets none: 40 KB (1 KB = 1024 bytes); a photo must be
    /// smaller.
    public static let nationalPhotoLimitBytes = 40 * 1024

    /// The season id, e.g. `2025`; nil until the season is opened.
    public var seasonID: String?
    /// The season title.
    public var title: String
    /// The calendar; nil until set.
    public var calendar: SeasonCalendar?
    /// The photo size limit, in bytes: a photo must be smaller (the 2025 guide: 小于30K).
    public var photoLimitBytes: Int
    /// Exams by code.
    public var exams: [String: Exam]
    /// Areas by code.
    public var areas: [String: ExamArea]
    /// Sites by code.
    public var sites: [String: ExamSite]

    /// Creates a season state.
    public init(
        seasonID: String? = nil,
        title: String = "",
        calendar: SeasonCalendar? = nil,
        photoLimitBytes: Int = SeasonState.nationalPhotoLimitBytes,
        exams: [String: Exam] = [:],
        areas: [String: ExamArea] = [:],
        sites: [String: ExamSite] = [:]
    ) {
        self.seasonID = seasonID
        self.title = title
        self.calendar = calendar
        self.photoLimitBytes = photoLimitBytes
        self.exams = exams
        self.areas = areas
        self.sites = sites
    }

    /// The phase at an instant. Where payment and review overlap, the phase is `.payment` (the window that opened
    /// later wins); the review window is still open then (see ``isReviewOpen(at:)``).
    public func phase(at now: Date) -> SeasonPhase {
        guard let calendar else { return .notConfigured }
        if now < calendar.registrationOpens { return .beforeRegistration }
        if now < calendar.registrationCloses { return .onlineRegistration }
        if now < calendar.reviewOpens { return .betweenRegistrationAndReview }
        if calendar.paymentOpens <= now && now < calendar.paymentCloses { return .payment }
        if now < calendar.reviewCloses { return .qualificationReview }
        return .closed
    }

    /// Online registration: applications can be submitted and abandoned.
    public func isRegistrationOpen(at now: Date) -> Bool {
        guard let calendar else { return false }
        return calendar.registrationOpens <= now && now < calendar.registrationCloses
    }

    /// On-site qualification review.
    public func isReviewOpen(at now: Date) -> Bool {
        guard let calendar else { return false }
        return calendar.reviewOpens <= now && now < calendar.reviewCloses
    }

    /// Online payment.
    public func isPaymentOpen(at now: Date) -> Bool {
        guard let calendar else { return false }
        return calendar.paymentOpens <= now && now < calendar.paymentCloses
    }

    /// CHSI scan verification: open before online registration opens and during review, closed otherwise (and
    /// closed when no calendar is set).
    public func isChsiVerificationOpen(at now: Date) -> Bool {
        guard let calendar else { return false }
        return now < calendar.registrationOpens || isReviewOpen(at: now)
    }

    /// The stretch of time around `now` between two consecutive instants of the calendar: `from` is the latest
    /// instant at or before `now`, `until` the earliest after it (nil: none). Every answer that depends on the time
    /// only through the calendar's windows (`isRegistrationOpen(at:)` and the others, `phase(at:)`, a candidate's
    /// next actions) is the same at every instant of it.
    public func calendarPeriod(containing now: Date) -> (from: Date?, until: Date?) {
        guard let calendar else { return (nil, nil) }
        let instants = [
            calendar.registrationOpens, calendar.registrationCloses, calendar.reviewOpens, calendar.reviewCloses,
            calendar.paymentOpens, calendar.paymentCloses,
        ]
        return (instants.filter { $0 <= now }.max(), instants.filter { $0 > now }.min())
    }

    /// The season's year (the exam year, 考试年度): the four digits the season id starts with (`2026`, as every
    /// season is opened), or nil when no season is open or its id does not start with a year.
    ///
    /// Rules that depend on "this year" (a 当年毕业研究生 graduates in the season's year) read it, never the clock.
    public var year: Int? {
        guard let seasonID else { return nil }
        let scalars = Array(seasonID.unicodeScalars.prefix(5))
        guard scalars.count >= 4, scalars.prefix(4).allSatisfy({ (0x30...0x39).contains($0.value) }) else { return nil }
        if scalars.count == 5, (0x30...0x39).contains(scalars[4].value) { return nil }
        return scalars.prefix(4).reduce(0) { $0 * 10 + Int($1.value - 0x30) }
    }

    /// The site with this code.
    public func site(_ code: String) -> ExamSite? { sites[code] }

    /// The area with this code.
    public func area(_ code: String) -> ExamArea? { areas[code] }

    /// The exam with this code, withdrawn or not.
    public func exam(_ code: String) -> Exam? { exams[code] }
}
