/// A refused command: a stable machine code, the path of the offending field and a message the candidate
/// understands (Chinese, as the national system speaks to candidates). A rejected command appends nothing.
public struct Rejection: Error, Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Stable, dotted, lower-case code, for example `id_number.check_character`. Never reworded once shipped.
    public let code: String
    /// Path of the field that broke the rule, for example `account.idNumber` or `education[2].graduation`.
    public let field: String
    /// Message shown to people, in Chinese.
    public let message: String

    /// Creates a rejection.
    public init(code: String, field: String, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    /// The same rejection reported against another field path (used when a rule is applied to a nested field).
    public func at(_ field: String) -> Rejection {
        Rejection(code: code, field: field, message: message)
    }

    public var description: String { "\(code) at \(field): \(message)" }
}
