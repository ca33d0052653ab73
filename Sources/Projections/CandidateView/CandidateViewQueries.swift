import EventLog
import Foundation
import GRDB
import RegistrationDomain
import Synchronization

/// An education entry as the candidate and the reviewer see it: content, flags and CHSI verification.
public struct EducationEntryView: Codable, Sendable, Equatable {
    /// The entry with its declared record and CHSI history.
    public var entry: EducationEntry
    /// 已锁定.
    public var locked: Bool
    /// 已审核.
    public var verified: Bool
    /// CHSI's current result is a record in the candidate's name and ID number (as the file has them now).
    public var chsiVerified: Bool
    /// When the current CHSI result arrived (whether or not it is the candidate's).
    public var chsiVerifiedAt: String?
    /// CHSI's current result is another person's record (name or ID number differ): a wrong pick, to scan again.
    public var chsiIdentityMismatch: Bool
}

/// A training or certificate entry with its flags.
public struct EntryFlagsView: Codable, Sendable, Equatable {
    /// The entry id.
    public var entryID: String
    /// 已锁定.
    public var locked: Bool
    /// 已审核.
    public var verified: Bool
}

/// An application with its derived statuses.
public struct ApplicationView: Codable, Sendable, Equatable {
    /// Everything recorded about it.
    public var application: Application
    /// submitted, abandoned, approved, rejected, signed, paid or refunded.
    public var status: ApplicationStatus
    /// The payment status.
    public var paymentStatus: PaymentStatus
    /// Paid beyond the fee and not yet refunded, in fen (a second order the bank confirmed; 0 normally).
    public var excessFen: Int
}

/// A candidate's page: profile, entries with flags, applications with status, and what to do next.
public struct CandidateView: Codable, Sendable, Equatable {
    /// The candidate id.
    public var candidateID: String
    /// The permanent username.
    public var username: String
    /// 姓名.
    public var name: String
    /// The ID number masked for lists (the full number is in `state.basic`; the HTTP layer masks by role).
    public var idNumberMasked: String
    /// The newest application's status, or `registered`.
    public var status: String
    /// The newest application's exam site.
    public var siteCode: String?
    /// 基本信息, 联系方式, 工作情况.
    public var basic: BasicInfo?
    /// 联系方式.
    public var contact: ContactInfo?
    /// 工作情况.
    public var work: WorkInfo?
    /// Education entries in the order they were added.
    public var education: [EducationEntryView]
    /// Training entries in order.
    public var training: [TrainingEntry]
    /// Certificates in order.
    public var certificates: [CertificateEntry]
    /// Flags of the training and certificate entries, in the same order (training first).
    public var entryFlags: [EntryFlagsView]
    /// Applications in submission order.
    public var applications: [ApplicationView]
    /// What the candidate may do next, at the instant of the query.
    public var nextActions: [CandidateAction]

    /// Builds the view of a state at an instant of a season.
    public init(candidateID: String, state: CandidateState, now: Date, season: SeasonState?) {
        self.candidateID = candidateID
        username = state.basic?.username ?? ""
        name = state.basic?.name ?? ""
        idNumberMasked = CandidateViewProjection.mask(state.basic?.idNumber ?? "")
        status = CandidateViewProjection.status(of: state)
        siteCode = state.newestApplication?.siteCode
        basic = state.basic
        contact = state.contact
        work = state.work
        education = state.educationInOrder.map {
            EducationEntryView(
                entry: $0,
                locked: $0.flags.isLocked,
                verified: $0.flags.verified,
                chsiVerified: $0.currentChsiResult.map(state.chsiIdentityMatches) ?? false,
                chsiVerifiedAt: $0.currentChsiResult?.receivedAt,
                chsiIdentityMismatch: $0.currentChsiResult.map { !state.chsiIdentityMatches($0) } ?? false
            )
        }
        training = state.trainingInOrder
        certificates = state.certificatesInOrder
        entryFlags =
            state.trainingInOrder.map { EntryFlagsView(entryID: $0.entryID, locked: $0.flags.isLocked, verified: $0.flags.verified) }
            + state.certificatesInOrder.map { EntryFlagsView(entryID: $0.entryID, locked: $0.flags.isLocked, verified: $0.flags.verified) }
        applications = state.applicationsInOrder.map {
            ApplicationView(application: $0, status: $0.status, paymentStatus: $0.paymentStatus, excessFen: $0.excessFen)
        }
        nextActions = season.map { state.nextActions(at: now, season: $0) } ?? []
    }
}

/// A line of a list of candidates.
public struct CandidateSummary: Codable, Sendable, Equatable {
    /// The candidate id.
    public var candidateID: String
    /// The username.
    public var username: String
    /// 姓名.
    public var name: String
    /// Masked ID number.
    public var idNumberMasked: String
    /// The newest application's status, or `registered`.
    public var status: String
    /// The newest application's site.
    public var siteCode: String?
}

