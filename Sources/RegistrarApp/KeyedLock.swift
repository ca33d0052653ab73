import Synchronization

/// Serialises work per key inside one process: commands on the same stream queue here instead of racing to a
/// version conflict. Optimistic concurrency in the log still guards against other processes.
///
/// A mutex-guarded table rather than an actor: taking a free key costs no hop to another executor.
public final class KeyedLock: Sendable {
    private struct Table {
        var held: Set<String> = []
        var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    }

    private let table = Mutex(Table())

    /// Creates an empty lock table.
    public init() {}

    /// Runs `work` while holding the key's lock.
    public func withLock<T: Sendable>(_ key: String, _ work: @Sendable () async throws -> T) async throws -> T {
        if !table.withLock({ $0.held.insert(key).inserted }) {
            await withCheckedContinuation { continuation in
                // The holder may have released the key between the first attempt and now.
                let acquired = table.withLock { table in
                    if table.held.insert(key).inserted { return true }
                    table.waiters[key, default: []].append(continuation)
                    return false
                }
                if acquired { continuation.resume() }
            }
        }
        defer { release(key) }
        return try await work()
    }

    private func release(_ key: String) {
        let next = table.withLock { table -> CheckedContinuation<Void, Never>? in
            if var queue = table.waiters[key], !queue.isEmpty {
                // Hand the lock straight to the next waiter: the key stays held.
                let next = queue.removeFirst()
                table.waiters[key] = queue.isEmpty ? nil : queue
                return next
            }
            table.held.remove(key)
            return nil
        }
        next?.resume()
    }
}
