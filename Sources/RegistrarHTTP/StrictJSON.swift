import EventLog
import Foundation
import Hummingbird
import RegistrationDomain

/// Request bodies: collected up to a limit and decoded strictly.
///
/// Strict means: the body is one JSON object, every required field is there with the right type, and no field is
/// unknown. Unknown fields are found by comparing the body with the decoded value encoded again: a key the
/// decoded value does not write back is a key the type does not know (explicit `null`s are ignored, as absent).
enum StrictJSON {
    /// How long a body may take: this, and a second more for every `bodyMinimumRate` bytes received. The idle
    /// timeout cuts a client that stops; this one a client that never stops trickling (a byte every 20 s would hold
    /// the connection for weeks, audit Y-3), while a photo over a slow mobile link still arrives.
    static let bodyGrace: Duration = .seconds(30)
    /// Bytes per second a body must keep up beyond ``bodyGrace``.
    static let bodyMinimumRate = 4_096

    /// Whether a body of which `received` bytes came in `elapsed` is too slow (``bodyGrace``, ``bodyMinimumRate``).
    static func isTooSlow(received: Int, after elapsed: Duration) -> Bool {
        elapsed > bodyGrace + .seconds(Double(received) / Double(bodyMinimumRate))
    }

    /// Reads the whole body, refusing more than `limit` bytes (413) before decoding anything, and a body sent too
    /// slowly (408, and the connection closed).
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength], let length = Int(declared), length > limit {
            throw APIError.tooLarge(limit: limit)
        }
        do {
            let started = ContinuousClock.now
            var buffer = ByteBuffer()
            for try await chunk in request.body {
                guard buffer.readableBytes + chunk.readableBytes <= limit else { throw APIError.tooLarge(limit: limit) }
                buffer.writeImmutableBuffer(chunk)
                if isTooSlow(received: buffer.readableBytes, after: ContinuousClock.now - started) {
                    throw APIError(
                        .requestTimeout,
                        code: "http.body_too_slow",
                        field: "body",
                        message: "请求内容发送过慢（30秒内未发送完毕，且每秒不足\(bodyMinimumRate / 1024)KB），请检查网络后重试",
                        headers: ["Connection": "close"]
                    )
                }
            }
            return buffer
        } catch let error as APIError {
            throw error
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError.tooLarge(limit: limit)
        } catch {
            // Reading a body fails only on what the client sent: chunks that are not chunks (NIO's HTTPParserError
            // arrives here, in the body stream, once the head has been routed), or a body cut short.
            throw APIError.badRequest("unreadable_body", field: "body", message: "请求内容无法读取（分块编码或长度有误）")
        }
    }

    /// Decodes a body into `T`, or throws a 400 naming the field at fault.
    static func decode<T: Codable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else {
            throw APIError.badRequest("empty_body", field: "body", message: "请求内容为空，需要一个JSON对象")
        }
        let read: (shape: JSONTree, repeatedKey: [FastJSONDecoder.ShapeStep]?)
        do {
            // RFC 8259: no trailing comma, though JSONDecoder would read one.
            read = try FastJSONDecoder().shapeAndRepeatedKey(from: data, rejectingTrailingCommas: true)
        } catch {
            if "\(error)".contains("Too many nested") {
                throw APIError.badRequest("invalid_json", field: "body", message: "请求内容的JSON嵌套层数过多（不超过512层）")
            }
            throw APIError.badRequest("invalid_json", field: "body", message: "请求内容不是有效的JSON（须为UTF-8编码）")
        }
        let tree = read.shape
        guard case .object = tree else {
            throw APIError.badRequest("wrong_type", field: "body", message: "请求内容须为JSON对象")
        }
        // A decoder keeps one of the values of a repeated member and drops the other without a word; which one the
        // client meant is not ours to guess.
        if let repeatedKey = read.repeatedKey {
            let field = path(repeatedKey)
            throw APIError.badRequest("repeated_field", field: field, message: "\(FieldLabels.words(field, in: T.self))重复出现，每个字段只能出现一次")
        }
        let value: T
        do {
            value = try FastJSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            // Foundation reports a number that does not fit its field (1.5 or 1e30 for an integer) at the root;
            // every number of the API's bodies is an integer, so the first number that is not one is the culprit.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let field = firstNonInteger(in: tree, path: "") {
                throw APIError.badRequest("wrong_type", field: field, message: "\(FieldLabels.words(field, in: T.self))须为整数")
            }
            throw describe(error, in: T.self)
        }
        // Without `\/`: a string with no escape is read back without building it (a 20 KB photo in base64 was
        // unescaped again here for every application).
        let known = try FastJSONDecoder().shape(from: FastJSONEncoder(formatting: [.withoutEscapingSlashes]).encode(value))
        if let unknown = firstUnknownKey(in: tree, known: known, path: "") {
            throw APIError.badRequest("unknown_field", field: unknown, message: "不允许的字段：\(unknown)")
        }
        return value
    }

    /// Decodes a body that may be empty (commands without parameters): empty means `T()`.
    static func decodeOptional<T: Codable>(_ type: T.Type, from buffer: ByteBuffer, empty: T) throws -> T {
        buffer.readableBytes == 0 ? empty : try decode(type, from: buffer)
    }

    /// The 400 for a decoding error: `field` the JSON path, the message in words (``FieldLabels``) for a body of
    /// type `body`.
    static func describe(_ error: DecodingError, in body: Any.Type = NoFields.self) -> APIError {
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .badRequest("missing_field", field: field, message: "缺少\(FieldLabels.words(field, in: body))")
        case .valueNotFound(_, let context):
            let field = path(context.codingPath)
            return .badRequest("missing_value", field: field, message: "\(FieldLabels.words(field, in: body))不能为null")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return .badRequest(
                "wrong_type",
                field: field,
                message: "\(FieldLabels.words(field, in: body))的类型不正确，应为\(typeName(type))"
            )
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return .badRequest(
                "invalid_value",
                field: field,
                message: "\(FieldLabels.words(field, in: body))的值无效" + rule(of: context.debugDescription)
            )
        @unknown default:
            return .badRequest("invalid_json", field: "body", message: "请求内容无效")
        }
    }

    /// The values a body's closed choices take, by the type's name as Swift's decoding error spells it.
    private static let choices: [(type: String, values: [String])] = [
        ("ExamLevel", ExamLevel.allCases.map(\.rawValue)),
        ("ExamCategory", ExamCategory.allCases.map(\.rawValue)),
        ("Role", [Role.reviewer, .auditor, .admin].map(\.rawValue)),
        ("BasicInfoField", BasicInfoField.allCases.map(\.rawValue)),
    ]

    /// The rule a value broke, from the decoding error's description: the instant format or the closed choices
    /// (`：须为执业医师、执业助理医师、乡村全科执业助理医师之一`); empty when the error does not say.
    static func rule(of debugDescription: String) -> String {
        if debugDescription.hasPrefix("Expected YYYY-MM-DDTHH:MM:SS.sssZ") {
            return "：须为ISO-8601时刻，如2026-01-08T01:00:00.000Z（UTC）或2026-01-08T09:00:00+08:00（北京时间）"
        }
        for choice in choices where debugDescription.hasPrefix("Cannot initialize \(choice.type) from") {
            return "：须为" + choice.values.joined(separator: "、") + "之一"
        }
        return ""
    }

    /// The path of a value in the body (`education[0].school`).
    static func path(_ components: [FastJSONDecoder.ShapeStep]) -> String {
        var out = ""
        for component in components {
            switch component {
            case .index(let index): out += "[\(index)]"
            case .key(let key): out += out.isEmpty ? key : ".\(key)"
            }
        }
        return out
    }

    /// The field's path (`education[0].school`); `body` for the body itself.
    static func path(_ keys: [any CodingKey]) -> String {
        guard !keys.isEmpty else { return "body" }
        var out = ""
        for key in keys {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return out
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "字符串"
        case is Int.Type, is Double.Type: "数字"
        case is Bool.Type: "true或false"
        case is [Any].Type: "数组"
        default: "对象"
        }
    }

    /// The path of the first number (in sorted key order) that is not an integer an `Int` can hold.
    static func firstNonInteger(in tree: JSONTree, path: String) -> String? {
        switch tree {
        case .number(let value):
            return value.rounded() == value && abs(value) < 9.2e18 ? nil : path
        case .object(let fields):
            for key in fields.keys.sorted() {
                if let found = firstNonInteger(in: fields[key]!, path: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
            return nil
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let found = firstNonInteger(in: element, path: "\(path)[\(index)]") { return found }
            }
            return nil
        case .scalar, .null:
            return nil
        }
    }

    /// The path of the first key (in sorted order) present in `input` but not in `known`.
    static func firstUnknownKey(in input: JSONTree, known: JSONTree, path: String) -> String? {
        switch (input, known) {
        case (.object(let fields), .object(let knownFields)):
            for key in fields.keys.sorted() {
                guard let child = fields[key], child != .null else { continue }
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                guard let knownChild = knownFields[key] else { return childPath }
                if let unknown = firstUnknownKey(in: child, known: knownChild, path: childPath) { return unknown }
            }
            return nil
        case (.array(let elements), .array(let knownElements)):
            for (index, element) in elements.enumerated() where index < knownElements.count {
                if let unknown = firstUnknownKey(in: element, known: knownElements[index], path: "\(path)[\(index)]") {
                    return unknown
                }
            }
            return nil
        default:
            return nil
        }
    }
}

