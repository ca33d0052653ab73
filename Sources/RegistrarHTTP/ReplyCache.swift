import EventLog
import Foundation
import NIOCore
import Projections
import Synchronization

/// The encoded replies of the most frequent reads — a candidate's file, an application's comparison, a site's
/// queue — kept until a commit changes what they were built from.
///
/// Building one of these replies costs far more than serving it (a read transaction, decoding a stored document,
/// building the view, encoding JSON: ~0.2 ms against ~0.05 ms for the rest of a request), and most reads ask for a
/// file nobody changed since the last time. A reply is served from here only while it is exactly what the read
/// models would give:
///
/// - **Commits of this process** remove the replies of the streams they wrote before any writer hears back
///   (``SQLiteEventStore/addCommitObserver(_:)``), so a read after a write sees it. A reply is remembered only if no
///   commit touched its stream since its read began (``ticket()``), so a reply built from rows a commit has just
///   replaced is never kept. A change to one of the `globalStreams` (the season: calendar, sites, exams) drops
///   everything. A page of a site's queue depends on the lines of that site the read models' engine says a commit
///   rewrote (``ProjectionEngine/addChangeObserver(_:)``) and the page could hold (``ReviewQueueRange``): new
///   applications at the end of a queue leave its first pages as they are. Without the engine, a page depends on
///   every candidate stream.
/// - **Time**: a reply that depends on the clock (a candidate's next actions) is kept only for its calendar period
///   (``RegistrationDomain/SeasonState/calendarPeriod(containing:)``).
/// - **Other processes**: a commit that follows another process's appends drops everything; and before a lookup, at
///   most every `checkInterval`, the log's head and the read models' checkpoints are read (`check`): the cache is
///   used only while the read models have folded the whole log and the head is the one this process's commits
///   left, otherwise it is emptied. So another process's change is served at most `checkInterval` late.
/// - **Size**: at most `capacityBytes` of bodies; beyond that it starts over.
final class ReplyCache: Sendable {
    /// Which read a reply answers.
    enum Kind: String, Sendable, CaseIterable {
        case candidateFile = "candidate_file"
        case comparison, queue
    }

    /// A reply's identity: the read, its subject (candidate id, application id, site and filter) and whether ID
    /// numbers are shown in full.
    struct Key: Hashable, Sendable {
        var kind: Kind
        var subject: String
        var fullIDNumbers: Bool
        /// Whether staff are named by account id (``RegistrarAPI/seesStaffIDs(_:)``).
        var staffIDs: Bool = true
    }

    /// An encoded reply and what it depends on.
    struct Reply: Sendable {
        /// The JSON body.
        var body: ByteBuffer
        /// What it was built from: a candidate stream, or a change the read models' engine notes (a site's queue,
        /// `review_queue:<site>`); nil: every candidate stream (a site's queue when the engine is not known).
        var streamId: String?
        /// The exam site the reply belongs to, for the authorisation of the next caller.
        var siteCode: String?
        /// For a comparison: the sites the candidate is reviewed at (applications not abandoned), for the same
        /// authorisation as the candidate's file (a commit on the candidate drops the reply).
        var reviewedSites: [String]? = nil
        /// The calendar period the reply holds in (nil bounds: open).
        var validFrom: Date?
        var validUntil: Date?
        /// The `Link` header's next page, for a reply that is one page of a list.
        var nextPage: String? = nil
        /// For a page of a site's queue: the lines it could hold. A change note of a line outside keeps it.
        var queueLines: ReviewQueueRange? = nil

        /// What the reply counts against the cache's capacity.
        var size: Int { body.readableBytes + (nextPage?.utf8.count ?? 0) }

        func holds(at now: Date) -> Bool {
            if let validFrom, now < validFrom { return false }
            if let validUntil, now >= validUntil { return false }
            return true
        }
    }

