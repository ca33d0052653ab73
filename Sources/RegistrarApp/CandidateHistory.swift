import EventLog
import Foundation
import RegistrationDomain

/// A candidate's file as it was at a point of its history, and how it got there: what reviewers replay at the
/// review site and auditors trace.
public struct CandidateHistory: Sendable {
    /// One step of the timeline.
    public struct Step: Codable, Sendable, Equatable {
        /// Global position.
        public var position: Int64
        /// Version of the file after the step.
        public var version: Int
        /// When it was recorded.
        public var recordedAt: String
        /// Who acted, and in which role and channel.
        public var actorId: String
        /// The actor's role.
        public var role: String
        /// The channel.
        public var channel: String
        /// The event type.
        public var event: String
        /// The event in plain words.
        public var action: String
        /// The reason given, if any.
        public var reason: String?
        /// The request id, if any.
        public var requestId: String?
    }

    /// The point of history wanted.
    public enum Point: Sendable, Equatable {
        /// Now.
        case latest
        /// After this stream version.
        case version(Int)
        /// As recorded at or before this ISO-8601 instant.
        case instant(String)
    }

    /// A field-level change between two points.
    public struct Change: Codable, Sendable, Equatable {
        /// Path in the file, e.g. `contact.mobile` or `applications.app-1.status`.
        public var path: String
        /// The value before (nil: absent).
        public var before: String?
        /// The value after (nil: absent).
        public var after: String?
    }

    let handler: CommandHandler<CandidateDecider>

    /// Creates the history reader over a store.
    public init(store: any EventStore & SnapshotStore) {
        handler = CommandHandler(store: store, codec: EventCatalog.candidateCodec, snapshotEvery: 0)
    }

    /// Resolves a candidate id or a username to the candidate's stream id.
    public func resolve(_ idOrUsername: String) async throws -> String? {
        if try await handler.store.streamVersion(idOrUsername) > 0 { return idOrUsername }
        return try await handler.store.claimHolder(CandidateClaims.usernameKey(idOrUsername))
    }

    /// What an id or username given for a candidate names.
    public enum Subject: Sendable, Equatable {
        /// A candidate's file (its stream id).
        case candidate(String)
        /// A staff account (its stream id): staff and candidates share one username namespace.
        case staff(String)
        /// Another stream (the season's, say): not a candidate's file.
        case otherStream(String)
        /// Nothing in the log.
        case unknown
    }

    /// Tells what a candidate id or username names, so that a staff account or the season's stream is not replayed
    /// as a candidate's file.
    public func identify(_ idOrUsername: String) async throws -> Subject {
        guard let id = try await resolve(idOrUsername) else { return .unknown }
        if id.hasPrefix("candidate-") { return .candidate(id) }
        if id.hasPrefix("staff-") { return .staff(id) }
        return .otherStream(id)
    }

    /// The file's state at a point and the timeline that led there.
    public func replay(_ candidateId: String, at point: Point) async throws -> (state: CandidateState, version: Int, timeline: [Step]) {
        let recorded: [RecordedEvent]
        switch point {
        case .latest: recorded = try await handler.store.readStream(candidateId, fromVersion: 1, toVersion: nil)
        case .version(let version): recorded = try await handler.store.readStream(candidateId, fromVersion: 1, toVersion: version)
        case .instant(let instant): recorded = try await handler.store.readStream(candidateId, recordedAtOrBefore: instant)
        }
        var state = CandidateDecider.initial
        var timeline = [Step]()
        for event in recorded {
            let decoded = try handler.codec.decode(event)
            state = CandidateDecider.evolve(consume state, decoded)
            let metadata = try event.decodedMetadata()
            timeline.append(
                Step(
                    position: event.position,
                    version: event.streamVersion,
                    recordedAt: metadata.recordedAt,
                    actorId: metadata.actorId,
                    role: metadata.role,
                    channel: metadata.channel,
                    event: event.type,
                    action: EventDescriptions.describe(event.type),
                    reason: metadata.reason,
                    requestId: metadata.requestId
                )
            )
        }
        return (state, recorded.last?.streamVersion ?? 0, timeline)
    }

    /// Field-level differences between the file at two points; with `maskingIDNumbers`, as someone who sees ID
    /// numbers masked sees them (``Masking/maskedDiff(_:_:)``).
    public func diff(_ candidateId: String, from: Point, to: Point, maskingIDNumbers: Bool = false) async throws -> [Change] {
        let before = try await replay(candidateId, at: from).state
        let after = try await replay(candidateId, at: to).state
        return maskingIDNumbers ? try Masking.maskedDiff(before, after) : try Self.diff(before, after)
    }