/// A page of a site's candidates.
public struct CandidatePage: Sendable, Equatable {
    /// The candidates, by id.
    public var candidates: [CandidateSummary]
    /// The last candidate of the page when more follow (the next page is after it); nil on the last page.
    public var next: String?
}

/// Queries of `candidate_view`.
public struct CandidateViewQueries: Sendable {
    /// Where the read model lives (the event store's pool).
    public let reader: any DatabaseReader

    /// Creates the queries over a database.
    public init(_ reader: any DatabaseReader) { self.reader = reader }

    /// A candidate's view at `now` (next actions use the season `seasonStreamId`, or the most recent one).
    public func candidate(id: String, now: Date = Date(), seasonStreamId: String? = nil) async throws -> CandidateView? {
        try reader.readNow { db in try Self.candidate(db, where: "candidate_id = ?", id, now: now, seasonStreamId: seasonStreamId) }
    }

    /// A candidate's view by username (case-insensitive).
    public func candidate(username: String, now: Date = Date(), seasonStreamId: String? = nil) async throws -> CandidateView? {
        try reader.readNow { db in try Self.candidate(db, where: "username = ?", username, now: now, seasonStreamId: seasonStreamId) }
    }

    /// The folded state of a candidate (from the log's events).
    public func state(id: String) async throws -> CandidateState? {
        try reader.readNow { db in try CandidateViewProjection.row(id, before: Int.max, db: db, source: nil)?.state }
    }

    /// Candidates whose newest application is at a site, optionally with a status, by candidate id: at most `limit`
    /// after the candidate `after` (from the first when nil); `next` is set when more follow.
    public func candidates(site: String, status: String? = nil, after: String? = nil, limit: Int = 100) async throws -> CandidatePage {
        let limit = max(1, limit)
        return try reader.readNow { db in
            var sql = "SELECT candidate_id, username, name, id_number_masked, status, site_code FROM candidate_view WHERE site_code = ?"
            var arguments: StatementArguments = [site]
            if let status {
                sql += " AND status = ?"
                arguments += [status]
            }
            if let after {
                sql += " AND candidate_id > ?"
                arguments += [after]
            }
            arguments += [limit + 1]
            let rows = try Row.fetchCursor(try db.cachedStatement(sql: sql + " ORDER BY candidate_id LIMIT ?"), arguments: arguments)
            var candidates = [CandidateSummary]()
            while let row = try rows.next() {
                candidates.append(
                    CandidateSummary(candidateID: row[0], username: row[1], name: row[2], idNumberMasked: row[3], status: row[4], siteCode: row[5])
                )
            }
            let page = firstPage(of: candidates, limit: limit, cursor: \.candidateID)
            return CandidatePage(candidates: page.items, next: page.next)
        }
    }

    private static func candidate(
        _ db: Database,
        where condition: String,
        _ key: String,
        now: Date,
        seasonStreamId: String?
    ) throws -> CandidateView? {
        // The file is the stream's state: folded from its events here (the API reads it from the service, which keeps
        // it, or from the snapshot and the events after it).
        guard
            let candidateID = try String.fetchOne(
                try db.cachedStatement(sql: "SELECT candidate_id FROM candidate_view WHERE \(condition)"),
                arguments: [key]
            ),
            let state = try CandidateViewProjection.row(candidateID, before: Int.max, db: db, source: nil)?.state
        else { return nil }
        let seasonDocument: Data?
        if let seasonStreamId {
            seasonDocument = try Data.fetchOne(
                try db.cachedStatement(sql: "SELECT document FROM candidate_view_seasons WHERE stream_id = ?"),
                arguments: [seasonStreamId]
            )
        } else {
            // The most recent season by id (season ids are years).
            seasonDocument = try Data.fetchOne(db, sql: "SELECT document FROM candidate_view_seasons ORDER BY season_id DESC LIMIT 1")
        }
        let season = try seasonDocument.map(Self.season)
        return CandidateView(candidateID: candidateID, state: state, now: now, season: season)
    }

    // Every candidate's view needs the season, which changes a few dozen times a season: the last decoded document
    // is kept and reused while the stored bytes are the same.
    private static let lastSeason = Mutex<(document: Data, state: SeasonState)?>(nil)

    private static func season(_ document: Data) throws -> SeasonState {
        if let last = lastSeason.withLock({ $0 }), last.document == document { return last.state }
        let state = try FastJSONDecoder().decode(SeasonState.self, from: document)
        lastSeason.withLock { $0 = (document, state) }
        return state
    }
}
