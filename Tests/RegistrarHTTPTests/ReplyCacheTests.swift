import EventLog
import Foundation
import HTTPTypes
import NIOCore
import Projections
import RegistrarApp
import RegistrationDomain
import Synchronization
import Testing

@testable import RegistrarHTTP

/// The reply cache: its rules on their own, then through the API (read-your-writes, the clock, masking, scope and
/// another process's appends).
@Suite struct ReplyCacheTests {
    /// A cache whose check reports a log and read models at `head` (the test moves them).
    final class Fixture: Sendable {
        /// What the check sees, and how often it ran.
        final class Log: Sendable {
            let observed = Mutex<(head: Int64, checkpoint: Int64)?>((0, 0))
            let checks = Mutex(0)
        }

        let log = Log()
        let cache: ReplyCache

        init(capacityBytes: Int = 1 << 20, checkInterval: Duration = .zero) {
            let log = self.log
            cache = ReplyCache(capacityBytes: capacityBytes, globalStreams: ["season-2026"], checkInterval: checkInterval) {
                log.checks.withLock { $0 += 1 }
                return log.observed.withLock { $0 }
            }
        }

        /// A commit of this process that moves the head.
        func commit(_ streams: Set<String>, foreign: Bool = false) {
            let head = log.observed.withLock { value -> Int64 in
                let head = (value?.head ?? 0) + 1
                value = (head, head)
                return head
            }
            cache.committed(CommittedAppends(streamIds: streams, headPosition: head, followsForeignAppends: foreign))
        }
    }

    /// Counts builds across tasks.
    final class Counter: Sendable {
        private let value = Mutex(0)
        var count: Int { value.withLock { $0 } }
        func next() -> Int {
            value.withLock { value -> Int in
                value += 1
                return value
            }
        }
    }

