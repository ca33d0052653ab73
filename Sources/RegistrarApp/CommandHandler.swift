import EventLog
import Foundation
import RegistrationDomain
import Synchronization

/// A state that can be cached as a snapshot, keyed by its schema version: canonical JSON unless the state has a
/// faster form of its own.
public protocol SnapshotState: Codable, Sendable {
    /// Bumped whenever the encoded shape changes; snapshots of another version are ignored and the stream replayed.
    static var stateSchemaVersion: Int { get }
    /// The snapshot payload (before compression).
    func snapshotPayload() throws -> Data
    /// Reads a snapshot payload.
    init(snapshotPayload: Data) throws
}

extension SnapshotState {
    /// Canonical JSON.
    public func snapshotPayload() throws -> Data { try CanonicalJSON.encode(self) }

    /// Canonical JSON.
    public init(snapshotPayload: Data) throws { self = try FastJSONDecoder().decode(Self.self, from: snapshotPayload) }
}

/// Who asked, and how: everything the metadata of the resulting events records besides the time.
public struct RequestContext: Sendable, Equatable {
    /// The client's idempotency key: a retried request with the same id appends nothing and returns the first outcome.
    public var requestId: String?
    /// Groups the events of one user intent.
    public var correlationId: String?
    /// What caused this request.
    public var causationId: String?
    /// Where the request came from: `web`, `review-site`, `chsi`, `bank`, `system`, `cli`.
    public var channel: String
    /// Why (mandatory for reviewer actions; the deciders enforce it through the command's own reason field).
    public var reason: String?
    /// What tells this request from another one sent with the same `requestId` (see
    /// `EventMetadata.requestFingerprint`): a retry must have the same, another request under the id is refused.
    public var fingerprint: String?

    /// Creates a request context.
    public init(
        requestId: String? = nil,
        correlationId: String? = nil,
        causationId: String? = nil,
        channel: String,
        reason: String? = nil,
        fingerprint: String? = nil
    ) {
        self.requestId = requestId
        self.correlationId = correlationId
        self.causationId = causationId
        self.channel = channel
        self.reason = reason
        self.fingerprint = fingerprint
    }
}

/// What running a command did.
public struct CommandOutcome<Event: Sendable>: Sendable {
    /// The events appended now (empty for a retried request or a command that changed nothing).
    public var events: [Event]
    /// Where they went; nil when nothing was appended.
    public var append: AppendResult?
    /// The stream's version after the command.
    public var streamVersion: Int
    /// A retry of a request that was answered before without an append (``UnchangedRequest``).
    public var repeatsUnchangedRequest = false

    /// Whether the request was answered before under its id: nothing was done now, and the answer is the first one.
    public var isReplay: Bool { events.isEmpty && (append != nil || repeatsUnchangedRequest) }
}

/// Why a command failed.
public enum CommandError: Error, Equatable, CustomStringConvertible {
    /// A business rule refused it: nothing was appended.
    case rejected(Rejection)
    /// The stream kept moving under us; retried and still conflicting.
    case conflict(streamId: String, attempts: Int)

    public var description: String {
        switch self {
        case .rejected(let rejection): rejection.description
        case .conflict(let streamId, let attempts): "stream \(streamId) kept changing; gave up after \(attempts) attempts"
        }
    }
}

