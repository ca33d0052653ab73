import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import RegistrarApp
import RegistrationDomain

/// An error answered to the client: a status and the same `{code, field, message}` body as a domain rejection.
///
/// Every 4xx the API sends has this body, so a client handles a refused command, a malformed request and a missing
/// route the same way. Codes of the HTTP layer itself start with `request.`, `http.` or `auth.`.
public struct APIError: Error, Sendable, Equatable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// The body.
    public var body: ErrorBody
    /// Extra headers (e.g. `Retry-After`, `WWW-Authenticate`).
    public var headers: [String: String]

    /// ``headers`` as the response's fields (a name that is no header name is dropped).
    var httpFields: HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return fields
    }

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, code: String, field: String = "", message: String, headers: [String: String] = [:]) {
        self.status = status
        self.body = ErrorBody(code: code, field: field, message: message)
        self.headers = headers
    }

    /// The body of every error response.
    public struct ErrorBody: Codable, Sendable, Equatable {
        /// Stable machine code, e.g. `id_number.check_character`, `request.unknown_field`.
        public var code: String
        /// The offending field's path, e.g. `contact.mobile`; empty when the error is not about one field.
        public var field: String
        /// A message for people (Chinese, as the national system speaks to candidates).
        public var message: String
    }

    // MARK: Errors of the HTTP layer

    static func badRequest(_ code: String, field: String, message: String) -> APIError {
        APIError(.badRequest, code: "request.\(code)", field: field, message: message)
    }

    /// An `after` that no page of the list gave.
    static let invalidPageCursor = badRequest("invalid_parameter", field: "after", message: "翻页位置after无效，请使用上一页返回的链接")

    /// A session opened with a password someone else typed, or one the current rule refuses: it must replace it first.
    static let passwordChangeRequired = APIError(
        .forbidden,
        code: "auth.password_change_required",
        field: "password",
        message: "请先修改密码：初始密码或被重置的密码须由本人修改后才能使用其他功能（PUT …/password，须输入当前密码）"
    )

    static let unauthenticated = APIError(
        .unauthorized,
        code: "auth.unauthenticated",
        field: "Authorization",
        message: "请先登录（需要有效的 Bearer 令牌）",
        headers: ["WWW-Authenticate": "Bearer"]
    )

    static func forbidden(_ message: String, code: String = "auth.forbidden", field: String = "actor") -> APIError {
        APIError(.forbidden, code: code, field: field, message: message)
    }

    static func notFound(_ code: String = "http.not_found", field: String = "path", message: String = "请求的资源不存在") -> APIError {
        APIError(.notFound, code: code, field: field, message: message)
    }

    // MARK: Mapping

    /// The status of a domain rejection: `auth.*` → 403; conflicts and duplicates → 409; an unknown file, entry,
    /// application or account → 404; every other rule → 422.
    ///
    /// 404 is a deliberate refinement of "every rejection is 422": the ids in question are in the request path, so
    /// "no such entry" is a missing resource, not a broken rule.
    public static func status(of rejection: Rejection) -> HTTPResponse.Status {
        let code = rejection.code
        if code.hasPrefix("auth.") { return .forbidden }
        if conflictCodes.contains(code) || code.hasSuffix(".already_exists") || code.contains(".duplicate_") {
            return .conflict
        }
        if code.hasSuffix(".not_found") || code == DecisionCode.candidateNotRegistered.rawValue || code == DecisionCode.seasonUnknownExam.rawValue {
            return .notFound
        }
        return .unprocessableContent
    }

    /// Codes that mean "this exists already / somebody got there first": 409.
    static let conflictCodes: Set<String> = [
        DecisionCode.registrationAlreadyRegistered.rawValue,
        DecisionCode.registrationUsernameTaken.rawValue,
        DecisionCode.registrationPersonAlreadyRegistered.rawValue,
        DecisionCode.reviewIDNumberTaken.rawValue,
        DecisionCode.seasonAlreadyOpened.rawValue,
        DecisionCode.applicationLiveExists.rawValue,
        DecisionCode.chsiScanIDUsed.rawValue,
        DecisionCode.chsiScanAlreadyAnswered.rawValue,
        DecisionCode.paymentAlreadyPaid.rawValue,
        DecisionCode.paymentPending.rawValue,
        DecisionCode.paymentOrderAlreadySettled.rawValue,
        DecisionCode.paymentTransactionConflict.rawValue,
    ]

    /// Rules shared by many fields word their message without the field (`请使用半角字符输入…`, `年月格式应为YYYY-MM…`):
    /// such a message is prefixed with the field's label from its path (`contact.mobile` → 手机号码：…), so that the
    /// candidate knows which box to fix. Messages of other rules name their field themselves.
    static func labelled(_ rejection: Rejection) -> String {
        guard generalRules.contains(where: { rejection.code.hasPrefix($0) }) else { return rejection.message }
        // The path's last member, without an index: `education[e1].enrolment` → enrolment.
        let member = rejection.field.split(separator: ".").last.map { String($0.prefix { $0 != "[" }) } ?? ""
        guard let label = FieldLabels.labels[member], !rejection.message.contains(label) else { return rejection.message }
        return "\(label)：\(rejection.message)"
    }

    /// The codes of rules whose message does not name the field.
    private static let generalRules = ["input.full_width_character", "year_month.", "date.", "landline.", "pinyin."]

    /// The answer for any error a handler throws. Anything unexpected is a 500 with no detail (logged by the caller).
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let api as APIError:
            return api
        case CommandError.rejected(let rejection):
            return APIError(status(of: rejection), code: rejection.code, field: rejection.field, message: labelled(rejection))
        case let rejection as Rejection:
            return APIError(status(of: rejection), code: rejection.code, field: rejection.field, message: labelled(rejection))
        case CommandError.conflict, EventLogError.conditionNotMet:
            return APIError(.conflict, code: "request.concurrent_update", field: "request", message: "数据正在被同时修改，请稍后重试")
        case EventLogError.integrity:
            return logIntegrity
        case EventLogError.requestIdReused:
            return APIError(
                .conflict,
                code: "request.idempotency_key_reused",
                field: "Idempotency-Key",
                message: "该Idempotency-Key已用于另一个请求（请求方法、路径或内容不同），本次请求未执行；新的请求请使用新的Idempotency-Key"
            )
        case let decoding as EventDecodingError where decoding.description.contains("unknown event type"):
            // Every stored event type is known to this code (the event catalog test proves it), so an unknown one
            // means the id in the path names another kind of stream: a staff account or the season, say.
            return notFound()
        case let http as HTTPError:
            return fromHTTPError(http)
        case let responseError as any HTTPResponseError:
            return fromStatus(responseError.status)
        default:
            return nil
        }
    }

    private static func fromHTTPError(_ error: HTTPError) -> APIError {
        fromStatus(error.status)
    }

    private static func fromStatus(_ status: HTTPResponse.Status) -> APIError {
        switch status.code {
        case 404: return notFound()
        case 405: return APIError(.methodNotAllowed, code: "http.method_not_allowed", field: "method", message: "不支持该请求方法")
        case 413: return tooLarge(limit: nil)
        case 400..<500: return APIError(status, code: "http.\(status.code)", message: status.reasonPhrase)
        default: return APIError(.internalServerError, code: "http.internal", message: "服务器内部错误")
        }
    }

    /// An append refused because the log was found changed behind the store's back (events removed that the read
    /// models had folded): retrying does not help until an operator has examined the log, so the candidate is told
    /// to come back later rather than to retry now.
    static let logIntegrity = APIError(
        .serviceUnavailable,
        code: "log.integrity",
        message: "系统检测到报名数据记录异常，已暂停受理提交和修改，本次操作未保存；请稍后再试，如持续出现请联系考点或报名管理机构"
    )

    /// A method the path has no route for; `allowed` are the methods it has (the `Allow` header).
    static func methodNotAllowed(_ allowed: [String]) -> APIError {
        let list = allowed.joined(separator: ", ")
        return APIError(
            .methodNotAllowed,
            code: "http.method_not_allowed",
            field: "method",
            message: "该路径不支持此请求方法，可用的方法：\(list)",
            headers: ["Allow": list]
        )
    }

    /// A body over the route's limit (`limit` bytes, when known).
    static func tooLarge(limit: Int?) -> APIError {
        let bound = limit.map { $0 >= 1_024 ? "（不得超过\($0 / 1_024) KB）" : "（不得超过\($0)字节）" } ?? ""
        return APIError(.contentTooLarge, code: "request.too_large", field: "body", message: "请求内容过大\(bound)")
    }
}
