import Foundation
import RegistrationDomain

/// What the reviewer's screens need of one candidate, folded from the candidate's events: identity, education
/// entries with their CHSI history, and applications with their review and payment status.
public struct ReviewFile: Codable, Sendable, Equatable {
    /// What a decided or abandoned application was reviewed on: the name, the ID number and the ticked education
    /// entries (with their CHSI results) as they were when the application left the submitted state. Its comparison
    /// is computed from this copy from then on, so that the candidate's later edits of unlocked entries, a later
    /// CHSI answer or anything else after that point leaves the record of the review as it was.
    public struct ReviewedEntries: Codable, Sendable, Equatable {
        /// 姓名 when the application left the submitted state.
        public var name: String
        /// 证件号码 then.
        public var idNumber: String
        /// The ticked education entries then, by id (an entry the file no longer had is absent).
        public var education: [String: EducationEntry]

        /// Creates the copy.
        public init(name: String, idNumber: String, education: [String: EducationEntry]) {
            self.name = name
            self.idNumber = idNumber
            self.education = education
        }
    }

    /// An application as the review queue sees it.
    public struct ReviewedApplication: Codable, Sendable, Equatable {
        /// The application as the candidate's file holds it, folded by the domain's own `evolve`: its status and
        /// payment status are derived exactly as the candidate's file derives them.
        public var application: Application
        /// The reviewer who approved or rejected it.
        public var decidedBy: String?
        /// What it was reviewed on, from the moment it left the submitted state (nil while submitted).
        public var reviewed: ReviewedEntries?

        /// Creates an application of the queue.
        public init(application: Application, decidedBy: String? = nil, reviewed: ReviewedEntries? = nil) {
            self.application = application
            self.decidedBy = decidedBy
            self.reviewed = reviewed
        }

        /// The application id.
        public var applicationID: String { application.applicationID }
        /// The exam.
        public var examCode: String { application.examCode }
        /// 考区.
        public var areaCode: String { application.areaCode }
        /// 考点.
        public var siteCode: String { application.siteCode }
        /// Ticked education entries.
        public var educationEntryIDs: [String] { application.educationEntryIDs }
        /// When it was submitted.
        public var submittedAt: String { application.submittedAt }
        /// The status the candidate's file shows: submitted, abandoned, approved, rejected, signed, paid or refunded.
        public var status: String { application.status.rawValue }
        /// The payment status: unpaid, pending, failed, paid or refunded.
        public var paymentStatus: String { application.paymentStatus.rawValue }
        /// When it was rejected, approved or abandoned.
        public var decidedAt: String? { application.rejectedAt ?? application.approvedAt ?? application.abandonedAt }
        /// Why it was rejected.
        public var reason: String? { application.rejectionReason }
        /// Basic-information corrections made during review: one per correction the reviewer made, whose events share
        /// their instant (an ID number corrected with the 性别 and 出生日期 it decides is one).
        public var corrections: Int { Set(application.corrections.map(\.correctedAt)).count }
    }

    /// 姓名 (after corrections).
    public var name: String
    /// 证件号码 (after corrections).
    public var idNumber: String
    /// Education entries by id: the declared record (填报) and every CHSI result, oldest first (the last is current).
    public var education: [String: EducationEntry]
    /// Applications in submission order.
    public var applications: [ReviewedApplication]

    /// The pure fold. Returns the row unchanged for events the review screens do not use.
    public static func fold(_ row: ReviewFile?, _ event: CandidateEvent) -> ReviewFile? {
        var row = row
        fold(&row, event)
        return row
    }

    /// The same fold in place, as the engine runs it: the file is taken out of the row while it changes, so that
    /// its collections are changed where they are instead of copied at every event.
    public static func fold(_ row: inout ReviewFile?, _ event: CandidateEvent) {
        if case .registered(let e) = event {
            row = ReviewFile(name: e.name, idNumber: e.idNumber, education: [:], applications: [])
            return
        }
        guard var file = row.take() else { return }
        switch event {
        case .educationAdded, .educationAmended, .educationRemoved, .chsiScanStarted, .chsiResultReceived:
            file.foldEducation(event)
        case .applicationSubmitted(let e):
            guard !file.applications.contains(where: { $0.applicationID == e.applicationID }) else { break }
            if let application = CandidateDecider.evolve(CandidateState(), event).applications[e.applicationID] {
                file.applications.append(ReviewedApplication(application: application))
            }
        case .basicInfoCorrected(let e):
            if e.field == BasicInfoField.name.rawValue { file.name = e.newValue }
            if e.field == BasicInfoField.idNumber.rawValue { file.idNumber = e.newValue }
            file.foldApplication(e.applicationID, event)
        case .applicationApproved(let e):
            file.foldApplication(e.applicationID, event) { $0.decidedBy = e.reviewerID }
        case .applicationRejected(let e):
            file.foldApplication(e.applicationID, event) { $0.decidedBy = e.reviewerID }
        case .applicationApprovalWithdrawn(let e):
            // Submitted again: the comparison is live again, as the reviewer reviews it anew.
            file.foldApplication(e.applicationID, event) { reviewed in
                reviewed.decidedBy = nil
                reviewed.reviewed = nil
            }
        case .applicationAbandoned(let e):
            file.foldApplication(e.applicationID, event)
        case .applicationSigned(let e):
            file.foldApplication(e.applicationID, event)
        case .paymentStarted(let e):
            file.foldApplication(e.applicationID, event)
        case .paymentConfirmed(let e):
            file.foldApplication(e.applicationID, event)
        case .paymentFailed(let e):
            file.foldApplication(e.applicationID, event)
        case .refundRecorded(let e):
            file.foldApplication(e.applicationID, event)
        default:
            break
        }
        row = file
    }

