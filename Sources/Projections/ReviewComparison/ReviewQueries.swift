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
    /// 姓名.
    public var name: String
    /// submitted, abandoned, approved, rejected or signed.
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
}

/// One CHSI verification attempt of an entry (superseded ones are kept).
public struct VerificationAttempt: Codable, Sendable, Equatable {
    /// 0 for the first attempt.
    public var sequence: Int
    /// The scan it answered.
    public var scanID: String
    /// When it arrived.
    public var receivedAt: String
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
    /// CHSI's name equals the candidate's.
    public var nameMatches: Bool
    /// CHSI's ID number equals the candidate's.
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
        entries, verified_entries, mismatches, identity_mismatch, corrections
        """

    /// The review queue of a site, oldest submission first; optionally only one status (e.g. `submitted`).
    public func queue(site: String, status: String? = nil) async throws -> [ReviewQueueItem] {
        try reader.readNow { db in
            var sql = "SELECT \(Self.queueColumns) FROM review_queue WHERE site_code = ?"
            var arguments: StatementArguments = [site]
            if let status {
                sql += " AND status = ?"
                arguments += [status]
            }
            let statement = try db.cachedStatement(sql: sql + " ORDER BY submitted_at, application_id")
            return try Row.fetchAll(statement, arguments: arguments).map(Self.item)
        }
    }

    /// The comparison of an application, or nil when unknown.
    public func comparison(application: String) async throws -> ApplicationComparison? {
        try reader.readNow { db in
            guard
                let summary = try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT \(Self.queueColumns) FROM review_queue WHERE application_id = ?"),
                    arguments: [application]
                ).map(Self.item)
            else { return nil }
            let rows = try Row.fetchAll(
                try db.cachedStatement(
                    sql: """
                        SELECT entry_id, label, declared, chsi, declared_normalised, chsi_normalised, status FROM review_comparison
                        WHERE candidate_id = ? AND application_id = ? ORDER BY entry_id, row_order
                        """
                ),
                arguments: [summary.candidateID, application]
            )
            var entries = [EntryComparison]()
            for row in rows {
                // Columns by position (the SELECT above): GRDB's lookup by name lower-cases it on every access.
                let entryID: String = row[0]
                if entries.last?.entryID != entryID {
                    let attempts = try Row.fetchAll(
                        try db.cachedStatement(
                            sql: """
                                SELECT seq, scan_id, received_at, school, major, level, study_form, enrolment_date, graduation_date,
                                    conclusion, name_matches, id_number_matches, superseded
                                FROM review_attempts WHERE candidate_id = ? AND entry_id = ? ORDER BY seq
                                """
                        ),
                        arguments: [summary.candidateID, entryID]
                    ).map { attempt in
                        VerificationAttempt(
                            sequence: attempt[0],
                            scanID: attempt[1],
                            receivedAt: attempt[2],
                            school: attempt[3],
                            major: attempt[4],
                            level: attempt[5],
                            studyForm: attempt[6],
                            enrolmentDate: attempt[7],
                            graduationDate: attempt[8],
                            conclusion: attempt[9],
                            nameMatches: attempt[10],
                            idNumberMatches: attempt[11],
                            superseded: attempt[12]
                        )
                    }
                    entries.append(EntryComparison(entryID: entryID, rows: [], attempts: attempts))
                }
                entries[entries.count - 1].rows.append(
                    ComparisonRow(
                        label: row[1],
                        declared: row[2],
                        chsi: row[3],
                        declaredNormalised: row[4],
                        chsiNormalised: row[5],
                        status: EducationComparison.Verdict(rawValue: row[6]) ?? .notVerified
                    )
                )
            }
            return ApplicationComparison(summary: summary, entries: entries)
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
            corrections: row[15]
        )
    }
}
