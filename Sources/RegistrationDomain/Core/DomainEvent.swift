/// An event payload: a versioned contract with primitive fields (strings, numbers, booleans, arrays of them).
///
/// `eventType` is the past-tense name stored in the log; `schemaVersion` starts at 1 and only grows, with an
/// upcaster in the application layer for every older version.
public protocol DomainEvent: Codable, Equatable, Sendable {
    /// The name stored in the log, e.g. `CandidateRegistered`.
    static var eventType: String { get }
    /// The payload's schema version, starting at 1.
    static var schemaVersion: Int { get }
}

/// `payload` as a `Target` when that is its type (an identity check on the types, no dynamic cast), else nil.
@inline(__always)
func cast<Payload, Target>(_ payload: Payload, to target: Target.Type) -> Target? {
    Payload.self == Target.self ? unsafeBitCast(payload, to: Target.self) : nil
}
