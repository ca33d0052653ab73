import EventLog
import Foundation
import GRDB
import RegistrationDomain

/// One line of a site's review queue.
public struct ReviewQueueItem: Codable, Sendable, Equatable {
    /// The candidate.
    public var candidateID: String
    /// The application.
    public var applicationID: String
    /// 考点.
    public var siteCode: String
    /// 考区.
    public var areaCode: String
    /// The exam.
    public var examCode: String
    /// 姓名 (as reviewed, once the application left the submitted state).
    public var name: String
    /// The status the candidate's file shows: submitted, abandoned, approved, rejected, signed, paid or refunded.
    public var status: String
    /// When it was submitted.
    public var submittedAt: String
    /// When it was decided (or abandoned).
    public var decidedAt: String?
    /// The deciding reviewer.
    public var decidedBy: String?
    /// Why it was rejected.
    public var reason: String?
    /// Ticked education entries.
    public var entries: Int
    /// Of which with a CHSI result.
    public var verifiedEntries: Int
    /// Rows compared as mismatch (identity rows included).
    public var mismatches: Int
    /// A CHSI result names someone else: a red flag.
    public var identityMismatch: Bool
    /// Corrections of basic information made during review.
    public var corrections: Int
    /// unpaid, pending (awaiting the bank), failed (the latest attempt), paid or refunded: the candidate file's.
    public var paymentStatus: String
}

/// Where a page of a site's review queue ended: the next page starts after this line.
public struct ReviewQueueCursor: Sendable, Equatable {
    /// The line's submission time.
    public var submittedAt: String
    /// The line's application (breaks ties between equal submission times).
    public var applicationID: String

    /// Creates a cursor after the line with these keys.
    public init(submittedAt: String, applicationID: String) {
        self.submittedAt = submittedAt
        self.applicationID = applicationID
    }

    /// Whether this line comes before `other` in the queue: by submission time, then application id, each compared
    /// by its UTF-8 bytes (SQLite's order of the two columns).
    public func precedes(_ other: ReviewQueueCursor) -> Bool {
        if submittedAt != other.submittedAt { return submittedAt.utf8.lexicographicallyPrecedes(other.submittedAt.utf8) }
        return applicationID.utf8.lexicographicallyPrecedes(other.applicationID.utf8)
    }

    /// The cursor as a client passes it back: opaque, URL-safe (base64url of the two keys).
    public var token: String {
        Data((submittedAt + "\n" + applicationID).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The cursor a token stands for; nil for anything `token` does not produce.
    public init?(token: String) {
        guard (1...400).contains(token.utf8.count),
            token.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x5F
            })
        else { return nil }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" })
        else { return nil }
        self.init(submittedAt: String(parts[0]), applicationID: String(parts[1]))
        guard self.token == token else { return nil }
    }
}

/// One page of a site's review queue.
public struct ReviewQueuePage: Sendable, Equatable {
    /// The lines, oldest submission first.
    public var items: [ReviewQueueItem]
    /// Where the next page starts; nil on the last page.
    public var next: ReviewQueueCursor?

    /// Creates a page.
    public init(items: [ReviewQueueItem], next: ReviewQueueCursor?) {
        self.items = items
        self.next = next
    }
}

/// The lines a page of a queue could hold: those after the cursor it was asked with, through its last line when
/// more follow (to the end of the queue otherwise). A change of a line outside leaves the page as it is.
public struct ReviewQueueRange: Sendable, Equatable {
    /// The cursor the page was asked with (nil: from the start).
    public var after: ReviewQueueCursor?
    /// The page's last line when a next page follows (nil: the page is the last).
    public var through: ReviewQueueCursor?

    /// Creates the range of a page asked for after `after` whose next page starts after `through`.
    public init(after: ReviewQueueCursor?, through: ReviewQueueCursor?) {
        self.after = after
        self.through = through
    }

    /// Whether adding, changing or removing `line` can change the page.
    public func holds(_ line: ReviewQueueCursor) -> Bool {
        if let after, !after.precedes(line) { return false }
        if let through, through.precedes(line) { return false }
        return true
    }
}

