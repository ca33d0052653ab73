import Foundation

/// The kind of party behind a command. Deciders authorise by role and scope; authentication happens before.
public enum Role: String, Codable, CaseIterable, Sendable {
    /// 考生: acts on their own registration file only.
    case candidate
    /// 考点审核人员: reviews applications at the sites in their scope.
    case reviewer
    /// 审计: reads everything, never writes.
    case auditor
    /// Administrator: season calendar, catalogue, areas, sites, staff accounts, refunds.
    case admin
    /// The system itself (scheduled jobs, imports); may do what an administrator does.
    case system
    /// 学信网: the only party that may report a CHSI verification result.
    case chsi
    /// The bank or payment gateway: the only party that may confirm a payment.
    case bank
}

/// Who issues a command, as authenticated by the application layer.
public struct Actor: Codable, Sendable, Equatable {
    /// The actor's id: the candidate id for candidates, the staff account id for staff, a fixed id for systems.
    public var id: String
    /// The actor's role.
    public var role: Role
    /// The exam area (考区) of a reviewer; nil for everyone else.
    public var areaCode: String?
    /// The exam sites (考点) a reviewer may review at; empty for everyone else.
    public var siteCodes: [String]

    /// Creates an actor.
    public init(id: String, role: Role, areaCode: String? = nil, siteCodes: [String] = []) {
        self.id = id
        self.role = role
        self.areaCode = areaCode
        self.siteCodes = siteCodes
    }

    /// A candidate acting on their own file.
    public static func candidate(_ id: String) -> Actor {
        Actor(id: id, role: .candidate)
    }

    /// A reviewer scoped to an area and its sites.
    public static func reviewer(_ id: String, area: String, sites: [String]) -> Actor {
        Actor(id: id, role: .reviewer, areaCode: area, siteCodes: sites)
    }

    /// An administrator.
    public static func admin(_ id: String) -> Actor {
        Actor(id: id, role: .admin)
    }

    /// The system itself (scheduled jobs, the server's own corrections): actor id `system`.
    public static let system = Actor(id: systemID, role: .system)
    /// 学信网, whether its answer comes through the callback or the demo: actor id `chsi`.
    public static let chsi = Actor(id: chsiID, role: .chsi)
    /// The bank, whether its answer comes through the callback or the demo: actor id `bank`.
    public static let bank = Actor(id: bankID, role: .bank)

    /// The system's actor id.
    public static let systemID = "system"
    /// CHSI's actor id: one id for the outside system, whatever path its answer takes, so that the trail's actor
    /// filter finds all of its answers.
    public static let chsiID = "chsi"
    /// The bank's actor id, as ``chsiID``.
    public static let bankID = "bank"
    /// The fixed actor ids of systems (not accounts): what `trace --actor` and `?actor=` take without a lookup.
    public static let systemActorIDs = [systemID, chsiID, bankID]
    /// Ids that logs written before the ids were unified hold for CHSI and the bank (the demo's, until then).
    public static let formerSystemActorIDs = ["chsi-gateway", "bank-unionpay"]
}

/// Everything a decision needs besides the command and the stream's own state: who, when and the season.
///
/// The application layer builds it: the authenticated actor, the injected clock's `now`, and the season state
/// replayed from the season stream.
public struct CommandContext: Sendable {
    /// Who issues the command.
    public var actor: Actor
    /// The current instant, from the injected clock.
    public var now: Date
    /// The current season (calendar, catalogue, areas and sites).
    public var season: SeasonState

    /// Creates a context.
    public init(actor: Actor, now: Date, season: SeasonState) {
        self.actor = actor
        self.now = now
        self.season = season
    }
}

/// A command together with its context: the `Command` of every decider in this module.
public struct ContextualCommand<Body: Sendable>: Sendable {
    /// The command itself.
    public var body: Body
    /// Actor, time and season.
    public var context: CommandContext

    /// Wraps a command with its context.
    public init(_ body: Body, _ context: CommandContext) {
        self.body = body
        self.context = context
    }
}

extension Actor {
    /// Refuses auditors (read-only) and every role not in `roles`.
    func require(_ roles: Set<Role>, action: String) throws(Rejection) {
        if role == .auditor {
            throw Reject.make(.authReadOnly, field: "actor", message: "审计账号只能查看，不能\(action)")
        }
        guard roles.contains(role) else {
            throw Reject.make(.authForbidden, field: "actor", message: "当前账号无权\(action)")
        }
    }
}
