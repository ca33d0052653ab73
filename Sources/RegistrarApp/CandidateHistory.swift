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
        /// The exam site (考点) of the application the step concerns, if it concerns one: where a reviewer acted.
        public var siteCode: String? = nil
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
        /// Path in the file, in the audit trail's syntax (``CandidateHistory/flatten(_:)``), e.g. `contact.mobile`
        /// or `applications[app-1].status`.
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
                    requestId: metadata.requestId,
                    siteCode: decoded.applicationID.flatMap { state.applications[$0]?.siteCode }
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
        return maskingIDNumbers ? Masking.maskedDiff(before, after) : Self.diff(before, after)
    }

    /// Field-level differences between two states, by their paths (``flatten(_:)``), sorted by path.
    public static func diff(_ before: CandidateState, _ after: CandidateState) -> [Change] {
        let old = flatten(before)
        let new = flatten(after)
        return Set(old.keys).union(new.keys).sorted().compactMap { path in
            old[path] == new[path] ? nil : Change(path: path, before: old[path], after: new[path])
        }
    }

    /// A file as `path: value`, in the audit trail's path syntax, so that a path of a diff can be given to
    /// `registrar trace --field` and the trail's `?field=` as it is: entries, applications, payments, refunds and
    /// scans by their ids in brackets (`education[<entry id>].school`, `applications[<id>].status`,
    /// `applications[<id>].payments[<order>].outcome`, `education[<entry id>].chsiScans[<scan id>]`), the current
    /// CHSI result under `education[<entry id>].chsi.`, the values as the trail writes them (`true`/`false`,
    /// numbers as text, id lists joined with commas, the application's derived `status`, `paidFen` and
    /// `refundedFen`).
    ///
    /// What the file keeps and the trail does not track (the trail follows what events change, the file also keeps
    /// when) uses the same syntax: `registeredAt`, `applications[<id>].submittedAt` (and the other instants),
    /// `applications[<id>].corrections[<n>].newValue` (a correction's own record, by its index: its effect is the
    /// `basic.` field, which the trail tracks), `education[<entry id>].chsiResults[<scan id>].school` (every
    /// answer, superseded ones too), `education[<entry id>].order`, `…payments[<order>].bankTransactions[<id>]`
    /// (`recorded`: the file does not keep each transaction's outcome). Such a path is accepted by the trail's
    /// filter and finds no rows of its own.
    public static func flatten(_ state: CandidateState) -> [String: String] {
        var out = [String: String]()
        func set(_ path: String, _ value: String?) { if let value { out[path] = value } }
        func flag(_ value: Bool) -> String { value ? "true" : "false" }
        func flags(_ prefix: String, _ flags: EntryFlags) {
            for application in flags.lockedBy { out[prefix + "lockedBy[\(application)]"] = "locked" }
            if flags.verified { out[prefix + "verified"] = "true" }
        }
        set("registeredAt", state.registeredAt)
        if let b = state.basic {
            for (key, value) in [
                ("username", b.username), ("name", b.name), ("surnamePinyin", b.surnamePinyin), ("givenNamePinyin", b.givenNamePinyin),
                ("idType", b.idType), ("idNumber", b.idNumber), ("sex", b.sex), ("birthDate", b.birthDate),
                ("nationality", b.nationality), ("ethnicity", b.ethnicity),
            ] {
                out["basic." + key] = value
            }
            set("basic.identity", b.identity.map(String.init))
        }
        if let c = state.contact {
            set("contact.homePhone", c.homePhone)
            set("contact.workPhone", c.workPhone)
            set("contact.mobile", c.mobile)
            set("contact.email", c.email)
            set("contact.address", c.address)
            set("contact.postcode", c.postcode)
        }
        if let w = state.work {
            set("work.onDutyStatus", w.onDutyStatus)
            set("work.workUnit", w.workUnit)
            set("work.title", w.title)
            set("work.titleObtained", w.titleObtained)
        }
        for (id, entry) in state.education {
            let p = "education[\(id)]."
            let r = entry.record
            set(p + "order", String(entry.order))
            set(p + "region", r.region)
            set(p + "school", r.school)
            set(p + "category", r.category)
            set(p + "enrolment", r.enrolment)
            set(p + "graduation", r.graduation)
            set(p + "studyForm", r.studyForm)
            set(p + "level", r.level)
            set(p + "degree", r.degree)
            set(p + "length", r.length)
            set(p + "major", r.major)
            set(p + "fiveYearJuniorCollegeClinical", flag(r.fiveYearJuniorCollegeClinical))
            set(p + "combinedMasterDoctor", flag(r.combinedMasterDoctor))
            set(p + "certificateNumber", r.certificateNumber)
            flags(p, entry.flags)
            for scan in entry.startedScanIDs { out[p + "chsiScans[\(scan)]"] = entry.hasAnswered(scan) ? "answered" : "started" }
            for result in entry.chsiResults {
                chsi(result, into: &out, prefix: p + "chsiResults[\(result.scanID)].")
            }
            if let current = entry.currentChsiResult { chsi(current, into: &out, prefix: p + "chsi.") }
        }
        for (id, entry) in state.training {
            let p = "training[\(id)]."
            set(p + "order", String(entry.order))
            set(p + "kind", entry.kind)
            set(p + "institution", entry.institution)
            set(p + "specialty", entry.specialty)
            set(p + "start", entry.start)
            set(p + "end", entry.end)
            set(p + "certificateNumber", entry.certificateNumber)
            flags(p, entry.flags)
        }
        for (id, entry) in state.certificates {
            let p = "certificates[\(id)]."
            set(p + "order", String(entry.order))
            set(p + "type", entry.type)
            set(p + "issued", entry.issued)
            set(p + "number", entry.number)
            set(p + "registered", entry.registered)
            set(p + "registrationNumber", entry.registrationNumber)
            flags(p, entry.flags)
        }
        for (id, a) in state.applications {
            let p = "applications[\(id)]."
            set(p + "status", a.status.rawValue)
            set(p + "seasonID", a.seasonID)
            set(p + "examCode", a.examCode)
            set(p + "examLevel", a.examLevel)
            set(p + "examCategory", a.examCategory)
            set(p + "educationEntryIDs", a.educationEntryIDs.joined(separator: ","))
            set(p + "trainingEntryIDs", a.trainingEntryIDs.isEmpty ? nil : a.trainingEntryIDs.joined(separator: ","))
            set(p + "certificateEntryID", a.certificateEntryID)
            set(p + "areaCode", a.areaCode)
            set(p + "siteCode", a.siteCode)
            set(p + "attemptCount", String(a.attemptCount))
            set(p + "additionalSubject", a.additionalSubject)
            set(p + "photoID", a.photoID)
            set(p + "photoFormat", a.photoFormat)
            set(p + "photoSizeBytes", String(a.photoSizeBytes))
            set(p + "passNumber", a.passNumber)
            set(p + "identity", a.identity.map(String.init))
            set(p + "onDutyStatus", a.onDutyStatus)
            set(p + "workUnit", a.workUnit)
            set(p + "title", a.title)
            set(p + "workPost", a.workPost)
            set(p + "submittedAt", a.submittedAt)
            set(p + "abandonedAt", a.abandonedAt)
            set(p + "approvedAt", a.approvedAt)
            set(p + "approvedBy", a.approvedBy)
            set(p + "approvalNote", a.approvalNote)
            for (index, withdrawn) in (a.withdrawnApprovals ?? []).enumerated() {
                let w = p + "withdrawnApprovals[\(index)]."
                set(w + "approvedAt", withdrawn.approvedAt)
                set(w + "approvedBy", withdrawn.approvedBy)
                set(w + "note", withdrawn.note)
                set(w + "withdrawnAt", withdrawn.withdrawnAt)
                set(w + "withdrawnBy", withdrawn.withdrawnBy)
                set(w + "reason", withdrawn.reason)
            }
            set(p + "rejectedAt", a.rejectedAt)
            set(p + "rejectionReason", a.rejectionReason)
            set(p + "signedAt", a.signedAt)
            if a.paidFen > 0 { set(p + "paidFen", String(a.paidFen)) }
            if !a.refunds.isEmpty { set(p + "refundedFen", String(a.refundedFen)) }
            for (index, correction) in a.corrections.enumerated() {
                let c = p + "corrections[\(index)]."
                set(c + "field", correction.field)
                set(c + "oldValue", correction.oldValue)
                set(c + "newValue", correction.newValue)
                set(c + "reason", correction.reason)
                set(c + "reviewerID", correction.reviewerID)
                set(c + "correctedAt", correction.correctedAt)
            }
            for payment in a.payments {
                let o = p + "payments[\(payment.orderNumber)]."
                set(o + "outcome", payment.outcome.rawValue)
                set(o + "amountFen", String(payment.amountFen))
                set(o + "startedAt", payment.startedAt)
                set(o + "confirmedAt", payment.confirmedAt)
                set(o + "failureReason", payment.failureReason)
                for transaction in payment.bankTransactionIDs { out[o + "bankTransactions[\(transaction)]"] = "recorded" }
            }
            for refund in a.refunds {
                let r = p + "refunds[\(refund.refundID)]."
                set(r + "amountFen", String(refund.amountFen))
                set(r + "reason", refund.reason)
                set(r + "recordedAt", refund.recordedAt)
            }
        }
        return out
    }

    /// A CHSI result's fields under `prefix` (`education[<entry id>].chsi.`), as the trail writes them.
    private static func chsi(_ result: ChsiResult, into out: inout [String: String], prefix p: String) {
        for (key, value) in [
            ("scanID", result.scanID), ("name", result.name), ("idNumber", result.idNumber), ("school", result.school),
            ("major", result.major), ("level", result.level), ("studyForm", result.studyForm),
            ("educationCategory", result.educationCategory), ("enrolmentDate", result.enrolmentDate),
            ("graduationDate", result.graduationDate), ("conclusion", result.conclusion),
            ("nameMatches", result.nameMatches ? "true" : "false"), ("idNumberMatches", result.idNumberMatches ? "true" : "false"),
            ("receivedAt", result.receivedAt),
        ] {
            out[p + key] = value
        }
    }
}

