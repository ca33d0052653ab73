import Foundation
import Testing

@testable import EventLog

/// Live subscriptions read as their consumer asks, and leave nothing behind once it stops (audit Y-1, Y-2, Y-6).
@Suite("Live subscriptions")
struct SubscriptionTests {
    let path: String

    init() throws {
        path = try TemporaryDirectory.make().appendingPathComponent("log.sqlite").path
    }

    func store(poll: Duration = .milliseconds(20), idle: Duration = .seconds(15)) throws -> SQLiteEventStore {
        var options = SQLiteEventStore.Options()
        options.pollInterval = poll
        options.idleInterval = idle
        return try SQLiteEventStore(path: path, options: options)
    }

    @Test("a consumer that stops leaves no waiter, and the poller stops with the last one")
    func nothingIsLeftBehind() async throws {
        let store = try store()
        for index in 0..<5 { _ = try await store.append(request("s", events: [event("E", ["i": "\(index)"])])) }
        var seen = [Int64]()
        for try await event in store.subscribe(after: 0) {
            seen.append(event.position)
            if seen.count == 2 { break }
        }
        #expect(seen == [1, 2])
        #expect(store.notifier.waiterCount == 0)
        // A consumer that waits on a quiet log, then is cancelled.
        let waiting = Task {
            for try await _ in store.subscribe(after: 5) {}
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(store.notifier.waiterCount == 1 && store.notifier.isPolling)
        waiting.cancel()
        _ = try? await waiting.value
        #expect(store.notifier.waiterCount == 0)
        try await Task.sleep(for: .milliseconds(200))
        #expect(!store.notifier.isPolling, "the poller runs only while someone waits")
    }

    @Test("another process's appends wake the subscriptions of this one")
    func anotherProcessesAppends() async throws {
        let store = try store()
        let other = try SQLiteEventStore(path: path)
        let subscriptions = (0..<20).map { _ in
            Task {
                for try await event in store.subscribe(after: 0) { return event.position }
                return Int64(-1)
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        _ = try await other.append(request("s"))
        for subscription in subscriptions { #expect(try await subscription.value == 1) }
    }

    @Test("a busy log is not reported idle, however often the poller wakes the subscription")
    func noIdleWhileBusy() async throws {
        let store = try store(poll: .milliseconds(10), idle: .milliseconds(300))
        let items = Task {
            var idle = 0
            var events = 0
            for try await item in store.subscribe(after: 0).withIdleMarks() {
                if case .event = item { events += 1 } else { idle += 1 }
                if events == 20 { break }
            }
            return (idle, events)
        }
        for _ in 0..<20 {
            _ = try await store.append(request("s"))
            try await Task.sleep(for: .milliseconds(20))
        }
        let (idle, events) = try await items.value
        #expect(events == 20 && idle == 0, "\(idle) idle marks between \(events) events")
    }

    @Test("a quiet log is reported idle after the idle interval, and events come after")
    func idleMarks() async throws {
        let store = try store(idle: .milliseconds(100))
        let started = ContinuousClock.now
        var iterator = store.subscribe(after: 0).withIdleMarks().makeAsyncIterator()
        guard case .idle = try await iterator.next() else {
            Issue.record("an event on an empty log")
            return
        }
        #expect(ContinuousClock.now - started >= .milliseconds(100))
        _ = try await store.append(request("s"))
        guard case .event(let event) = try await iterator.next() else {
            Issue.record("no event after the append")
            return
        }
        #expect(event.position == 1)
    }
}
