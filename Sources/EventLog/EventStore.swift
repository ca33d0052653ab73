import Foundation

/// The one storage contract. Every implementation passes the same conformance suite
/// (`Tests/EventLogTests/ConformanceSuite.swift`).
public protocol EventStore: Sendable {
    /// Appends events to one stream atomically: all or nothing.
    ///
    /// - Throws: `EventLogError.wrongExpectedVersion` (with the actual version), `.claimTaken` (naming the claim and
    ///   the stream holding it), `.requestIdReused`, `.conditionNotMet` (a stream of `request.conditions` is at
    ///   another version; checked after the request id, so a retry still gets its original result),
    ///   `.invalidRequest`. Nothing is written when it throws.
    /// - Returns: the positions written; for a request id seen before, the original result with `wasDuplicate`.
    func append(_ request: AppendRequest) async throws -> AppendResult

    /// Events of one stream with `fromVersion <= version <= toVersion`, oldest first.
    func readStream(_ streamId: String, fromVersion: Int, toVersion: Int?) async throws -> [RecordedEvent]
    /// The payloads of a stream's events in a version range (inclusive; `toVersion` nil means to the end): what a
    /// command or a replay needs, without metadata and hashes.
    func readPayloads(_ streamId: String, fromVersion: Int, toVersion: Int?) async throws -> [StoredPayload]

    /// Events of one stream recorded at or before an instant (ISO-8601 text comparison on `recordedAt`).
    func readStream(_ streamId: String, recordedAtOrBefore instant: String) async throws -> [RecordedEvent]

    /// Up to `limit` events with position greater than `afterPosition`, in position order.
    func readAll(after afterPosition: Int64, limit: Int) async throws -> [RecordedEvent]

    /// The current version of a stream (0 when it has no events).
    func streamVersion(_ streamId: String) async throws -> Int

    /// The current versions of several streams, in order, as of one committed state of the log.
    func streamVersions(_ streamIds: [String]) async throws -> [Int]

    /// The position of the last event (0 when the log is empty).
    func headPosition() async throws -> Int64

    /// The result of an append made earlier with this request id, if any (marked `wasDuplicate`).
    func result(ofRequest requestId: String) async throws -> AppendResult?

    /// Which stream holds a claim, if any.
    func claimHolder(_ claim: String) async throws -> String?

    /// A live subscription: every event after `afterPosition`, catching up first, then following new appends, read
    /// as the consumer asks for them.
    func subscribe(after afterPosition: Int64) -> LiveEvents
}

/// A stored snapshot: the encoded state of a stream at a version.
public struct Snapshot: Sendable, Equatable {
    /// The stream the state belongs to.
    public var streamId: String
    /// Stream version the state includes.
    public var streamVersion: Int
    /// Schema version of the state's encoding; a snapshot of another version is ignored.
    public var stateSchemaVersion: Int
    /// The uncompressed encoded state.
    public var payload: Data

    /// Creates a snapshot.
    public init(streamId: String, streamVersion: Int, stateSchemaVersion: Int, payload: Data) {
        self.streamId = streamId
        self.streamVersion = streamVersion
        self.stateSchemaVersion = stateSchemaVersion
        self.payload = payload
    }
}

/// Snapshots are a cache, never a fact: losing one only costs a replay.
public protocol SnapshotStore: Sendable {
    /// Stores (or replaces) the snapshot of a stream for its state schema version.
    func saveSnapshot(_ snapshot: Snapshot) async throws
    /// The newest snapshot of a stream for this state schema version; snapshots of other versions are ignored.
    func loadSnapshot(streamId: String, stateSchemaVersion: Int) async throws -> Snapshot?
    /// The newest snapshot (as ``loadSnapshot(streamId:stateSchemaVersion:)``) and the payloads after it, or every
    /// payload of the stream when there is none: what loading a state reads.
    func loadSnapshotAndTail(streamId: String, stateSchemaVersion: Int) async throws -> SnapshotAndTail
}

/// A stream's newest snapshot and the payloads after it.
public struct SnapshotAndTail: Sendable, Equatable {
    /// The snapshot, if any.
    public var snapshot: Snapshot?
    /// The payloads after the snapshot's version (all of them without a snapshot).
    public var tail: [StoredPayload]

    /// Creates the pair.
    public init(snapshot: Snapshot?, tail: [StoredPayload]) {
        self.snapshot = snapshot
        self.tail = tail
    }
}

extension SnapshotStore where Self: EventStore {
    /// Two reads (stores with a cheaper way override it).
    public func loadSnapshotAndTail(streamId: String, stateSchemaVersion: Int) async throws -> SnapshotAndTail {
        let snapshot = try await loadSnapshot(streamId: streamId, stateSchemaVersion: stateSchemaVersion)
        return SnapshotAndTail(
            snapshot: snapshot,
            tail: try await readPayloads(streamId, fromVersion: (snapshot?.streamVersion ?? 0) + 1, toVersion: nil)
        )
    }
}

