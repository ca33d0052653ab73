/// 考试季开启: an administrator opened the season stream.
public struct SeasonOpened: DomainEvent {
    /// `SeasonOpened`.
    public static let eventType = "SeasonOpened"
    /// 1.
    public static let schemaVersion = 1
    /// The season id, e.g. `2025`.
    public var seasonID: String
    /// The title, e.g. `2025年医师资格考试`.
    public var title: String
    /// When (ISO-8601 UTC).
    public var openedAt: String

    /// Creates the event.
    public init(seasonID: String, title: String, openedAt: String) {
        self.seasonID = seasonID
        self.title = title
        self.openedAt = openedAt
    }
}

/// The season calendar was set (or reset). Instants are ISO-8601 UTC with milliseconds.
public struct SeasonCalendarSet: DomainEvent {
    /// `SeasonCalendarSet`.
    public static let eventType = "SeasonCalendarSet"
    /// 1.
    public static let schemaVersion = 1
    /// 网上报名 opens.
    public var registrationOpens: String
    /// 网上报名 closes (exclusive).
    public var registrationCloses: String
    /// 资格审核 opens.
    public var reviewOpens: String
    /// 资格审核 closes (exclusive).
    public var reviewCloses: String
    /// 缴费 opens.
    public var paymentOpens: String
    /// 缴费 closes (exclusive).
    public var paymentCloses: String

    /// Creates the event.
    public init(
        registrationOpens: String,
        registrationCloses: String,
        reviewOpens: String,
        reviewCloses: String,
        paymentOpens: String,
        paymentCloses: String
    ) {
        self.registrationOpens = registrationOpens
        self.registrationCloses = registrationCloses
        self.reviewOpens = reviewOpens
        self.reviewCloses = reviewCloses
        self.paymentOpens = paymentOpens
        self.paymentCloses = paymentCloses
    }
}

/// The photo size limit was set (40 KB in the national guide, 30 KB in 2025).
public struct PhotoSizeLimitSet: DomainEvent {
    /// `PhotoSizeLimitSet`.
    public static let eventType = "PhotoSizeLimitSet"
    /// 1.
    public static let schemaVersion = 1
    /// The season's photo size limit, in bytes, as the guide states it (30 KB = 30720): a photo must be smaller
    /// (小于30K). Until the rule was corrected the deciders accepted a photo of exactly this size; the recorded number
    /// is the same fact either way (see events/README.md, "Meaning notes").
    public var maximumBytes: Int

    /// Creates the event.
    public init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }
}

/// An exam joined the catalogue.
public struct ExamAdded: DomainEvent {
    /// `ExamAdded`.
    public static let eventType = "ExamAdded"
    /// 1.
    public static let schemaVersion = 1
    /// The exam code.
    public var code: String
    /// The display name.
    public var name: String
    /// 级别, raw text of ``ExamLevel``.
    public var level: String
    /// 类别, raw text of ``ExamCategory``.
    public var category: String

    /// Creates the event.
    public init(code: String, name: String, level: String, category: String) {
        self.code = code
        self.name = name
        self.level = level
        self.category = category
    }
}

/// An exam was withdrawn from the catalogue: no new applications.
public struct ExamWithdrawn: DomainEvent {
    /// `ExamWithdrawn`.
    public static let eventType = "ExamWithdrawn"
    /// 1.
    public static let schemaVersion = 1
    /// The exam code.
    public var code: String

    /// Creates the event.
    public init(code: String) {
        self.code = code
    }
}

/// An exam area (考区) was added.
public struct ExamAreaAdded: DomainEvent {
    /// `ExamAreaAdded`.
    public static let eventType = "ExamAreaAdded"
    /// 1.
    public static let schemaVersion = 1
    /// The area code.
    public var code: String
    /// The display name.
    public var name: String
    /// Whether online payment is enabled.
    public var onlinePayment: Bool
    /// The refund policy text.
    public var refundPolicy: String

    /// Creates the event.
    public init(code: String, name: String, onlinePayment: Bool, refundPolicy: String) {
        self.code = code
        self.name = name
        self.onlinePayment = onlinePayment
        self.refundPolicy = refundPolicy
    }
}

/// An exam area's name, online payment switch or refund policy changed. Carries the full new values.
public struct ExamAreaUpdated: DomainEvent {
    /// `ExamAreaUpdated`.
    public static let eventType = "ExamAreaUpdated"
    /// 1.
    public static let schemaVersion = 1
    /// The area code.
    public var code: String
    /// The display name.
    public var name: String
    /// Whether online payment is enabled.
    public var onlinePayment: Bool
    /// The refund policy text.
    public var refundPolicy: String