/// Runs a decider against the event log: load (newest valid snapshot + tail), decide, append, retry on conflict.
public struct CommandHandler<D: Decider & SendableMetatype>: Sendable
where D.Event: EventFamily, D.State: SnapshotState, D.Command: Sendable {
    /// The log.
    public let store: any EventStore & SnapshotStore
    /// The codec of the decider's events.
    public let codec: EventCodec<D.Event>
    /// A snapshot is written when a stream's version crosses a multiple of this (0: never).
    public let snapshotEvery: Int
    /// Appends attempted before giving up on a stream that keeps changing (changes from other processes: in this
    /// process, commands on one stream are queued by `streamLocks`).
    public let maximumAttempts: Int
    /// Serialises commands per stream within the process.
    public let streamLocks: KeyedLock
    private let stateCache: StateCache<D.State>
    private let skippedSnapshots = SharedCount()

    /// Snapshots this handler's loads ignored since it started: a state that did not decode, or a row that does not
    /// continue into its stream (its version past the head, or a gap before the tail). The stream was replayed instead.
    public var snapshotsSkipped: Int { skippedSnapshots.value }

    /// Creates a handler.
    public init(
        store: any EventStore & SnapshotStore,
        codec: EventCodec<D.Event>,
        snapshotEvery: Int = 20,
        maximumAttempts: Int = 5,
        streamLocks: KeyedLock = KeyedLock(),
        stateCacheCapacity: Int = 0
    ) {
        self.store = store
        self.codec = codec
        self.snapshotEvery = snapshotEvery
        self.maximumAttempts = maximumAttempts
        self.streamLocks = streamLocks
        stateCache = StateCache(capacity: stateCacheCapacity)
    }

    /// How many streams' latest states are kept in memory for the next command (0: every command loads).
    public var stateCacheCapacity: Int { stateCache.capacity }

    /// The state of a stream now, and its version.
    // Specialised for the one decider whose streams are long: the generic code reached `evolve` through the
    // protocol witness and copied states and events through value witnesses.
    @_specialize(where D == CandidateDecider)
    public func load(_ streamId: String) async throws -> (state: D.State, version: Int) {
        let read = try await store.loadSnapshotAndTail(streamId: streamId, stateSchemaVersion: D.State.stateSchemaVersion)
        var state = D.initial
        var version = 0
        var tail = read.tail
        if let snapshot = read.snapshot {
            // A snapshot is a cache: one that does not continue into its tail (a damaged row) is ignored.
            if let decoded = try? D.State(snapshotPayload: snapshot.payload),
                tail.first.map({ $0.streamVersion == snapshot.streamVersion + 1 }) ?? true
            {
                state = decoded
                version = snapshot.streamVersion
            } else {
                // A snapshot that does not decode is a cache miss: the whole stream is replayed.
                skippedSnapshots.increment()
                tail = try await store.readPayloads(streamId, fromVersion: 1, toVersion: nil)
            }
        }
        for stored in tail {
            state = D.evolve(consume state, try codec.decode(stored))
            version = stored.streamVersion
        }
        return (state, version)
    }

    /// The state of a stream now, for reads: the cached state when the log's version of the stream is still the cached
    /// one (an indexed lookup), else loaded (and cached).
    public func current(_ streamId: String) async throws -> (state: D.State, version: Int) {
        try await current(streamId, logVersion: store.streamVersion(streamId))
    }

    /// The same, given the stream's version in the log just read by the caller (with other versions, in one read).
    public func current(_ streamId: String, logVersion: Int) async throws -> (state: D.State, version: Int) {
        if let cached = stateCache.state(of: streamId), logVersion == cached.version { return cached }
        var loaded = try await load(streamId)
        // Past the stream's head only through a snapshot row claiming a version the stream never reached.
        if loaded.version > logVersion {
            skippedSnapshots.increment()
            loaded = try await replay(streamId)
        }
        // Possibly older than what a command just cached; harmless, as the next append checks the version.
        stateCache.remember(loaded.state, version: loaded.version, of: streamId)
        return loaded
    }

    /// The state of a stream replayed from its first event, ignoring snapshots (verification and tests).
    public func replay(_ streamId: String, toVersion: Int? = nil) async throws -> (state: D.State, version: Int) {
        var state = D.initial
        var version = 0
        for stored in try await store.readPayloads(streamId, fromVersion: 1, toVersion: toVersion) {
            state = D.evolve(consume state, try codec.decode(stored))
            version = stored.streamVersion
        }
        return (state, version)
    }

    /// Decides and appends.
    ///
    /// - Parameters:
    ///   - makeCommand: builds the command for an attempt (the application puts the current time and season in it).
    ///   - metadata: the metadata of the events (time from the injected clock).
    ///   - claims: the uniqueness claims the new events take (given them and the state they lead to).
    ///   - alongside: extra rows committed in the same transaction (SQLite store only).
    ///   - conditions: other streams the command was made from, at the versions it saw (the season); the append
    ///     fails with `EventLogError.conditionNotMet` if one moved, and the caller decides again on what is new.
    ///
    /// A retried request (its id already in the log) gets its original outcome and appends nothing: the append
    /// finds the id when the decision has events, and a refused or empty decision looks it up before answering.
    public func handle(
        streamId: String,
        metadata: EventMetadata,
        claims: @Sendable ([D.Event], D.State) -> [String] = { _, _ in [] },
        alongside: (@Sendable (GRDBDatabase) throws -> Void)? = nil,
        conditions: [StreamCondition] = [],
        makeCommand: @Sendable () -> D.Command
    ) async throws -> CommandOutcome<D.Event> {
        try await streamLocks.withLock(streamId) {
            try await decideAndAppend(
                streamId: streamId,
                metadata: metadata,
                claims: claims,
                alongside: alongside,
                conditions: conditions,
                makeCommand: makeCommand
            )
        }
    }

    /// The outcome of an earlier request with this metadata's id, for a decision that appends nothing now.
    private func earlierOutcome(of metadata: EventMetadata, on streamId: String) async throws -> CommandOutcome<D.Event>? {
        guard let requestId = metadata.requestId,
            let earlier = try await store.result(ofRequest: requestId, fingerprint: metadata.requestFingerprint)
        else { return nil }
        guard earlier.streamId == streamId else { throw EventLogError.requestIdReused(requestId: requestId, streamId: earlier.streamId) }
        return CommandOutcome(events: [], append: earlier, streamVersion: earlier.lastVersion)
    }

    private func decideAndAppend(
        streamId: String,
        metadata: EventMetadata,
        claims: @Sendable ([D.Event], D.State) -> [String],
        alongside: (@Sendable (GRDBDatabase) throws -> Void)?,
        conditions: [StreamCondition],
        makeCommand: @Sendable () -> D.Command
    ) async throws -> CommandOutcome<D.Event> {
        // Under the stream's lock, so a retry racing its original decides on the original's result: its events are
        // found duplicate by the append, its refusal ("already submitted") gives way to the original's outcome.
        // A request answered before without an append answers the same, whatever the stream has become since.
        let sqlite = store as? SQLiteEventStore
        if let requestId = metadata.requestId, let sqlite,
            let earlier: CommandOutcome<D.Event> = try UnchangedRequestTable.outcome(
                of: requestId,
                fingerprint: metadata.requestFingerprint,
                streamId: streamId,
                in: sqlite
            )
        {
            return earlier
        }
        var replayFully = false
        for attempt in 0..<maximumAttempts {
            let state: D.State
            let version: Int
            if attempt == 0, let cached = stateCache.state(of: streamId) {
                (state, version) = cached
            } else if replayFully {
                (state, version) = try await replay(streamId)
            } else {
                (state, version) = try await load(streamId)
            }
            let events: [D.Event]
            do {
                events = try D.decide(makeCommand(), state)
            } catch {
                if let earlier = try await earlierOutcome(of: metadata, on: streamId) { return earlier }
                throw CommandError.rejected(error)
            }
            guard !events.isEmpty else {
                if let earlier = try await earlierOutcome(of: metadata, on: streamId) { return earlier }
                if let requestId = metadata.requestId, let sqlite {
                    let unchanged = UnchangedRequest(streamId: streamId, streamVersion: version, fingerprint: metadata.requestFingerprint)
                    try sqlite.pool.writeNow { db in try UnchangedRequestTable.remember(requestId, unchanged, at: Date(), in: db) }
                }
                return CommandOutcome(events: [], append: nil, streamVersion: version)
            }
            var newState = state
            for event in events { newState = D.evolve(consume newState, event) }
            let request = AppendRequest(
                streamId: streamId,
                expectedVersion: .exact(version),
                events: try events.map(codec.encode),
                metadata: metadata,
                claims: claims(events, newState),
                snapshot: try snapshotIfDue(newState, fromVersion: version, eventCount: events.count),
                conditions: conditions
            )
            let result: AppendResult
            do {
                if let sqlite = store as? SQLiteEventStore {
                    result = try await sqlite.append(request, alongside: alongside)
                } else {
                    result = try await store.append(request)
                }
            } catch EventLogError.wrongExpectedVersion(_, _, let actual) {
                stateCache.forget(streamId)
                // Behind the version it was decided on: the state came from a snapshot row past the stream's head
                // (damaged), not from a writer that got there first. Ignore snapshots from now on.
                if actual < version {
                    skippedSnapshots.increment()
                    replayFully = true
                }
                continue
            } catch let error as EventLogError {
                // The stream's own state is still right when another stream moved.
                if case .conditionNotMet = error {} else { stateCache.forget(streamId) }
                throw error
            } catch {
                stateCache.forget(streamId)
                throw error
            }
            if result.wasDuplicate {
                stateCache.forget(streamId)
            } else {
                stateCache.remember(newState, version: result.lastVersion, of: streamId)
            }
            return CommandOutcome(events: result.wasDuplicate ? [] : events, append: result, streamVersion: result.lastVersion)
        }
        throw CommandError.conflict(streamId: streamId, attempts: maximumAttempts)
    }

    /// The state after `events`, encoded, when the append crosses a multiple of `snapshotEvery`: it is stored in the
    /// append's own transaction.
    private func snapshotIfDue(_ newState: D.State, fromVersion version: Int, eventCount: Int) throws -> SnapshotAfterAppend? {
        guard snapshotEvery > 0, (version + eventCount) / snapshotEvery > version / snapshotEvery else { return nil }
        return SnapshotAfterAppend(stateSchemaVersion: D.State.stateSchemaVersion, payload: try newState.snapshotPayload())
    }

    /// Writes a snapshot of a state at a version.
    public func writeSnapshot(streamId: String, state: D.State, version: Int) async throws {
        let payload = try state.snapshotPayload()
        try await store.saveSnapshot(
            Snapshot(streamId: streamId, streamVersion: version, stateSchemaVersion: D.State.stateSchemaVersion, payload: payload)
        )
    }
}

// 70 µs of Codable per 4 KB state was most of a snapshot load; the compact binary form reads in a few.
extension CandidateState: SnapshotState {
    /// The compact binary form, long strings written once.
    public func snapshotPayload() throws -> Data { compactBinary(interningStrings: true) }

    /// The compact binary form.
    public init(snapshotPayload: Data) throws { try self.init(compactBinary: snapshotPayload) }
}

extension SeasonState: SnapshotState {}
extension StaffState: SnapshotState {}

/// A count shared by the copies of a value that holds it.
final class SharedCount: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func increment() { count.add(1, ordering: .relaxed) }
}

/// A refusal decided inside an append's transaction (a password changed meanwhile) comes back as thrown.
extension CommandError: AppendRefusal {}