/// One CHSI verification attempt of an entry (superseded ones are kept).
public struct VerificationAttempt: Codable, Sendable, Equatable {
    /// 0 for the first attempt.
    public var sequence: Int
    /// The scan it answered.
    public var scanID: String
    /// When it arrived.
    public var receivedAt: String
    /// The name CHSI returned.
    public var name: String
    /// The ID number CHSI returned.
    public var idNumber: String
    /// 院校名称.
    public var school: String
    /// 专业名称.
    public var major: String
    /// 层次.
    public var level: String
    /// 学习形式.
    public var studyForm: String
    /// 入学日期.
    public var enrolmentDate: String
    /// 毕业日期.
    public var graduationDate: String
    /// 毕业结论.
    public var conclusion: String
    /// CHSI's name equals the candidate's, as the comparison's 姓名 row reads it (the file's name now, or as reviewed
    /// once the application was decided; spaces around either ignored).
    public var nameMatches: Bool
    /// CHSI's ID number equals the candidate's, as the 证件号码 row reads it.
    public var idNumberMatches: Bool
    /// A newer attempt replaced it.
    public var superseded: Bool
}

/// The comparison of one ticked education entry.
public struct EntryComparison: Codable, Sendable, Equatable {
    /// The entry.
    public var entryID: String
    /// The rows in screen order.
    public var rows: [ComparisonRow]
    /// Every verification attempt, oldest first.
    public var attempts: [VerificationAttempt]
}

/// The reviewer's screen for one application.
public struct ApplicationComparison: Codable, Sendable, Equatable {
    /// The queue line (status, counts).
    public var summary: ReviewQueueItem
    /// One comparison per ticked education entry.
    public var entries: [EntryComparison]
}

/// Queries of the review-comparison read model.
public struct ReviewQueries: Sendable {
    /// Where the read model lives.
    public let reader: any DatabaseReader

    /// Creates the queries over a database.
    public init(_ reader: any DatabaseReader) { self.reader = reader }

    static let queueColumns = """
        candidate_id, application_id, site_code, area_code, exam_code, name, status, submitted_at, decided_at, decided_by, reason,
        entries, verified_entries, mismatches, identity_mismatch, corrections, payment_status
        """

    /// The whole review queue of a site, oldest submission first; optionally only one status (e.g. `submitted`).
    public func queue(site: String, status: String? = nil) async throws -> [ReviewQueueItem] {
        try reader.readNow { db in try Self.queueLines(db, site: site, status: status, after: nil, limit: nil) }
    }

    /// A page of a site's review queue, oldest submission first: at most `limit` lines after `after` (from the
    /// start when nil), optionally of one status. `next` is set when more lines follow.
    public func queue(site: String, status: String? = nil, after: ReviewQueueCursor?, limit: Int) async throws -> ReviewQueuePage {
        let limit = max(1, limit)
        return try reader.readNow { db in
            let items = try Self.queueLines(db, site: site, status: status, after: after, limit: limit + 1)
            let page = firstPage(of: items, limit: limit) { ReviewQueueCursor(submittedAt: $0.submittedAt, applicationID: $0.applicationID) }
            return ReviewQueuePage(items: page.items, next: page.next)
        }
    }

