import Foundation
import RegistrarApp
import RegistrationDomain

// Request bodies. Ids the server makes (candidate, entry, scan, application, order, staff) and the ids in the path
// are never in a body. Every body is decoded strictly: unknown fields are refused (400).

/// `POST /api/v1/candidates`: 注册. The basic information of ``RegisterCandidate`` without the file id.
struct RegistrationBody: Codable, Sendable {
    var username: String
    var name: String
    var surnamePinyin: String
    var givenNamePinyin: String
    var idType: String
    var idNumber: String
    var sex: String?
    var birthDate: String?
    var nationality: String
    var ethnicity: String?
    var identity: Int?
    var password: String
    var recoveryQuestion: String
    var recoveryAnswer: String

    func command(candidateID: String) -> RegisterCandidate {
        RegisterCandidate(
            candidateID: candidateID,
            username: username,
            name: name,
            surnamePinyin: surnamePinyin,
            givenNamePinyin: givenNamePinyin,
            idType: idType,
            idNumber: idNumber,
            sex: sex,
            birthDate: birthDate,
            nationality: nationality,
            ethnicity: ethnicity,
            identity: identity,
            password: password,
            recoveryQuestion: recoveryQuestion,
            recoveryAnswer: recoveryAnswer
        )
    }
}

/// `POST /api/v1/sessions`: 登录.
struct LoginBody: Codable, Sendable {
    var username: String
    var password: String
}

/// `PUT /api/v1/candidates/{candidateID}/password`: 修改密码.
struct PasswordChangeBody: Codable, Sendable {
    var currentPassword: String
    var newPassword: String
}

/// `PUT /api/v1/candidates/{candidateID}/recovery-question`: 密码找回设置.
struct RecoveryQuestionChangeBody: Codable, Sendable {
    var currentPassword: String
    var recoveryQuestion: String
    var recoveryAnswer: String
}

/// `POST /api/v1/password-recovery/question`: the account a recovery names.
struct RecoveryLookupBody: Codable, Sendable {
    var idType: String
    var idNumber: String
    var name: String
}

/// `POST /api/v1/password-recovery`: 找回密码.
struct RecoveryBody: Codable, Sendable {
    var idType: String
    var idNumber: String
    var name: String
    var recoveryAnswer: String
    var newPassword: String
}

/// `POST /api/v1/candidates/{candidateID}/password-reset`: staff set a new password, with a reason.
struct PasswordResetBody: Codable, Sendable {
    var newPassword: String
    var reason: String
}

/// An education entry (教育经历) as typed; the flags default to false and the certificate number to empty.
struct EducationBody: Codable, Sendable {
    var region: String
    var school: String?
    var category: String
    var enrolment: String?
    var graduation: String?
    var studyForm: String?
    var level: String
    var degree: String?
    var length: String?
    var major: String?
    var fiveYearJuniorCollegeClinical: Bool?
    var combinedMasterDoctor: Bool?
    var certificateNumber: String?

    var input: EducationInput {
        EducationInput(
            region: region,
            school: school,
            category: category,
            enrolment: enrolment,
            graduation: graduation,
            studyForm: studyForm,
            level: level,
            degree: degree,
            length: length,
            major: major,
            fiveYearJuniorCollegeClinical: fiveYearJuniorCollegeClinical ?? false,
            combinedMasterDoctor: combinedMasterDoctor ?? false,
            certificateNumber: certificateNumber ?? ""
        )
    }
}

/// `POST /api/v1/candidates/{candidateID}/applications`: 考试报名.
struct ApplicationBody: Codable, Sendable {
    /// The photo: a JPEG, base64-encoded; its size and format are measured by the server.
    struct Photo: Codable, Sendable {
        var jpegBase64: String
    }

    var examCode: String
    var educationEntryIDs: [String]
    var trainingEntryIDs: [String]?
    var certificateEntryID: String?
    var areaCode: String
    var siteCode: String
    var attemptCount: Int?
    var additionalSubject: String?
    var photo: Photo
    var passNumber: String?
    var workPost: String?
}

