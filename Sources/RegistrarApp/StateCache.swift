import Synchronization

/// The states this process last wrote, by stream: the next command on a stream decides on the cached state instead
/// of loading it again.
///
/// Sound because a cached state is exactly the state after the stream's version it is stored with, and the append
/// that follows expects that version: if another process appended meanwhile, the append fails as a version conflict,
/// the entry is dropped and the command loads the stream again. Bounded: the oldest entries are evicted first.
final class StateCache<State: Sendable>: Sendable {
    private struct Entries {
        var states: [String: (state: State, version: Int)] = [:]
        var insertionOrder: [String] = []
        var oldest = 0
    }

    /// Most streams kept (0 disables the cache).
    let capacity: Int
    private let entries = Mutex(Entries())

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The cached state of a stream and its version.
    func state(of streamId: String) -> (state: State, version: Int)? {
        guard capacity > 0 else { return nil }
        return entries.withLock { $0.states[streamId] }
    }

    /// Remembers the state of a stream at a version.
    func remember(_ state: State, version: Int, of streamId: String) {
        guard capacity > 0 else { return }
        entries.withLock { entries in
            if entries.states.updateValue((state, version), forKey: streamId) != nil { return }
            entries.insertionOrder.append(streamId)
            while entries.states.count > capacity, entries.oldest < entries.insertionOrder.count {
                entries.states.removeValue(forKey: entries.insertionOrder[entries.oldest])
                entries.oldest += 1
            }
            // Compact the order list once its evicted prefix dominates.
            if entries.oldest > capacity {
                entries.insertionOrder.removeFirst(entries.oldest)
                entries.oldest = 0
            }
        }
    }

    /// Forgets a stream (after a version conflict).
    func forget(_ streamId: String) {
        guard capacity > 0 else { return }
        entries.withLock { entries in
            // Its key stays in the order list and is skipped when its turn comes (it may have been cached again).
            _ = entries.states.removeValue(forKey: streamId)
        }
    }
}
