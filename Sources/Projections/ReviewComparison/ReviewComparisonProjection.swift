import EventLog
import Foundation
import GRDB
import RegistrationDomain

/// One row of the reviewer's side-by-side comparison.
public struct ComparisonRow: Codable, Sendable, Equatable {
    /// 姓名, 证件号码, 院校, 形式, 学历, 专业, 学制, 入学, 毕业, 结论 or 证书编号.
    public var label: String
    /// 填报: the declared value (`""` where nothing is declared, as for 结论).
    public var declared: String
    /// 学信网: CHSI's value verbatim; nil when CHSI does not provide it or there is no result.
    public var chsi: String?
    /// The declared value as compared (dates as `YYYY-MM`).
    public var declaredNormalised: String
    /// CHSI's value as compared (`20100728` becomes `2010-07`).
    public var chsiNormalised: String?
    /// match, mismatch, notProvided (学制, 证书编号: never a mismatch) or notVerified.
    public var status: EducationComparison.Verdict
}

/// The review-comparison read model: per application and ticked education entry, the rows of DOMAIN.md §5 plus the
/// identity rows; the history of CHSI verification attempts per entry; and the review queue per exam site.
public struct ReviewComparisonProjection: Projection {
    public let name = "review_comparison"
    /// 2: `review_files` a rowid table (see `createTables`); 3: its documents in the compact binary form; 4: no
    /// index of the comparison rows by application (an application's rows are found by the candidate the queue
    /// names; the index put every relevant append's rows at a random page of its own); 5: the queue indexed by
    /// (site, submitted at, application, status), the order in which it is read a page at a time; 6: the comparison
    /// rows and verification attempts are no longer stored but computed from the file when read (they are a pure
    /// function of it: ``rows(file:entry:)``); 7: a file's applications live in their queue lines alone (which gained
    /// the ticked entries' ids), so that an application's own events rewrite its line and not the whole file (a
    /// candidate who abandons and applies again keeps every application); 8: a file folds the CHSI scans started as
    /// well, so that a late answer to an older scan joins the history without superseding the newer scan's; 9: a line
    /// holds its application as the candidate's file does (`application`, the domain's compact binary form, folded by
    /// the domain's `evolve`, payments and refunds included), so that its `status` is the file's (paid and refunded
    /// too) and `payment_status` is new; and what a decided or abandoned application was reviewed on (`reviewed`),
    /// from which its comparison is computed from then on. The version is 9,100 plus the state's schema version,
    /// since the line stores the domain's `Application` in the state's form: 9106. (9,000 before `corrections` counted
    /// a correction of the ID number once, with the 性别 and 出生日期 it corrects.)
    public var version: Int { 9_100 + CandidateState.stateSchemaVersion }
    public let tables = ["review_files", "review_queue"]
    /// Versions 1–5 stored each application's comparison rows and each entry's verification attempts.
    public let retiredTables = ["review_comparison", "review_attempts"]

    /// Creates the projection.
    public init() {}

    // `review_files` is a rowid table: its ~1.3 KB documents stay on their leaf page there, while a WITHOUT ROWID
    // table keeps at most ~1 KB of a row on the leaf and puts the rest on an overflow page of its own (each file
    // then took a whole extra page, written again by every append).
    public func createTables(_ t: TableNames) -> [String] {
        [
            """
            CREATE TABLE \(t("review_files")) (
                candidate_id TEXT PRIMARY KEY,
                document BLOB NOT NULL
            )
            """,
            """
            CREATE TABLE \(t("review_queue")) (
                candidate_id TEXT NOT NULL,
                application_id TEXT NOT NULL,
                site_code TEXT NOT NULL,
                area_code TEXT NOT NULL,
                exam_code TEXT NOT NULL,
                name TEXT NOT NULL,
                status TEXT NOT NULL,
                submitted_at TEXT NOT NULL,
                decided_at TEXT,
                decided_by TEXT,
                reason TEXT,
                entries INTEGER NOT NULL,
                verified_entries INTEGER NOT NULL,
                mismatches INTEGER NOT NULL,
                identity_mismatch INTEGER NOT NULL,
                corrections INTEGER NOT NULL,
                payment_status TEXT NOT NULL,
                application BLOB NOT NULL,
                reviewed BLOB,
                PRIMARY KEY (candidate_id, application_id)
            ) WITHOUT ROWID
            """,
        ]
    }

