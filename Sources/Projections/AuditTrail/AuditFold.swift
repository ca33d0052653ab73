import EventLog
import Foundation
import RegistrarApp
import RegistrationDomain

/// One changed field of one event.
public struct FieldChange: Codable, Sendable, Equatable {
    /// The field path, e.g. `basic.name`, `education[e1].school`, `applications[a1].status`.
    public var field: String
    /// The value before (nil: not set).
    public var before: String?
    /// The value after (nil: removed).
    public var after: String?
}

/// The audit fold: a subject's (stream's) current field values, and the event → the changed fields.
///
/// The row is a flat map of field paths to values; it is what lets the trail show "before" for events that carry only
/// the new values (amendments, replaced contact details). Reviewer corrections carry their old value themselves.
///
/// Besides the fields, the map keeps the order of each education entry's CHSI scans (``ChsiScans``), under keys that
/// start with U+0001: no field path does, so they are never a row and no query or removal prefix matches them.
public enum AuditFold {
    /// Field values of one subject.
    public typealias Values = [String: String]

    /// Folds one event: the new values and the fields that changed, sorted by path. An event that changes no field
    /// (a repeated bank confirmation, say) still yields one row with an empty path, so that every action is traced.
    public static func fold(_ row: Values?, _ payload: DecodedEvent.Payload) -> (Values, [FieldChange]) {
        var values = row ?? [:]
        let changes = apply(payload, to: &values)
        return (values, changes)
    }

    /// ``fold(_:_:)`` in place (the projection's hot path: no copy of the subject's values per event).
    public static func apply(_ payload: DecodedEvent.Payload, to values: inout Values) -> [FieldChange] {
        var changes = [FieldChange]()
        for (field, after) in assignments(values, payload) {
            // One hash of the path per field: the old value comes back from the update itself.
            let before = after.map { values.updateValue($0, forKey: field) } ?? values.removeValue(forKey: field)
            guard before != after else { continue }
            changes.append(FieldChange(field: field, before: before, after: after))
        }
        switch payload {
        case .candidate(.basicInfoCorrected(let e)):
            // The correction's own record of the old value is the fact the reviewer saw.
            let field = "basic.\(e.field)"
            changes = [FieldChange(field: field, before: e.oldValue, after: e.newValue)]
            values[field] = e.newValue
            // As the file: the application's pass number follows when it was the corrected ID number.
            let pass = "applications[\(e.applicationID)].passNumber"
            if e.field == BasicInfoField.idNumber.rawValue, IDType(rawValue: e.idType)?.isMainlandPass == true, values[pass] == e.oldValue {
                values[pass] = e.newValue
                changes.append(FieldChange(field: pass, before: e.oldValue, after: e.newValue))
            }
        case .candidate(.chsiScanStarted(let e)):
            var scans = ChsiScans(values, entry: e.entryID)
            if !scans.started.contains(e.scanID) {
                scans.started.append(e.scanID)
                scans.store(in: &values)
            }
        case .candidate(.chsiResultReceived(let e)):
            var scans = ChsiScans(values, entry: e.entryID)
            scans.answered.insert(e.scanID, at: scans.place(ofAnswerTo: e.scanID))
            scans.store(in: &values)
        case .candidate(.educationRemoved(let e)):
            ChsiScans(entry: e.entryID).store(in: &values)
        default:
            break
        }
        if changes.isEmpty { changes = [FieldChange(field: "", before: nil, after: nil)] }
        return changes
    }

    /// The CHSI scans of one education entry, in the order the file keeps them (`EducationEntry.receive` in
    /// RegistrationDomain): the scans started, in the order they started, and the scans answered, in the order of
    /// the file's results (by the start of their scans, a scan the entry has no start of after every known one).
    /// The last answered is the current result: the answer to the newest scan, whenever it arrived.
    struct ChsiScans {
        var entry: String
        var started: [String] = []
        var answered: [String] = []

        private static let separator: Character = "\u{1F}"
        private var startedKey: String { "\u{1}chsiStarted:\(entry)" }
        private var answeredKey: String { "\u{1}chsiAnswered:\(entry)" }

        /// None yet.
        init(entry: String) { self.entry = entry }