extension EventStore {
    /// Every event of a stream.
    public func readStream(_ streamId: String) async throws -> [RecordedEvent] {
        try await readStream(streamId, fromVersion: 1, toVersion: nil)
    }

    /// Reads whole events and keeps their payloads (stores with a cheaper read override it).
    public func readPayloads(_ streamId: String, fromVersion: Int, toVersion: Int?) async throws -> [StoredPayload] {
        try await readStream(streamId, fromVersion: fromVersion, toVersion: toVersion).map {
            StoredPayload(position: $0.position, streamVersion: $0.streamVersion, type: $0.type, schemaVersion: $0.schemaVersion, data: $0.data)
        }
    }
}

extension EventStore {
    /// The result of an earlier append with this request id, like `result(ofRequest:)`, but refused
    /// (`EventLogError.requestIdReused`) when that append was made by another request: its first event's metadata has
    /// a `requestFingerprint` other than `fingerprint`. A nil `fingerprint`, or an earlier append without one, is not
    /// checked.
    public func result(ofRequest requestId: String, fingerprint: String?) async throws -> AppendResult? {
        guard let earlier = try await result(ofRequest: requestId) else { return nil }
        guard let fingerprint else { return earlier }
        if let first = try await readStream(earlier.streamId, fromVersion: earlier.firstVersion, toVersion: earlier.firstVersion).first {
            try RequestFingerprint.check(fingerprint, against: first.metadata, requestId: requestId, streamId: earlier.streamId)
        }
        return earlier
    }
}

/// The comparison of a request's fingerprint with the one stored with the first append of its request id.
enum RequestFingerprint {
    /// Throws `requestIdReused` when the stored metadata has another fingerprint.
    static func check(_ fingerprint: String, against storedMetadata: Data, requestId: String, streamId: String) throws(EventLogError) {
        let stored: EventMetadata
        do {
            stored = try EventMetadata(storedJSON: storedMetadata)
        } catch {
            throw .storage("metadata of request \(requestId) cannot be read: \(error)")
        }
        if let earlier = stored.requestFingerprint, earlier != fingerprint {
            throw .requestIdReused(requestId: requestId, streamId: streamId)
        }
    }
}

enum AppendValidation {
    /// Checks what no store may accept, before anything is written.
    static func validate(_ request: AppendRequest) throws(EventLogError) {
        if request.events.isEmpty { throw .invalidRequest("no events") }
        if request.streamId.isEmpty || request.streamId.utf8.count > 200 {
            throw .invalidRequest("stream id must be 1 to 200 bytes")
        }
        // ASCII first: the Unicode property lookup is a measurable part of an append.
        if request.streamId.unicodeScalars.contains(where: {
            $0.isASCII ? $0.value < 0x20 || $0.value == 0x7F : $0.properties.generalCategory == .control
        }) {
            throw .invalidRequest("stream id contains a control character")
        }
        if case .exact(let version) = request.expectedVersion, version < 0 {
            throw .invalidRequest("expected version must not be negative")
        }
        for condition in request.conditions where condition.streamId.isEmpty || condition.version < 0 {
            throw .invalidRequest("condition on stream \(condition.streamId) must name a stream and a version of at least 0")
        }
        if request.metadata.claims != nil { throw .invalidRequest("metadata.claims is set by the store, pass claims separately") }
        if Set(request.claims).count != request.claims.count { throw .invalidRequest("duplicate claim in one append") }
        for event in request.events {
            if event.type.isEmpty { throw .invalidRequest("event type is empty") }
            if event.schemaVersion < 1 { throw .invalidRequest("schema version of \(event.type) must be at least 1") }
            // Full JSON validity is checked by the store (SQLite: a CHECK(json_valid) constraint); this is the cheap part.
            if event.data.first != UInt8(ascii: "{") || event.data.last != UInt8(ascii: "}") {
                throw .invalidRequest("data of \(event.type) is not a JSON object")
            }
        }
    }

    /// The metadata of each event of an append: claims recorded on the first only.
    static func metadataBytes(for request: AppendRequest) throws -> (first: Data, rest: Data) {
        let rest = try CanonicalJSON.encode(request.metadata)
        // JSONEncoder is a good part of an append's CPU time; without claims the first event's metadata is the same.
        if request.claims.isEmpty { return (rest, rest) }
        var first = request.metadata
        first.claims = request.claims
        return (try CanonicalJSON.encode(first), rest)
    }
}