/// Any JSON value; strings and booleans are kept only as "a scalar" (the strictness check compares shapes).
typealias JSONTree = FastJSONDecoder.Shape

/// The words of the request bodies' members, for the messages of request-level errors: people read the message,
/// programs the `field` member (the JSON path, unchanged). A member is named by its label, as the forms show it
/// (`缺少字段“照片”`); one without a label by its path (`缺少字段“foo”`).
enum FieldLabels {
    /// `字段“<label>”`, or `字段“<path>”` when the member has no label.
    static func words(_ path: String, in body: Any.Type) -> String {
        "字段“\(label(path, in: body) ?? path)”"
    }

    /// The label of the member a path ends in (`education[0].school` → 学校), for a body of type `body`.
    static func label(_ path: String, in body: Any.Type) -> String? {
        guard path != "body" else { return nil }
        // The last key of the path, without its array indexes.
        let last = path.split(separator: ".").last.map { String($0.prefix { $0 != "[" }) } ?? path
        let type = String(describing: body)
        return overrides[type]?[last] ?? labels[last]
    }

    /// Labels of a member that means something else in one body than in the others.
    static let overrides: [String: [String: String]] = [
        "OpenSeasonBody": ["title": "考试年度名称"],
        "ExamBody": ["code": "考试类别代码", "name": "考试类别名称", "level": "考试级别", "category": "医师类别"],
        "AreaBody": ["code": "考区代码", "name": "考区名称"],
        "SiteBody": ["code": "考点代码", "name": "考点名称"],
        "StaffBody": ["displayName": "姓名", "areaCode": "考区", "siteCodes": "考点"],
        "ChsiCallbackBody": ["name": "学信网姓名", "idNumber": "学信网证件号码", "level": "层次"],
        "RefundBody": ["reason": "退费原因"],
        "BankCallbackBody": ["failureReason": "失败原因"],
    ]