    /// How many of a site's queue lines have each status (the queue's tabs): one scan of the site's index, which holds
    /// the status.
    public func statusCounts(site: String) async throws -> [String: Int] {
        try reader.readNow { db in
            var counts = [String: Int]()
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT status, COUNT(*) AS lines FROM review_queue WHERE site_code = ? GROUP BY status",
                arguments: [site]
            )
            while let row = try rows.next() { counts[row["status"]] = row["lines"] as Int }
            return counts
        }
    }

    /// A site's queue lines that a reviewer looks up (查找): of the candidates `candidateIDs`, of the name `name`, or the
    /// application `applicationID`; oldest submission first, at most 100. A scan of the site's lines (the index by
    /// site), no index on names that every append would pay for.
    public func search(site: String, candidateIDs: Set<String>, name: String, applicationID: String) async throws -> [ReviewQueueItem] {
        try reader.readNow { db in
            let candidates = Array(candidateIDs.prefix(20))
            let placeholders = Array(repeating: "?", count: candidates.count).joined(separator: ", ")
            var arguments: StatementArguments = [site, name, applicationID]
            arguments += StatementArguments(candidates)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.queueColumns) FROM review_queue WHERE site_code = ?
                    AND (name = ? OR application_id = ?\(candidates.isEmpty ? "" : " OR candidate_id IN (\(placeholders))"))
                    ORDER BY submitted_at, application_id LIMIT 100
                    """,
                arguments: arguments
            ).map(Self.item)
        }
    }

    /// Every application whose payment status is `overpaid` (the bank confirmed more than the fee: an excess awaits its
    /// refund), oldest submission first. A scan of the queue: administrators ask it now and then, no append pays for an
    /// index.
    public func awaitingExcessRefund() async throws -> [ReviewQueueItem] {
        try reader.readNow { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.queueColumns) FROM review_queue WHERE payment_status = 'overpaid' ORDER BY submitted_at, application_id"
            ).map(Self.item)
        }
    }

    // In the order of `review_queue_by_site`, so a page reads a range of the index and stops at its limit.
    static func queueStatement(status: Bool, after: Bool, limit: Bool) -> String {
        var sql = "SELECT \(queueColumns) FROM review_queue WHERE site_code = ?"
        if status { sql += " AND status = ?" }
        if after { sql += " AND (submitted_at, application_id) > (?, ?)" }
        sql += " ORDER BY submitted_at, application_id"
        if limit { sql += " LIMIT ?" }
        return sql
    }

    private static func queueLines(
        _ db: Database,
        site: String,
        status: String?,
        after: ReviewQueueCursor?,
        limit: Int?
    ) throws
        -> [ReviewQueueItem]
    {
        var arguments: StatementArguments = [site]
        if let status { arguments += [status] }
        if let after { arguments += [after.submittedAt, after.applicationID] }
        if let limit { arguments += [limit] }
        let statement = try db.cachedStatement(sql: queueStatement(status: status != nil, after: after != nil, limit: limit != nil))
        // A cursor reads each line where the statement has it; `fetchAll` would copy every row first.
        let lines = try Row.fetchCursor(statement, arguments: arguments)
        var items = [ReviewQueueItem]()
        while let row = try lines.next() { items.append(item(row)) }
        return items
    }

    /// The comparison of an application, or nil when unknown: its queue line, and the rows and verification
    /// attempts of its ticked entries computed from the candidate's stored review file, or, once the application left
    /// the submitted state, from the copy it was reviewed on (``ReviewFile/ReviewedEntries``) (the rows are a pure
    /// function of the file, ``ReviewComparisonProjection/rows(file:entry:)``; storing them cost every relevant append a
    /// dozen rows).
    public func comparison(application: String) async throws -> ApplicationComparison? {
        try reader.readNow { db in
            guard
                let line = try Row.fetchOne(
                    try db.cachedStatement(
                        sql: "SELECT \(Self.queueColumns), application, decided_by, reviewed FROM review_queue WHERE application_id = ?"
                    ),
                    arguments: [application]
                ),
                case let summary = Self.item(line),
                let document = try Data.fetchOne(
                    try db.cachedStatement(sql: "SELECT document FROM review_files WHERE candidate_id = ?"),
                    arguments: [summary.candidateID]
                )
            else { return nil }
            let application = try ReviewComparisonProjection.application(fromLine: line, at: 17)
            // A decided or abandoned application is compared as it was reviewed, not as the file is now.
            let file = ReviewComparisonProjection.source(of: application, in: try ReviewFile(compactBinary: document))
            return ApplicationComparison(summary: summary, entries: Self.entries(application.educationEntryIDs, in: file))
        }
    }

    /// The comparison of each ticked entry (`ticked`, an application's) that the file still has, by entry id (byte
    /// order).
    static func entries(_ ticked: [String], in file: ReviewFile) -> [EntryComparison] {
        Set(ticked).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.compactMap { entryID in
            guard let entry = file.education[entryID] else { return nil }
            let results = entry.chsiResults
            return EntryComparison(
                entryID: entryID,
                rows: ReviewComparisonProjection.rows(file: file, entry: entry),
                attempts: results.enumerated().map { sequence, result in
                    VerificationAttempt(
                        sequence: sequence,
                        scanID: result.scanID,
                        receivedAt: result.receivedAt,
                        name: result.name,
                        idNumber: result.idNumber,
                        school: result.school,
                        major: result.major,
                        level: result.level,
                        studyForm: result.studyForm,
                        enrolmentDate: result.enrolmentDate,
                        graduationDate: result.graduationDate,
                        conclusion: result.conclusion,
                        // Against the name and number the rows compare with (a reviewer's later correction shows
                        // here too), not the flags computed on receipt (audit X-5).
                        nameMatches: EducationComparison.sameText(result.name, file.name),
                        idNumberMatches: EducationComparison.sameIDNumber(result.idNumber, file.idNumber),
                        superseded: sequence < results.count - 1
                    )
                }
            )
        }
    }

    /// A row of `queueColumns`, by position.
    private static func item(_ row: Row) -> ReviewQueueItem {
        ReviewQueueItem(
            candidateID: row[0],
            applicationID: row[1],
            siteCode: row[2],
            areaCode: row[3],
            examCode: row[4],
            name: row[5],
            status: row[6],
            submittedAt: row[7],
            decidedAt: row[8],
            decidedBy: row[9],
            reason: row[10],
            entries: row[11],
            verifiedEntries: row[12],
            mismatches: row[13],
            identityMismatch: row[14],
            corrections: row[15],
            paymentStatus: row[16]
        )
    }
}
