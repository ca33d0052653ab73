/// Serialises work per key inside one process: commands on the same stream queue here instead of racing to a
/// version conflict. Optimistic concurrency in the log still guards against other processes.
public actor KeyedLock {
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    private var held: Set<String> = []

    /// Creates an empty lock table.
    public init() {}

    /// Runs `work` while holding the key's lock.
    public func withLock<T: Sendable>(_ key: String, _ work: @Sendable () async throws -> T) async throws -> T {
        await acquire(key)
        do {
            let result = try await work()
            release(key)
            return result
        } catch {
            release(key)
            throw error
        }
    }

    private func acquire(_ key: String) async {
        if held.insert(key).inserted { return }
        await withCheckedContinuation { continuation in waiters[key, default: []].append(continuation) }
    }

    private func release(_ key: String) {
        if var queue = waiters[key], !queue.isEmpty {
            // Hand the lock straight to the next waiter: the key stays held.
            let next = queue.removeFirst()
            waiters[key] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            held.remove(key)
        }
    }
}