/// Every event type in plain words, Chinese then English (`提交报名 / application submitted`): the one dictionary of
/// the audit trail (its stored `action`), `replay`'s timeline, the history and the live feed. Pages show the Chinese
/// half (`PageRender.chinesePart`). The trail stores these words: changing one changes its rows, so bump the
/// audit_trail version with it (projections/audit_trail/README.md).
public enum EventDescriptions {
    static let words: [String: String] = [
        "CandidateRegistered": "注册 / registered",
        "ContactDetailsUpdated": "修改联系方式 / contact details updated",
        "WorkDetailsUpdated": "修改工作情况 / work details updated",
        "EducationEntryAdded": "添加教育经历 / education entry added",
        "EducationEntryAmended": "修改教育经历 / education entry amended",
        "EducationEntryRemoved": "删除教育经历 / education entry removed",
        "TrainingEntryAdded": "添加培训经历 / training entry added",
        "TrainingEntryAmended": "修改培训经历 / training entry amended",
        "TrainingEntryRemoved": "删除培训经历 / training entry removed",
        "CertificateEntryAdded": "添加证书 / certificate added",
        "CertificateEntryAmended": "修改证书 / certificate amended",
        "CertificateEntryRemoved": "删除证书 / certificate removed",
        "ChsiScanStarted": "学信网扫码验证开始 / CHSI scan started",
        "ChsiResultReceived": "学信网验证结果 / CHSI result received",
        "ApplicationSubmitted": "提交报名 / application submitted",
        "EntryLocked": "锁定 / entry locked",
        "EntryUnlocked": "解锁 / entry unlocked",
        "EntryVerified": "审核通过的条目 / entry verified",
        "ApplicationAbandoned": "放弃报考 / application abandoned",
        "BasicInfoCorrected": "审核人员修改基本信息 / basic information corrected by reviewer",
        "ApplicationApproved": "现场审核通过 / application approved",
        "ApplicationRejected": "现场审核未通过 / application rejected",
        "ApplicationApprovalWithdrawn": "撤销审核通过 / approval withdrawn",
        "EntryVerificationWithdrawn": "撤销条目的审核通过 / entry verification withdrawn",
        "ApplicationSigned": "签字确认 / form signed",
        "PaymentStarted": "发起缴费 / payment started",
        "PaymentConfirmed": "银行确认缴费 / payment confirmed by the bank",
        "PaymentFailed": "缴费失败 / payment failed",
        "RefundRecorded": "退费 / refund recorded",
        "PasswordChanged": "修改密码 / password changed",
        "RecoveryQuestionChanged": "修改密码找回问题 / recovery question changed",
        "SeasonOpened": "开放考试年度 / season opened",
        "SeasonCalendarSet": "设置考试日程 / season calendar set",
        "PhotoSizeLimitSet": "设置照片大小上限 / photo size limit set",
        "ExamAdded": "添加考试类别 / exam added",
        "ExamWithdrawn": "撤销考试类别 / exam withdrawn",
        "ExamAreaAdded": "添加考区 / exam area added",
        "ExamAreaUpdated": "修改考区 / exam area updated",
        "ExamSiteRenamed": "修改考点名称 / exam site renamed",
        "ExamSiteAdded": "添加考点 / exam site added",
        "StaffAccountCreated": "创建工作人员账号 / staff account created",
        "StaffScopeChanged": "修改审核范围 / staff scope changed",
        "StaffAccountDeactivated": "停用工作人员账号 / staff account deactivated",
        "StaffAccountReactivated": "重新启用工作人员账号 / staff account reactivated",
        "StaffPasswordChanged": "修改工作人员密码 / staff password changed",
    ]

    /// The plain words for an event type (the type itself when unknown).
    public static func describe(_ type: String) -> String { words[type] ?? type }

    /// The Chinese half of the words of an event type.
    public static func chinese(_ type: String) -> String {
        describe(type).components(separatedBy: " / ").first ?? type
    }

    /// Types without words (a test keeps this empty).
    public static var undescribed: [String] { EventCatalog.currentVersions.keys.filter { words[$0] == nil }.sorted() }
}
