import Foundation

/// Creates a staff account: a reviewer scoped to one area and some of its sites, an auditor or an administrator.
public struct CreateStaffAccount: Sendable, Equatable {
    /// The new account id (from the application layer).
    public var staffID: String
    /// `.reviewer`, `.auditor` or `.admin`.
    public var role: Role
    /// The name shown in audit trails.
    public var displayName: String
    /// A reviewer's area; must be nil for other roles.
    public var areaCode: String?
    /// A reviewer's sites (at least one, all in `areaCode`); must be empty for other roles.
    public var siteCodes: [String]

    /// Creates the command.
    public init(staffID: String, role: Role, displayName: String, areaCode: String? = nil, siteCodes: [String] = []) {
        self.staffID = staffID
        self.role = role
        self.displayName = displayName
        self.areaCode = areaCode
        self.siteCodes = siteCodes
    }
}

/// Changes a reviewer's area and sites.
public struct ChangeStaffScope: Sendable, Equatable {
    /// The account id.
    public var staffID: String
    /// The new area.
    public var areaCode: String
    /// The new sites (at least one, all in `areaCode`).
    public var siteCodes: [String]

    /// Creates the command.
    public init(staffID: String, areaCode: String, siteCodes: [String]) {
        self.staffID = staffID
        self.areaCode = areaCode
        self.siteCodes = siteCodes
    }
}

/// Deactivates a staff account.
public struct DeactivateStaffAccount: Sendable, Equatable {
    /// The account id.
    public var staffID: String
    /// Why (mandatory).
    public var reason: String

    /// Creates the command.
    public init(staffID: String, reason: String) {
        self.staffID = staffID
        self.reason = reason
    }
}

/// Enables a deactivated staff account again (a seconded reviewer back for another season, a mistaken
/// deactivation), with its scope and password as they were.
public struct ReactivateStaffAccount: Sendable, Equatable {
    /// The account id.
    public var staffID: String
    /// Why (mandatory).
    public var reason: String

    /// Creates the command.
    public init(staffID: String, reason: String) {
        self.staffID = staffID
        self.reason = reason
    }
}

/// Who replaces a staff account's password.
public enum StaffPasswordChangeMethod: String, Codable, CaseIterable, Sendable {
    /// The account's holder, after giving the current password.
    case byHolder = "self"
    /// An administrator, with a reason (the holder forgot it, or it must be withdrawn).
    case reset
}

/// Replaces a staff account's password.
public struct ChangeStaffPassword: Sendable, Equatable {
    /// The account id.
    public var staffID: String
    /// The new password (validated here, hashed by the application layer; never in an event).
    public var newPassword: String
    /// Who replaces it.
    public var method: StaffPasswordChangeMethod
    /// Why: required for a reset.
    public var reason: String?

    /// Creates the command.
    public init(staffID: String, newPassword: String, method: StaffPasswordChangeMethod, reason: String? = nil) {
        self.staffID = staffID
        self.newPassword = newPassword
        self.method = method
        self.reason = reason
    }
}

/// Every command of a staff account stream (administrators and the system only, but a holder's own password).
public enum StaffCommand: Sendable, Equatable {
    /// ``CreateStaffAccount``.
    case create(CreateStaffAccount)
    /// ``ChangeStaffScope``.
    case changeScope(ChangeStaffScope)
    /// ``DeactivateStaffAccount``.
    case deactivate(DeactivateStaffAccount)
    /// ``ChangeStaffPassword``.
    case changePassword(ChangeStaffPassword)
    /// ``ReactivateStaffAccount``.
    case reactivate(ReactivateStaffAccount)
}

/// One staff account.
public struct StaffState: Codable, Equatable, Sendable {
    /// Bumped whenever the encoded shape changes.
    public static let stateSchemaVersion = 1

    /// The account id; nil before creation.
    public var staffID: String?
    /// Raw value of ``Role``.
    public var role: String
    /// The display name.
    public var displayName: String
    /// A reviewer's area.
    public var areaCode: String?
    /// A reviewer's sites.
    public var siteCodes: [String]
    /// False once deactivated.
    public var active: Bool

    /// Creates a state.
    public init(
        staffID: String? = nil,
        role: String = "",
        displayName: String = "",
        areaCode: String? = nil,
        siteCodes: [String] = [],
        active: Bool = false
    ) {
        self.staffID = staffID
        self.role = role
        self.displayName = displayName
        self.areaCode = areaCode
        self.siteCodes = siteCodes
        self.active = active
    }