    /// Creates the event.
    public init(code: String, name: String, onlinePayment: Bool, refundPolicy: String) {
        self.code = code
        self.name = name
        self.onlinePayment = onlinePayment
        self.refundPolicy = refundPolicy
    }
}

/// An exam site (考点) was added to an area.
public struct ExamSiteAdded: DomainEvent {
    /// `ExamSiteAdded`.
    public static let eventType = "ExamSiteAdded"
    /// 1.
    public static let schemaVersion = 1
    /// The site code.
    public var code: String
    /// The display name.
    public var name: String
    /// The area code.
    public var areaCode: String

    /// Creates the event.
    public init(code: String, name: String, areaCode: String) {
        self.code = code
        self.name = name
        self.areaCode = areaCode
    }
}

/// An exam site (考点) was renamed; its code, area and applications stay.
public struct ExamSiteRenamed: DomainEvent {
    /// `ExamSiteRenamed`.
    public static let eventType = "ExamSiteRenamed"
    /// 1.
    public static let schemaVersion = 1
    /// The site code.
    public var code: String
    /// The new display name.
    public var name: String
    /// The name before.
    public var previousName: String

    /// Creates the event.
    public init(code: String, name: String, previousName: String) {
        self.code = code
        self.name = name
        self.previousName = previousName
    }
}

/// Every event of the season stream.
public enum SeasonEvent: Equatable, Sendable {
    /// ``SeasonOpened``.
    case seasonOpened(SeasonOpened)
    /// ``SeasonCalendarSet``.
    case calendarSet(SeasonCalendarSet)
    /// ``PhotoSizeLimitSet``.
    case photoSizeLimitSet(PhotoSizeLimitSet)
    /// ``ExamAdded``.
    case examAdded(ExamAdded)
    /// ``ExamWithdrawn``.
    case examWithdrawn(ExamWithdrawn)
    /// ``ExamAreaAdded``.
    case areaAdded(ExamAreaAdded)
    /// ``ExamAreaUpdated``.
    case areaUpdated(ExamAreaUpdated)
    /// ``ExamSiteAdded``.
    case siteAdded(ExamSiteAdded)
    /// ``ExamSiteRenamed``.
    case siteRenamed(ExamSiteRenamed)

    /// The payload, for encoding.
    public var payload: any DomainEvent {
        switch self {
        case .seasonOpened(let event): event
        case .calendarSet(let event): event
        case .photoSizeLimitSet(let event): event
        case .examAdded(let event): event
        case .examWithdrawn(let event): event
        case .areaAdded(let event): event
        case .areaUpdated(let event): event
        case .siteAdded(let event): event
        case .siteRenamed(let event): event
        }
    }

    /// Every payload type of the stream, one per case.
    public static let payloadTypes: [any DomainEvent.Type] = [
        SeasonOpened.self, SeasonCalendarSet.self, PhotoSizeLimitSet.self, ExamAdded.self, ExamWithdrawn.self,
        ExamAreaAdded.self, ExamAreaUpdated.self, ExamSiteAdded.self, ExamSiteRenamed.self,
    ]

    /// Wraps a decoded payload, or nil if it is not a season event.
    public init?(payload: any DomainEvent) {
        guard let event = Self.wrap(payload) else { return nil }
        self = event
    }

    /// Wraps a decoded payload of a statically known type, or nil if it is not one of this family's: one comparison
    /// of types per case, which a replay does for every stored event (casting an existential costs several times more).
    public static func wrap<Payload: DomainEvent>(_ payload: Payload) -> Self? {
        if let event = cast(payload, to: SeasonOpened.self) { return .seasonOpened(event) }
        if let event = cast(payload, to: SeasonCalendarSet.self) { return .calendarSet(event) }
        if let event = cast(payload, to: PhotoSizeLimitSet.self) { return .photoSizeLimitSet(event) }
        if let event = cast(payload, to: ExamAdded.self) { return .examAdded(event) }
        if let event = cast(payload, to: ExamWithdrawn.self) { return .examWithdrawn(event) }
        if let event = cast(payload, to: ExamAreaAdded.self) { return .areaAdded(event) }
        if let event = cast(payload, to: ExamAreaUpdated.self) { return .areaUpdated(event) }
        if let event = cast(payload, to: ExamSiteAdded.self) { return .siteAdded(event) }
        if let event = cast(payload, to: ExamSiteRenamed.self) { return .siteRenamed(event) }
        return nil
    }
}
