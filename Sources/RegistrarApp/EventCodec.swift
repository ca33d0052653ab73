import EventLog
import Foundation
import RegistrationDomain

/// A family of events stored in one kind of stream (candidate, season, staff): an enum over payload types.
public protocol EventFamily: Sendable {
    /// The payload of this event.
    var payload: any DomainEvent { get }
    /// Wraps a payload, or nil when it does not belong to the family.
    init?(payload: any DomainEvent)
    /// Wraps a payload of a statically known type, or nil when it does not belong to the family.
    static func wrap<Payload: DomainEvent>(_ payload: Payload) -> Self?
    /// Every payload type of the family, at its current schema version.
    static var payloadTypes: [any DomainEvent.Type] { get }
    /// Readers of current-version payloads in canonical JSON that skip Codable, by event type (an empty table: Codable
    /// for every one). A payload a reader declines is decoded through Codable.
    static var fastReaders: [String: @Sendable (inout FastJSONDecoder.SortedMemberReader) throws -> Self] { get }
}

extension EventFamily {
    /// Through ``init(payload:)``: a family whose events are few needs no faster way.
    public static func wrap<Payload: DomainEvent>(_ payload: Payload) -> Self? { Self(payload: payload) }

}

extension CandidateEvent: EventFamily {}
extension SeasonEvent: EventFamily {
    /// None: a season has few events, and its state is cached.
    public static let fastReaders: [String: @Sendable (inout FastJSONDecoder.SortedMemberReader) throws -> SeasonEvent] = [:]
}

extension StaffEvent: EventFamily {
    /// None: a staff account has few events.
    public static let fastReaders: [String: @Sendable (inout FastJSONDecoder.SortedMemberReader) throws -> StaffEvent] = [:]
}

/// Rewrites a stored payload of one schema version into the next version's JSON (canonical JSON in and out).
public typealias Upcaster = @Sendable (_ payload: Data) throws -> Data

/// Why a stored event could not be decoded.
public struct EventDecodingError: Error, CustomStringConvertible, Equatable {
    /// What went wrong, naming the position and type.
    public let description: String

    /// Creates the error.
    public init(description: String) { self.description = description }
}

/// Encodes events to canonical JSON and decodes stored events back, through upcasters for older schema versions.
///
/// Every stored event must stay decodable by every later version of the code: a payload change is a new schema
/// version, a new golden sample in `events/`, and an upcaster from the previous version registered here.
public struct EventCodec<Family: EventFamily>: Sendable {
    /// A type's payload type and its member reader: one table, so that decoding an event hashes its type name once.
    private struct Entry: Sendable {
        let type: any DomainEvent.Type
        let fastReader: (@Sendable (inout FastJSONDecoder.SortedMemberReader) throws -> Family)?
    }

    private let entries: [String: Entry]
    private let upcasters: [String: [Int: Upcaster]]

    /// Creates a codec for a family, with upcasters keyed by event type and the version they upgrade *from*.
    public init(upcasters: [String: [Int: Upcaster]] = [:]) {
        var entries = [String: Entry]()
        for type in Family.payloadTypes { entries[type.eventType] = Entry(type: type, fastReader: Family.fastReaders[type.eventType]) }
        self.entries = entries
        self.upcasters = upcasters
    }

    /// Every event type name the family knows.
    public var eventTypes: [String] { entries.keys.sorted() }

    /// The current schema version of an event type.
    public func currentVersion(of type: String) -> Int? { entries[type]?.type.schemaVersion }

    /// The stored form of an event.
    public func encode(_ event: Family) throws -> ProposedEvent {
        let payload = event.payload
        return ProposedEvent(
            type: Swift.type(of: payload).eventType,
            schemaVersion: Swift.type(of: payload).schemaVersion,
            data: try CanonicalJSON.encode(payload)
        )
    }

    /// Decodes a stored event, upcasting older schema versions.
    public func decode(_ recorded: RecordedEvent) throws -> Family {
        try decode(type: recorded.type, schemaVersion: recorded.schemaVersion, data: recorded.data, position: recorded.position)
    }

    /// Decodes a stored payload, upcasting older schema versions.
    public func decode(_ stored: StoredPayload) throws -> Family {
        try decode(type: stored.type, schemaVersion: stored.schemaVersion, data: stored.data, position: stored.position)
    }

    /// Decodes a payload given its type name and schema version.
    public func decode(type name: String, schemaVersion: Int, data: Data, position: Int64 = 0) throws -> Family {
        guard let entry = entries[name] else {
            throw EventDecodingError(description: "position \(position): unknown event type \(name)")
        }
        let type = entry.type
        var data = data
        var version = schemaVersion
        while version < type.schemaVersion {
            guard let upcast = upcasters[name]?[version] else {
                throw EventDecodingError(description: "position \(position): no upcaster for \(name) from v\(version)")
            }
            data = try upcast(data)
            version += 1
        }
        guard version == type.schemaVersion else {
            throw EventDecodingError(
                description: "position \(position): \(name) v\(schemaVersion) is newer than this code (v\(type.schemaVersion))"
            )
        }
        // The member-by-member reader when it reads the payload; else Codable, which also gives the precise error.
        if let read = entry.fastReader, let event = try? FastJSONDecoder().readSortedMembers(from: data, read) { return event }
        do {
            guard let event = try Self.decodePayload(type, from: data) else {
                throw EventDecodingError(description: "position \(position): \(name) does not belong to \(Family.self)")
            }
            return event
        } catch let error as EventDecodingError {
            throw error
        } catch {
            throw EventDecodingError(description: "position \(position): \(name) v\(version) does not decode: \(error)")
        }
    }

    private static func decodePayload<Payload: DomainEvent>(_ type: Payload.Type, from data: Data) throws -> Family? {
        Family.wrap(try FastJSONDecoder().decode(type, from: data))
    }
}
