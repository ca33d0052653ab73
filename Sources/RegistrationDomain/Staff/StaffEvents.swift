/// A staff account was created by an administrator.
public struct StaffAccountCreated: DomainEvent {
    /// `StaffAccountCreated`.
    public static let eventType = "StaffAccountCreated"
    /// 1.
    public static let schemaVersion = 1
    /// The account id.
    public var staffID: String
    /// `reviewer`, `auditor` or `admin` (raw value of ``Role``).
    public var role: String
    /// The name shown in audit trails.
    public var displayName: String
    /// A reviewer's exam area; nil for other roles.
    public var areaCode: String?
    /// A reviewer's exam sites; empty for other roles.
    public var siteCodes: [String]
    /// When (ISO-8601 UTC).
    public var createdAt: String

    /// Creates the event.
    public init(
        staffID: String,
        role: String,
        displayName: String,
        areaCode: String?,
        siteCodes: [String],
        createdAt: String
    ) {
        self.staffID = staffID
        self.role = role
        self.displayName = displayName
        self.areaCode = areaCode
        self.siteCodes = siteCodes
        self.createdAt = createdAt
    }
}

/// A reviewer's area and sites changed. Carries the old scope too, for the audit trail.
public struct StaffScopeChanged: DomainEvent {
    /// `StaffScopeChanged`.
    public static let eventType = "StaffScopeChanged"
    /// 1.
    public static let schemaVersion = 1
    /// The account id.
    public var staffID: String
    /// The previous area.
    public var previousAreaCode: String?
    /// The previous sites.
    public var previousSiteCodes: [String]
    /// The new area.
    public var areaCode: String
    /// The new sites.
    public var siteCodes: [String]
    /// When (ISO-8601 UTC).
    public var changedAt: String

    /// Creates the event.
    public init(
        staffID: String,
        previousAreaCode: String?,
        previousSiteCodes: [String],
        areaCode: String,
        siteCodes: [String],
        changedAt: String
    ) {
        self.staffID = staffID
        self.previousAreaCode = previousAreaCode
        self.previousSiteCodes = previousSiteCodes
        self.areaCode = areaCode
        self.siteCodes = siteCodes
        self.changedAt = changedAt
    }
}

/// A staff account was deactivated (it can be enabled again: ``StaffAccountReactivated``).
public struct StaffAccountDeactivated: DomainEvent {
    /// `StaffAccountDeactivated`.
    public static let eventType = "StaffAccountDeactivated"
    /// 1.
    public static let schemaVersion = 1
    /// The account id.
    public var staffID: String
    /// Why.
    public var reason: String
    /// When (ISO-8601 UTC).
    public var deactivatedAt: String

    /// Creates the event.
    public init(staffID: String, reason: String, deactivatedAt: String) {
        self.staffID = staffID
        self.reason = reason
        self.deactivatedAt = deactivatedAt
    }
}

/// A deactivated staff account was enabled again, with its scope and password as they were.
public struct StaffAccountReactivated: DomainEvent {
    /// `StaffAccountReactivated`.
    public static let eventType = "StaffAccountReactivated"
    /// 1.
    public static let schemaVersion = 1
    /// The account id.
    public var staffID: String
    /// Why.
    public var reason: String
    /// When (ISO-8601 UTC).
    public var reactivatedAt: String

    /// Creates the event.
    public init(staffID: String, reason: String, reactivatedAt: String) {
        self.staffID = staffID
        self.reason = reason
        self.reactivatedAt = reactivatedAt
    }
}

/// A staff account's password was replaced: by its holder (method `self`, after giving the current one) or by an
/// administrator (method `reset`, with a reason). The password itself is only in the credentials table, as a hash.
public struct StaffPasswordChanged: DomainEvent {
    /// `StaffPasswordChanged`.
    public static let eventType = "StaffPasswordChanged"
    /// 1.
    public static let schemaVersion = 1
    /// The account id.
    public var staffID: String
    /// `self` or `reset` (raw value of ``StaffPasswordChangeMethod``).
    public var method: String
    /// The staff account that made the change.
    public var changedBy: String
    /// Why, for a reset.
    public var reason: String?
    /// When (ISO-8601 UTC).
    public var changedAt: String

    /// Creates the event.
    public init(staffID: String, method: String, changedBy: String, reason: String?, changedAt: String) {
        self.staffID = staffID
        self.method = method
        self.changedBy = changedBy
        self.reason = reason
        self.changedAt = changedAt
    }
}

/// Every event of a staff account stream.
public enum StaffEvent: Equatable, Sendable {
    /// ``StaffAccountCreated``.
    case created(StaffAccountCreated)
    /// ``StaffScopeChanged``.
    case scopeChanged(StaffScopeChanged)
    /// ``StaffAccountDeactivated``.
    case deactivated(StaffAccountDeactivated)
    /// ``StaffPasswordChanged``.
    case passwordChanged(StaffPasswordChanged)
    /// ``StaffAccountReactivated``.
    case reactivated(StaffAccountReactivated)

    /// The payload, for encoding.
    public var payload: any DomainEvent {
        switch self {
        case .created(let event): event
        case .scopeChanged(let event): event
        case .deactivated(let event): event
        case .passwordChanged(let event): event
        case .reactivated(let event): event
        }
    }

    /// Every payload type of the stream, one per case.
    public static let payloadTypes: [any DomainEvent.Type] = [
        StaffAccountCreated.self, StaffScopeChanged.self, StaffAccountDeactivated.self, StaffPasswordChanged.self,
        StaffAccountReactivated.self,
    ]

    /// Wraps a decoded payload, or nil if it is not a staff event.
    public init?(payload: any DomainEvent) {
        guard let event = Self.wrap(payload) else { return nil }
        self = event
    }

    /// Wraps a decoded payload of a statically known type, or nil if it is not one of this family's: one comparison
    /// of types per case, which a replay does for every stored event (casting an existential costs several times more).
    public static func wrap<Payload: DomainEvent>(_ payload: Payload) -> Self? {
        if let event = cast(payload, to: StaffAccountCreated.self) { return .created(event) }
        if let event = cast(payload, to: StaffScopeChanged.self) { return .scopeChanged(event) }
        if let event = cast(payload, to: StaffAccountDeactivated.self) { return .deactivated(event) }
        if let event = cast(payload, to: StaffPasswordChanged.self) { return .passwordChanged(event) }
        if let event = cast(payload, to: StaffAccountReactivated.self) { return .reactivated(event) }
        return nil
    }
}