    /// Labels of the members of the request bodies, as the forms and the guides name them.
    static let labels: [String: String] = [
        // 注册, 登录, 密码
        "username": "用户名", "name": "姓名", "surnamePinyin": "姓（拼音）", "givenNamePinyin": "名（拼音）", "idType": "证件类型",
        "idNumber": "证件号码", "sex": "性别", "birthDate": "出生日期", "nationality": "国籍", "ethnicity": "民族",
        "identity": "本人身份", "password": "密码", "currentPassword": "当前密码", "newPassword": "新密码",
        "recoveryQuestion": "密码找回问题", "recoveryAnswer": "密码找回答案",
        // 联系方式, 工作情况
        "homePhone": "家庭电话", "workPhone": "办公电话", "mobile": "手机号码", "email": "电子邮箱", "address": "联系地址",
        "postcode": "邮政编码", "onDutyStatus": "在岗情况", "workUnit": "工作单位", "title": "职称", "titleObtained": "获得职称年月",
        // 教育, 培训, 证书
        "region": "院校所在地区", "school": "学校", "category": "学历类别", "enrolment": "入学时间", "graduation": "毕业年月",
        "studyForm": "学习形式", "level": "学历", "degree": "学位", "length": "学制", "major": "专业",
        "fiveYearJuniorCollegeClinical": "初中起点五年制大专临床专业", "combinedMasterDoctor": "硕博连读", "certificateNumber": "毕业证书编号",
        "kind": "培训类型", "institution": "培训基地", "specialty": "培训专业", "start": "培训开始年月", "end": "培训结束年月",
        "type": "证书类型", "issued": "发证年月", "number": "证书编号", "registered": "注册年月", "registrationNumber": "注册编号",
        // 报名
        "examCode": "报考类别", "educationEntryIDs": "报考学历", "trainingEntryIDs": "试用期考核或培训经历",
        "certificateEntryID": "证书", "areaCode": "考区", "siteCode": "考点", "attemptCount": "累计报考次数",
        "additionalSubject": "加试科目", "photo": "照片", "jpegBase64": "照片", "passNumber": "通行证号码", "workPost": "工作岗位",
        // 审核
        "field": "修改项目", "newValue": "修改后的内容", "reason": "原因",
        // 年度设置, 工作人员
        "registrationOpens": "网上报名开始时间", "registrationCloses": "网上报名截止时间", "reviewOpens": "现场审核开始时间",
        "reviewCloses": "现场审核截止时间", "paymentOpens": "网上缴费开始时间", "paymentCloses": "网上缴费截止时间",
        "maximumBytes": "照片大小上限", "code": "代码", "onlinePayment": "是否开通网上缴费", "refundPolicy": "退费政策",
        "role": "角色", "displayName": "显示名", "siteCodes": "考点",
        // 学信网, 银行
        "qr": "二维码", "scanID": "扫码编号", "record": "学信网学历信息", "educationCategory": "学历类别", "enrolmentDate": "入学日期",
        "graduationDate": "毕业日期", "conclusion": "结论", "orderNumber": "订单号", "bankTransactionID": "银行交易流水号",
        "succeeded": "缴费结果", "amountFen": "金额（分）", "failureReason": "失败原因",
    ]
}