    private struct State {
        var replies: [Key: Reply] = [:]
        var keysByStream: [String: [Key]] = [:]
        var everyStreamKeys: Set<Key> = []
        var bytes = 0
        // Bumped by every change; `changedAt` says when each stream last changed, so a reply whose read began
        // before that is refused. Tickets older than `forgottenBefore` are refused outright (`changedAt` was reset).
        var generation: UInt64 = 1
        var changedAt: [String: UInt64] = [:]
        var forgottenBefore: UInt64 = 0
        // The log head this process's commits left, and whether the read models had folded it at the last check.
        var expectedHead: Int64 = -1
        var usable = false
        var checkedAt: ContinuousClock.Instant? = nil
        // Lookups answered from memory and not, by kind of read (for /metrics).
        var hits: [Kind: Int] = [:]
        var misses: [Kind: Int] = [:]

        mutating func clear() {
            replies.removeAll(keepingCapacity: true)
            keysByStream.removeAll(keepingCapacity: true)
            everyStreamKeys.removeAll()
            bytes = 0
            generation += 1
            changedAt.removeAll(keepingCapacity: true)
            forgottenBefore = generation
        }
    }

    /// The log head and the lowest read-model checkpoint, read together (nil: the read models are not installed).
    typealias Check = @Sendable () throws -> (head: Int64, checkpoint: Int64)?

    private let state = Mutex(State())
    // Builds of shared replies (a site's queue) under way, with the generation they started at.
    private let building = Mutex<[Key: (generation: UInt64, task: Task<Reply, Error>)]>([:])
    private let capacityBytes: Int
    private let globalStreams: Set<String>
    private let checkInterval: Duration
    private let check: Check

    /// - Parameters:
    ///   - capacityBytes: the most reply bytes kept (0 turns the cache off).
    ///   - globalStreams: streams every reply depends on (the season).
    ///   - checkInterval: how often the log and the checkpoints are read before a lookup.
    ///   - check: reads them.
    init(capacityBytes: Int, globalStreams: Set<String>, checkInterval: Duration = .milliseconds(250), check: @escaping Check) {
        self.capacityBytes = capacityBytes
        self.globalStreams = globalStreams
        self.checkInterval = checkInterval
        self.check = check
    }

    var isEnabled: Bool { capacityBytes > 0 }

    /// A reply that holds at `now`, if one is kept.
    func reply(_ key: Key, now: Date) -> Reply? {
        guard isEnabled else { return nil }
        let usable = isUsable()
        return state.withLock { state in
            guard usable, let reply = state.replies[key], reply.holds(at: now) else {
                state.misses[key.kind, default: 0] += 1
                return nil
            }
            state.hits[key.kind, default: 0] += 1
            return reply
        }
    }

    /// Lookups so far, by kind of read: answered from memory, and not (for `/metrics`).
    func lookups() -> (hits: [Kind: Int], misses: [Kind: Int], bytes: Int) {
        state.withLock { ($0.hits, $0.misses, $0.bytes) }
    }

    /// Taken before reading what a reply is built from; ``remember(_:for:ticket:)`` refuses the reply if a commit
    /// touched its streams since.
    func ticket() -> UInt64 {
        state.withLock { $0.generation }
    }

    /// Keeps a reply built from reads that began at `ticket`.
    func remember(_ reply: Reply, for key: Key, ticket: UInt64) {
        guard isEnabled, reply.size <= capacityBytes / 16 else { return }
        state.withLock { state in
            guard state.usable, ticket >= state.forgottenBefore else { return }
            if let streamId = reply.streamId {
                if let changed = state.changedAt[streamId], changed > ticket { return }
            } else if state.generation != ticket {
                return
            }
            if state.bytes + reply.size > capacityBytes { state.clear() }
            if let old = state.replies.updateValue(reply, forKey: key) {
                state.bytes -= old.size
            } else if let streamId = reply.streamId {
                state.keysByStream[streamId, default: []].append(key)
            } else {
                state.everyStreamKeys.insert(key)
            }
            state.bytes += reply.size
        }
    }

