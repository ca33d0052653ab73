import Foundation
import Synchronization

/// The event log in memory, for fast tests. Same contract and hash chain as the SQLite store.
public final class InMemoryEventStore: EventStore, SnapshotStore {
    private struct Contents {
        var events: [RecordedEvent] = []
        var streamPositions: [String: [Int]] = [:]
        var requests: [String: AppendResult] = [:]
        var claims: [String: String] = [:]
        var snapshots: [String: Snapshot] = [:]
    }

    private let contents = Mutex(Contents())
    private let notifier = HeadNotifier()

    /// Creates an empty store.
    public init() {}

    public func append(_ request: AppendRequest) async throws -> AppendResult {
        try AppendValidation.validate(request)
        for event in request.events {
            guard (try? JSONSerialization.jsonObject(with: event.data)) is [String: Any] else {
                throw EventLogError.invalidRequest("data of \(event.type) is not a JSON object")
            }
        }
        let metadata = try AppendValidation.metadataBytes(for: request)
        let result = try contents.withLock { contents throws(EventLogError) -> AppendResult in
            if let requestId = request.metadata.requestId, let original = contents.requests[requestId] {
                guard original.streamId == request.streamId else {
                    throw .requestIdReused(requestId: requestId, streamId: original.streamId)
                }
                if let fingerprint = request.metadata.requestFingerprint {
                    try RequestFingerprint.check(
                        fingerprint,
                        against: contents.events[Int(original.firstPosition) - 1].metadata,
                        requestId: requestId,
                        streamId: original.streamId
                    )
                }
                var duplicate = original
                duplicate.wasDuplicate = true
                return duplicate
            }
            for condition in request.conditions {
                let version = contents.streamPositions[condition.streamId]?.count ?? 0
                guard version == condition.version else {
                    throw .conditionNotMet(streamId: condition.streamId, expected: condition.version, actual: version)
                }
            }
            let actual = contents.streamPositions[request.streamId]?.count ?? 0
            guard request.expectedVersion.admits(actual) else {
                throw .wrongExpectedVersion(streamId: request.streamId, expected: request.expectedVersion, actual: actual)
            }
            for claim in request.claims {
                if let holder = contents.claims[claim], holder != request.streamId {
                    throw .claimTaken(claim: claim, heldBy: holder)
                }
            }
            var previous = contents.events.last?.hash ?? ChainHash.genesis
            let firstPosition = Int64(contents.events.count + 1)
            for (offset, proposed) in request.events.enumerated() {
                let position = firstPosition + Int64(offset)
                let metadataBytes = offset == 0 ? metadata.first : metadata.rest
                var event = RecordedEvent(
                    position: position,
                    streamId: request.streamId,
                    streamVersion: actual + offset + 1,
                    type: proposed.type,
                    schemaVersion: proposed.schemaVersion,
                    data: proposed.data,
                    metadata: metadataBytes,
                    previousHash: previous,
                    hash: Data()
                )
                event.hash = ChainHash.hash(of: event)
                previous = event.hash
                contents.events.append(event)
                contents.streamPositions[request.streamId, default: []].append(Int(position) - 1)
            }
            for claim in request.claims { contents.claims[claim] = request.streamId }
            let result = AppendResult(
                streamId: request.streamId,
                firstVersion: actual + 1,
                lastVersion: actual + request.events.count,
                firstPosition: firstPosition,
                lastPosition: firstPosition + Int64(request.events.count) - 1,
                wasDuplicate: false
            )
            if let requestId = request.metadata.requestId { contents.requests[requestId] = result }
            if let snapshot = request.snapshot {
                contents.snapshots["\(snapshot.stateSchemaVersion)|\(request.streamId)"] = Snapshot(
                    streamId: request.streamId,
                    streamVersion: result.lastVersion,
                    stateSchemaVersion: snapshot.stateSchemaVersion,
                    payload: snapshot.payload
                )
            }
            return result
        }
        if !result.wasDuplicate { notifier.notify() }
        return result
    }

    public func readStream(_ streamId: String, fromVersion: Int, toVersion: Int?) async throws -> [RecordedEvent] {
        contents.withLock { contents in
            let indices = contents.streamPositions[streamId] ?? []
            let lower = max(fromVersion, 1)
            let upper = min(toVersion ?? indices.count, indices.count)
            guard lower <= upper else { return [] }
            return indices[(lower - 1)..<upper].map { contents.events[$0] }
        }
    }

    public func readStream(_ streamId: String, recordedAtOrBefore instant: String) async throws -> [RecordedEvent] {
        try await readStream(streamId, fromVersion: 1, toVersion: nil).filter { event in
            ((try? event.decodedMetadata().recordedAt) ?? instant) <= instant
        }
    }

    public func readAll(after afterPosition: Int64, limit: Int) async throws -> [RecordedEvent] {
        contents.withLock { contents in
            let start = Int(max(afterPosition, 0))
            guard start < contents.events.count, limit > 0 else { return [] }
            return Array(contents.events[start..<min(start + limit, contents.events.count)])
        }
    }

    public func streamVersion(_ streamId: String) async throws -> Int {
        contents.withLock { $0.streamPositions[streamId]?.count ?? 0 }
    }

    public func streamVersions(_ streamIds: [String]) async throws -> [Int] {
        contents.withLock { contents in streamIds.map { contents.streamPositions[$0]?.count ?? 0 } }
    }

    public func headPosition() async throws -> Int64 {
        contents.withLock { Int64($0.events.count) }
    }

    public func result(ofRequest requestId: String) async throws -> AppendResult? {
        contents.withLock { contents in
            guard var result = contents.requests[requestId] else { return nil }
            result.wasDuplicate = true
            return result
        }
    }

    public func claimHolder(_ claim: String) async throws -> String? {
        contents.withLock { $0.claims[claim] }
    }

    public func subscribe(after afterPosition: Int64) -> LiveEvents {
        LiveEvents(after: afterPosition, notifier: notifier) { [self] position in
            try await readAll(after: position, limit: 500)
        }
    }

    public func saveSnapshot(_ snapshot: Snapshot) async throws {
        contents.withLock { contents in
            let key = "\(snapshot.stateSchemaVersion)|\(snapshot.streamId)"
            if (contents.snapshots[key]?.streamVersion ?? 0) <= snapshot.streamVersion { contents.snapshots[key] = snapshot }
        }
    }

    public func loadSnapshot(streamId: String, stateSchemaVersion: Int) async throws -> Snapshot? {
        contents.withLock { $0.snapshots["\(stateSchemaVersion)|\(streamId)"] }
    }
}
