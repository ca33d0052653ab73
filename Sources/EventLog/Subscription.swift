import Foundation
import Synchronization

/// Wakes live subscriptions when the head moves.
///
/// Appends of this process notify at once. Appends of another process (which this one cannot observe) are found by
/// one poller per notifier, running only while someone waits: it reads the head every `pollInterval` and wakes the
/// waiters when it moved, and every `idleInterval` in any case, so that a subscriber can tell its client it is still
/// there (and find out that the client is gone). Many subscriptions cost one timer, not one each (audit Y-2).
final class HeadNotifier: Sendable {
    private struct Waiters {
        var continuations: [UInt64: AsyncStream<Void>.Continuation] = [:]
        var polling = false
    }

    private let waiters = Mutex(Waiters())
    private let nextId = Atomic<UInt64>(0)
    private let pollInterval: Duration
    /// How long a quiet log waits before subscribers hear ``LiveItem/idle``.
    let idleInterval: Duration
    private let head: (@Sendable () throws -> Int64)?

    /// `head`: reads the log's head position (nil: only this process appends, nothing to poll for).
    init(pollInterval: Duration = .milliseconds(250), idleInterval: Duration = .seconds(15), head: (@Sendable () throws -> Int64)? = nil) {
        self.pollInterval = pollInterval
        self.idleInterval = idleInterval
        self.head = head
    }

    /// Registers a waiter; the stream yields whenever something may have been appended, or the idle interval passed.
    func register() -> (id: UInt64, wakeups: AsyncStream<Void>) {
        let id = nextId.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let startPoller = waiters.withLock { waiters in
            waiters.continuations[id] = continuation
            defer { waiters.polling = true }
            return !waiters.polling
        }
        if startPoller { poll() }
        return (id, stream)
    }

    func unregister(_ id: UInt64) {
        let continuation = waiters.withLock { $0.continuations.removeValue(forKey: id) }
        continuation?.finish()
    }

    func notify() {
        let all = waiters.withLock { Array($0.continuations.values) }
        for continuation in all { continuation.yield() }
    }

    /// How many subscriptions wait (for tests: a subscription whose consumer stopped is gone).
    var waiterCount: Int { waiters.withLock { $0.continuations.count } }

    /// Whether the poller runs (for tests: it stops once nobody waits).
    var isPolling: Bool { waiters.withLock { $0.polling } }

    private func poll() {
        Task.detached { [self] in
            var seen = try? head?()
            var sinceIdle = Duration.zero
            while true {
                try? await Task.sleep(for: pollInterval)
                sinceIdle += pollInterval
                let stop = waiters.withLock { waiters in
                    if waiters.continuations.isEmpty { waiters.polling = false }
                    return !waiters.polling
                }
                if stop { return }
                let now = try? head?()
                if sinceIdle >= idleInterval || (now != nil && now != seen) {
                    seen = now
                    sinceIdle = .zero
                    notify()
                }
            }
        }
    }
}

/// A live subscription to the log: every event after a position, catching up first, then following new appends, read
/// as the consumer asks for them (one batch at a time: a consumer that stops reading holds one batch, not the rest of
/// the log, audit Y-6). Nothing runs for it while its consumer does not ask; once the consumer drops it, it is gone.
public struct LiveEvents: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    let after: Int64
    let notifier: HeadNotifier
    let readBatch: @Sendable (Int64) async throws -> [RecordedEvent]

    public func makeAsyncIterator() -> Iterator { Iterator(core: Core(after: after, notifier: notifier, readBatch: readBatch)) }

    /// The same events, with ``LiveItem/idle`` between them when the log stayed quiet for the notifier's idle
    /// interval: a server writes something to its client then, and finds out whether the client is still there.
    public func withIdleMarks() -> LiveItems { LiveItems(events: self) }

    /// Reads the events.
    public struct Iterator: AsyncIteratorProtocol {
        let core: Core

        public mutating func next() async throws -> RecordedEvent? {
            while let item = try await core.next(reportingIdle: false) {
                if case .event(let event) = item { return event }
            }
            return nil
        }
    }

    /// The iterator's state; its end unregisters the subscription.
    final class Core: @unchecked Sendable {
        // Used by one consumer at a time, as any async iterator.
        private var position: Int64
        private var buffer: [RecordedEvent] = []
        private var index = 0
        private let notifier: HeadNotifier
        private let registration: (id: UInt64, wakeups: AsyncStream<Void>)
        private var wakeups: AsyncStream<Void>.AsyncIterator
        private let readBatch: @Sendable (Int64) async throws -> [RecordedEvent]
        private var lastItem = ContinuousClock.now

        init(after: Int64, notifier: HeadNotifier, readBatch: @escaping @Sendable (Int64) async throws -> [RecordedEvent]) {
            position = after
            self.notifier = notifier
            self.readBatch = readBatch
            // Registered before the first read: a wake-up between a read and the wait is kept (the stream buffers one).
            registration = notifier.register()
            wakeups = registration.wakeups.makeAsyncIterator()
        }

        deinit { notifier.unregister(registration.id) }

        func next(reportingIdle: Bool) async throws -> LiveItem? {
            while !Task.isCancelled {
                if index < buffer.count {
                    let event = buffer[index]
                    index += 1
                    position = event.position
                    lastItem = .now
                    return .event(event)
                }
                buffer = try await readBatch(position)
                index = 0
                if buffer.isEmpty {
                    guard await wakeups.next() != nil else { return nil }
                    // Only a quiet log is reported, not every wake-up that found nothing new (the poller's, after this
                    // process's own appends: audit Z-4).
                    if reportingIdle, ContinuousClock.now - lastItem >= notifier.idleInterval {
                        buffer = try await readBatch(position)
                        if buffer.isEmpty {
                            lastItem = .now
                            return .idle
                        }
                    }
                }
            }
            return nil
        }
    }
}

/// An event of a live subscription, or a mark that the log stayed quiet for a while.
public enum LiveItem: Sendable {
    /// An event.
    case event(RecordedEvent)
    /// Nothing new since the last wake-up.
    case idle
}

/// ``LiveEvents`` with ``LiveItem/idle`` marks.
public struct LiveItems: AsyncSequence, Sendable {
    public typealias Element = LiveItem

    let events: LiveEvents

    public func makeAsyncIterator() -> Iterator {
        Iterator(core: LiveEvents.Core(after: events.after, notifier: events.notifier, readBatch: events.readBatch))
    }

    /// Reads the items.
    public struct Iterator: AsyncIteratorProtocol {
        let core: LiveEvents.Core

        public mutating func next() async throws -> LiveItem? { try await core.next(reportingIdle: true) }
    }
}
