import Foundation

/// Who did something, why, and on whose behalf. Stored with every event as canonical JSON and covered by the hash.
public struct EventMetadata: Codable, Sendable, Equatable, Hashable {
    /// The acting person or system, e.g. a candidate id, a staff id, `chsi`, `bank`, `system`.
    public var actorId: String
    /// The actor's role: `candidate`, `reviewer`, `auditor`, `admin`, `system`, `chsi`, `bank`.
    public var role: String
    /// Where the action came from: `web`, `review-site`, `chsi`, `bank`, `system`, `cli`.
    public var channel: String
    /// The client's idempotency key; a retried append with the same id writes nothing.
    public var requestId: String?
    /// What identifies the request made under `requestId` (for the HTTP API a keyed digest of its method, path and
    /// body): an append, or a lookup, with the same request id but another fingerprint is refused
    /// (`EventLogError.requestIdReused`) instead of answering the first request's result. Nil: not checked.
    public var requestFingerprint: String?
    /// Groups every event caused by one user intent across streams.
    public var correlationId: String?
    /// The event or request that directly caused this one.
    public var causationId: String?
    /// Why the change was made (mandatory for reviewer actions; the domain enforces that).
    public var reason: String?
    /// When the event was recorded, ISO-8601 UTC with milliseconds, from the injected clock.
    public var recordedAt: String
    /// Uniqueness claims taken by the append this event opened; set by the store on the first event only, so the
    /// claims travel with the log (export, import) and are covered by the hash chain.
    public var claims: [String]?

    /// Creates metadata.
    public init(
        actorId: String,
        role: String,
        channel: String,
        requestId: String? = nil,
        correlationId: String? = nil,
        causationId: String? = nil,
        reason: String? = nil,
        recordedAt: String,
        claims: [String]? = nil,
        requestFingerprint: String? = nil
    ) {
        self.actorId = actorId
        self.role = role
        self.channel = channel
        self.requestId = requestId
        self.correlationId = correlationId
        self.causationId = causationId
        self.reason = reason
        self.recordedAt = recordedAt
        self.claims = claims
        self.requestFingerprint = requestFingerprint
    }

    /// Decodes stored metadata: in one pass when it is canonical JSON (as every append writes it), else through
    /// Codable, which gives the same value or the precise error.
    public init(storedJSON data: Data) throws {
        self = try Self.readCanonical(data) ?? FastJSONDecoder().decode(EventMetadata.self, from: data)
    }

    /// Canonical metadata read in one pass; nil for anything else (which Codable then reads or refuses).
    static func readCanonical(_ data: Data) -> EventMetadata? {
        try? FastJSONDecoder().readSortedMembers(from: data) { json in
            // Members in ascending key order, as canonical JSON stores them.
            let actorId = try json.string("actorId")
            let causationId = try json.optionalString("causationId")
            let channel = try json.string("channel")
            let claims = try json.optionalStrings("claims")
            let correlationId = try json.optionalString("correlationId")
            let reason = try json.optionalString("reason")
            let recordedAt = try json.string("recordedAt")
            let requestFingerprint = try json.optionalString("requestFingerprint")
            let requestId = try json.optionalString("requestId")
            let role = try json.string("role")
            return EventMetadata(
                actorId: actorId,
                role: role,
                channel: channel,
                requestId: requestId,
                correlationId: correlationId,
                causationId: causationId,
                reason: reason,
                recordedAt: recordedAt,
                claims: claims,
                requestFingerprint: requestFingerprint
            )
        }
    }
}

/// An event about to be appended: its type, schema version and canonical JSON payload.
public struct ProposedEvent: Sendable, Equatable {
    /// Past-tense event type name, e.g. `CandidateRegistered`.
    public var type: String
    /// Schema version of the payload, starting at 1.
    public var schemaVersion: Int
    /// Canonical JSON bytes of the payload (sorted keys, no escaped slashes).
    public var data: Data

    /// Creates a proposed event.
    public init(type: String, schemaVersion: Int, data: Data) {
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
    }
}

