import EventLog
import Foundation
import RegistrationDomain

/// Operator work over the whole log that needs the domain: decoding every event, checking snapshots against full
/// replays, and writing fresh snapshots.
public struct Maintenance: Sendable {
    /// The log.
    public let store: SQLiteEventStore
    let candidates: CommandHandler<CandidateDecider>
    let seasons: CommandHandler<SeasonDecider>
    let staff: CommandHandler<StaffDecider>

    /// Creates the maintenance tools over a store.
    public init(store: SQLiteEventStore, snapshotEvery: Int = 20) {
        self.store = store
        candidates = CommandHandler(store: store, codec: EventCatalog.candidateCodec, snapshotEvery: snapshotEvery)
        seasons = CommandHandler(store: store, codec: EventCatalog.seasonCodec, snapshotEvery: snapshotEvery)
        staff = CommandHandler(store: store, codec: EventCatalog.staffCodec, snapshotEvery: snapshotEvery)
    }

    /// The kind of stream an id names, by its prefix.
    enum StreamKind {
        case candidate, season, staff, other
        init(_ streamId: String) {
            if streamId.hasPrefix("candidate-") {
                self = .candidate
            } else if streamId.hasPrefix("season-") {
                self = .season
            } else if streamId.hasPrefix("staff-") {
                self = .staff
            } else {
                self = .other
            }
        }
    }

    /// Decodes one event of a stream as `verify` does: with its family's codec by the stream's kind (candidate,
    /// season, staff); events of other streams are not the domain's and pass. Throws when it does not decode.
    public static func checkDecodes(position: Int64, streamId: String, type: String, schemaVersion: Int, data: Data) throws {
        switch StreamKind(streamId) {
        case .candidate: _ = try EventCatalog.candidateCodec.decode(type: type, schemaVersion: schemaVersion, data: data, position: position)
        case .season: _ = try EventCatalog.seasonCodec.decode(type: type, schemaVersion: schemaVersion, data: data, position: position)
        case .staff: _ = try EventCatalog.staffCodec.decode(type: type, schemaVersion: schemaVersion, data: data, position: position)
        case .other: break
        }
    }

    /// Decodes every event with today's codecs (through upcasters); returns one line per event that does not decode.
    public func undecodableEvents(progress: ProgressReporter? = nil) async throws -> [String] {
        let total = try await store.headPosition()
        var problems = [String]()
        var position: Int64 = 0
        while true {
            let batch = try await store.readAll(after: position, limit: 2_000)
            guard let last = batch.last else { break }
            for recorded in batch {
                do {
                    try Self.checkDecodes(
                        position: recorded.position,
                        streamId: recorded.streamId,
                        type: recorded.type,
                        schemaVersion: recorded.schemaVersion,
                        data: recorded.data
                    )
                } catch {
                    problems.append("\(error)")
                }
            }
            position = last.position
            progress?(position, total)
        }
        return problems
    }

    /// For every stored snapshot: the snapshot plus the stream's tail must equal a full replay. Returns the problems.
    public func snapshotMismatches() async throws -> [String] {
        var problems = [String]()
        for streamId in try await store.streamIds(prefix: "") {
            switch StreamKind(streamId) {
            case .candidate: problems += try await compare(streamId, candidates)
            case .season: problems += try await compare(streamId, seasons)
            case .staff: problems += try await compare(streamId, staff)
            case .other: break
            }
        }
        return problems
    }

    private func compare<D: Decider>(_ streamId: String, _ handler: CommandHandler<D>) async throws -> [String]
    where D.State: Equatable {
        guard try await store.loadSnapshot(streamId: streamId, stateSchemaVersion: D.State.stateSchemaVersion) != nil else { return [] }
        let fromSnapshot = try await handler.load(streamId)
        let replayed = try await handler.replay(streamId)
        if fromSnapshot.version != replayed.version || fromSnapshot.state != replayed.state {
            return ["snapshot of \(streamId) plus its tail differs from a full replay (version \(fromSnapshot.version))"]
        }
        return []
    }

    /// Writes a snapshot of every candidate, season and staff stream at its current version. Returns how many.
    @discardableResult
    public func snapshotAllStreams(progress: ProgressReporter? = nil) async throws -> Int {
        let streams = try await store.streamIds(prefix: "")
        var written = 0
        for (index, streamId) in streams.enumerated() {
            switch StreamKind(streamId) {
            case .candidate: written += try await snapshot(streamId, candidates)
            case .season: written += try await snapshot(streamId, seasons)
            case .staff: written += try await snapshot(streamId, staff)
            case .other: break
            }
            progress?(Int64(index + 1), Int64(streams.count))
        }
        return written
    }

    private func snapshot<D: Decider>(_ streamId: String, _ handler: CommandHandler<D>) async throws -> Int {
        let (state, version) = try await handler.replay(streamId)
        guard version > 0 else { return 0 }
        try await handler.writeSnapshot(streamId: streamId, state: state, version: version)
        return 1
    }
}