/// `POST …/corrections`: a reviewer corrects one basic-information field, with a reason.
struct CorrectionBody: Codable, Sendable {
    var field: BasicInfoField
    var newValue: String
    var reason: String
    /// With `field` `idNumber`: the 证件类型 of the document in hand, when another than the registered one.
    var idType: String?
}

/// A reason (reject an application, deactivate a staff account).
struct ReasonBody: Codable, Sendable {
    var reason: String
}

/// `POST /api/v1/admin/season`: opens the configured season.
struct OpenSeasonBody: Codable, Sendable {
    var title: String
}

/// `PUT /api/v1/admin/season/photo-limit`.
struct PhotoLimitBody: Codable, Sendable {
    var maximumBytes: Int
    /// Why (optional): recorded in the event's metadata, shown by the audit trail.
    var reason: String?
}

/// `PUT /api/v1/admin/season/calendar`: the calendar's six instants and, optionally, why.
struct CalendarBody: Codable, Sendable {
    var calendar: SeasonCalendar
    /// Why (optional): recorded in the event's metadata, shown by the audit trail.
    var reason: String?

    private enum CodingKeys: String, CodingKey { case reason }

    init(from decoder: any Decoder) throws {
        // The calendar's members and `reason` side by side in one object, as the calendar alone was.
        calendar = try SeasonCalendar(from: decoder)
        reason = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .reason)
    }

    func encode(to encoder: any Encoder) throws {
        try calendar.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(reason, forKey: .reason)
    }
}

/// An optional reason (`DELETE /api/v1/admin/season/exams/{examCode}`: the body may be empty).
struct OptionalReasonBody: Codable, Sendable {
    var reason: String?
}

/// `POST /api/v1/admin/season/exams`.
struct ExamBody: Codable, Sendable {
    var code: String
    var name: String
    var level: ExamLevel
    var category: ExamCategory
}

/// `POST /api/v1/admin/season/areas` (with `code`) and `PUT …/areas/{areaCode}` (without).
struct AreaBody: Codable, Sendable {
    var code: String?
    var name: String
    var onlinePayment: Bool
    var refundPolicy: String?
    /// Why (optional): recorded in the event's metadata, shown by the audit trail.
    var reason: String?
}

/// `POST /api/v1/admin/season/sites`.
struct SiteBody: Codable, Sendable {
    var code: String
    var name: String
    var areaCode: String
}

/// `PUT /api/v1/admin/season/sites/{siteCode}`: a site's new name.
struct SiteRenameBody: Codable, Sendable {
    var name: String
    /// Why (optional): recorded in the event's metadata, shown by the audit trail.
    var reason: String?
}

/// `POST /api/v1/admin/staff`: a staff account and its log-in.
struct StaffBody: Codable, Sendable {
    var role: Role
    var displayName: String
    var areaCode: String?
    var siteCodes: [String]?
    var username: String
    var password: String
}

/// `PUT /api/v1/admin/staff/{staffID}/scope`.
struct ScopeBody: Codable, Sendable {
    var areaCode: String
    var siteCodes: [String]
    /// Why (optional): recorded in the event's metadata, shown by the audit trail.
    var reason: String?
}

/// The optional reason of an administrator's change to the season or a staff account: checked as the reasons the
/// rules require are (not blank, at most 200 characters) and free of control characters (a line break, say), then
/// recorded in the event's metadata.
enum AdminReason {
    static let maximumLength = 200

    /// The same codes and messages as the deciders' reasons: `input.control_character`, `input.required`,
    /// `value.too_long`, each naming 原因.
    static func checked(_ reason: String?) throws -> String? {
        guard let reason else { return nil }
        try Rules.validateNoControlCharacters(reason, field: "reason", label: "原因")
        if reason.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
            throw Rejection(code: "input.required", field: "reason", message: "请填写原因")
        }
        try Rules.validateNonEmpty(reason, maxLength: maximumLength, field: "reason", label: "原因")
        guard Rules.saysSomething(reason) else {
            throw Rejection(code: "input.required", field: "reason", message: "请用文字说明原因（至少两个字），不能只填标点或符号")
        }
        return reason
    }
}

/// 审核通过: the reviewer's note (审核意见), required when CHSI's record of a ticked education entry differs from the
/// declaration or names another person.
struct ApproveBody: Codable, Sendable {
    var note: String?
}