/// An event as stored: position, stream, version, payload, metadata and its place in the hash chain.
///
/// Payload and metadata are kept as the exact stored bytes; decode them where needed (`decodedMetadata()`), so that
/// scans that do not need them pay nothing.
public struct RecordedEvent: Sendable, Equatable {
    /// Gapless global position, starting at 1; commit order equals position order.
    public var position: Int64
    /// The stream (aggregate) the event belongs to.
    public var streamId: String
    /// Version of the stream after this event, starting at 1.
    public var streamVersion: Int
    /// Event type name.
    public var type: String
    /// Payload schema version.
    public var schemaVersion: Int
    /// Canonical JSON payload bytes.
    public var data: Data
    /// Canonical JSON metadata bytes.
    public var metadata: Data
    /// Hash of the previous event (32 zero bytes for position 1).
    public var previousHash: Data
    /// SHA-256 of the previous hash and this event's canonical bytes.
    public var hash: Data

    /// Creates a recorded event.
    public init(
        position: Int64,
        streamId: String,
        streamVersion: Int,
        type: String,
        schemaVersion: Int,
        data: Data,
        metadata: Data,
        previousHash: Data,
        hash: Data
    ) {
        self.position = position
        self.streamId = streamId
        self.streamVersion = streamVersion
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
        self.metadata = metadata
        self.previousHash = previousHash
        self.hash = hash
    }

    /// Decodes the metadata.
    public func decodedMetadata() throws -> EventMetadata {
        try EventMetadata(storedJSON: metadata)
    }
}

/// What the caller believes the stream's version to be.
public enum ExpectedVersion: Sendable, Equatable, Hashable {
    /// No check.
    case any
    /// The stream must not exist yet (version 0).
    case noStream
    /// The stream must be at exactly this version (0 means empty).
    case exact(Int)

    func admits(_ actual: Int) -> Bool {
        switch self {
        case .any: true
        case .noStream: actual == 0
        case .exact(let expected): expected == actual
        }
    }
}

/// One atomic append: events to one stream, with their metadata, an optional idempotency key and claims.
public struct AppendRequest: Sendable, Equatable {
    /// Target stream.
    public var streamId: String
    /// Optimistic concurrency check.
    public var expectedVersion: ExpectedVersion
    /// Events, in order. May not be empty.
    public var events: [ProposedEvent]
    /// Metadata stored with every event of the append (its `requestId` is the idempotency key).
    public var metadata: EventMetadata
    /// Unique keys (e.g. `username:zhangsan`) this stream takes in the same transaction.
    public var claims: [String]
    /// The stream's state after these events, stored as its snapshot in the same transaction (at the append's last
    /// version), so that taking a snapshot costs no commit of its own. Not stored for a retried request.
    public var snapshot: SnapshotAfterAppend?
    /// Other streams the events were decided on, each at the version it must still have when the append commits
    /// (a candidate's command reads the season's calendar): checked in the append's transaction.
    public var conditions: [StreamCondition]

    /// Creates an append request.
    public init(
        streamId: String,
        expectedVersion: ExpectedVersion,
        events: [ProposedEvent],
        metadata: EventMetadata,
        claims: [String] = [],
        snapshot: SnapshotAfterAppend? = nil,
        conditions: [StreamCondition] = []
    ) {
        self.streamId = streamId
        self.expectedVersion = expectedVersion
        self.events = events
        self.metadata = metadata
        self.claims = claims
        self.snapshot = snapshot
        self.conditions = conditions
    }
}

/// Another stream's version that an append's decision relied on.
public struct StreamCondition: Sendable, Equatable, Hashable {
    /// The stream.
    public var streamId: String
    /// The version it must have (0: no events).
    public var version: Int

    /// Creates the condition.
    public init(streamId: String, version: Int) {
        self.streamId = streamId
        self.version = version
    }
}

/// The encoded state of a stream after an append, to be stored as its snapshot with the append.
public struct SnapshotAfterAppend: Sendable, Equatable {
    /// Schema version of the state's encoding.
    public var stateSchemaVersion: Int
    /// The uncompressed encoded state.
    public var payload: Data

    /// Creates the snapshot part of an append.
    public init(stateSchemaVersion: Int, payload: Data) {
        self.stateSchemaVersion = stateSchemaVersion
        self.payload = payload
    }
}

/// A stored event's payload and what is needed to decode it: what a command or a replay reads.
public struct StoredPayload: Sendable, Equatable {
    /// Global position.
    public var position: Int64
    /// Version within its stream.
    public var streamVersion: Int
    /// Event type name.
    public var type: String
    /// Schema version of the payload.
    public var schemaVersion: Int
    /// The payload (canonical JSON).
    public var data: Data

