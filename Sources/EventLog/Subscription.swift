import Foundation
import Synchronization

/// Wakes live subscriptions when the head moves, and ticks periodically so that appends made by another process
/// (which this process cannot observe) are picked up too.
final class HeadNotifier: Sendable {
    private let waiters = Mutex<[UInt64: AsyncStream<Void>.Continuation]>([:])
    private let nextId = Atomic<UInt64>(0)

    /// Registers a waiter; the stream yields whenever something may have been appended.
    func register() -> (id: UInt64, wakeups: AsyncStream<Void>) {
        let id = nextId.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        waiters.withLock { $0[id] = continuation }
        return (id, stream)
    }

    func unregister(_ id: UInt64) {
        let continuation = waiters.withLock { $0.removeValue(forKey: id) }
        continuation?.finish()
    }

    func notify() {
        let all = waiters.withLock { Array($0.values) }
        for continuation in all { continuation.yield() }
    }
}

enum LiveSubscription {
    /// Catches up from `after` in batches, then follows new appends until the consumer stops listening.
    static func make(
        after: Int64,
        notifier: HeadNotifier,
        pollInterval: Duration,
        readBatch: @escaping @Sendable (Int64) async throws -> [RecordedEvent]
    ) -> AsyncThrowingStream<RecordedEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream<RecordedEvent, Error>.makeStream(bufferingPolicy: .unbounded)
        let registration = notifier.register()
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: pollInterval)
                notifier.notify()
            }
        }
        let reader = Task {
            var position = after
            var wakeups = registration.wakeups.makeAsyncIterator()
            do {
                while !Task.isCancelled {
                    let batch = try await readBatch(position)
                    for event in batch {
                        if case .terminated = continuation.yield(event) { return }
                        position = event.position
                    }
                    if batch.isEmpty {
                        guard await wakeups.next() != nil else { break }
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in
            reader.cancel()
            ticker.cancel()
            notifier.unregister(registration.id)
        }
        return stream
    }
}