    static func reply(_ text: String, stream: String?, from: Date? = nil, until: Date? = nil) -> ReplyCache.Reply {
        ReplyCache.Reply(body: ByteBuffer(string: text), streamId: stream, siteCode: "4201", validFrom: from, validUntil: until)
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let fileA = ReplyCache.Key(kind: .candidateFile, subject: "candidate-a", fullIDNumbers: true)
    static let fileB = ReplyCache.Key(kind: .candidateFile, subject: "candidate-b", fullIDNumbers: true)
    static let queue = ReplyCache.Key(kind: .queue, subject: "4201", fullIDNumbers: false)

    /// Remembers `reply` under `key` the way a route does: a lookup first (which runs the check), a ticket, then the
    /// reply.
    func fill(_ cache: ReplyCache, _ key: ReplyCache.Key, _ reply: ReplyCache.Reply) {
        _ = cache.reply(key, now: Self.now)
        cache.remember(reply, for: key, ticket: cache.ticket())
    }

    func body(_ cache: ReplyCache, _ key: ReplyCache.Key, at now: Date = ReplyCacheTests.now) -> String? {
        cache.reply(key, now: now).map { String(buffer: $0.body) }
    }

    @Test func aCommitDropsTheRepliesOfItsStreamsOnly() {
        let fixture = Fixture()
        fill(fixture.cache, Self.fileA, Self.reply("a1", stream: "candidate-a"))
        fill(fixture.cache, Self.fileB, Self.reply("b1", stream: "candidate-b"))
        #expect(body(fixture.cache, Self.fileA) == "a1")
        fixture.commit(["candidate-a"])
        #expect(body(fixture.cache, Self.fileA) == nil)
        #expect(body(fixture.cache, Self.fileB) == "b1")
    }

    @Test func aReplyReadBeforeACommitOfItsStreamIsNotKept() {
        let fixture = Fixture()
        _ = fixture.cache.reply(Self.fileA, now: Self.now)
        let ticket = fixture.cache.ticket()
        // The commit lands between the route's read of the rows and its remembering the reply.
        fixture.commit(["candidate-a"])
        fixture.cache.remember(Self.reply("stale", stream: "candidate-a"), for: Self.fileA, ticket: ticket)
        #expect(body(fixture.cache, Self.fileA) == nil)
        // A commit of another stream does not stop it.
        let second = fixture.cache.ticket()
        fixture.commit(["candidate-b"])
        fixture.cache.remember(Self.reply("fresh", stream: "candidate-a"), for: Self.fileA, ticket: second)
        #expect(body(fixture.cache, Self.fileA) == "fresh")
    }

    @Test func aQueueDependsOnEveryCandidate() {
        let fixture = Fixture()
        fill(fixture.cache, Self.queue, Self.reply("q1", stream: nil))
        #expect(body(fixture.cache, Self.queue) == "q1")
        fixture.commit(["candidate-z"])
        #expect(body(fixture.cache, Self.queue) == nil)
        let ticket = fixture.cache.ticket()
        fixture.commit(["candidate-y"])
        fixture.cache.remember(Self.reply("q2", stream: nil), for: Self.queue, ticket: ticket)
        #expect(body(fixture.cache, Self.queue) == nil)
    }

    @Test func theSeasonAndAnotherProcessDropEverything() {
        let fixture = Fixture()
        fill(fixture.cache, Self.fileA, Self.reply("a1", stream: "candidate-a"))
        fixture.commit(["season-2026"])
        #expect(body(fixture.cache, Self.fileA) == nil)
        let ticket = fixture.cache.ticket()
        fixture.commit(["season-2026"])
        fixture.cache.remember(Self.reply("a2", stream: "candidate-a"), for: Self.fileA, ticket: ticket)
        #expect(body(fixture.cache, Self.fileA) == nil)

        fill(fixture.cache, Self.fileA, Self.reply("a3", stream: "candidate-a"))
        fixture.commit(["candidate-b"], foreign: true)
        #expect(body(fixture.cache, Self.fileA) == nil)
    }

    @Test func aReplyHoldsInItsCalendarPeriodOnly() {
        let fixture = Fixture()
        let from = Self.now.addingTimeInterval(-60)
        let until = Self.now.addingTimeInterval(60)
        fill(fixture.cache, Self.fileA, Self.reply("a1", stream: "candidate-a", from: from, until: until))
        #expect(body(fixture.cache, Self.fileA, at: Self.now) == "a1")
        #expect(body(fixture.cache, Self.fileA, at: from) == "a1")
        #expect(body(fixture.cache, Self.fileA, at: until) == nil)
        #expect(body(fixture.cache, Self.fileA, at: from.addingTimeInterval(-1)) == nil)
    }

    @Test func theCheckFindsAnotherProcessAndLaggingReadModels() {
        let fixture = Fixture()
        fill(fixture.cache, Self.fileA, Self.reply("a1", stream: "candidate-a"))
        #expect(body(fixture.cache, Self.fileA) == "a1")
        // Another process appended and folded two events: the head is beyond this process's last commit.
        fixture.log.observed.withLock { $0 = (2, 2) }
        #expect(body(fixture.cache, Self.fileA) == nil)
        fill(fixture.cache, Self.fileA, Self.reply("a2", stream: "candidate-a"))
        #expect(body(fixture.cache, Self.fileA) == "a2")
        // Appends the read models have not folded: nothing is served or kept until they have.
        fixture.log.observed.withLock { $0 = (3, 2) }
        #expect(body(fixture.cache, Self.fileA) == nil)
        fill(fixture.cache, Self.fileA, Self.reply("a3", stream: "candidate-a"))
        #expect(body(fixture.cache, Self.fileA) == nil)
        // No read models at all.
        fixture.log.observed.withLock { $0 = nil }
        fill(fixture.cache, Self.fileA, Self.reply("a4", stream: "candidate-a"))
        #expect(body(fixture.cache, Self.fileA) == nil)
        fixture.log.observed.withLock { $0 = (3, 3) }
        fill(fixture.cache, Self.fileA, Self.reply("a5", stream: "candidate-a"))
        #expect(body(fixture.cache, Self.fileA) == "a5")
    }

    @Test func theCheckRunsOncePerInterval() {
        let fixture = Fixture(checkInterval: .seconds(3_600))
        for _ in 0..<50 { _ = fixture.cache.reply(Self.fileA, now: Self.now) }
        #expect(fixture.log.checks.withLock { $0 } == 1)
    }

    @Test func theCacheIsBounded() {
        let fixture = Fixture(capacityBytes: 64 * 1024)
        let big = String(repeating: "x", count: 3_000)
        for index in 0..<100 {
            let key = ReplyCache.Key(kind: .candidateFile, subject: "candidate-\(index)", fullIDNumbers: true)
            fill(fixture.cache, key, Self.reply(big, stream: "candidate-\(index)"))
        }
        let kept = (0..<100).filter {
            body(fixture.cache, ReplyCache.Key(kind: .candidateFile, subject: "candidate-\($0)", fullIDNumbers: true)) != nil
        }
        #expect(!kept.isEmpty && kept.count * 3_000 <= 64 * 1024)
        #expect(kept.contains(99))
        // Too large for the cache: not kept.
        fill(fixture.cache, Self.fileA, Self.reply(String(repeating: "y", count: 8_000), stream: "candidate-a"))
        #expect(body(fixture.cache, Self.fileA) == nil)
        // Off.
        let off = Fixture(capacityBytes: 0)
        fill(off.cache, Self.fileA, Self.reply("a1", stream: "candidate-a"))
        #expect(body(off.cache, Self.fileA) == nil)
    }

    @Test func concurrentMissesShareOneBuild() async throws {
        let fixture = Fixture()
        let builds = Counter()
        let cache = fixture.cache
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    let body = try await cache.sharedReply(Self.queue, dependsOn: nil, now: Self.now) {
                        let count = builds.next()
                        try await Task.sleep(for: .milliseconds(100))
                        return Self.reply("q\(count)", stream: nil)
                    }
                    return String(buffer: body.body)
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(builds.count == 1)
        #expect(Set(bodies) == ["q1"])
        #expect(body(fixture.cache, Self.queue) == "q1")
    }

    @Test func aCallerAfterACommitDoesNotJoinAnEarlierBuild() async throws {
        let fixture = Fixture()
        let builds = Counter()
        let cache = fixture.cache
        let build: @Sendable () async throws -> ReplyCache.Reply = {
            let count = builds.next()
            try await Task.sleep(for: .milliseconds(count == 1 ? 300 : 10))
            return Self.reply("q\(count)", stream: nil)
        }
        async let first = cache.sharedReply(Self.queue, dependsOn: nil, now: Self.now, build: build)
        try await Task.sleep(for: .milliseconds(50))
        // A reviewer's decision commits while the first build is under way; their next read must not get its reply.
        fixture.commit(["candidate-a"])
        let second = try await cache.sharedReply(Self.queue, dependsOn: nil, now: Self.now, build: build)
        #expect(String(buffer: second.body) == "q2")
        #expect(String(buffer: try await first.body) == "q1")
        #expect(builds.count == 2)
        // The first build's reply, read before the commit, was not kept; the second's was.
        #expect(body(fixture.cache, Self.queue) == "q2")
    }

    @Test func aQueueFollowingItsSiteIsDroppedByThatSitesChangesOnly() async throws {
        let fixture = Fixture()
        let cache = fixture.cache
        let site4201 = ReplyCache.Key(kind: .queue, subject: "4201", fullIDNumbers: false)
        let site4202 = ReplyCache.Key(kind: .queue, subject: "4202", fullIDNumbers: false)
        for (key, site) in [(site4201, "4201"), (site4202, "4202")] {
            _ = try await cache.sharedReply(key, dependsOn: "review_queue:\(site)", now: Self.now) {
                Self.reply("q\(site)", stream: "review_queue:\(site)")
            }
        }
        // A commit of some candidate whose queue rows did not change: both kept.
        fixture.commit(["candidate-a"])
        cache.readModelsChanged([])
        #expect(body(cache, site4201) == "q4201" && body(cache, site4202) == "q4202")
        // A commit that rewrote site 4202's rows: only that queue goes.
        fixture.commit(["candidate-b"])
        cache.readModelsChanged(["review_queue:4202"])
        #expect(body(cache, site4201) == "q4201")
        #expect(body(cache, site4202) == nil)
        // A build of 4202 that began before such a change is neither kept nor joined afterwards.
        let builds = Counter()
        let build: @Sendable () async throws -> ReplyCache.Reply = {
            let count = builds.next()
            try await Task.sleep(for: .milliseconds(count == 1 ? 300 : 10))
            return Self.reply("b\(count)", stream: "review_queue:4202")
        }
        async let first = cache.sharedReply(site4202, dependsOn: "review_queue:4202", now: Self.now, build: build)
        try await Task.sleep(for: .milliseconds(50))
        cache.readModelsChanged(["review_queue:4201"])
        // A change of another site: this caller joins the running build.
        let joined = try await cache.sharedReply(site4202, dependsOn: "review_queue:4202", now: Self.now, build: build)
        #expect(String(buffer: joined.body) == "b1")
        #expect(String(buffer: try await first.body) == "b1")
        async let third = cache.sharedReply(site4202, dependsOn: "review_queue:4202", now: Self.now) {
            Self.reply("late", stream: "review_queue:4202")
        }
        #expect(String(buffer: try await third.body) == "b1")  // kept by the first build
        let ticket = cache.ticket()
        cache.readModelsChanged(["review_queue:4202"])
        cache.remember(Self.reply("stale", stream: "review_queue:4202"), for: site4202, ticket: ticket)
        #expect(body(cache, site4202) == nil)
        #expect(builds.count == 1)
    }

    // MARK: Through the API

    @Test func readsSeeTheWritesBeforeThem() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let owner = try #require(cast.tokens["owner"])
            let file = "/api/v1/candidates/\(cast.candidateA)"
            let first = try await client.call(.get, file, token: owner)
            let again = try await client.call(.get, file, token: owner)
            #expect(first.status == .ok && again.body == first.body)
            // The second read was served from memory, and /metrics says so.
            let metrics = try await client.call(.get, "/metrics").text
            #expect(metrics.contains(#"registrar_reply_cache_lookups_total{read="candidate_file",result="hit"} 1"#))
            #expect(metrics.contains(#"registrar_reply_cache_lookups_total{read="candidate_file",result="miss"} 1"#))

            let moved =
                #"{"homePhone": "027-11112222", "mobile": "13900139000", "email": "zs@example.com", "address": "湖北省武汉市武昌区1号", "postcode": "430072"}"#
            #expect(try await client.call(.put, "\(file)/contact", token: owner, json: moved).status == .ok)
            let after = try await client.call(.get, file, token: owner)
            #expect((after.object["contact"] as? [String: Any])?["mobile"] as? String == "13900139000")

            // The reviewer's comparison and queue after a correction and a decision.
            world.clock.set(World.review)
            let reviewer = try #require(cast.tokens["reviewer"])
            let comparison = "/api/v1/review/applications/\(cast.applicationA)/comparison"
            let queue = "/api/v1/review/sites/4201/queue"
            let before = try await client.call(.get, comparison, token: reviewer)
            let queued = try await client.call(.get, queue, token: reviewer)
            #expect(before.status == .ok && queued.status == .ok)
            let base = "\(file)/applications/\(cast.applicationA)"
            let corrected = try await client.correctName(application: base, token: reviewer)
            #expect(corrected.status == .ok, "\(corrected.text)")
            #expect(try await client.call(.post, "\(base)/approve", token: reviewer, json: World.approvalNote).status == .ok)
            let afterComparison = try await client.call(.get, comparison, token: reviewer)
            #expect(afterComparison.body != before.body)
            #expect((afterComparison.object["summary"] as? [String: Any])?["status"] as? String == "approved")
            let afterQueue = try await client.call(.get, queue, token: reviewer)
            let item = try #require(afterQueue.array.first as? [String: Any])
            #expect(item["status"] as? String == "approved")
            #expect(item["name"] as? String == "张珊")
        }
    }

    @Test func aSitesQueueShowsANewSubmissionAndIgnoresOtherSites() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let reviewer = try #require(cast.tokens["reviewer"])
            let queue = "/api/v1/review/sites/4201/queue"
            #expect(try await client.call(.get, queue, token: reviewer).array.count == 1)
            // Site 4202's applicant changes their contact details: 4201's queue is the same.
            let other = try #require(cast.tokens["otherCandidate"])
            #expect(try await client.call(.put, "/api/v1/candidates/\(cast.candidateB)/contact", token: other, json: World.contact).status == .ok)
            #expect(try await client.call(.get, queue, token: reviewer).array.count == 1)
            // A new candidate applies at 4201: the next read of its queue lists them.
            let candidate = try await client.applicant("wangwu03", index: 3)
            let listed = try await client.call(.get, queue, token: reviewer)
            #expect(listed.array.count == 2)
            #expect(listed.array.contains { ($0 as? [String: Any])?["candidateID"] as? String == candidate })
        }
    }

    @Test func aSitesQueueIsReadAPageAtATimeThroughItsNextLinks() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let reviewer = try #require(cast.tokens["reviewer"])
            let queue = "/api/v1/review/sites/4201/queue"
            for index in 71...74 { _ = try await client.applicant("page\(index)", index: index) }
            func pages(_ first: String) async throws -> [[String]] {
                var pages = [[String]]()
                var next: String? = first
                while let path = next, pages.count < 10 {
                    let page = try await client.call(.get, path, token: reviewer)
                    #expect(page.status == .ok, "\(page.text)")
                    pages.append(page.array.compactMap { ($0 as? [String: Any])?["applicationID"] as? String })
                    next = page.headers[HTTPField.Name("Link")!].map { link in
                        #expect(link.hasSuffix(#">; rel="next""#), "\(link)")
                        return String(link.dropFirst().prefix { $0 != ">" })
                    }
                }
                return pages
            }
            let whole = try await client.call(.get, queue, token: reviewer)
            #expect(whole.headers[HTTPField.Name("Link")!] == nil)
            let all = whole.array.compactMap { ($0 as? [String: Any])?["applicationID"] as? String }
            #expect(all.count == 5)
            let byTwo = try await pages("\(queue)?limit=2")
            #expect(byTwo.map(\.count) == [2, 2, 1])
            #expect(Array(byTwo.joined()) == all)
            // Pages kept in memory are dropped when their site's queue changes: the pages show the new line (here in
            // the middle: the test's clock stands still, so the application id orders equal submission times).
            _ = try await client.applicant("page75", index: 75)
            let again = try await pages("\(queue)?limit=2")
            #expect(again.map(\.count) == [2, 2, 2])
            #expect(Set(again.joined()).isSuperset(of: all) && Set(again.joined()).count == 6)
            // One status at a time, its pages keeping the status.
            let submitted = try await pages("\(queue)?status=submitted&limit=4")
            #expect(submitted.map(\.count) == [4, 2])
            #expect(try await pages("\(queue)?status=approved").map(\.count) == [0])
            // A site's candidates, by id, the same way.
            let candidates = try await client.call(.get, "/api/v1/review/sites/4201/candidates", token: reviewer)
            let ids = candidates.array.compactMap { ($0 as? [String: Any])?["candidateID"] as? String }
            #expect(ids.count == 6 && ids == ids.sorted() && candidates.headers[HTTPField.Name("Link")!] == nil)
            var candidatePages = [[String]]()
            var nextCandidates: String? = "/api/v1/review/sites/4201/candidates?status=submitted&limit=4"
            while let path = nextCandidates, candidatePages.count < 10 {
                let page = try await client.call(.get, path, token: reviewer)
                #expect(page.status == .ok, "\(page.text)")
                candidatePages.append(page.array.compactMap { ($0 as? [String: Any])?["candidateID"] as? String })
                nextCandidates = page.headers[HTTPField.Name("Link")!].map { String($0.dropFirst().prefix { $0 != ">" }) }
            }
            #expect(candidatePages.map(\.count) == [4, 2] && Array(candidatePages.joined()) == ids)
            for (query, field) in [("after=%2Fetc", "after"), ("status=nobody", "status"), ("limit=501", "limit")] {
                let refused = try await client.call(.get, "/api/v1/review/sites/4201/candidates?\(query)", token: reviewer)
                #expect(refused.status == .badRequest && refused.field == field, "\(query): \(refused.text)")
            }
            // What the parameters refuse: the field and the rule, never a page.
            for (query, field) in [
                ("limit=0", "limit"), ("limit=501", "limit"), ("limit=two", "limit"), ("after=%25%25", "after"),
                ("after=bm90LWEtY3Vyc29y", "after"), ("status=waiting", "status"), ("status=", "status"),
            ] {
                let refused = try await client.call(.get, "\(queue)?\(query)", token: reviewer)
                #expect(refused.status == .badRequest && refused.field == field, "\(query): \(refused.text)")
            }
        }
    }

    @Test func aQueuePageIsDroppedByChangesOfLinesItCouldHoldOnly() async throws {
        let fixture = Fixture()
        let cache = fixture.cache
        func line(_ time: String, _ application: String) -> ReviewQueueCursor {
            ReviewQueueCursor(submittedAt: "2026-01-0\(time)T00:00:00Z", applicationID: application)
        }
        let site = ReviewComparisonProjection.queueChange(site: "4201")
        // Page 1 holds lines up to (3, b); page 2 those after it, to the end of the queue.
        let first = ReplyCache.Key(kind: .queue, subject: "4201\u{0}1", fullIDNumbers: false)
        let last = ReplyCache.Key(kind: .queue, subject: "4201\u{0}2", fullIDNumbers: false)
        func keep() async throws {
            for (key, range) in [
                (first, ReviewQueueRange(after: nil, through: line("3", "b"))), (last, ReviewQueueRange(after: line("3", "b"), through: nil)),
            ] {
                _ = try await cache.sharedReply(key, dependsOn: site, now: Self.now) {
                    var reply = Self.reply("page", stream: site)
                    reply.queueLines = range
                    return reply
                }
            }
        }
        try await keep()
        // A line after page 1's last: page 1 stays, the last page goes.
        cache.readModelsChanged([ReviewComparisonProjection.queueChange(site: "4201", line: line("3", "c"))])
        #expect(body(cache, first) == "page" && body(cache, last) == nil)
        try await keep()
        // Page 1's last line itself, and a line inside page 1: page 1 goes, the last page stays.
        for changed in [line("3", "b"), line("1", "z")] {
            cache.readModelsChanged([ReviewComparisonProjection.queueChange(site: "4201", line: changed)])
            #expect(body(cache, first) == nil && body(cache, last) == "page", "\(changed)")
            try await keep()
        }
        // Another site's line: both stay. The site's note without a line: both go.
        cache.readModelsChanged([ReviewComparisonProjection.queueChange(site: "4202", line: line("2", "a"))])
        #expect(body(cache, first) == "page" && body(cache, last) == "page")
        cache.readModelsChanged([site])
        #expect(body(cache, first) == nil && body(cache, last) == nil)
        // A build that began before a change of the site's lines is not kept, wherever the line was.
        let ticket = cache.ticket()
        cache.readModelsChanged([ReviewComparisonProjection.queueChange(site: "4201", line: line("9", "z"))])
        var stale = Self.reply("stale", stream: site)
        stale.queueLines = ReviewQueueRange(after: nil, through: line("3", "b"))
        cache.remember(stale, for: first, ticket: ticket)
        #expect(body(cache, first) == nil)
    }

    @Test func nextActionsFollowTheClock() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("clock0001", index: 61)
            let token = try await client.login("clock0001")
            let file = "/api/v1/candidates/\(candidate)"
            let open = try await client.call(.get, file, token: token)
            #expect((open.object["nextActions"] as? [String])?.contains("submitApplication") == true)
            // Online registration closes on 2026-01-22T09:00Z: the same file, no new event, other next actions.
            world.clock.set(Instant.date(from: "2026-01-22T09:00:00.000Z")!)
            let closed = try await client.call(.get, file, token: token)
            #expect((closed.object["nextActions"] as? [String])?.contains("submitApplication") == false)
            world.clock.set(World.registration)
            let reopened = try await client.call(.get, file, token: token)
            #expect(reopened.body == open.body)
        }
    }

    @Test func eachCallerGetsTheirDisclosureAndScope() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            world.clock.set(World.review)
            let comparison = "/api/v1/review/applications/\(cast.applicationA)/comparison"
            let full = try await client.call(.get, comparison, token: cast.tokens["reviewer"])
            #expect(full.status == .ok)
            #expect(full.text.contains(World.residentID(1)))
            // The auditor sees the same comparison with the ID number masked, the other site's reviewer nothing.
            let masked = try await client.call(.get, comparison, token: cast.tokens["auditor"])
            #expect(masked.status == .ok)
            #expect(!masked.text.contains(World.residentID(1)))
            let refused = try await client.call(.get, comparison, token: cast.tokens["otherReviewer"])
            #expect(refused.status == .forbidden)
            #expect(refused.code == DecisionCode.authNotReviewerOfSite.rawValue)
            // Another candidate's file stays refused after its owner's read was kept.
            let file = "/api/v1/candidates/\(cast.candidateA)"
            #expect(try await client.call(.get, file, token: cast.tokens["owner"]).status == .ok)
            #expect(try await client.call(.get, file, token: cast.tokens["otherCandidate"]).status == .forbidden)
            let other = try await client.call(.get, "/api/v1/review/sites/4201/queue", token: cast.tokens["otherReviewer"])
            #expect(other.status == .forbidden)
        }
    }

    /// While another process fills a read model (its checkpoint row marked: version -1 at the largest position), the
    /// read models do not all follow the log, and nothing is served from memory.
    @Test func nothingKeptWhileAReadModelIsBeingFilled() async throws {
        try await withOwnersFileCheckedOften { world, client, cast, owner, file in
            func hits() async throws -> Int {
                let text = try await client.call(.get, "/metrics").text
                let prefix = #"registrar_reply_cache_lookups_total{read="candidate_file",result="hit"}"#
                let line = text.split(separator: "\n").first { $0.hasPrefix(prefix) }
                return Int(line?.split(separator: " ").last ?? "") ?? -1
            }
            #expect(try await client.call(.get, file, token: owner).status == .ok)
            #expect(try await client.call(.get, file, token: owner).status == .ok)
            let kept = try await hits()
            #expect(kept >= 1)

            try await world.store.pool.write { db in
                try db.execute(sql: "UPDATE projection_checkpoints SET version = -1, position = ? WHERE name = 'audit_trail'", arguments: [Int64.max])
            }
            try await Task.sleep(for: .milliseconds(120))
            for _ in 0..<3 { #expect(try await client.call(.get, file, token: owner).status == .ok) }
            #expect(try await hits() == kept)
        }
    }

    /// A server whose cache checks the log every 50 ms, the cast, the owner's token and the path of the owner's file.
    private func withOwnersFileCheckedOften(
        _ body: @escaping @Sendable (World, Client, Cast, String, String) async throws -> Void
    ) async throws {
        let world = try await World()
        let checkOften: (inout ServerConfiguration) -> Void = { $0.replyCacheCheckInterval = .milliseconds(50) }
        try await world.test(configure: checkOften) { client in
            let cast = try await Cast.make(client)
            let owner = try #require(cast.tokens["owner"])
            try await body(world, client, cast, owner, "/api/v1/candidates/\(cast.candidateA)")
        }
    }

    @Test func anotherProcessesAppendsAreServedAfterTheCheck() async throws {
        try await withOwnersFileCheckedOften { world, client, cast, owner, file in
            #expect(try await client.call(.get, file, token: owner).status == .ok)

            // Another process: its own store and read-model engine over the same file.
            let other = try SQLiteEventStore(path: world.store.path)
            try ProjectionEngine(store: other).install()
            let service = try RegistrarService(
                store: other,
                clock: world.clock,
                ids: SeededIDGenerator(seed: 77),
                configuration: .init(seasonId: "2026", passwordHasher: .cheapForTests)
            )
            let contact = ContactInput(mobile: "13700137000", address: "湖北省武汉市洪山区珞喻路1号", postcode: "430074")
            _ = try await service.execute(
                .updateContact(UpdateContactDetails(candidateID: cast.candidateA, contact: contact)),
                candidateId: cast.candidateA,
                actor: .candidate(cast.candidateA),
                request: RequestContext(channel: "web")
            )
            try await Task.sleep(for: .milliseconds(120))
            let after = try await client.call(.get, file, token: owner)
            #expect((after.object["contact"] as? [String: Any])?["mobile"] as? String == "13700137000")
        }
    }
}