    /// Creates a stored payload.
    public init(position: Int64, streamVersion: Int, type: String, schemaVersion: Int, data: Data) {
        self.position = position
        self.streamVersion = streamVersion
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
    }
}

/// The outcome of a successful append, or of a retried one.
public struct AppendResult: Sendable, Equatable, Codable {
    /// Stream appended to.
    public var streamId: String
    /// Version of the first event written.
    public var firstVersion: Int
    /// Version of the stream after the append.
    public var lastVersion: Int
    /// Global position of the first event written.
    public var firstPosition: Int64
    /// Global position of the last event written.
    public var lastPosition: Int64
    /// True when this request id had been seen: nothing was written now, the original result is returned.
    public var wasDuplicate: Bool

    /// Creates a result.
    public init(streamId: String, firstVersion: Int, lastVersion: Int, firstPosition: Int64, lastPosition: Int64, wasDuplicate: Bool) {
        self.streamId = streamId
        self.firstVersion = firstVersion
        self.lastVersion = lastVersion
        self.firstPosition = firstPosition
        self.lastPosition = lastPosition
        self.wasDuplicate = wasDuplicate
    }
}

/// Why an append or a read was refused. Nothing is written when an append fails.
public enum EventLogError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The stream is not at the expected version.
    case wrongExpectedVersion(streamId: String, expected: ExpectedVersion, actual: Int)
    /// A claim is held by another stream.
    case claimTaken(claim: String, heldBy: String)
    /// A request id was reused for a different stream, or with another `requestFingerprint` (another request).
    case requestIdReused(requestId: String, streamId: String)
    /// A stream named in the append's conditions moved since the decision was made.
    case conditionNotMet(streamId: String, expected: Int, actual: Int)
    /// The request itself is malformed (empty, bad stream id, payload not JSON...).
    case invalidRequest(String)
    /// The database could not be opened or written.
    case storage(String)
    /// The append found, at commit time, that the log was changed behind the store's back (events removed that a
    /// read model had folded, say): nothing was appended, and no append will be until the log is examined
    /// (`registrar verify`). Raised from a ``LogIntegrityViolation`` thrown by the after-append hook.
    case integrity(String)

    public var description: String {
        switch self {
        case .wrongExpectedVersion(let stream, let expected, let actual):
            "stream \(stream) is at version \(actual), expected \(expected)"
        case .claimTaken(let claim, let heldBy): "claim \(claim) is already held by stream \(heldBy)"
        case .requestIdReused(let requestId, let streamId): "request id \(requestId) was already used for stream \(streamId)"
        case .conditionNotMet(let stream, let expected, let actual):
            "the append was decided on stream \(stream) at version \(expected), which is now at \(actual)"
        case .invalidRequest(let why): "invalid append: \(why)"
        case .storage(let why): "storage error: \(why)"
        case .integrity(let why): "log integrity: \(why)"
        }
    }
}

/// What one commit of a ``SQLiteEventStore`` made durable (see ``SQLiteEventStore/addCommitObserver(_:)``).
public struct CommittedAppends: Sendable, Equatable {
    /// The streams that got events in the commit.
    public var streamIds: Set<String>
    /// The log's head position after the commit.
    public var headPosition: Int64
    /// The log had events this store did not write since its previous commit (another process appended, or this is
    /// the store's first commit): their streams are not in `streamIds`.
    public var followsForeignAppends: Bool

    /// Creates a description of a commit.
    public init(streamIds: Set<String>, headPosition: Int64, followsForeignAppends: Bool) {
        self.streamIds = streamIds
        self.headPosition = headPosition
        self.followsForeignAppends = followsForeignAppends
    }
}

/// An error that says the log was changed behind the store's back, when ``isLogIntegrityViolation`` is true. An
/// after-append hook that throws one fails the appends of its transaction with ``EventLogError/integrity(_:)``
/// rather than a storage error, and the store remembers the first (``SQLiteEventStore/integrityFailure``).
public protocol LogIntegrityViolation: Error, CustomStringConvertible {
    /// True when this error is a finding about the log's integrity (not, say, a failure to write).
    var isLogIntegrityViolation: Bool { get }
}

/// An error an append's `alongside` work throws to refuse the append (a condition of its own rows no longer holds):
/// the append's events are rolled back with it, and the caller gets the error as thrown, not as a storage failure.
public protocol AppendRefusal: Error {}
