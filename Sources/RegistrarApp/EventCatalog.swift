import EventLog
import Foundation
import RegistrationDomain

/// Every event type the code knows, across the candidate, season and staff families, with the codecs (and their
/// upcasters) that decode them. The golden samples in `events/` are checked against it.
public enum EventCatalog {
    /// The codecs in use; upcasters for older schema versions are registered here.
    public static let candidateCodec = EventCodec<CandidateEvent>(upcasters: [
        // Version 2 added optional members only (the work information and post applied with): a version-1 payload
        // reads as it is.
        ApplicationSubmitted.eventType: [1: { payload in payload }]
    ])
    /// The season family's codec.
    public static let seasonCodec = EventCodec<SeasonEvent>()
    /// The staff family's codec.
    public static let staffCodec = EventCodec<StaffEvent>()

    /// Current schema version of every known event type.
    public static var currentVersions: [String: Int] {
        var versions = [String: Int]()
        for type in CandidateEvent.payloadTypes + SeasonEvent.payloadTypes + StaffEvent.payloadTypes {
            versions[type.eventType] = type.schemaVersion
        }
        return versions
    }

    /// Decodes a stored payload of any known type (through upcasters).
    public static func decode(type: String, schemaVersion: Int, data: Data) throws -> any DomainEvent {
        if candidateCodec.currentVersion(of: type) != nil {
            return try candidateCodec.decode(type: type, schemaVersion: schemaVersion, data: data).payload
        }
        if seasonCodec.currentVersion(of: type) != nil {
            return try seasonCodec.decode(type: type, schemaVersion: schemaVersion, data: data).payload
        }
        if staffCodec.currentVersion(of: type) != nil {
            return try staffCodec.decode(type: type, schemaVersion: schemaVersion, data: data).payload
        }
        throw EventDecodingError(description: "unknown event type \(type)")
    }

    /// What today's encoder writes for a payload: canonical JSON.
    public static func encode(_ payload: any DomainEvent) throws -> Data {
        try CanonicalJSON.encode(payload)
    }
}