        /// As kept in `values`.
        init(_ values: Values, entry: String) {
            self.entry = entry
            started = values[startedKey].map { $0.split(separator: Self.separator).map(String.init) } ?? []
            answered = values[answeredKey].map { $0.split(separator: Self.separator).map(String.init) } ?? []
        }

        /// Keeps them in `values` (removes them when there are none).
        func store(in values: inout Values) {
            values[startedKey] = started.isEmpty ? nil : started.joined(separator: String(Self.separator))
            values[answeredKey] = answered.isEmpty ? nil : answered.joined(separator: String(Self.separator))
        }

        /// Where the answer to `scanID` goes among the answers: before the first answer to a scan started after it.
        func place(ofAnswerTo scanID: String) -> Int {
            func rank(_ scan: String) -> Int { started.firstIndex(of: scan) ?? started.count }
            let rankOfThis = rank(scanID)
            return answered.firstIndex { rank($0) > rankOfThis } ?? answered.endIndex
        }

        /// Whether the answer to `scanID` becomes the entry's current result.
        func answerBecomesCurrent(_ scanID: String) -> Bool { place(ofAnswerTo: scanID) == answered.endIndex }
    }

    /// The username an append claimed (`username:<name>`, lower-cased as claims are), from the claims in its first
    /// event's metadata; nil when it claimed none.
    public static func username(claimedBy claims: [String]?) -> String? {
        let prefix = "username:"
        return claims?.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// A field path without the ids in its brackets: `education[e1].chsi.school` → `education[].chsi.school`. The
    /// trail is indexed by it; a path with an unclosed bracket is its own kind.
    public static func kind(of path: String) -> String {
        kindIfClosed(path) ?? path
    }

    /// ``kind(of:)``, or nil for a path with an unclosed bracket (a query prefix with no kind to look up).
    static func kindIfClosed(_ path: String) -> String? {
        var path = path
        return path.withUTF8 { bytes -> String? in
            guard bytes.contains(UInt8(ascii: "[")) else { return String(decoding: bytes, as: UTF8.self) }
            var inside = false
            // Written straight into the string's storage (a rebuild computes one per changed field).
            let kind = String(unsafeUninitializedCapacity: bytes.count) { out in
                var count = 0
                for byte in bytes {
                    if inside {
                        guard byte == UInt8(ascii: "]") else { continue }
                        inside = false
                    } else if byte == UInt8(ascii: "[") {
                        inside = true
                    }
                    out[count] = byte
                    count += 1
                }
                return count
            }
            return inside ? nil : kind
        }
    }

    /// The action in plain words, Chinese then English: ``EventDescriptions``, the one dictionary that `replay`, the
    /// history and the live feed use too. Stored in `audit_events.action`: changing a phrase changes stored rows
    /// (bump the projection's version).
    public static func action(_ type: String) -> String {
        EventDescriptions.describe(type)
    }

    /// The fields an event sets (nil: removes), given the subject's values before it.
    static func assignments(_ values: Values, _ payload: DecodedEvent.Payload) -> [(String, String?)] {
        switch payload {
        case .candidate(let event): candidate(values, event)
        case .season(let event): season(event)
        case .staff(let event): staff(event)
        case .other: []
        }
    }

    private static func flag(_ value: Bool) -> String { value ? "true" : "false" }

    private static func removing(_ values: Values, prefix: String) -> [(String, String?)] {
        values.keys.filter { $0.hasPrefix(prefix) }.sorted().map { ($0, nil) }
    }

    private static func candidate(_ values: Values, _ event: CandidateEvent) -> [(String, String?)] {
        switch event {
        case .registered(let e):
            return [
                ("basic.username", e.username), ("basic.name", e.name), ("basic.surnamePinyin", e.surnamePinyin),
                ("basic.givenNamePinyin", e.givenNamePinyin), ("basic.idType", e.idType), ("basic.idNumber", e.idNumber),
                ("basic.sex", e.sex), ("basic.birthDate", e.birthDate), ("basic.nationality", e.nationality),
                ("basic.ethnicity", e.ethnicity), ("basic.identity", e.identity.map(String.init)),
            ]
        case .contactUpdated(let e):
            return [
                ("contact.homePhone", e.homePhone), ("contact.workPhone", e.workPhone), ("contact.mobile", e.mobile),
                ("contact.email", e.email), ("contact.address", e.address), ("contact.postcode", e.postcode),
            ]
        case .workUpdated(let e):
            return [
                ("work.onDutyStatus", e.onDutyStatus), ("work.workUnit", e.workUnit), ("work.title", e.title),
                ("work.titleObtained", e.titleObtained),
            ]
        case .educationAdded(let e):
            return education(
                e.entryID,
                e.region,
                e.school,
                e.category,
                e.enrolment,
                e.graduation,
                e.studyForm,
                e.level,
                e.degree,
                e.length,
                e.major,
                e.fiveYearJuniorCollegeClinical,
                e.combinedMasterDoctor,
                e.certificateNumber
            )
        case .educationAmended(let e):
            return education(
                e.entryID,
                e.region,
                e.school,
                e.category,
                e.enrolment,
                e.graduation,
                e.studyForm,
                e.level,
                e.degree,
                e.length,
                e.major,
                e.fiveYearJuniorCollegeClinical,
                e.combinedMasterDoctor,
                e.certificateNumber
            )
        case .educationRemoved(let e):
            return removing(values, prefix: "education[\(e.entryID)].")
        case .trainingAdded(let e):
            return training(e.entryID, e.kind, e.institution, e.specialty, e.start, e.end, e.certificateNumber)
        case .trainingAmended(let e):
            return training(e.entryID, e.kind, e.institution, e.specialty, e.start, e.end, e.certificateNumber)
        case .trainingRemoved(let e):
            return removing(values, prefix: "training[\(e.entryID)].")
        case .certificateAdded(let e):
            return certificate(e.entryID, e.type, e.issued, e.number, e.registered, e.registrationNumber)
        case .certificateAmended(let e):
            return certificate(e.entryID, e.type, e.issued, e.number, e.registered, e.registrationNumber)
        case .certificateRemoved(let e):
            return removing(values, prefix: "certificates[\(e.entryID)].")
        case .chsiScanStarted(let e):
            return [("education[\(e.entryID)].chsiScans[\(e.scanID)]", "started")]
        case .chsiResultReceived(let e):
            // The answer to the newest scan is the current result (DOMAIN.md §3), as in the file and the reviewer's
            // comparison: an older scan's answer that arrives after a newer one's joins the history, under its scan's
            // own path, and `chsi.*` keeps the current values.
            let scan = "education[\(e.entryID)].chsiScans[\(e.scanID)]"
            let current = ChsiScans(values, entry: e.entryID).answerBecomesCurrent(e.scanID)
            let p = current ? "education[\(e.entryID)].chsi." : scan + "."
            return [(scan, "answered")] + (current ? [(p + "scanID", e.scanID)] : []) + [
                (p + "name", e.name), (p + "idNumber", e.idNumber), (p + "school", e.school), (p + "major", e.major),
                (p + "level", e.level), (p + "studyForm", e.studyForm), (p + "educationCategory", e.educationCategory),
                (p + "enrolmentDate", e.enrolmentDate), (p + "graduationDate", e.graduationDate),
                (p + "conclusion", e.conclusion), (p + "nameMatches", flag(e.nameMatches)),
                (p + "idNumberMatches", flag(e.idNumberMatches)),
            ]
        case .applicationSubmitted(let e):
            let p = "applications[\(e.applicationID)]."
            return [
                (p + "status", ApplicationStatus.submitted.rawValue), (p + "seasonID", e.seasonID), (p + "examCode", e.examCode),
                (p + "educationEntryIDs", e.educationEntryIDs.joined(separator: ",")),
                (p + "trainingEntryIDs", e.trainingEntryIDs.isEmpty ? nil : e.trainingEntryIDs.joined(separator: ",")),
                (p + "certificateEntryID", e.certificateEntryID), (p + "areaCode", e.areaCode), (p + "siteCode", e.siteCode),
                (p + "attemptCount", String(e.attemptCount)), (p + "additionalSubject", e.additionalSubject),
                (p + "photoID", e.photoID), (p + "passNumber", e.passNumber), (p + "identity", e.identity.map(String.init)),
                (p + "onDutyStatus", e.onDutyStatus), (p + "workUnit", e.workUnit), (p + "title", e.title),
                (p + "workPost", e.workPost),
            ]
        case .entryLocked(let e):
            return [("\(entryPath(e.entryKind))[\(e.entryID)].lockedBy[\(e.applicationID)]", "locked")]
        case .entryUnlocked(let e):
            return [("\(entryPath(e.entryKind))[\(e.entryID)].lockedBy[\(e.applicationID)]", nil)]
        case .entryVerified(let e):
            return [("\(entryPath(e.entryKind))[\(e.entryID)].verified", "true")]
        case .applicationAbandoned(let e):
            return [("applications[\(e.applicationID)].status", ApplicationStatus.abandoned.rawValue)]
        case .basicInfoCorrected:
            return []
        case .applicationApproved(let e):
            return [
                ("applications[\(e.applicationID)].status", ApplicationStatus.approved.rawValue),
                ("applications[\(e.applicationID)].approvedBy", e.reviewerID),
            ]
        case .applicationApprovalWithdrawn(let e):
            return [
                ("applications[\(e.applicationID)].status", ApplicationStatus.submitted.rawValue),
                ("applications[\(e.applicationID)].approvedBy", nil),
            ]
        case .entryVerificationWithdrawn(let e):
            return [("\(entryPath(e.entryKind))[\(e.entryID)].verified", nil)]
        case .applicationRejected(let e):
            return [
                ("applications[\(e.applicationID)].status", ApplicationStatus.rejected.rawValue),
                ("applications[\(e.applicationID)].rejectionReason", e.reason),
            ]
        case .applicationSigned(let e):
            return [("applications[\(e.applicationID)].status", ApplicationStatus.signed.rawValue)]
        case .paymentStarted(let e):
            let p = "applications[\(e.applicationID)].payments[\(e.orderNumber)]."
            return [(p + "outcome", PaymentOutcome.pending.rawValue), (p + "amountFen", String(e.amountFen))]
        case .paymentConfirmed(let e):
            let a = "applications[\(e.applicationID)]."
            let p = a + "payments[\(e.orderNumber)]."
            var result: [(String, String?)] = [
                (p + "outcome", PaymentOutcome.succeeded.rawValue), (p + "bankTransactions[\(e.bankTransactionID)]", "confirmed"),
            ]
            if values[p + "outcome"] != PaymentOutcome.succeeded.rawValue {
                let paid = Int(values[a + "paidFen"] ?? "0")! + (Int(values[p + "amountFen"] ?? "") ?? e.amountFen)
                result.append((a + "paidFen", String(paid)))
                result.append((a + "status", paymentStatus(paid: paid, refunded: Int(values[a + "refundedFen"] ?? "0")!)))
            }
            return result
        case .paymentFailed(let e):
            let p = "applications[\(e.applicationID)].payments[\(e.orderNumber)]."
            var result: [(String, String?)] = [(p + "bankTransactions[\(e.bankTransactionID)]", "failed")]
            if values[p + "outcome"] != PaymentOutcome.succeeded.rawValue {
                result += [(p + "outcome", PaymentOutcome.failed.rawValue), (p + "failureReason", e.reason)]
            }
            return result
        case .refundRecorded(let e):
            let a = "applications[\(e.applicationID)]."
            let refunded = Int(values[a + "refundedFen"] ?? "0")! + e.amountFen
            let paid = Int(values[a + "paidFen"] ?? "0")!
            return [
                (a + "refunds[\(e.refundID)].amountFen", String(e.amountFen)), (a + "refunds[\(e.refundID)].reason", e.reason),
                (a + "refundedFen", String(refunded)), (a + "status", paymentStatus(paid: paid, refunded: refunded)),
            ]
        case .passwordChanged(let e):
            // When and how, never the password: the trail shows that it changed, and the reason is the event's.
            return [("account.passwordChangedAt", e.changedAt), ("account.passwordChangeMethod", e.method)]
        case .recoveryQuestionChanged(let e):
            return [("account.recoveryQuestionChangedAt", e.changedAt)]
        }
    }

    private static func paymentStatus(paid: Int, refunded: Int) -> String {
        paid > 0 && refunded >= paid ? ApplicationStatus.refunded.rawValue : ApplicationStatus.paid.rawValue
    }

    private static func entryPath(_ kind: String) -> String {
        kind == ProfileEntryKind.certificate.rawValue ? "certificates" : kind
    }

    private static func education(
        _ id: String,
        _ region: String,
        _ school: String?,
        _ category: String,
        _ enrolment: String?,
        _ graduation: String?,
        _ studyForm: String?,
        _ level: String,
        _ degree: String?,
        _ length: String?,
        _ major: String?,
        _ fiveYear: Bool,
        _ combined: Bool,
        _ certificateNumber: String
    ) -> [(String, String?)] {
        let p = "education[\(id)]."
        return [
            (p + "region", region), (p + "school", school), (p + "category", category), (p + "enrolment", enrolment),
            (p + "graduation", graduation), (p + "studyForm", studyForm), (p + "level", level), (p + "degree", degree),
            (p + "length", length), (p + "major", major), (p + "fiveYearJuniorCollegeClinical", flag(fiveYear)),
            (p + "combinedMasterDoctor", flag(combined)), (p + "certificateNumber", certificateNumber),
        ]
    }

    private static func training(
        _ id: String,
        _ kind: String,
        _ institution: String,
        _ specialty: String,
        _ start: String,
        _ end: String,
        _ number: String?
    ) -> [(String, String?)] {
        let p = "training[\(id)]."
        return [
            (p + "kind", kind), (p + "institution", institution), (p + "specialty", specialty), (p + "start", start), (p + "end", end),
            (p + "certificateNumber", number),
        ]
    }

    private static func certificate(
        _ id: String,
        _ type: String,
        _ issued: String,
        _ number: String,
        _ registered: String?,
        _ registrationNumber: String?
    ) -> [(String, String?)] {
        let p = "certificates[\(id)]."
        return [
            (p + "type", type), (p + "issued", issued), (p + "number", number), (p + "registered", registered),
            (p + "registrationNumber", registrationNumber),
        ]
    }

    private static func season(_ event: SeasonEvent) -> [(String, String?)] {
        switch event {
        case .seasonOpened(let e): [("season.seasonID", e.seasonID), ("season.title", e.title)]
        case .calendarSet(let e):
            [
                ("calendar.registrationOpens", e.registrationOpens), ("calendar.registrationCloses", e.registrationCloses),
                ("calendar.reviewOpens", e.reviewOpens), ("calendar.reviewCloses", e.reviewCloses),
                ("calendar.paymentOpens", e.paymentOpens), ("calendar.paymentCloses", e.paymentCloses),
            ]
        case .photoSizeLimitSet(let e): [("season.photoLimitBytes", String(e.maximumBytes))]
        case .examAdded(let e):
            [
                ("exams[\(e.code)].name", e.name), ("exams[\(e.code)].level", e.level), ("exams[\(e.code)].category", e.category),
                ("exams[\(e.code)].withdrawn", "false"),
            ]
        case .examWithdrawn(let e): [("exams[\(e.code)].withdrawn", "true")]
        case .areaAdded(let e):
            [
                ("areas[\(e.code)].name", e.name), ("areas[\(e.code)].onlinePayment", flag(e.onlinePayment)),
                ("areas[\(e.code)].refundPolicy", e.refundPolicy),
            ]
        case .areaUpdated(let e):
            [
                ("areas[\(e.code)].name", e.name), ("areas[\(e.code)].onlinePayment", flag(e.onlinePayment)),
                ("areas[\(e.code)].refundPolicy", e.refundPolicy),
            ]
        case .siteAdded(let e): [("sites[\(e.code)].name", e.name), ("sites[\(e.code)].areaCode", e.areaCode)]
        case .siteRenamed(let e): [("sites[\(e.code)].name", e.name)]
        }
    }

    private static func staff(_ event: StaffEvent) -> [(String, String?)] {
        switch event {
        case .created(let e):
            [
                ("staff.role", e.role), ("staff.displayName", e.displayName), ("staff.areaCode", e.areaCode),
                ("staff.siteCodes", e.siteCodes.joined(separator: ",")), ("staff.active", "true"),
            ]
        case .scopeChanged(let e): [("staff.areaCode", e.areaCode), ("staff.siteCodes", e.siteCodes.joined(separator: ","))]
        case .deactivated: [("staff.active", "false")]
        case .reactivated: [("staff.active", "true")]
        case .passwordChanged(let e): [("staff.passwordChangedAt", e.changedAt), ("staff.passwordChangeMethod", e.method)]
        }
    }
}
