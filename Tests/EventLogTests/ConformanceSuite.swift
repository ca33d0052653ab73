import EventLog
import Foundation
import Testing

/// The one conformance suite every `EventStore` implementation passes.
@Suite("EventStore conformance")
struct ConformanceSuite {
    @Test("append assigns gapless positions and stream versions from 1", arguments: StoreKind.allCases)
    func appendAssignsPositions(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        let first = try await store.append(request("a", expected: .noStream, events: [event(), event()]))
        let second = try await store.append(request("b", expected: .noStream))
        let third = try await store.append(request("a", expected: .exact(2)))
        #expect(first == AppendResult(streamId: "a", firstVersion: 1, lastVersion: 2, firstPosition: 1, lastPosition: 2, wasDuplicate: false))
        #expect(second.firstPosition == 3 && second.firstVersion == 1)
        #expect(third.firstPosition == 4 && third.firstVersion == 3)
        let all = try await store.readAll(after: 0, limit: 100)
        #expect(all.map(\.position) == [1, 2, 3, 4])
        #expect(all.map(\.streamId) == ["a", "a", "b", "a"])
        #expect(try await store.headPosition() == 4)
        #expect(try await store.streamVersion("a") == 3)
        #expect(try await store.streamVersion("nobody") == 0)
        #expect(try await store.streamVersions(["b", "nobody", "a", "b"]) == [1, 0, 3, 1])
        #expect(try await store.streamVersions([]) == [])
    }