    /// Field-level differences between two states, by flattening their JSON to paths.
    public static func diff<State: Encodable>(_ before: State, _ after: State) throws -> [Change] {
        let old = try flatten(before)
        let new = try flatten(after)
        return Set(old.keys).union(new.keys).sorted().compactMap { path in
            old[path] == new[path] ? nil : Change(path: path, before: old[path], after: new[path])
        }
    }

    /// A value's JSON flattened to `path: scalar text`; arrays index by position, objects by key.
    static func flatten<Value: Encodable>(_ value: Value) throws -> [String: String] {
        var out = [String: String]()
        func walk(_ node: JSONValue, _ path: String) {
            switch node {
            case .object(let dictionary): for (key, child) in dictionary { walk(child, path.isEmpty ? key : "\(path).\(key)") }
            case .array(let array): for (index, child) in array.enumerated() { walk(child, "\(path)[\(index)]") }
            case .null: break
            case .scalar(let text): out[path] = text
            }
        }
        walk(try JSONDecoder().decode(JSONValue.self, from: CanonicalJSON.encode(value)), "")
        return out
    }
}

/// Any JSON value, with scalars kept as their text.
enum JSONValue: Decodable {
    case object([String: JSONValue])
    case array([JSONValue])
    case scalar(String)
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .scalar(bool ? "true" : "false")
        } else if let integer = try? container.decode(Int64.self) {
            self = .scalar(String(integer))
        } else if let number = try? container.decode(Double.self) {
            self = .scalar(String(number))
        } else if let text = try? container.decode(String.self) {
            self = .scalar(text)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}

/// Every event type in plain words, for timelines and the audit trail.
public enum EventDescriptions {
    static let words: [String: String] = [
        "CandidateRegistered": "注册账号",
        "ContactDetailsUpdated": "修改联系方式",
        "WorkDetailsUpdated": "修改工作情况",
        "EducationEntryAdded": "添加教育经历",
        "EducationEntryAmended": "修改教育经历",
        "EducationEntryRemoved": "删除教育经历",
        "TrainingEntryAdded": "添加培训经历",
        "TrainingEntryAmended": "修改培训经历",
        "TrainingEntryRemoved": "删除培训经历",
        "CertificateEntryAdded": "添加证书",
        "CertificateEntryAmended": "修改证书",
        "CertificateEntryRemoved": "删除证书",
        "ChsiScanStarted": "发起学信网扫码验证",
        "ChsiResultReceived": "收到学信网验证结果",
        "ApplicationSubmitted": "提交报名",
        "EntryLocked": "锁定条目",
        "EntryUnlocked": "解锁条目",
        "EntryVerified": "条目审核通过",
        "ApplicationAbandoned": "放弃报考",
        "BasicInfoCorrected": "审核人员修改基本信息",
        "ApplicationApproved": "现场审核通过",
        "ApplicationRejected": "现场审核不通过",
        "ApplicationSigned": "考生签字确认",
        "PaymentStarted": "发起网上缴费",
        "PaymentConfirmed": "银行确认缴费成功",
        "PaymentFailed": "银行报告缴费失败",
        "RefundRecorded": "记录退费",
        "PasswordChanged": "修改密码",
        "RecoveryQuestionChanged": "修改密码找回问题",
        "SeasonOpened": "开启考试年度",
        "SeasonCalendarSet": "设置报名日程",
        "PhotoSizeLimitSet": "设置照片大小上限",
        "ExamAdded": "添加考试类别",
        "ExamWithdrawn": "撤销考试类别",
        "ExamAreaAdded": "添加考区",
        "ExamAreaUpdated": "修改考区",
        "ExamSiteAdded": "添加考点",
        "StaffAccountCreated": "创建工作人员账号",
        "StaffScopeChanged": "调整工作人员审核范围",
        "StaffAccountDeactivated": "停用工作人员账号",
    ]

    /// The plain words for an event type (the type itself when unknown).
    public static func describe(_ type: String) -> String { words[type] ?? type }

    /// Types without words (a test keeps this empty).
    public static var undescribed: [String] { EventCatalog.currentVersions.keys.filter { words[$0] == nil }.sorted() }
}