    /// The actor this account acts as once authenticated.
    public var actor: Actor? {
        guard let staffID, let role = Role(rawValue: role), active else { return nil }
        return Actor(id: staffID, role: role, areaCode: areaCode, siteCodes: siteCodes)
    }
}

/// Staff accounts: creation, a reviewer's scope, deactivation and reactivation, passwords.
public enum StaffDecider: Decider {
    /// A staff command with its context.
    public typealias Command = ContextualCommand<StaffCommand>
    /// ``StaffState``.
    public typealias State = StaffState
    /// ``StaffEvent``.
    public typealias Event = StaffEvent

    /// No account.
    public static var initial: StaffState { StaffState() }

    /// Decides a command in its context.
    public static func decide(
        _ command: StaffCommand,
        in context: CommandContext,
        state: StaffState
    ) throws(Rejection)
        -> [StaffEvent]
    {
        try decide(ContextualCommand(command, context), state)
    }

    /// Decides a staff command.
    public static func decide(_ command: Command, _ state: StaffState) throws(Rejection) -> [StaffEvent] {
        let context = command.context
        let now = Instant.string(from: context.now)
        if case .changePassword(let change) = command.body { return try changePassword(change, context, state, now: now) }
        try context.actor.require([.admin, .system], action: "管理工作人员账号")
        switch command.body {
        case .create(let create):
            guard state.staffID == nil else {
                throw Reject.make(.staffAlreadyExists, field: "staffID", message: "工作人员账号\(create.staffID)已存在")
            }
            let staffID = try Check.text(create.staffID, field: "staffID", label: "账号", maxLength: 40)
            let name = try Check.text(
                create.displayName,
                field: "displayName",
                label: "姓名",
                maxLength: 40,
                halfWidth: false
            )
            switch create.role {
            case .reviewer:
                let (area, sites) = try validateScope(create.areaCode, create.siteCodes, season: context.season)
                return [
                    .created(
                        StaffAccountCreated(
                            staffID: staffID,
                            role: create.role.rawValue,
                            displayName: name,
                            areaCode: area,
                            siteCodes: sites,
                            createdAt: now
                        )
                    )
                ]
            case .auditor, .admin:
                guard create.areaCode == nil, create.siteCodes.isEmpty else {
                    throw Reject.make(.staffScopeInvalid, field: "areaCode", message: "只有审核人员账号需要设置考区和考点")
                }
                return [
                    .created(
                        StaffAccountCreated(
                            staffID: staffID,
                            role: create.role.rawValue,
                            displayName: name,
                            areaCode: nil,
                            siteCodes: [],
                            createdAt: now
                        )
                    )
                ]
            case .candidate, .system, .chsi, .bank:
                throw Reject.make(.staffRoleInvalid, field: "role", message: "工作人员账号只能是审核人员、审计人员或管理员")
            }
        case .changeScope(let change):
            try requireActive(state, change.staffID)
            guard state.role == Role.reviewer.rawValue else {
                throw Reject.make(.staffScopeInvalid, field: "staffID", message: "只有审核人员账号有考区和考点范围")
            }
            let (area, sites) = try validateScope(change.areaCode, change.siteCodes, season: context.season)
            // The same scope again changes nothing: no event, and no empty row in the trail.
            if area == state.areaCode && Set(sites) == Set(state.siteCodes) { return [] }
            return [
                .scopeChanged(
                    StaffScopeChanged(
                        staffID: change.staffID,
                        previousAreaCode: state.areaCode,
                        previousSiteCodes: state.siteCodes,
                        areaCode: area,
                        siteCodes: sites,
                        changedAt: now
                    )
                )
            ]
        case .deactivate(let deactivate):
            try requireActive(state, deactivate.staffID)
            guard deactivate.staffID != context.actor.id else {
                throw Reject.make(.staffSelfDeactivation, field: "staffID", message: "不能停用自己的账号")
            }
            let reason = try Check.reason(deactivate.reason, label: "停用原因", code: .inputRequired)
            return [.deactivated(StaffAccountDeactivated(staffID: deactivate.staffID, reason: reason, deactivatedAt: now))]
        case .reactivate(let reactivate):
            guard let id = state.staffID, id == reactivate.staffID else {
                throw Reject.make(.staffNotFound, field: "staffID", message: "工作人员账号\(reactivate.staffID)不存在")
            }
            guard !state.active else {
                throw Reject.make(.staffNotDeactivated, field: "staffID", message: "工作人员账号\(reactivate.staffID)未停用，无需重新启用")
            }
            let reason = try Check.reason(reactivate.reason, label: "重新启用原因", code: .inputRequired)
            return [.reactivated(StaffAccountReactivated(staffID: reactivate.staffID, reason: reason, reactivatedAt: now))]
        case .changePassword:
            return []  // decided above
        }
    }

