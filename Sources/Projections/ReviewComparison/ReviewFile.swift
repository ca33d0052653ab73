import Foundation
import RegistrationDomain

/// What the reviewer's screens need of one candidate, folded from the candidate's events: identity, education
/// entries with their CHSI history, and applications with their review status.
public struct ReviewFile: Codable, Sendable, Equatable {
    /// An application as the review queue sees it.
    public struct ReviewedApplication: Codable, Sendable, Equatable {
        /// The application id.
        public var applicationID: String
        /// The exam.
        public var examCode: String
        /// 考区.
        public var areaCode: String
        /// 考点.
        public var siteCode: String
        /// Ticked education entries.
        public var educationEntryIDs: [String]
        /// When it was submitted.
        public var submittedAt: String
        /// submitted, abandoned, approved, rejected or signed.
        public var status: String
        /// When it was approved, rejected or abandoned.
        public var decidedAt: String?
        /// The reviewer who decided.
        public var decidedBy: String?
        /// Why it was rejected.
        public var reason: String?
        /// Basic-information corrections made during review.
        public var corrections: Int
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
            file.applications.append(
                ReviewedApplication(
                    applicationID: e.applicationID,
                    examCode: e.examCode,
                    areaCode: e.areaCode,
                    siteCode: e.siteCode,
                    educationEntryIDs: e.educationEntryIDs,
                    submittedAt: e.submittedAt,
                    status: ApplicationStatus.submitted.rawValue,
                    decidedAt: nil,
                    decidedBy: nil,
                    reason: nil,
                    corrections: 0
                )
            )
        case .applicationAbandoned(let e):
            file.update(e.applicationID) {
                $0.status = ApplicationStatus.abandoned.rawValue
                $0.decidedAt = e.abandonedAt
            }
        case .basicInfoCorrected(let e):
            if e.field == BasicInfoField.name.rawValue { file.name = e.newValue }
            if e.field == BasicInfoField.idNumber.rawValue { file.idNumber = e.newValue }
            file.update(e.applicationID) { $0.corrections += 1 }
        case .applicationApproved(let e):
            file.update(e.applicationID) {
                $0.status = ApplicationStatus.approved.rawValue
                $0.decidedAt = e.approvedAt
                $0.decidedBy = e.reviewerID
            }
        case .applicationRejected(let e):
            file.update(e.applicationID) {
                $0.status = ApplicationStatus.rejected.rawValue
                $0.decidedAt = e.rejectedAt
                $0.decidedBy = e.reviewerID
                $0.reason = e.reason
            }
        case .applicationSigned(let e):
            file.update(e.applicationID) { $0.status = ApplicationStatus.signed.rawValue }
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
            .applicationAbandoned, .basicInfoCorrected, .applicationApproved, .applicationRejected, .applicationSigned:
            true
        default:
            false
        }
    }

    private mutating func update(_ applicationID: String, _ change: (inout ReviewedApplication) -> Void) {
        if let index = applications.firstIndex(where: { $0.applicationID == applicationID }) { change(&applications[index]) }
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
extension ReviewFile.ReviewedApplication: CompactBinaryCodable {
    public static let compactFieldCount = 11

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(applicationID)
        writer.write(examCode)
        writer.write(areaCode)
        writer.write(siteCode)
        writer.write(educationEntryIDs)
        writer.write(submittedAt)
        writer.write(status)
        writer.write(decidedAt)
        writer.write(decidedBy)
        writer.write(reason)
        writer.write(corrections)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            applicationID: try reader.string(),
            examCode: try reader.string(),
            areaCode: try reader.string(),
            siteCode: try reader.string(),
            educationEntryIDs: try reader.strings(),
            submittedAt: try reader.string(),
            status: try reader.string(),
            decidedAt: try reader.optionalString(),
            decidedBy: try reader.optionalString(),
            reason: try reader.optionalString(),
            corrections: try reader.int()
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
