import EventLog
import Foundation
import GRDB
import RegistrarApp
import RegistrationDomain
import Synchronization
import TestScratch
import Testing

@testable import Projections

@Suite("Projection engine")
struct EngineTests {
    /// A rebuild killed with `kill -9` leaves its shadow tables; the next install (a server's start) drops them, unless
    /// a rebuild holds the maintenance lock (they are then that rebuild's). A rebuild is refused while it is held.
    @Test("install drops an interrupted rebuild's shadow tables, never a running one's; a second rebuild is refused")
    func leftoverShadowTables() async throws {
        let season = try await SeasonFixture()
        try await season.register(1)
        let engine = try #require(season.engine)
        let store = season.store
        func shadows() async throws -> [String] {
            try await store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%\\_\\_rebuild' ESCAPE '\\'")
            }
        }
        try await store.pool.write { db in try db.execute(sql: "CREATE TABLE audit_trail__rebuild (x)") }
        let lock = try #require(try MaintenanceLock(databasePath: store.path))
        try engine.install()
        #expect(try await shadows() == ["audit_trail__rebuild"], "a running rebuild's tables are left alone")
        await #expect(throws: ProjectionError.maintenanceInProgress(lockFile: MaintenanceLock.lockPath(forDatabase: store.path))) {
            try await engine.rebuild()
        }
        #expect(try await shadows() == ["audit_trail__rebuild"], "the refused rebuild dropped nothing")
        lock.release()
        try engine.install()
        #expect(try await shadows().isEmpty)
    }

    @Test("read-your-writes: once a command returns, the read models show it")
    func readYourWrites() async throws {
        let season = try await SeasonFixture()
        let candidates = CandidateViewQueries(season.store.pool)
        let review = ReviewQueries(season.store.pool)
        let audit = AuditQueries(season.store.pool)
        try await season.register(1)
        let id = SeasonFixture.candidateID(1)
        let view = try #require(try await candidates.candidate(id: id, now: SeasonFixture.beforeRegistration))
        #expect(view.username == "user1" && view.status == "registered")
        #expect(view.idNumberMasked.hasPrefix("420*") && view.idNumberMasked.count == 18 && !view.idNumberMasked.contains("420106"))
        #expect(view.nextActions.contains(.verifyEducationWithChsi))
        #expect(try await candidates.candidate(username: "USER1")?.candidateID == id)

        try await season.scan(1, scan: "s1", seedMismatch: true)
        season.clock.set(SeasonFixture.registration)
        try await season.submit(1, application: "a1")
        let queued = try await review.queue(site: "4201")
        #expect(queued.map(\.applicationID) == ["a1"])
        #expect(queued.first?.status == "submitted" && queued.first?.mismatches == 5 && queued.first?.verifiedEntries == 1)
        let comparison = try #require(try await review.comparison(application: "a1"))
        let rows = try #require(comparison.entries.first?.rows)
        #expect(rows.filter { $0.status == .mismatch }.map(\.label) == ["院校", "形式", "专业", "入学", "毕业"])
        #expect(rows.first { $0.label == "学制" }?.status == .notProvided)
        #expect(comparison.entries.first?.attempts.map(\.scanID) == ["s1"])
        let after = try #require(try await candidates.candidate(id: id, now: SeasonFixture.registration))
        #expect(after.status == "submitted" && after.siteCode == "4201")
        #expect(after.education.first?.locked == true && after.education.first?.chsiVerified == true)
        #expect(after.nextActions.contains(.abandonApplication))

        season.clock.set(SeasonFixture.review)
        try await season.scan(1, scan: "s2", seedMismatch: false)
        try await season.run(
            .correctBasicInfo(CorrectBasicInfo(candidateID: id, applicationID: "a1", field: .name, newValue: "张叁", reason: "证件原件为“叁”")),
            id,
            as: SeasonFixture.reviewer,
            channel: "review-site",
            reason: "证件原件为“叁”"
        )
        try await season.run(
            .approveApplication(ApproveApplication(candidateID: id, applicationID: "a1", note: SeasonFixture.approvalNote)),
            id,
            as: SeasonFixture.reviewer
        )
        let decided = try #require(try await review.comparison(application: "a1"))
        #expect(decided.summary.status == "approved" && decided.summary.corrections == 1)
        #expect(decided.entries.first?.attempts.map(\.superseded) == [true, false])
        // The corrected name no longer equals CHSI's 张三: the identity row turns red.
        #expect(decided.entries.first?.rows.first?.status == .mismatch)
        #expect(decided.entries.first?.rows.first?.declared == "张叁")
        #expect(decided.summary.identityMismatch)
        // A record that no longer names the candidate is not a verification: the queue counts as the file says.
        #expect(decided.summary.verifiedEntries == 0)
        #expect(try await candidates.candidate(id: id, now: SeasonFixture.review)?.education.first?.chsiVerified == false)

        let corrections = try await audit.trail(candidate: id, field: "basic.name")
        #expect(corrections.map(\.after) == ["张三", "张叁"])
        #expect(corrections.last?.before == "张三" && corrections.last?.reason == "证件原件为“叁”")
        #expect(corrections.last?.actorID == "staff-r1" && corrections.last?.role == "reviewer")
        let byReviewer = try await audit.trail(actor: "staff-r1")
        #expect(byReviewer.contains { $0.field == "applications[a1].status" && $0.before == "submitted" && $0.after == "approved" })
        let entry = try await audit.trail(candidate: id, field: "education[e1]")
        #expect(entry.contains { $0.field == "education[e1].chsi.school" && $0.before == "中国地质大学(北京)" && $0.after == "北京大学" })
        let window = try await audit.trail(since: "2026-01-01T00:00:00.000Z", until: "2026-02-01T00:00:00.000Z")
        #expect(!window.isEmpty && window.allSatisfy { $0.recordedAt.hasPrefix("2026-01") })
        #expect(window.allSatisfy { $0.hash.count == 64 })
    }

    @Test("CHSI answers out of order: the trail's current chsi values are the newer scan's, as the reviewer sees them; rebuild = incremental")
    func lateChsiAnswer() async throws {
        // Rows kept in memory between appends, and (1) folded again from the log for almost every append.
        for warmRows in [2_048, 1] {
            let season = try await SeasonFixture(warmRowsPerProjection: warmRows)
            try await season.register(1)
            let id = SeasonFixture.candidateID(1)
            for scan in ["s1", "s2"] {
                try await season.run(.startChsiScan(StartChsiScan(candidateID: id, entryID: "e1", scanID: scan)), id)
            }
            // s2 answers (北京大学), then s1's answer (中国地质大学(北京)) arrives late.
            for (scan, mismatch) in [("s2", false), ("s1", true)] {
                try await season.run(
                    .recordChsiResult(
                        RecordChsiResult(candidateID: id, entryID: "e1", scanID: scan, record: SeasonFixture.chsiRecord(1, seedMismatch: mismatch))
                    ),
                    id,
                    as: SeasonFixture.chsi,
                    channel: "chsi"
                )
            }
            let current = try #require(try await season.service.candidateState(id).education["e1"]?.currentChsiResult)
            #expect(current.scanID == "s2" && current.school == "北京大学")
            let audit = AuditQueries(season.store.pool)
            let chsi = try await audit.trail(candidate: id, field: "education[e1].chsi")
            var last = [String: String?]()
            for row in chsi { last[row.field] = row.after }
            #expect(last["education[e1].chsi.scanID"] == .some(current.scanID))
            #expect(last["education[e1].chsi.school"] == .some(current.school))
            #expect(last["education[e1].chsi.major"] == .some(current.major))
            // The late answer is in the trail, under its scan.
            let late = try await audit.trail(candidate: id, field: "education[e1].chsiScans[s1]")
            #expect(late.contains { $0.field == "education[e1].chsiScans[s1].school" && $0.after == "中国地质大学(北京)" })
            let incremental = try season.hashes()
            try await season.engine!.rebuild()
            #expect(try season.hashes() == incremental)
        }
    }

    @Test("queries by subject and by actor select exactly what filtering every record would, through indexes")
    func subjectAndActorQueries() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 8)
        let audit = AuditQueries(season.store.pool)
        let all = try await audit.trail()
        let subjects = Set(all.map(\.subjectID))
        let actors = Set(all.map(\.actorID))
        // Candidates act on their own files, staff on candidates' files and on the season: both kinds are here.
        #expect(all.contains { $0.actorID == $0.subjectID } && all.contains { $0.actorID != $0.subjectID })
        for subject in subjects {
            #expect(try await audit.trail(candidate: subject) == all.filter { $0.subjectID == subject }, "\(subject)")
        }
        for actor in actors {
            #expect(try await audit.trail(actor: actor) == all.filter { $0.actorID == actor }, "\(actor)")
            for subject in subjects.sorted().prefix(3) {
                let expected = all.filter { $0.actorID == actor && $0.subjectID == subject }
                #expect(try await audit.trail(candidate: subject, actor: actor) == expected, "\(actor) on \(subject)")
            }
        }
        #expect(try await audit.trail(candidate: "nobody").isEmpty)
        #expect(try await audit.trail(actor: "nobody").isEmpty)
        let plans = try await season.store.pool.read { db in
            (
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT position FROM events WHERE stream_id = ?", arguments: ["c"])
                    .map { $0["detail"] as String }.joined(),
                try Row.fetchAll(
                    db,
                    sql: "EXPLAIN QUERY PLAN SELECT position FROM audit_events WHERE actor_id = ? AND actor_id <> subject_id",
                    arguments: ["a"]
                ).map { $0["detail"] as String }.joined()
            )
        }
        #expect(plans.0.contains("COVERING INDEX sqlite_autoindex_events_1"), "\(plans.0)")
        #expect(plans.1.contains("audit_events_by_actor"), "\(plans.1)")
        // An actor's trail streams: both branches in position order, merged up to the limit, nothing collected or
        // sorted first (an actor such as CHSI has a large part of the log).
        let actorPlan = try await season.store.pool.read { db in
            let (sql, arguments) = AuditQueries.statement(candidate: nil, actor: "chsi", since: nil, until: nil, field: nil, limit: 10)
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
        #expect(actorPlan.contains("MERGE (UNION ALL)") && actorPlan.contains { $0.contains("audit_events_by_actor") }, "\(actorPlan)")
        #expect(!actorPlan.contains { $0.contains("TEMP B-TREE") }, "\(actorPlan)")
    }

    @Test("a site's review queue read a page at a time is the whole queue, in order, for every page size and status")
    func queuePages() async throws {
        let season = try await SeasonFixture()
        // The fixture's clock stands still within a phase: every submission of the phase ties on its time, so the
        // pages rest on the application id breaking the ties.
        try await season.playSeason(candidates: 24)
        let review = ReviewQueries(season.store.pool)
        for site in ["4201", "4202"] {
            let whole = try await review.queue(site: site)
            #expect(whole.count > 5)
            let keys = whole.map { [$0.submittedAt, $0.applicationID] }
            #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) }, "\(site)")
            for status in [nil, "submitted", "approved", "signed", "rejected", "abandoned", "paid"] as [String?] {
                let expected = whole.filter { status == nil || $0.status == status }
                for limit in [1, 2, 3, 7, 1_000] {
                    var pages = [[ReviewQueueItem]]()
                    var after: ReviewQueueCursor?
                    repeat {
                        let page = try await review.queue(site: site, status: status, after: after, limit: limit)
                        pages.append(page.items)
                        after = page.next
                        #expect(page.items.count == limit || page.next == nil)
                        #expect(pages.count <= expected.count + 1)
                    } while after != nil && pages.count <= expected.count + 1
                    #expect(pages.joined().map(\.applicationID) == expected.map(\.applicationID), "\(site) \(status ?? "all") \(limit)")
                    #expect(pages.last?.count ?? 0 > 0 || expected.isEmpty)
                }
            }
        }
        // A page is a range of the queue's index: nothing sorted, nothing read past the limit.
        for (status, after) in [(false, false), (true, false), (false, true), (true, true)] {
            let plan = try await season.store.pool.read { db in
                var arguments: StatementArguments = ["4201"]
                if status { arguments += ["submitted"] }
                if after { arguments += ["2026-01-01T00:00:00Z", "a"] }
                arguments += [10]
                return try Row.fetchAll(
                    db,
                    sql: "EXPLAIN QUERY PLAN " + ReviewQueries.queueStatement(status: status, after: after, limit: true),
                    arguments: arguments
                ).map { $0["detail"] as String }
            }
            #expect(plan.contains { $0.contains("review_queue_by_site") } && !plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }

    @Test("a site's candidates read a page at a time are all of them, by id, for every page size and status")
    func candidatePages() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 24)
        let candidates = CandidateViewQueries(season.store.pool)
        for site in ["4201", "4202"] {
            let whole = try await candidates.candidates(site: site, limit: 1_000)
            #expect(whole.next == nil && whole.candidates.count > 5)
            #expect(whole.candidates.map(\.candidateID) == whole.candidates.map(\.candidateID).sorted())
            for status in [nil, "submitted", "paid", "rejected"] as [String?] {
                let expected = whole.candidates.filter { status == nil || $0.status == status }.map(\.candidateID)
                for limit in [1, 2, 5, 1_000] {
                    var ids = [String]()
                    var after: String?
                    var pages = 0
                    repeat {
                        let page = try await candidates.candidates(site: site, status: status, after: after, limit: limit)
                        ids += page.candidates.map(\.candidateID)
                        after = page.next
                        pages += 1
                    } while after != nil && pages <= expected.count
                    #expect(ids == expected, "\(site) \(status ?? "all") \(limit)")
                }
            }
        }
        let plan = try await season.store.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT candidate_id, username, name, id_number_masked, status, site_code FROM candidate_view
                    WHERE site_code = ? AND status = ? AND candidate_id > ? ORDER BY candidate_id LIMIT ?
                    """,
                arguments: ["4201", "paid", "c", 10]
            ).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("candidate_view_by_site") } && !plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
    }

    @Test("a queue cursor's token reads back as the same cursor; anything else is refused")
    func queueCursorTokens() {
        for (submittedAt, application) in [("2026-01-05T09:30:00.125Z", "app-7-1"), ("x", "报名-1"), ("2026-01-05T09:30:00Z", "a+b/c=d")] {
            let cursor = ReviewQueueCursor(submittedAt: submittedAt, applicationID: application)
            #expect(cursor.token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            #expect(ReviewQueueCursor(token: cursor.token) == cursor)
        }
        let valid = ReviewQueueCursor(submittedAt: "2026-01-05T09:30:00Z", applicationID: "app-1").token
        for token in ["", "%%", valid + "=", valid + "A", "YQ", "YQo", "Cg", String(repeating: "A", count: 401), "YQ/b", valid + " "] {
            #expect(ReviewQueueCursor(token: token) == nil, "\(token)")
        }
        // A line's change note names its site and keys; other notes name no line.
        let line = ReviewQueueCursor(submittedAt: "2026-01-05T09:30:00Z", applicationID: "app-1")
        let note = ReviewComparisonProjection.queueChange(site: "4201", line: line)
        #expect(ReviewComparisonProjection.changedQueueLine(note)?.site == ReviewComparisonProjection.queueChange(site: "4201"))
        #expect(ReviewComparisonProjection.changedQueueLine(note)?.line == line)
        #expect(ReviewComparisonProjection.changedQueueLine(ReviewComparisonProjection.queueChange(site: "4201")) == nil)
        #expect(ReviewComparisonProjection.changedQueueLine("candidate-1") == nil)
        // Lines order by time, then application id, byte by byte; a range holds what lies after its cursor, through
        // its last line.
        let early = ReviewQueueCursor(submittedAt: "2026-01-05T09:30:00Z", applicationID: "app-0")
        let later = ReviewQueueCursor(submittedAt: "2026-01-05T09:31:00Z", applicationID: "a")
        #expect(early.precedes(line) && line.precedes(later) && !line.precedes(line) && !later.precedes(early))
        #expect(ReviewQueueRange(after: nil, through: line).holds(early) && ReviewQueueRange(after: nil, through: line).holds(line))
        #expect(!ReviewQueueRange(after: nil, through: line).holds(later))
        #expect(!ReviewQueueRange(after: line, through: nil).holds(line) && ReviewQueueRange(after: line, through: nil).holds(later))
    }

    @Test("the audit trail read a page at a time is the whole trail, for every filter and page size, and starts at its cursor")
    func auditPages() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 8)
        let audit = AuditQueries(season.store.pool)
        let all = try await audit.trail()
        // Events with several changed fields, so that pages end inside an event.
        #expect(Dictionary(grouping: all, by: \.position).values.contains { $0.count > 3 })
        let someCandidate = try #require(all.first { $0.subjectID.hasPrefix("candidate-") }?.subjectID)
        let filters: [(candidate: String?, actor: String?, field: String?, since: String?)] = [
            (nil, nil, nil, nil), (someCandidate, nil, nil, nil), (nil, "staff-r1", nil, nil), (nil, nil, "basic", nil),
            (someCandidate, "staff-r1", nil, nil), (nil, nil, nil, "2026-01-12T00:00:00.000Z"),
        ]
        for filter in filters {
            let whole = try await audit.trail(candidate: filter.candidate, actor: filter.actor, since: filter.since, field: filter.field)
            #expect(!whole.isEmpty, "\(filter)")
            for limit in [1, 3, 7, 500, 100_000] {
                var records = [AuditRecord]()
                var after: AuditCursor?
                var pages = 0
                repeat {
                    let page = try await audit.page(
                        AuditFilter(candidate: filter.candidate, actor: filter.actor, since: filter.since, field: filter.field),
                        after: after,
                        limit: limit
                    )
                    records += page.records
                    after = page.next
                    pages += 1
                    #expect(page.records.count == limit || page.next == nil)
                } while after != nil && pages <= whole.count
                #expect(records == whole, "\(filter) \(limit)")
            }
        }
        // A cursor from a token, in the middle of an event.
        let middle = try #require(all.firstIndex { $0.sequence == 1 })
        let cursor = try #require(AuditCursor(token: AuditCursor(after: all[middle]).token))
        #expect(try await audit.trail(after: cursor, limit: 3) == Array(all[(middle + 1)...].prefix(3)))
        #expect(AuditCursor(token: "2.2") == AuditCursor(position: 2, sequence: 2))
        #expect(AuditCursor(token: "1042.13") == AuditCursor(position: 1042, sequence: 13))
        for token in ["", "1", "1.", ".1", "1.2.3", "-1.0", "01.2", "1.02", "1.x", "１.2", "99999999999999999999.0"] {
            #expect(AuditCursor(token: token) == nil, "\(token)")
        }
        // A page after a cursor starts at the cursor in the index that leads the statement: nothing scanned or sorted
        // from the start.
        for actor in [nil, "staff-r1"] as [String?] {
            let plan = try await season.store.pool.read { db in
                let (sql, arguments) = AuditQueries.statement(
                    candidate: nil,
                    actor: actor,
                    since: nil,
                    until: nil,
                    field: nil,
                    after: AuditCursor(position: 100, sequence: 0),
                    limit: 10
                )
                return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            }
            #expect(plan.contains { $0.contains("position>?") } && !plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }

    @Test("field queries across candidates go through the path without ids, and keep the path prefix semantics")
    func fieldQueriesByKind() async throws {
        #expect(AuditFold.kind(of: "education[e1].chsi.school") == "education[].chsi.school")
        #expect(AuditFold.kind(of: "applications[a1].payments[o1].outcome") == "applications[].payments[].outcome")
        #expect(AuditFold.kind(of: "basic.name") == "basic.name" && AuditFold.kind(of: "") == "")
        #expect(AuditFold.kindIfClosed("education[e1") == nil && AuditFold.kind(of: "education[e1") == "education[e1")

        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 8)
        let audit = AuditQueries(season.store.pool)
        let all = try await audit.trail()
        for field in ["basic.name", "basic", "education", "contact.mobile", "applications", "bas", "education[e"] {
            // What the path prefix alone selects, from every record.
            let expected = all.filter { $0.field == field || $0.field.hasPrefix(field + ".") || $0.field.hasPrefix(field + "[") }
            #expect(try await audit.trail(field: field).map(\.position) == expected.map(\.position), "\(field)")
        }
        let anEntry = try #require(all.first { $0.field.hasPrefix("education[") }?.field.split(separator: ".").first.map(String.init))
        let entryRows = try await audit.trail(field: anEntry)
        #expect(!entryRows.isEmpty && entryRows.allSatisfy { $0.field.hasPrefix(anEntry + ".") })
        let plan = try await season.store.pool.read { db in
            try Row.fetchAll(
                db,
                sql: "EXPLAIN QUERY PLAN SELECT position FROM audit_trail WHERE field_kind > ? AND field_kind < ?",
                arguments: ["basic.", "basic/"]
            ).map { $0["detail"] as String }
        }
        #expect(plan.joined().contains("audit_trail_by_field_kind"), "\(plan)")
    }

    @Test("an event of one application writes that application's queue line only: an abandoned one at another site keeps its line")
    func reviewRowsWrittenPerApplication() async throws {
        let season = try await SeasonFixture()
        let engine = try #require(season.engine)
        let noted = Mutex<[Set<String>]>([])
        engine.addChangeObserver { changes in noted.withLock { $0.append(changes) } }
        let review = ReviewQueries(season.store.pool)
        try await season.register(3)
        let id = SeasonFixture.candidateID(3)
        try await season.scan(3, scan: "s1", seedMismatch: true)
        season.clock.set(SeasonFixture.registration)
        try await season.submit(3, application: "a1")  // site 4202
        try await season.run(.abandonApplication(AbandonApplication(candidateID: id, applicationID: "a1")), id)
        let abandoned = try #require(try await review.comparison(application: "a1"))
        #expect(!abandoned.entries.isEmpty && abandoned.summary.status == "abandoned")
        noted.withLock { $0.removeAll() }

        try await season.run(
            .submitApplication(
                SubmitApplication(
                    candidateID: id,
                    applicationID: "a2",
                    examCode: "110",
                    educationEntryIDs: ["e1"],
                    trainingEntryIDs: [],
                    certificateEntryID: nil,
                    areaCode: "42",
                    siteCode: "4201",
                    attemptCount: nil,
                    additionalSubject: nil,
                    photo: PhotoUpload(photoID: "photo-3b", format: "jpg", sizeBytes: 20 * 1024),
                    passNumber: nil
                )
            ),
            id
        )
        // Only a2's line was written; a1's line at 4202 did not change.
        #expect(noted.withLock { $0 }.map(Self.queueLines) == [["review_queue:4201 a2"]])

        // A CHSI result for the entry both applications ticked changes the submitted one only: the abandoned a1 is
        // compared as it was when it left the submitted state, and its line stays as it is.
        season.clock.set(SeasonFixture.review)
        try await season.scan(3, scan: "s2", seedMismatch: false)
        #expect(noted.withLock { $0.last }.map(Self.queueLines) == ["review_queue:4201 a2"])
        let rescanned = try #require(try await review.comparison(application: "a1"))
        #expect(rescanned.entries == abandoned.entries && rescanned.entries.first?.attempts.map(\.superseded) == [false])
        #expect(try await review.queue(site: "4202").first?.mismatches == 5)
        let current = try #require(try await review.comparison(application: "a2"))
        #expect(current.entries.first?.attempts.map(\.superseded) == [true, false] && current.summary.mismatches == 0)

        try await season.run(
            .approveApplication(ApproveApplication(candidateID: id, applicationID: "a2", note: SeasonFixture.approvalNote)),
            id,
            as: SeasonFixture.reviewer
        )
        #expect(noted.withLock { $0.last }.map(Self.queueLines) == ["review_queue:4201 a2"])
        #expect(try await review.queue(site: "4201").map(\.status) == ["approved"])
        #expect(try await review.queue(site: "4202").map(\.status) == ["abandoned"])
    }

    /// Change notes as "site application" for the lines of a queue; other notes as they are.
    static func queueLines(_ notes: Set<String>) -> Set<String> {
        Set(notes.map { note in ReviewComparisonProjection.changedQueueLine(note).map { "\($0.site) \($0.line.applicationID)" } ?? note })
    }

    @Test("a read model that fails fails the append: nothing is appended, observers hear nothing, and later appends fold from the stored rows")
    func failingReadModel() async throws {
        let season = try await SeasonFixture(installEngine: false)
        let failing = FailingProjection()
        let engine = ProjectionEngine(store: season.store, projections: Projections.all + [failing])
        try engine.install()
        let noted = Mutex<[Set<String>]>([])
        engine.addChangeObserver { changes in noted.withLock { $0.append(changes) } }
        try await season.register(3)
        try await season.scan(3, scan: "s1", seedMismatch: true)
        season.clock.set(SeasonFixture.registration)
        let head = try await season.store.headPosition()
        let heard = noted.withLock { $0.count }

        failing.failNext.withLock { $0 = true }
        await #expect(throws: (any Error).self) { try await season.submit(3, application: "a1") }
        #expect(try await season.store.headPosition() == head)
        #expect(noted.withLock { $0.count } == heard)
        #expect(try await ReviewQueries(season.store.pool).queue(site: "4202").isEmpty)

        // The same submission again: folded from the rows the log's last commit left, as a rebuild folds it.
        try await season.submit(3, application: "a1")
        #expect(noted.withLock { $0.last }.map(Self.queueLines) == ["review_queue:4202 a1"])
        #expect(try await ReviewQueries(season.store.pool).queue(site: "4202").map(\.applicationID) == ["a1"])
        func hashes() throws -> [String] { try Projections.all.map { try engine.contentHash($0.name) } }
        let incremental = try hashes()
        try await engine.rebuild()
        #expect(try hashes() == incremental)
    }

    @Test("a read model being filled is left alone by the append hook, and an install after an interrupted fill starts it again")
    func interruptedFill() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 12)
        let engine = try #require(season.engine)
        // A fill that stopped part of the way: the marker install writes, and some of the rows.
        try await season.store.pool.write { db in
            try ProjectionEngine.markFilling(try #require(Projections.named("review_comparison")), db)
            try db.execute(
                sql: "DELETE FROM review_queue WHERE candidate_id IN (SELECT candidate_id FROM review_queue ORDER BY candidate_id LIMIT 5)"
            )
        }
        let queueRows = { try await season.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM review_queue") } }
        let before = try await queueRows()
        // An append folds into the other read models, not into the one being filled.
        season.clock.set(SeasonFixture.registration)
        try await season.register(40)
        try await season.submit(40, application: "a40")
        #expect(try await queueRows() == before)
        #expect(try await CandidateViewQueries(season.store.pool).candidate(id: SeasonFixture.candidateID(40)) != nil)
        // Verification skips the read model being filled and finds the others equal to a rebuild.
        let checks = try await engine.verifyAgainstRebuild()
        #expect(checks.map(\.name) == ["candidate_view", "audit_trail"] && checks.allSatisfy(\.matches))

        try engine.install(batchSize: 50)
        let checkpoints = try await season.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT name, version, position FROM projection_checkpoints ORDER BY name")
        }
        // Rows of an older version (a file written by an older build) are reported as such, not compared.
        try await season.store.pool.write { db in
            try db.execute(sql: "UPDATE projection_checkpoints SET version = version - 1 WHERE name = 'review_comparison'")
        }
        let outdated = try await engine.verifyAgainstRebuild()
        #expect(outdated.map(\.name) == ["review_comparison", "candidate_view", "audit_trail"] && outdated.allSatisfy(\.matches))
        #expect(outdated[0].outdatedVersion == ReviewComparisonProjection().version - 1 && outdated[1].outdatedVersion == nil)
        try await season.store.pool.write { db in
            try db.execute(sql: "UPDATE projection_checkpoints SET version = version + 1 WHERE name = 'review_comparison'")
        }
        let head = try await season.store.headPosition()
        #expect(checkpoints.allSatisfy { ($0["position"] as Int64) == head && ($0["version"] as Int) > 0 })
        #expect(try await ReviewQueries(season.store.pool).queue(site: "4201").contains { $0.applicationID == "a40" })
        let installed = try season.hashes()
        try await engine.rebuild()
        #expect(try season.hashes() == installed)
        // A row changed behind the log's back: verification names it, both ways (audit X-3).
        try await season.store.pool.write { db in
            try db.execute(sql: "UPDATE audit_events SET actor_id = 'staff-forged' WHERE position = (SELECT MAX(position) FROM audit_events)")
        }
        let forged = try #require(try await engine.verifyAgainstRebuild().first { $0.name == "audit_trail" })
        #expect(!forged.matches)
        #expect(forged.differences.contains { $0.contains("only in the live rows") && $0.contains("position=\(head)") }, "\(forged.differences)")
        #expect(forged.differences.contains { $0.contains("only in the rows rebuilt from the log") }, "\(forged.differences)")
    }

    /// A store on the fixture's file opened as another process would, with an engine that has not installed yet.
    private func otherEngine(_ season: SeasonFixture) throws -> ProjectionEngine {
        var options = SQLiteEventStore.Options()
        options.durability = .normal
        return ProjectionEngine(store: try SQLiteEventStore(path: season.path, options: options))
    }

    /// Makes `name` look filled by another live process: the marker and a lease renewed just now.
    private func leaseHeldElsewhere(
        _ name: String,
        pid: Int32 = getpid(),
        heartbeatAt: Double = Date().timeIntervalSince1970,
        _ season: SeasonFixture
    ) async throws {
        try await season.store.pool.write { db in
            try ProjectionEngine.markFilling(try #require(Projections.named(name)), db)
            try db.execute(
                sql: "INSERT OR REPLACE INTO projection_fills (name, owner, owner_pid, heartbeat_at) VALUES (?, 'elsewhere', ?, ?)",
                arguments: [name, Int64(pid), heartbeatAt]
            )
        }
    }

    @Test("one fill at a time: an install waits while another process's lease is live, then takes over a stale one")
    func installWaitsForALiveFill() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 8)
        let expected = try season.hashes()
        try await leaseHeldElsewhere("audit_trail", season)
        let auditRows = { try await season.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_trail") } }
        let rowsBefore = try await auditRows()
        let other = try otherEngine(season)
        let installing = Task.detached { try other.install(batchSize: 40) }
        try await Task.sleep(for: .milliseconds(400))
        // Still waiting, and the tables being filled elsewhere are left alone.
        let version = try await season.store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT version FROM projection_checkpoints WHERE name = 'audit_trail'")
        }
        #expect(version == -1)
        #expect(try await auditRows() == rowsBefore)
        // The other filler stops renewing: its lease goes stale and this install fills the read model itself.
        try await season.store.pool.write { db in try db.execute(sql: "UPDATE projection_fills SET heartbeat_at = 0") }
        try await installing.value
        #expect(try other.checkpoint("audit_trail") == (try await season.store.headPosition()))
        #expect(try season.hashes() == expected)
        #expect(try await season.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM projection_fills") } == 0)
    }

    @Test("one fill at a time: the lease of a process that no longer exists is taken over at once")
    func installTakesOverAFillOfAGoneProcess() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 6)
        let expected = try season.hashes()
        // Beyond any pid_max: no such process.
        try await leaseHeldElsewhere("candidate_view", pid: Int32.max - 1, season)
        let started = ContinuousClock.now
        try otherEngine(season).install(batchSize: 40, fillLeaseTimeout: 3_600)
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(try season.hashes() == expected)
    }

    @Test("one fill at a time: installs started together fill each read model once, equal to a rebuild")
    func concurrentInstalls() async throws {
        let season = try await SeasonFixture(installEngine: false)
        try await season.playSeason(candidates: 30)
        let engines = try (0..<3).map { _ in try otherEngine(season) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for engine in engines { group.addTask { try engine.install(batchSize: 10) } }
            try await group.waitForAll()
        }
        let head = try await season.store.headPosition()
        for projection in Projections.all { #expect(try engines[0].checkpoint(projection.name) == head) }
        let installed = try Dictionary(uniqueKeysWithValues: Projections.all.map { ($0.name, try engines[0].contentHash($0.name)) })
        let events = try await season.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_events") }
        #expect(events == Int(head))
        try await engines[1].rebuild()
        let rebuilt = try Dictionary(uniqueKeysWithValues: Projections.all.map { ($0.name, try engines[1].contentHash($0.name)) })
        #expect(installed == rebuilt)
    }

    @Test("catch-up: appends made without the hook are folded at install, and before the next hooked append")
    func catchUp() async throws {
        // Appends by a process without projections, then an engine installed later.
        let season = try await SeasonFixture(installEngine: false)
        try await season.playSeason(candidates: 6)
        let head = try await season.store.headPosition()
        let engine = ProjectionEngine(store: season.store)
        try engine.install()
        for projection in Projections.all { #expect(try engine.checkpoint(projection.name) == head) }
        #expect(try await CandidateViewQueries(season.store.pool).candidate(id: SeasonFixture.candidateID(3)) != nil)

        // Another process appends (no hook); the next append through the hooked store folds both, in its transaction.
        let cli = try season.otherProcess()
        try await cli.execute(
            .register(
                RegisterCandidate(
                    candidateID: "candidate-cli",
                    username: "cliuser",
                    name: "李四",
                    surnamePinyin: "li",
                    givenNamePinyin: "si",
                    idType: IDType.residentID.rawValue,
                    idNumber: SeasonFixture.residentID(500),
                    nationality: "中国",
                    ethnicity: "汉族",
                    password: "secret123",
                    recoveryQuestion: "q?",
                    recoveryAnswer: "answer"
                )
            ),
            candidateId: "candidate-cli",
            actor: .candidate("candidate-cli"),
            request: RequestContext(channel: "cli")
        )
        let queries = CandidateViewQueries(season.store.pool)
        #expect(try await queries.candidate(id: "candidate-cli") == nil)
        season.clock.set(SeasonFixture.beforeRegistration)
        try await season.register(40)
        #expect(try await queries.candidate(id: "candidate-cli")?.name == "李四")
        #expect(try await queries.candidate(id: SeasonFixture.candidateID(40)) != nil)
        let incremental = try hashes(engine)
        try await engine.rebuild()
        #expect(try hashes(engine) == incremental)
    }

    @Test("rebuild from position 0 gives exactly the rows the incremental updates gave")
    func rebuildEqualsIncremental() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 40)
        let engine = try #require(season.engine)
        let incremental = try season.hashes()
        let head = try await season.store.headPosition()
        let progress = Progress()
        let secureDelete = try await season.store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA secure_delete") }
        let report = try await engine.rebuild(batchSize: 97) { progress.record($0) }
        // The rebuild's writes skip secure delete's extra I/O; the writer's own setting is back afterwards.
        #expect(try await season.store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA secure_delete") } == secureDelete)
        #expect(report.position == head && report.events == head)
        #expect(try season.hashes() == incremental)
        for projection in Projections.all { #expect(try engine.checkpoint(projection.name) == head) }
        #expect(progress.values.last?.processed == head)
        #expect(progress.values.count > 3)
        // One read model alone, too.
        try await engine.rebuild(projection: "audit_trail", batchSize: 500)
        #expect(try season.hashes() == incremental)
        try await expectNoShadowTables(season.store)
        // The live rows are right, not only stable: spot-check the queue.
        let queue = try await ReviewQueries(season.store.pool).queue(site: "4201")
        #expect(Set(queue.map(\.status)).isSuperset(of: ["approved", "signed", "rejected", "abandoned"]) || !queue.isEmpty)
    }

    @Test("candidate states rebuilt from a snapshot and the events after it, when not in memory, give the rows a rebuild gives")
    func candidateStatesFromSnapshots() async throws {
        // Almost nothing kept in memory and a snapshot every three events: nearly every append starts its candidate's
        // state from a snapshot (or, below the first, from the events).
        let season = try await SeasonFixture(warmRowsPerProjection: 1, snapshotEvery: 3)
        try await season.playSeason(candidates: 12)
        let engine = try #require(season.engine)
        let snapshots = try await season.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM snapshots") ?? 0 }
        #expect(snapshots >= 12)
        let incremental = try season.hashes()
        try await engine.rebuild(projection: "candidate_view", batchSize: 50)
        #expect(try season.hashes() == incremental)
        // And from the events alone, as a rebuild's catch-up does.
        try await season.store.pool.write { db in
            for id in (1...12).map(SeasonFixture.candidateID) {
                let version = try Int.fetchOne(db, sql: "SELECT MAX(stream_version) FROM events WHERE stream_id = ?", arguments: [id]) ?? 0
                let fromSnapshot = try CandidateViewProjection.row(
                    id,
                    before: version + 1,
                    db: db,
                    source: { db, stream, schema, before in
                        let source = try season.store.stateSource(db, streamId: stream, stateSchemaVersion: schema, before: before)
                        #expect(source.snapshot != nil)
                        return (source.snapshot?.payload, source.events)
                    }
                )
                let fromEvents = try CandidateViewProjection.row(id, before: version + 1, db: db, source: nil)
                #expect(fromSnapshot?.state == fromEvents?.state && fromEvents?.stored == fromSnapshot?.stored && fromEvents != nil)
            }
        }
    }

    /// A season of 12 candidates played with almost nothing kept in memory between appends, then `projection` rebuilt:
    /// the rows are checked to be the same.
    private func playedWithoutMemoryThenRebuilt(_ projection: String) async throws -> SeasonFixture {
        let season = try await SeasonFixture(warmRowsPerProjection: 1)
        try await season.playSeason(candidates: 12)
        let engine = try #require(season.engine)
        let incremental = try season.hashes()
        try await engine.rebuild(projection: projection, batchSize: 50)
        #expect(try season.hashes() == incremental)
        return season
    }

    @Test("review files read back from their document and queue lines when not in memory give the rows a rebuild gives")
    func reviewFilesFromTheirRows() async throws {
        // Nearly every relevant append reads its candidate's file from the tables.
        let season = try await playedWithoutMemoryThenRebuilt("review_comparison")
        // A file's document holds its identity and entries; its applications are its queue lines, each with the
        // application as the candidate's file holds it.
        let (documents, lines) = try await season.store.pool.read { db in
            (
                try Data.fetchAll(db, sql: "SELECT document FROM review_files"),
                try Row.fetchAll(db, sql: "SELECT entries, application, status FROM review_queue")
            )
        }
        #expect(documents.count == 12 && lines.count >= 12)
        for document in documents {
            let file = try ReviewFile(compactBinary: document)
            #expect(file.applications.isEmpty && !file.education.isEmpty)
        }
        for line in lines {
            let application = try Application(compactBinary: line[1])
            #expect(application.educationEntryIDs.count == line[0] as Int && application.educationEntryIDs == ["e1"])
            #expect(application.status.rawValue == line[2] as String)
        }
    }

    @Test("audit before-values folded again from the log when not in memory give the rows a rebuild gives")
    func auditValuesFromTheLog() async throws {
        // Nearly every append derives its candidate's field values from the log.
        let season = try await playedWithoutMemoryThenRebuilt("audit_trail")
        // A change shows what the field was: every "before" is the previous row's "after" for that subject and field.
        let rows = try await season.store.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.subject_id, t.field, t.before, t.after, e.event_type FROM audit_trail t JOIN audit_events e USING (position)
                    WHERE t.field <> '' ORDER BY t.position, t.seq
                    """
            )
        }
        var last = [String: String]()
        var checked = 0
        for row in rows {
            let key = (row[0] as String) + "\u{0}" + (row[1] as String)
            // A reviewer's correction records the old value the reviewer saw.
            if row[4] as String != "BasicInfoCorrected" { #expect(row[2] as String? == last[key], "\(key)") }
            last[key] = row[3] as String?
            if row[2] as String? != nil { checked += 1 }
        }
        #expect(checked > 20)
    }

    @Test("a database of audit trail version 2 is refilled at install and loses its stored field values")
    func auditTrailVersion2IsReplaced() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 4)
        let engine = try #require(season.engine)
        let current = try season.hashes()
        try await season.store.pool.write { db in
            try db.execute(sql: "CREATE TABLE audit_trail_values (subject_id TEXT PRIMARY KEY, fields BLOB NOT NULL) WITHOUT ROWID")
            try db.execute(sql: "UPDATE projection_checkpoints SET version = 2 WHERE name = 'audit_trail'")
            try db.execute(sql: "DELETE FROM audit_trail")
        }
        try engine.install()
        let (tables, version) = try await season.store.pool.read { db in
            (
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'audit%' ORDER BY name"),
                try Int.fetchOne(db, sql: "SELECT version FROM projection_checkpoints WHERE name = 'audit_trail'")
            )
        }
        #expect(tables == ["audit_events", "audit_trail"])
        #expect(version == AuditTrailProjection().version)
        #expect(try season.hashes() == current)
    }

    @Test("the demo season: every event type folds, and a rebuild gives the incremental rows")
    func demoSeason() async throws {
        let directory = try ScratchDirectory.make("registrar-projections-demo")
        var options = SQLiteEventStore.Options()
        options.durability = .normal
        let store = try SQLiteEventStore(path: directory.appendingPathComponent("demo.sqlite").path, options: options)
        let engine = ProjectionEngine(store: store)
        try engine.install()
        let clock = ManualClock(DemoSeason.start)
        let service = try RegistrarService(
            store: store,
            clock: clock,
            ids: SeededIDGenerator(seed: 2026),
            configuration: .init(seasonId: "2026", passwordHasher: .cheapForTests)
        )
        let demo = try DemoSeason(service: service, clock: clock, seed: 2026, candidates: 30, candidatePasswordHasher: .cheapForTests)
        _ = try await demo.play()
        let head = try await store.headPosition()
        let incremental = try hashes(engine)
        try await engine.rebuild(batchSize: 250)
        #expect(try hashes(engine) == incremental)
        for projection in Projections.all { #expect(try engine.checkpoint(projection.name) == head) }
        let seed = try #require(try await CandidateViewQueries(store.pool).candidate(username: DemoSeason.candidateUsername))
        #expect(seed.applications.last?.status == .submitted)
        let application = try #require(seed.applications.last?.application.applicationID)
        let comparison = try #require(try await ReviewQueries(store.pool).comparison(application: application))
        let mismatched = Set(comparison.entries.flatMap { $0.rows.filter { $0.status == .mismatch }.map(\.label) })
        #expect(mismatched.isSuperset(of: ["院校", "形式", "专业", "入学", "毕业"]))
        // The fast decoder agrees with the codecs (Foundation's JSONDecoder) on every stored event.
        let decoder = EventDecoder()
        let candidateCodec = EventCodec<CandidateEvent>()
        let seasonCodec = EventCodec<SeasonEvent>()
        let staffCodec = EventCodec<StaffEvent>()
        for recorded in try await store.readAll(after: 0, limit: 1_000_000) {
            let decoded = try decoder.decode(recorded)
            #expect(decoded.metadata == (try recorded.decodedMetadata()))
            switch decoded.payload {
            case .candidate(let event): #expect(event == (try candidateCodec.decode(recorded)))
            case .season(let event): #expect(event == (try seasonCodec.decode(recorded)))
            case .staff(let event): #expect(event == (try staffCodec.decode(recorded)))
            case .other: Issue.record("unknown event type \(recorded.type)")
            }
        }
        // A candidate's row holds the columns of the state the log replays to, and the query's file is that state;
        // review files are their fold's binary form, and read back as they were written.
        let (views, files) = try await store.pool.read { db in
            (
                try Row.fetchAll(
                    db,
                    sql: "SELECT candidate_id, username, name, id_number_masked, status, site_code, registered_at FROM candidate_view"
                ),
                try Data.fetchAll(db, sql: "SELECT document FROM review_files")
            )
        }
        #expect(views.count >= 30 && files.count >= 30)
        let season = try await service.seasonState()
        for row in views {
            let candidateID: String = row[0]
            let state = try await service.candidateState(candidateID)
            let basic = try #require(state.basic)
            #expect(row[1] == basic.username && row[2] == basic.name && row[3] == CandidateViewProjection.mask(basic.idNumber))
            #expect(row[4] == CandidateViewProjection.status(of: state) && row[5] == state.newestApplication?.siteCode)
            #expect(row[6] == state.registeredAt)
            let view = try await CandidateViewQueries(store.pool).candidate(id: candidateID, now: DemoSeason.start)
            #expect(view == CandidateView(candidateID: candidateID, state: state, now: DemoSeason.start, season: season))
        }
        for document in files {
            #expect(try ReviewFile(compactBinary: document).compactBinary() == document)
        }
        let types = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT event_type FROM audit_events") }
        #expect(Set(types).isSuperset(of: CandidateEvent.payloadTypes.map { $0.eventType }))
    }

    @Test("rebuild while appends continue: the swap catches up the tail, later appends keep flowing")
    func rebuildDuringAppends() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 30)
        let engine = try #require(season.engine)
        let rebuild = Task { try await engine.rebuild(batchSize: 40) }
        season.clock.set(SeasonFixture.beforeRegistration)
        for index in 200..<215 { try await season.register(index) }
        let report = try await rebuild.value
        for index in 215..<220 { try await season.register(index) }
        let head = try await season.store.headPosition()
        #expect(report.position <= head)
        for projection in Projections.all { #expect(try engine.checkpoint(projection.name) == head) }
        let afterConcurrentRun = try season.hashes()
        try await engine.rebuild()
        #expect(try season.hashes() == afterConcurrentRun)
        #expect(try await CandidateViewQueries(season.store.pool).candidate(id: SeasonFixture.candidateID(219)) != nil)
    }

    @Test("a cancelled rebuild drops its shadow tables and leaves the live ones untouched")
    func cancelledRebuild() async throws {
        let season = try await SeasonFixture()
        try await season.playSeason(candidates: 20)
        let engine = try #require(season.engine)
        let before = try season.hashes()
        let (started, continuation) = AsyncStream<Void>.makeStream()
        let rebuild = Task {
            try await engine.rebuild(batchSize: 10) { _ in
                continuation.yield()
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        for await _ in started { break }
        rebuild.cancel()
        await #expect(throws: CancellationError.self) { try await rebuild.value }
        #expect(try season.hashes() == before)
        try await expectNoShadowTables(season.store)
        // And the live tables keep being updated.
        try await season.register(300)
        #expect(try await CandidateViewQueries(season.store.pool).candidate(id: SeasonFixture.candidateID(300)) != nil)
    }

    @Test("rows kept in memory between appends: two processes appending to the same files keep the rows a rebuild gives")
    func warmRowsAcrossProcesses() async throws {
        // Process A (the fixture's store and engine) and process B (its own store and engine on the same file) take
        // turns on the same candidates: every row A keeps in memory goes stale when B appends, and must be reloaded.
        let season = try await SeasonFixture()
        let other = try season.otherProcess()
        let otherEngine = ProjectionEngine(store: try #require(other.store as? SQLiteEventStore))
        try otherEngine.install()
        for index in 1...3 { try await season.register(index) }
        for index in 1...3 {
            let id = SeasonFixture.candidateID(index)
            let contact = ContactInput(
                homePhone: nil,
                workPhone: nil,
                mobile: "139" + String(format: "%08d", index),
                email: nil,
                address: "湖北省宜昌市西陵区",
                postcode: "443000"
            )
            try await other.execute(
                .updateContact(UpdateContactDetails(candidateID: id, contact: contact)),
                candidateId: id,
                actor: .candidate(id),
                request: RequestContext(channel: "web")
            )
            // A's next fold of this file starts from the row B wrote, not from the one A remembers.
            try await season.scan(index, scan: "scan-\(index)", seedMismatch: index == 2)
        }
        season.clock.set(SeasonFixture.registration)
        for index in 1...3 { try await season.submit(index, application: "app-\(index)") }
        let view = try #require(try await CandidateViewQueries(season.store.pool).candidate(id: SeasonFixture.candidateID(2)))
        #expect(view.contact?.mobile == "13900000002" && view.status == "submitted")
        let changes = try await AuditQueries(season.store.pool).trail(candidate: SeasonFixture.candidateID(2), field: "contact.mobile")
        #expect(changes.map(\.after) == ["13800000002", "13900000002"])
        #expect(changes.last?.before == "13800000002")
        let incremental = try season.hashes()
        try await season.engine!.rebuild()
        #expect(try season.hashes() == incremental)
    }

    @Test("rows kept in memory: only what a committed transaction wrote, only for the next version of the stream, taken once")
    func warmRowsRules() {
        let warm = WarmRows(capacity: 2)
        warm.stage("row at 3", "files", stream: "c1", version: 3)
        warm.discardStaged()
        #expect(warm.take("files", stream: "c1", at: 3, as: String.self) == nil)
        warm.stage("row at 3", "files", stream: "c1", version: 3)
        warm.commitStaged()
        #expect(warm.take("views", stream: "c1", at: 3, as: String.self) == nil)
        #expect(warm.take("files", stream: "c1", at: 3, as: String.self) == .some("row at 3"))
        // Taken: gone until a committed transaction stages it again.
        #expect(warm.take("files", stream: "c1", at: 3, as: String.self) == nil)
        #expect(warm.count == 0)
        // A row of another version is dropped.
        warm.stage("row at 3", "files", stream: "c1", version: 3)
        warm.commitStaged()
        #expect(warm.take("files", stream: "c1", at: 2, as: String.self) == nil)
        #expect(warm.take("files", stream: "c1", at: 3, as: String.self) == nil)
        // An event the projection skips moves the row on; a gap forgets it.
        warm.stage("row at 3", "files", stream: "c1", version: 3)
        warm.stageAdvance("files", stream: "c1", to: 4)
        warm.commitStaged()
        #expect(warm.take("files", stream: "c1", at: 4, as: String.self) == .some("row at 3"))
        warm.stage("row at 4", "files", stream: "c1", version: 4)
        warm.stageAdvance("files", stream: "c1", to: 6)
        warm.commitStaged()
        #expect(warm.take("files", stream: "c1", at: 4, as: String.self) == nil)
        #expect(warm.take("files", stream: "c1", at: 6, as: String.self) == nil)
        // Bounded: two generations of `capacity` rows.
        for index in 0..<10 { warm.stage(index, "n", stream: "s\(index)", version: 1) }
        warm.commitStaged()
        #expect(warm.count <= 4)
        #expect(warm.take("n", stream: "s9", at: 1, as: Int.self) == .some(9))
    }

    @Test("an unknown read model is refused")
    func unknownProjection() async throws {
        let season = try await SeasonFixture()
        await #expect(throws: ProjectionError.unknownProjection("nope")) { try await season.engine!.rebuild(projection: "nope") }
    }

    private func hashes(_ engine: ProjectionEngine) throws -> [String: String] {
        try Dictionary(uniqueKeysWithValues: Projections.all.map { ($0.name, try engine.contentHash($0.name)) })
    }

    private func expectNoShadowTables(_ store: SQLiteEventStore) async throws {
        let leftovers = try await store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name LIKE '%\\_\\_rebuild%' ESCAPE '\\'")
        }
        #expect(leftovers.isEmpty)
    }
}

/// Collects progress reports from the rebuild's callback.
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = [RebuildProgress]()

    func record(_ value: RebuildProgress) { lock.withLock { stored.append(value) } }
    var values: [RebuildProgress] { lock.withLock { stored } }
}

/// A read model with no rows that throws when told to, after the others have folded and staged their rows.
private final class FailingProjection: Projection, Sendable {
    let failNext = Mutex(false)
    var name: String { "failing" }
    var version: Int { 1 }
    var tables: [String] { [] }
    func createTables(_ names: TableNames) -> [String] { [] }
    func createIndexes(_ names: TableNames) -> [String] { [] }
    func apply(_ events: [DecodedEvent], db: Database, tables: TableNames, state: FoldState) throws {
        let fails = failNext.withLock { value in
            defer { value = false }
            return value
        }
        if fails { throw FailingProjectionError() }
    }
    func flush(db: Database, tables: TableNames, state: FoldState) throws {}
}

private struct FailingProjectionError: Error {}