    public func createIndexes(_ t: TableNames) -> [String] {
        [
            // In the queue's order, so that a page is a range of the index whatever the status asked for; the status
            // is there to filter without reading the rows (and an application's status change stays on its page).
            "CREATE INDEX review_queue_by_site ON \(t("review_queue")) (site_code, submitted_at, application_id, status)",
            "CREATE INDEX review_queue_by_application ON \(t("review_queue")) (application_id)",
        ]
    }

    // MARK: Pure derivations

    /// The rows for one education entry of a file: identity rows, the eight rows of the review screen, and the
    /// certificate number (which CHSI never returns).
    public static func rows(file: ReviewFile, entry: EducationEntry) -> [ComparisonRow] {
        let result = entry.currentChsiResult
        // Compared with the file's current name and number, not the flags computed on receipt: a reviewer's
        // correction made afterwards must show up here.
        func identity(_ label: String, _ declared: String, _ chsi: String?, upper: Bool) -> ComparisonRow {
            let normalise = { (text: String) in
                let trimmed = text.trimmedOfWhitespace()
                return upper ? trimmed.uppercased() : trimmed
            }
            let status: EducationComparison.Verdict = chsi.map { normalise($0) == normalise(declared) ? .match : .mismatch } ?? .notVerified
            return ComparisonRow(
                label: label,
                declared: declared,
                chsi: chsi,
                declaredNormalised: normalise(declared),
                chsiNormalised: chsi.map(normalise),
                status: status
            )
        }
        var rows = [
            identity("姓名", file.name, result?.name, upper: false),
            identity("证件号码", file.idNumber, result?.idNumber, upper: true),
        ]
        for row in EducationComparison.compare(entry.record, with: result).rows {
            let isDate = row.label == "入学" || row.label == "毕业"
            rows.append(
                ComparisonRow(
                    label: row.label,
                    declared: row.declared,
                    chsi: row.chsi,
                    declaredNormalised: row.declared.trimmedOfWhitespace(),
                    chsiNormalised: row.chsi.map { isDate ? normaliseChsiDate($0) : $0.trimmedOfWhitespace() },
                    status: row.verdict
                )
            )
        }
        rows.append(
            ComparisonRow(
                label: "证书编号",
                declared: entry.record.certificateNumber,
                chsi: nil,
                declaredNormalised: entry.record.certificateNumber,
                chsiNormalised: nil,
                status: result == nil ? .notVerified : .notProvided
            )
        )
        return rows
    }