    /// Whether an event can change a review file (others are skipped without loading the row).
    public static func isRelevant(_ event: CandidateEvent) -> Bool {
        switch event {
        case .registered, .educationAdded, .educationAmended, .educationRemoved, .chsiScanStarted, .chsiResultReceived,
            .applicationSubmitted,
            .applicationAbandoned, .basicInfoCorrected, .applicationApproved, .applicationRejected, .applicationSigned,
            .applicationApprovalWithdrawn, .paymentStarted, .paymentConfirmed, .paymentFailed, .refundRecorded:
            true
        default:
            false
        }
    }

    /// An application's own event goes through the domain's `evolve` on a file holding just that application, so
    /// that its status, payments and corrections are exactly the candidate file's. When the event takes it out of
    /// the submitted state, what it was reviewed on is kept (``ReviewedEntries``).
    private mutating func foldApplication(
        _ applicationID: String,
        _ event: CandidateEvent,
        _ change: (inout ReviewedApplication) -> Void = { _ in }
    ) {
        guard let index = applications.firstIndex(where: { $0.applicationID == applicationID }) else { return }
        var state = CandidateState()
        state.applications[applicationID] = applications[index].application
        state.applicationOrder = [applicationID]
        let wasSubmitted = applications[index].application.status == .submitted
        // Not `consume state` as in `foldEducation`: Swift 6.3.1 refuses it here ("'consume' applied to value that the
        // compiler does not support"); the state holds this one application only.
        let evolved = CandidateDecider.evolve(state, event)
        guard let application = evolved.applications[applicationID] else { return }
        applications[index].application = application
        change(&applications[index])
        if wasSubmitted, applications[index].reviewed == nil, application.status != .submitted {
            var ticked = [String: EducationEntry]()
            for entryID in application.educationEntryIDs { if let entry = education[entryID] { ticked[entryID] = entry } }
            applications[index].reviewed = ReviewedEntries(name: name, idNumber: idNumber, education: ticked)
        }
    }

    /// Entry events go through the domain's own `evolve` on a file holding just the entries, so that records and
    /// CHSI results are built exactly as the candidate's state builds them.
    private mutating func foldEducation(_ event: CandidateEvent) {
        var state = CandidateState()
        state.nextOrder = education.values.reduce(0) { max($0, $1.order + 1) }
        // Moved, not shared, so that the entries change in place.
        swap(&state.education, &education)
        education = CandidateDecider.evolve(consume state, event).education
    }
}

// The stored form of a file (`review_files.document`): the snapshots' compact binary form, several times quicker to
// write and read than JSON through Codable, and every relevant append writes one.
extension ReviewFile.ReviewedEntries: CompactBinaryCodable {
    public static let compactFieldCount = 3

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(name)
        writer.write(idNumber)
        writer.write(education) { $0.write($1) }
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            name: try reader.string(),
            idNumber: try reader.string(),
            education: try reader.dictionary { try $0.read(EducationEntry.self) }
        )
    }
}

extension ReviewFile.ReviewedApplication: CompactBinaryCodable {
    public static let compactFieldCount = 3

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(application)
        writer.write(decidedBy)
        writer.write(reviewed) { $0.write($1) }
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            application: try reader.read(Application.self),
            decidedBy: try reader.optionalString(),
            reviewed: try reader.optional { try $0.read(ReviewFile.ReviewedEntries.self) }
        )
    }
}

extension ReviewFile: CompactBinaryCodable {
    public static let compactFieldCount = 4

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(name)
        writer.write(idNumber)
        writer.write(education) { $0.write($1) }
        writer.write(applications) { $0.write($1) }
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            name: try reader.string(),
            idNumber: try reader.string(),
            education: try reader.dictionary { try $0.read(EducationEntry.self) },
            applications: try reader.array { try $0.read(ReviewedApplication.self) }
        )
    }
}