    /// A holder replaces their own password (any staff role: an auditor too, since it changes no one's file); an
    /// administrator resets another account's with a reason.
    private static func changePassword(
        _ change: ChangeStaffPassword,
        _ context: CommandContext,
        _ state: StaffState,
        now: String
    ) throws(Rejection) -> [StaffEvent] {
        var reason: String?
        switch change.method {
        case .byHolder:
            guard context.actor.id == change.staffID else {
                throw Reject.make(.authForbidden, field: "staffID", message: "只能修改自己的密码；其他工作人员的密码由管理员重置")
            }
            try requireActive(state, change.staffID)
        case .reset:
            try context.actor.require([.admin, .system], action: "重置工作人员密码")
            try requireActive(state, change.staffID)
            guard context.actor.id != change.staffID else {
                throw Reject.make(.authForbidden, field: "staffID", message: "自己的密码请用修改密码（须输入原密码），不能重置")
            }
            guard let typed = change.reason, !Check.isBlank(typed) else {
                throw Reject.make(.accountReasonRequired, field: "reason", message: "重置工作人员密码须填写原因")
            }
            reason = try Check.reason(typed, label: "重置密码的原因", code: .accountReasonRequired)
        }
        try Rules.validateStaffPassword(change.newPassword, field: "newPassword")
        return [
            .passwordChanged(
                StaffPasswordChanged(
                    staffID: change.staffID,
                    method: change.method.rawValue,
                    changedBy: context.actor.id,
                    reason: reason,
                    changedAt: now
                )
            )
        ]
    }

    /// Applies one event.
    public static func evolve(_ state: consuming StaffState, _ event: StaffEvent) -> StaffState {
        // A consuming parameter is mutable: folding into it avoids copying the state (`var state = state` did).
        switch event {
        case .created(let event):
            state = StaffState(
                staffID: event.staffID,
                role: event.role,
                displayName: event.displayName,
                areaCode: event.areaCode,
                siteCodes: event.siteCodes,
                active: true
            )
        case .scopeChanged(let event):
            state.areaCode = event.areaCode
            state.siteCodes = event.siteCodes
        case .deactivated:
            state.active = false
        case .reactivated:
            state.active = true
        case .passwordChanged:
            break  // the password is the credentials table's
        }
        return state
    }

    private static func requireActive(_ state: StaffState, _ staffID: String) throws(Rejection) {
        guard let id = state.staffID, id == staffID else {
            throw Reject.make(.staffNotFound, field: "staffID", message: "工作人员账号\(staffID)不存在")
        }
        guard state.active else {
            throw Reject.make(.staffDeactivated, field: "staffID", message: "工作人员账号\(staffID)已停用")
        }
    }

    /// A reviewer's scope: an existing area and at least one site, every site existing and in that area.
    /// Duplicate site codes are dropped, order kept.
    private static func validateScope(
        _ areaCode: String?,
        _ siteCodes: [String],
        season: SeasonState
    ) throws(Rejection)
        -> (String, [String])
    {
        guard let areaCode, !Check.isBlank(areaCode) else { throw Reject.required("areaCode", "审核人员所属考区") }
        guard season.area(areaCode) != nil else {
            throw Reject.make(.staffScopeInvalid, field: "areaCode", message: "考区\(Reject.excerpt(areaCode))不存在")
        }
        var sites: [String] = []
        for (index, code) in siteCodes.enumerated() where !sites.contains(code) {
            guard let site = season.site(code), site.areaCode == areaCode else {
                throw Reject.make(
                    .staffScopeInvalid,
                    field: "siteCodes[\(index)]",
                    message: "考点\(Reject.excerpt(code))不存在或不属于考区\(Reject.excerpt(areaCode))"
                )
            }
            sites.append(code)
        }
        guard !sites.isEmpty else { throw Reject.required("siteCodes", "审核人员负责的考点") }
        return (areaCode, sites)
    }
}