    /// CHSI's `YYYYMMDD` as `YYYY-MM` (other shapes are kept as they are).
    public static func normaliseChsiDate(_ text: String) -> String {
        let digits = Array(text.utf8)
        guard digits.count == 8, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return text }
        return "\(text.prefix(4))-\(text.dropFirst(4).prefix(2))"
    }

    // MARK: SQL

    public func apply(_ events: [DecodedEvent], db: Database, tables t: TableNames, state: FoldState) throws {
        let files = state.cache("files", of: ReviewFile.self, keepsWrittenRows: true)
        let loadDocument = try db.cachedStatement(sql: "SELECT document FROM \(t("review_files")) WHERE candidate_id = ?")
        let loadApplications = try db.cachedStatement(
            sql: """
                SELECT application, decided_by, reviewed
                FROM \(t("review_queue")) WHERE candidate_id = ? ORDER BY submitted_at, application_id
                """
        )
        let load = { (key: String) throws -> ReviewFile? in
            guard var file = try Data.fetchOne(loadDocument, arguments: [key]).map({ try ReviewFile(compactBinary: $0) }) else { return nil }
            file.applications = try Row.fetchAll(loadApplications, arguments: [key]).map { try Self.application(fromLine: $0) }
            return file
        }
        for event in events {
            guard case .candidate(let candidateEvent) = event.payload else { continue }
            guard ReviewFile.isRelevant(candidateEvent) else {
                files.skip(event.streamId, version: event.recorded.streamVersion)
                continue
            }
            try files.update(
                event.streamId,
                version: event.recorded.streamVersion,
                load: load,
                { ReviewFile.fold(&$0, candidateEvent) }
            )
        }
    }

    /// The change noted when rows of a site's review queue are written (``ProjectionEngine/addChangeObserver(_:)``).
    public static func queueChange(site: String) -> String { "review_queue:" + site }

    /// The change note of one line of a site's queue (added, changed or removed): the site's note and the line's
    /// keys, so that a page of the queue whose range does not hold the line can be kept.
    public static func queueChange(site: String, line: ReviewQueueCursor) -> String {
        queueChange(site: site) + "\u{0}" + line.submittedAt + "\u{0}" + line.applicationID
    }

    /// The site's note and the line of a note made by ``queueChange(site:line:)``; nil for any other note.
    public static func changedQueueLine(_ change: String) -> (site: String, line: ReviewQueueCursor)? {
        guard change.hasPrefix("review_queue:") else { return nil }
        let parts = change.split(separator: "\u{0}", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        return (String(parts[0]), ReviewQueueCursor(submittedAt: String(parts[1]), applicationID: String(parts[2])))
    }

    private static func queueChange(_ application: ReviewFile.ReviewedApplication) -> String {
        queueChange(
            site: application.siteCode,
            line: ReviewQueueCursor(submittedAt: application.submittedAt, applicationID: application.applicationID)
        )
    }

    public func flush(db: Database, tables t: TableNames, state: FoldState) throws {
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO \(t("review_files")) (candidate_id, document) VALUES (?, ?)
                ON CONFLICT (candidate_id) DO UPDATE SET document = excluded.document
                """
        )
        let deleteFile = try db.cachedStatement(sql: "DELETE FROM \(t("review_files")) WHERE candidate_id = ?")
        let deleteQueueStatement = try db.cachedStatement(sql: "DELETE FROM \(t("review_queue")) WHERE candidate_id = ?")
        let deleteLineStatement = try db.cachedStatement(
            sql: "DELETE FROM \(t("review_queue")) WHERE candidate_id = ? AND application_id = ?"
        )
        let writeLineStatement = try db.cachedStatement(
            sql: """
                INSERT INTO \(t("review_queue")) (candidate_id, application_id, site_code, area_code, exam_code, name, status,
                    submitted_at, decided_at, decided_by, reason, entries, verified_entries, mismatches, identity_mismatch,
                    corrections, payment_status, application, reviewed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (candidate_id, application_id) DO UPDATE SET site_code = excluded.site_code,
                    area_code = excluded.area_code, exam_code = excluded.exam_code, name = excluded.name, status = excluded.status,
                    submitted_at = excluded.submitted_at, decided_at = excluded.decided_at, decided_by = excluded.decided_by,
                    reason = excluded.reason, entries = excluded.entries, verified_entries = excluded.verified_entries,
                    mismatches = excluded.mismatches, identity_mismatch = excluded.identity_mismatch, corrections = excluded.corrections,
                    payment_status = excluded.payment_status, application = excluded.application, reviewed = excluded.reviewed
                """
        )
        // Through the C API: GRDB's argument arrays cost more than these small statements.
        let lines = QueueLines(
            deleteAll: RawBinder(deleteQueueStatement),
            delete: RawBinder(deleteLineStatement),
            write: RawBinder(writeLineStatement)
        )
        try state.cache("files", of: ReviewFile.self, keepsWrittenRows: true).flushWithStored { candidateID, stored, file in
            guard let file else {
                try lines.deleteAll.run(.text(candidateID))
                try deleteFile.execute(arguments: [candidateID])
                for application in stored?.applications ?? [] { state.noteChange(Self.queueChange(application)) }
                return
            }
            let wasStored = stored != nil
            let stored =
                try stored
                ?? {
                    // No file was stored, so no lines should be; any left are cleared, and every line is new.
                    try lines.deleteAll.run(.text(candidateID))
                    return ReviewFile(name: file.name, idNumber: file.idNumber, education: [:], applications: [])
                }()
            // Applications are only ever added at the end, so the stored file's are, index for index, the same ones:
            // no dictionary of them, and no copies (a candidate who abandons and applies again keeps every
            // application, and each write compares them all), unless a file's order ever says otherwise.
            let storedApplications = stored.applications
            let applications = file.applications
            let common = min(storedApplications.count, applications.count)
            let sameOrder = (0..<common).allSatisfy { storedApplications[$0].applicationID == applications[$0].applicationID }
            let identityChanged = stored.name != file.name || stored.idNumber != file.idNumber
            // The entries that differ, compared once rather than for every application that ticks them.
            var changedEntries = Set<String>()
            for (entryID, entry) in file.education where stored.education[entryID] != entry { changedEntries.insert(entryID) }
            for entryID in stored.education.keys where file.education[entryID] == nil { changedEntries.insert(entryID) }
            // The document (identity and entries) is written when they changed; the applications are the lines'.
            if !wasStored || identityChanged || !changedEntries.isEmpty {
                try upsert.execute(arguments: [candidateID, Self.document(of: file)])
            }
            // A queue line is written again only when it may differ: its application, or, while it is submitted, the
            // identity or one of its ticked entries changed (a decided or abandoned application keeps what it was
            // reviewed on, so its line stays as it is).
            for index in applications.indices {
                let previousIndex =
                    sameOrder
                    ? (index < storedApplications.count ? index : nil)
                    : storedApplications.lastIndex { $0.applicationID == applications[index].applicationID }
                if let previousIndex, storedApplications[previousIndex] == applications[index],
                    applications[index].reviewed != nil
                        || (!identityChanged
                            && (changedEntries.isEmpty
                                || applications[index].educationEntryIDs.allSatisfy({ !changedEntries.contains($0) })))
                {
                    continue
                }
                // A line already there is updated where it lies (SQLite rewrites only the indexes whose columns
                // change: a new status moves nothing in the index by application).
                if let previousIndex { state.noteChange(Self.queueChange(storedApplications[previousIndex])) }
                try lines.write(applications[index], of: file, candidateID)
                state.noteChange(Self.queueChange(applications[index]))
            }
            guard !sameOrder || storedApplications.count > file.applications.count else { return }
            let kept = Set(file.applications.map(\.applicationID))
            for previous in storedApplications where !kept.contains(previous.applicationID) {
                try lines.delete.run(.text(candidateID), .text(previous.applicationID))
                state.noteChange(Self.queueChange(previous))
            }
        }
    }

    /// The stored document of a file: its identity and entries (its applications are stored as queue lines).
    static func document(of file: ReviewFile) -> Data {
        ReviewFile(name: file.name, idNumber: file.idNumber, education: file.education, applications: []).compactBinary()
    }

    /// An application as its queue line stores it (the columns of ``apply(_:db:tables:state:)``'s load, in order:
    /// `application`, `decided_by`, `reviewed`, from column `offset` on).
    static func application(fromLine row: Row, at offset: Int = 0) throws -> ReviewFile.ReviewedApplication {
        ReviewFile.ReviewedApplication(
            application: try Application(compactBinary: row[offset]),
            decidedBy: row[offset + 1],
            reviewed: try (row[offset + 2] as Data?).map { try ReviewFile.ReviewedEntries(compactBinary: $0) }
        )
    }

    /// What a comparison is computed from: the copy an application was reviewed on once it left the submitted
    /// state, the candidate's current file before.
    static func source(of application: ReviewFile.ReviewedApplication, in file: ReviewFile) -> ReviewFile {
        guard let reviewed = application.reviewed else { return file }
        return ReviewFile(name: reviewed.name, idNumber: reviewed.idNumber, education: reviewed.education, applications: [])
    }

    /// What an application's queue line counts of its comparison rows: ticked entries CHSI verified (a result that
    /// names the candidate: one of another person is not a verification, as the candidate's file says), rows compared
    /// as mismatch, and whether an identity row is one.
    static func counts(_ application: ReviewFile.ReviewedApplication, of file: ReviewFile) -> (verified: Int, mismatches: Int, identity: Bool) {
        let file = source(of: application, in: file)
        var verified = 0
        var mismatches = 0
        var identity = false
        for entryID in application.educationEntryIDs {
            guard let entry = file.education[entryID] else { continue }
            var otherPerson = false
            for (order, row) in rows(file: file, entry: entry).enumerated() where row.status == .mismatch {
                mismatches += 1
                if order < 2 { otherPerson = true }
            }
            if otherPerson { identity = true }
            if entry.currentChsiResult != nil && !otherPerson { verified += 1 }
        }
        return (verified, mismatches, identity)
    }
}

/// The review queue's statements: a candidate's lines, one line, and writing one.
private struct QueueLines {
    let deleteAll: RawBinder
    let delete: RawBinder
    let write: RawBinder

    /// Inserts an application's queue line, or updates it where it lies.
    func write(_ application: ReviewFile.ReviewedApplication, of file: ReviewFile, _ candidateID: String) throws {
        let counts = ReviewComparisonProjection.counts(application, of: file)
        try write.run(
            .text(candidateID),
            .text(application.applicationID),
            .text(application.siteCode),
            .text(application.areaCode),
            .text(application.examCode),
            .text(application.reviewed?.name ?? file.name),
            .text(application.status),
            .text(application.submittedAt),
            .text(application.decidedAt),
            .text(application.decidedBy),
            .text(application.reason),
            .int(application.educationEntryIDs.count),
            .int(counts.verified),
            .int(counts.mismatches),
            .bool(counts.identity),
            .int(application.corrections),
            .text(application.paymentStatus),
            .blob(application.application.compactBinary()),
            .optionalBlob(application.reviewed?.compactBinary())
        )
    }
}