    @Test("a wrong expected version is refused with the actual version and writes nothing", arguments: StoreKind.allCases)
    func wrongExpectedVersion(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        _ = try await store.append(request("a", expected: .noStream, events: [event(), event()]))
        await #expect(throws: EventLogError.wrongExpectedVersion(streamId: "a", expected: .exact(1), actual: 2)) {
            try await store.append(request("a", expected: .exact(1)))
        }
        await #expect(throws: EventLogError.wrongExpectedVersion(streamId: "a", expected: .noStream, actual: 2)) {
            try await store.append(request("a", expected: .noStream))
        }
        #expect(try await store.headPosition() == 2)
    }

    @Test("a retried request id returns the original result and writes nothing", arguments: StoreKind.allCases)
    func idempotentRetry(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        let original = try await store.append(request("a", expected: .noStream, events: [event(), event()], requestId: "req-1"))
        // A retry carries the same expectation as the original; it must not fail as a version conflict.
        let retry = try await store.append(request("a", expected: .noStream, events: [event(), event()], requestId: "req-1"))
        #expect(retry.wasDuplicate)
        #expect(retry.firstPosition == original.firstPosition && retry.lastPosition == original.lastPosition)
        #expect(try await store.headPosition() == 2)
        await #expect(throws: EventLogError.requestIdReused(requestId: "req-1", streamId: "a")) {
            try await store.append(request("b", requestId: "req-1"))
        }
    }

    @Test("a request id reused by another request (another fingerprint) is refused and writes nothing", arguments: StoreKind.allCases)
    func reusedRequestIDWithAnotherFingerprint(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        var first = request("a", expected: .noStream, requestId: "req-1")
        first.metadata.requestFingerprint = "fp-1"
        let original = try await store.append(first)
        var other = request("a", expected: .exact(1), requestId: "req-1")
        other.metadata.requestFingerprint = "fp-2"
        await #expect(throws: EventLogError.requestIdReused(requestId: "req-1", streamId: "a")) {
            try await store.append(other)
        }
        await #expect(throws: EventLogError.requestIdReused(requestId: "req-1", streamId: "a")) {
            try await store.result(ofRequest: "req-1", fingerprint: "fp-2")
        }
        #expect(try await store.headPosition() == 1)
        // The same request again, or a lookup without a fingerprint, still gets the first result.
        let retry = try await store.append(first)
        #expect(retry.wasDuplicate && retry.firstPosition == original.firstPosition)
        #expect(try await store.result(ofRequest: "req-1", fingerprint: "fp-1")?.firstPosition == original.firstPosition)
        #expect(try await store.result(ofRequest: "req-1", fingerprint: nil)?.firstPosition == original.firstPosition)
        #expect(try await store.readAll(after: 0, limit: 10).first?.decodedMetadata().requestFingerprint == "fp-1")
    }

    @Test("an append decided on another stream's version commits only while that stream is still there", arguments: StoreKind.allCases)
    func conditions(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        _ = try await store.append(request("season", expected: .noStream, events: [event(), event()]))
        var decided = request("candidate", expected: .noStream, requestId: "req-1")
        decided.conditions = [StreamCondition(streamId: "season", version: 2), StreamCondition(streamId: "nobody", version: 0)]
        let original = try await store.append(decided)
        #expect(!original.wasDuplicate && original.firstPosition == 3)

        _ = try await store.append(request("season", expected: .exact(2)))
        var stale = request("candidate", expected: .exact(1))
        stale.conditions = [StreamCondition(streamId: "season", version: 2)]
        await #expect(throws: EventLogError.conditionNotMet(streamId: "season", expected: 2, actual: 3)) {
            try await store.append(stale)
        }
        #expect(try await store.headPosition() == 4)
        #expect(try await store.streamVersion("candidate") == 1)

        // A retry of the committed request gets its result, although the season has moved since.
        let retry = try await store.append(decided)
        #expect(retry.wasDuplicate && retry.firstPosition == original.firstPosition)

        var malformed = request("candidate")
        malformed.conditions = [StreamCondition(streamId: "", version: 0)]
        await #expect(throws: EventLogError.self) { try await store.append(malformed) }
        malformed.conditions = [StreamCondition(streamId: "season", version: -1)]
        await #expect(throws: EventLogError.self) { try await store.append(malformed) }
        #expect(try await store.headPosition() == 4)
    }

    @Test("appends racing a change of the stream they are conditioned on land only before it", arguments: StoreKind.allCases)
    func conditionsUnderConcurrency(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        _ = try await store.append(request("season", expected: .noStream))
        // Submitted together, so that the SQLite store commits several in one transaction with the season's change.
        let outcomes = await withTaskGroup(of: (String, Result<AppendResult, Error>).self) { group in
            for index in 0..<40 {
                group.addTask {
                    var append = request("season", expected: .exact(1))
                    if index != 20 {
                        append = request("candidate-\(index)", expected: .noStream)
                        append.conditions = [StreamCondition(streamId: "season", version: 1)]
                    }
                    do {
                        return (append.streamId, .success(try await store.append(append)))
                    } catch {
                        return (append.streamId, .failure(error))
                    }
                }
            }
            var all = [(String, Result<AppendResult, Error>)]()
            for await outcome in group { all.append(outcome) }
            return all
        }
        let seasonPosition = try #require(outcomes.first { $0.0 == "season" }.map { try $0.1.get().firstPosition })
        for (stream, outcome) in outcomes where stream != "season" {
            switch outcome {
            case .success(let result): #expect(result.firstPosition < seasonPosition, "\(stream) landed after the season moved")
            case .failure(let error): #expect(error as? EventLogError == .conditionNotMet(streamId: "season", expected: 1, actual: 2))
            }
        }
        let landed = outcomes.filter { (try? $0.1.get()) != nil }.count
        #expect(try await store.headPosition() == Int64(1 + landed))
    }

    @Test("claims are unique across streams; a taken claim names its holder and writes nothing", arguments: StoreKind.allCases)
    func claims(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        _ = try await store.append(request("candidate-1", expected: .noStream, claims: ["username:zhangsan", "person:居民身份证:11010519491231002X"]))
        await #expect(throws: EventLogError.claimTaken(claim: "person:居民身份证:11010519491231002X", heldBy: "candidate-1")) {
            try await store.append(request("candidate-2", expected: .noStream, claims: ["username:lisi", "person:居民身份证:11010519491231002X"]))
        }
        // Nothing of the refused append stays: neither its events nor its other claim.
        #expect(try await store.headPosition() == 1)
        #expect(try await store.claimHolder("username:lisi") == nil)
        #expect(try await store.claimHolder("username:zhangsan") == "candidate-1")
        // The holder may name its own claim again.
        _ = try await store.append(request("candidate-1", claims: ["username:zhangsan"]))
        // The claims travel in the first event's metadata.
        let first = try await store.readStream("candidate-1")[0]
        #expect(try first.decodedMetadata().claims == ["username:zhangsan", "person:居民身份证:11010519491231002X"])
    }

    @Test("malformed appends are refused before anything is written", arguments: StoreKind.allCases)
    func malformed(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        await #expect(throws: EventLogError.self) { try await store.append(request("a", events: [])) }
        await #expect(throws: EventLogError.self) { try await store.append(request("", events: [event()])) }
        await #expect(throws: EventLogError.self) {
            try await store.append(request("a", events: [ProposedEvent(type: "X", schemaVersion: 1, data: Data("{not json}".utf8))]))
        }
        await #expect(throws: EventLogError.self) {
            try await store.append(request("a", events: [ProposedEvent(type: "X", schemaVersion: 0, data: Data("{}".utf8))]))
        }
        await #expect(throws: EventLogError.self) { try await store.append(request("a", claims: ["same", "same"])) }
        #expect(try await store.headPosition() == 0)
    }

    @Test("the hash chain links every event to the previous one", arguments: StoreKind.allCases)
    func hashChain(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        for index in 0..<10 { _ = try await store.append(request("s\(index % 3)", events: [event("E", ["i": "\(index)"])])) }
        let all = try await store.readAll(after: 0, limit: 100)
        var previous = ChainHash.genesis
        for recorded in all {
            #expect(recorded.previousHash == previous)
            #expect(ChainHash.hash(of: recorded) == recorded.hash)
            previous = recorded.hash
        }
        #expect(Set(all.map(\.hash)).count == all.count)
    }

    @Test("both stores compute the same chain for the same appends")
    func storesAgree() async throws {
        var heads = [Data]()
        for kind in StoreKind.allCases {
            let store = try StoreFixture(kind).store
            for index in 0..<5 {
                _ = try await store.append(request("s\(index % 2)", events: [event("E", ["i": "\(index)"])], claims: index == 0 ? ["c"] : []))
            }
            heads.append(try await store.readAll(after: 4, limit: 1)[0].hash)
        }
        #expect(heads[0] == heads[1])
    }

    @Test("streams read by version range and by recorded-at time", arguments: StoreKind.allCases)
    func readStreamRanges(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        for day in 1...5 {
            _ = try await store.append(request("a", events: [event("E", ["day": "\(day)"])], at: "2026-01-0\(day)T08:00:00.000Z"))
            _ = try await store.append(request("b", events: [event()]))
        }
        #expect(try await store.readStream("a", fromVersion: 2, toVersion: 4).map(\.streamVersion) == [2, 3, 4])
        #expect(try await store.readStream("a", fromVersion: 4, toVersion: nil).map(\.streamVersion) == [4, 5])
        #expect(try await store.readStream("a", fromVersion: 6, toVersion: nil).isEmpty)
        #expect(try await store.readStream("a", recordedAtOrBefore: "2026-01-03T12:00:00.000Z").map(\.streamVersion) == [1, 2, 3])
        #expect(try await store.readAll(after: 3, limit: 4).map(\.position) == [4, 5, 6, 7])
    }

    @Test("concurrent appenders to one stream: exactly one wins each version, no gaps, no duplicates", arguments: StoreKind.allCases)
    func concurrentAppendersOneStream(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        let appenders = 16
        let appendsEach = 10
        let wins = try await withThrowingTaskGroup(of: Int.self) { group in
            for appender in 0..<appenders {
                group.addTask {
                    var won = 0
                    while won < appendsEach {
                        let version = try await store.streamVersion("shared")
                        do {
                            _ = try await store.append(request("shared", expected: .exact(version), events: [event("E", ["by": "\(appender)"])]))
                            won += 1
                        } catch EventLogError.wrongExpectedVersion {
                            continue
                        }
                    }
                    return won
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(wins == appenders * appendsEach)
        let events = try await store.readStream("shared")
        #expect(events.map(\.streamVersion) == Array(1...(appenders * appendsEach)))
        #expect(events.map(\.position) == (1...(appenders * appendsEach)).map(Int64.init))
    }

    @Test("concurrent appends to many streams each get their own result; a failing one does not fail its batch", arguments: StoreKind.allCases)
    func concurrentMixedOutcomes(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        _ = try await store.append(request("taken", expected: .noStream))
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<64 {
                group.addTask {
                    // Every fourth append expects a fresh stream that already exists, and must fail alone.
                    let stream = index % 4 == 0 ? "taken" : "stream-\(index)"
                    let result = try? await store.append(request(stream, expected: .noStream))
                    return (index, result != nil)
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        for index in 0..<64 { #expect(outcomes[index] == (index % 4 != 0)) }
        #expect(try await store.headPosition() == 1 + 48)
        let positions = try await store.readAll(after: 0, limit: 1000).map(\.position)
        #expect(positions == Array(1...49))
    }

    @Test("a live subscription catches up, then follows new appends", arguments: StoreKind.allCases)
    func subscription(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        for index in 0..<3 { _ = try await store.append(request("a", events: [event("E", ["i": "\(index)"])])) }
        let subscription = store.subscribe(after: 1)
        let reader = Task {
            var seen = [Int64]()
            for try await recorded in subscription {
                seen.append(recorded.position)
                if seen.count == 5 { break }
            }
            return seen
        }
        try await Task.sleep(for: .milliseconds(50))
        for index in 0..<3 { _ = try await store.append(request("b", events: [event("E", ["i": "\(index)"])])) }
        #expect(try await reader.value == [2, 3, 4, 5, 6])
    }

    @Test("snapshots: the newest of the same state schema version is returned, other versions ignored", arguments: StoreKind.allCases)
    func snapshots(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        let payload = Data(String(repeating: "{\"name\":\"张三\",\"school\":\"北京大学\"}", count: 20).utf8)
        try await store.saveSnapshot(Snapshot(streamId: "a", streamVersion: 10, stateSchemaVersion: 1, payload: payload))
        #expect(try await store.loadSnapshot(streamId: "a", stateSchemaVersion: 1)?.payload == payload)
        #expect(try await store.loadSnapshot(streamId: "a", stateSchemaVersion: 2) == nil)
        #expect(try await store.loadSnapshot(streamId: "b", stateSchemaVersion: 1) == nil)
        try await store.saveSnapshot(Snapshot(streamId: "a", streamVersion: 20, stateSchemaVersion: 1, payload: Data("{}".utf8)))
        #expect(try await store.loadSnapshot(streamId: "a", stateSchemaVersion: 1)?.streamVersion == 20)
    }

    @Test(
        "a snapshot sent with an append is stored at the append's last version; a refused or retried append stores none",
        arguments: StoreKind.allCases
    )
    func snapshotWithAppend(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        let state = Data("{\"name\":\"张三\",\"version\":2}".utf8)
        var first = request("a", expected: .noStream, events: [event(), event()], requestId: "req-1")
        first.snapshot = SnapshotAfterAppend(stateSchemaVersion: 3, payload: state)
        let result = try await store.append(first)
        let stored = try await store.loadSnapshot(streamId: "a", stateSchemaVersion: 3)
        #expect(stored == Snapshot(streamId: "a", streamVersion: result.lastVersion, stateSchemaVersion: 3, payload: state))

        var refused = request("a", expected: .exact(1))
        refused.snapshot = SnapshotAfterAppend(stateSchemaVersion: 3, payload: Data("{\"refused\":true}".utf8))
        await #expect(throws: EventLogError.self) { try await store.append(refused) }
        var retried = first
        retried.snapshot = SnapshotAfterAppend(stateSchemaVersion: 3, payload: Data("{\"retried\":true}".utf8))
        #expect(try await store.append(retried).wasDuplicate)
        #expect(try await store.loadSnapshot(streamId: "a", stateSchemaVersion: 3)?.payload == state)
    }

    @Test("a load's read: the newest snapshot and the payloads after it, or every payload without one", arguments: StoreKind.allCases)
    func snapshotAndTail(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        var append = request("a", expected: .noStream, events: (1...3).map { event("E", ["n": "\($0)"]) })
        append.snapshot = SnapshotAfterAppend(stateSchemaVersion: 1, payload: Data("{\"at\":3}".utf8))
        _ = try await store.append(append)
        let atHead = try await store.loadSnapshotAndTail(streamId: "a", stateSchemaVersion: 1)
        #expect(atHead.snapshot?.streamVersion == 3 && atHead.tail.isEmpty)
        _ = try await store.append(request("a", expected: .exact(3), events: [event("E", ["n": "4"]), event("E", ["n": "5"])]))
        let loaded = try await store.loadSnapshotAndTail(streamId: "a", stateSchemaVersion: 1)
        #expect(loaded.snapshot?.streamVersion == 3)
        #expect(loaded.snapshot?.payload == Data("{\"at\":3}".utf8))
        #expect(loaded.tail == (try await store.readPayloads("a", fromVersion: 4, toVersion: nil)))
        #expect(loaded.tail.map(\.streamVersion) == [4, 5])
        let otherVersion = try await store.loadSnapshotAndTail(streamId: "a", stateSchemaVersion: 2)
        #expect(otherVersion.snapshot == nil)
        #expect(otherVersion.tail.map(\.streamVersion) == [1, 2, 3, 4, 5])
        let missing = try await store.loadSnapshotAndTail(streamId: "nobody", stateSchemaVersion: 1)
        #expect(missing.snapshot == nil && missing.tail.isEmpty)
    }

    @Test("payload reads return the events' types, versions and data in stream order", arguments: StoreKind.allCases)
    func payloads(kind: StoreKind) async throws {
        let store = try StoreFixture(kind).store
        _ = try await store.append(request("a", expected: .noStream, events: [event("First", ["n": "1"]), event("Second", ["n": "2"])]))
        _ = try await store.append(request("b", expected: .noStream))
        _ = try await store.append(request("a", expected: .exact(2), events: [event("Third", ["n": "3"])]))
        let events = try await store.readStream("a", fromVersion: 2, toVersion: nil)
        let payloads = try await store.readPayloads("a", fromVersion: 2, toVersion: nil)
        #expect(payloads.map(\.type) == ["Second", "Third"])
        #expect(payloads.map(\.position) == [2, 4])
        #expect(payloads.map(\.streamVersion) == [2, 3])
        #expect(payloads.map(\.data) == events.map(\.data))
        #expect(try await store.readPayloads("a", fromVersion: 1, toVersion: 1).map(\.type) == ["First"])
        #expect(try await store.readPayloads("nobody", fromVersion: 1, toVersion: nil).isEmpty)
    }
}
