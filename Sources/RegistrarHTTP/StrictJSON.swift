import EventLog
import Foundation
import Hummingbird

/// Request bodies: collected up to a limit and decoded strictly.
///
/// Strict means: the body is one JSON object, every required field is there with the right type, and no field is
/// unknown. Unknown fields are found by comparing the body with the decoded value encoded again: a key the
/// decoded value does not write back is a key the type does not know (explicit `null`s are ignored, as absent).
enum StrictJSON {
    /// Reads the whole body, refusing more than `limit` bytes (413) before decoding anything.
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength], let length = Int(declared), length > limit {
            throw APIError.tooLarge(limit: limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
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
            read = try FastJSONDecoder().shapeAndRepeatedKey(from: data)
        } catch {
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
            throw APIError.badRequest("repeated_field", field: field, message: "字段\(field)重复出现，每个字段只能出现一次")
        }
        let value: T
        do {
            value = try FastJSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            // Foundation reports a number that does not fit its field (1.5 or 1e30 for an integer) at the root;
            // every number of the API's bodies is an integer, so the first number that is not one is the culprit.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let field = firstNonInteger(in: tree, path: "") {
                throw APIError.badRequest("wrong_type", field: field, message: "字段\(field)须为整数")
            }
            throw describe(error)
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

    static func describe(_ error: DecodingError) -> APIError {
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .badRequest("missing_field", field: field, message: "缺少字段：\(field)")
        case .valueNotFound(_, let context):
            let field = path(context.codingPath)
            return .badRequest("missing_value", field: field, message: "字段\(field)不能为null")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return .badRequest("wrong_type", field: field, message: "字段\(field)的类型不正确，应为\(typeName(type))")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return .badRequest("invalid_value", field: field, message: "字段\(field)的值无效")
        @unknown default:
            return .badRequest("invalid_json", field: "body", message: "请求内容无效")
        }
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