    /// A reply many callers ask for at once (a page of a site's queue): kept, or built by `build`.
    ///
    /// Callers that miss at the same time share one build, as commits drop these replies often and a busy site's
    /// queue is asked for by many reviewers at once. A caller joins a build only if nothing the reply depends on
    /// (`dependency`; nil: anything) changed since the build took its ticket, so the build's reads began after every
    /// such commit acknowledged before the caller arrived: a reviewer who has just decided still sees the decision.
    func sharedReply(
        _ key: Key,
        dependsOn dependency: String?,
        now: Date,
        build: @escaping @Sendable () async throws -> Reply
    ) async throws -> Reply {
        if let kept = reply(key, now: now) { return kept }
        let ticket = ticket()
        let task = building.withLock { building -> Task<Reply, Error> in
            if let running = building[key], unchanged(dependency, since: running.generation) { return running.task }
            let task = Task<Reply, Error> { [self] in
                defer { self.building.withLock { if $0[key]?.generation == ticket { $0[key] = nil } } }
                let reply = try await build()
                remember(reply, for: key, ticket: ticket)
                return reply
            }
            building[key] = (ticket, task)
            return task
        }
        return try await task.value
    }

    // Whether nothing `dependency` stands for (nil: anything) changed since `generation`.
    private func unchanged(_ dependency: String?, since generation: UInt64) -> Bool {
        state.withLock { state in
            guard generation >= state.forgottenBefore else { return false }
            guard let dependency else { return state.generation == generation }
            return (state.changedAt[dependency] ?? 0) <= generation
        }
    }

    /// Drops what a commit of this process changed (its commit observer).
    func committed(_ commit: CommittedAppends) {
        guard isEnabled else { return }
        state.withLock { state in
            state.expectedHead = max(state.expectedHead, commit.headPosition)
            if commit.followsForeignAppends || !commit.streamIds.isDisjoint(with: globalStreams) {
                state.clear()
                return
            }
            Self.invalidate(commit.streamIds, in: &state)
        }
    }

    /// Drops the replies that depend on what the read models' engine says a commit changed
    /// (``ProjectionEngine/addChangeObserver(_:)``: e.g. a line of site 4201's queue,
    /// ``ReviewComparisonProjection/queueChange(site:line:)``).
    func readModelsChanged(_ changes: Set<String>) {
        guard isEnabled, !changes.isEmpty else { return }
        state.withLock { Self.invalidate(changes, in: &$0) }
    }

    private static func invalidate(_ dependencies: Set<String>, in state: inout State) {
        state.generation += 1
        let generation = state.generation
        if state.changedAt.count > 100_000 {
            state.changedAt.removeAll(keepingCapacity: true)
            state.forgottenBefore = generation
        }
        for change in dependencies {
            // A note of one queue line drops the pages of its site that could hold the line; any other note drops
            // every reply that depends on it.
            let line = ReviewComparisonProjection.changedQueueLine(change)
            let dependency = line?.site ?? change
            state.changedAt[dependency] = generation
            guard let keys = state.keysByStream.removeValue(forKey: dependency) else { continue }
            var kept = [Key]()
            for key in keys {
                guard let reply = state.replies[key] else { continue }
                if let line, let range = reply.queueLines, !range.holds(line.line) {
                    kept.append(key)
                    continue
                }
                state.replies.removeValue(forKey: key)
                state.bytes -= reply.size
            }
            if !kept.isEmpty { state.keysByStream[dependency] = kept }
        }
        for key in state.everyStreamKeys {
            if let old = state.replies.removeValue(forKey: key) { state.bytes -= old.size }
        }
        state.everyStreamKeys.removeAll()
    }

    /// Empties the cache.
    func clear() {
        state.withLock { $0.clear() }
    }

    // Reads the head and the checkpoints when the last check is older than `checkInterval`. Appends of another
    // process show as a head beyond the one this process's commits left (a commit of ours whose observer has not run
    // yet looks the same, and only costs an emptied cache); read models that have not folded the whole log make the
    // cache unusable until they have.
    private func isUsable() -> Bool {
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            if let checkedAt = state.checkedAt, checkedAt.duration(to: now) < checkInterval { return false }
            state.checkedAt = now
            return true
        }
        guard due else { return state.withLock { $0.usable } }
        let observed = try? check()
        return state.withLock { state in
            guard let observed, observed.checkpoint == observed.head else {
                if state.usable || !state.replies.isEmpty { state.clear() }
                state.usable = false
                return false
            }
            if observed.head > state.expectedHead || !state.usable {
                state.clear()
                state.expectedHead = observed.head
            }
            state.usable = true
            return true
        }
    }
}
