import EventLog
import Foundation
import RegistrationDomain

/// A realistic registration season played through the real command path (``RegistrarService/execute(_:candidateId:actor:request:)``
/// and its season and staff siblings), for demonstrations, manual testing and load-shaped data.
///
/// An administrator opens the 2026 season, sets its calendar, photo limit, exam catalogue, three exam areas (two
/// with online payment) and six sites, and creates the staff accounts. The clock then moves through the calendar:
/// accounts, profiles and CHSI scans before online registration; applications, abandonments and re-applications
/// during it (the administrator extends the deadline by two days); CHSI scans, corrections, approvals, rejections
/// and signatures during on-site review; payments with late, duplicate and failed bank confirmations, and refunds.
/// A few commands are refused on purpose to show the rules (a duplicate registration among them); they are counted.
///
/// Reproducible: the same seed and candidate count give the same log, byte for byte, and the same head hash. Every
/// choice comes from ``SplitMix64``, every id and request id from ``SeededIDGenerator``, every instant from the
/// ``ManualClock`` the script moves, and commands run one at a time. Only the credentials table differs between
/// runs (its salts are random), and it is outside the log.
///
/// The first candidate is always the seed guide's CHSI case (username ``candidateUsername``), left waiting for
/// on-site review at 东城区考点 so that a reviewer of the demo can review it.
public struct DemoSeason: Sendable {
    /// The demo candidate's username.
    public static let candidateUsername = DemoCast.seedUsername
    /// The demo candidate's password.
    public static let candidatePassword = DemoCast.seedPassword
    /// The administrator's username and password.
    public static let adminAccount = (username: "demo_admin", password: "Admin2026")
    /// The auditor's username and password.
    public static let auditorAccount = (username: "demo_auditor", password: "Audit2026")
    /// Every reviewer's password; reviewers are `reviewer_<site code>`.
    public static let reviewerPassword = "Review2026"
    /// The password the seconded reviewer chose in place of ``reviewerPassword``.
    public static let secondedReviewerPassword = "Seconded2026"
    /// Where the clock starts: the administrator sets the season up on 2025-12-01, 09:00 Beijing time.
    public static let start = Instant.date(from: "2025-12-01T01:00:00.000Z")!
    /// The PBKDF2 rounds used by default for the generated candidates' passwords (see ``init(service:clock:seed:candidates:candidatePasswordHasher:)``).
    public static let defaultCandidatePasswordRounds = 1_000

    /// The service; its password hasher hashes the staff accounts' and the demo candidate's passwords.
    public let service: RegistrarService
    /// The clock the script moves; it must be the service's clock.
    public let clock: ManualClock
    /// The seed of every choice and id.
    public let seed: UInt64
    /// How many candidates register.
    public let candidates: Int
    /// A second service over the same log that hashes the generated candidates' passwords.
    let bulk: RegistrarService

    /// Prepares a demo season.
    ///
    /// - Parameters:
    ///   - service: a service over an empty log whose clock is `clock`; its hasher is used for the staff and the
    ///     demo candidate (the accounts people log in with).
    ///   - clock: the service's clock.
    ///   - seed: the same seed gives the same log.
    ///   - candidates: how many candidates register (at least 1). The first ones are fixed personas: from 12 on,
    ///     every candidate event type appears; from 14 on, the ages 18 and 75; from 23 on, every ID type.
    ///   - candidatePasswordHasher: hashes the generated candidates' passwords and recovery answers. Hashing runs
    ///     twice per registration; at production cost (210,000 rounds) that dominates the run, so the default is a
    ///     cheap ``defaultCandidatePasswordRounds``: fine for invented people nobody logs in as.
    public init(
        service: RegistrarService,
        clock: ManualClock,
        seed: UInt64,
        candidates: Int,
        candidatePasswordHasher: PasswordHasher = PasswordHasher(rounds: DemoSeason.defaultCandidatePasswordRounds)
    ) throws {
        precondition(candidates >= 1, "a demo season needs at least one candidate")
        self.service = service
        self.clock = clock
        self.seed = seed
        self.candidates = candidates
        var configuration = service.configuration
        configuration.passwordHasher = candidatePasswordHasher
        bulk = try RegistrarService(store: service.store, clock: service.clock, ids: service.ids, configuration: configuration)
    }

    /// Plays the season. Progress counts candidates through the season's six stages (accounts, applications, re-applications, review, payment, refunds).
    public func play(progress: ProgressReporter? = nil) async throws -> DemoReport {
        guard try await service.store.headPosition() == 0 else { throw DemoError.logNotEmpty }
        let script = DemoScript(demo: self, progress: progress)
        return try await script.run()
    }
}

/// What a demo season did.
public struct DemoReport: Sendable, Equatable {
    /// An account to log in with.
    public struct Account: Sendable, Equatable {
        /// 考生, 审核人员, 审计, 管理员.
        public var role: String
        /// The username.
        public var username: String
        /// The password.
        public var password: String
        /// What the account is for.
        public var note: String
    }

    /// Payment figures.
    public struct Payments: Sendable, Equatable {
        /// Payment attempts started.
        public var started = 0
        /// Confirmed by the bank.
        public var confirmed = 0
        /// Confirmations that arrived minutes after the payment started.
        public var lateConfirmations = 0
        /// Confirmations the bank delivered a second time (recorded once).
        public var duplicateConfirmations = 0
        /// Failed attempts.
        public var failed = 0
        /// Attempts still waiting for the bank.
        public var pending = 0
        /// Refunds recorded.
        public var refunds = 0
        /// Total confirmed, in fen.
        public var paidFen = 0
        /// Total refunded, in fen.
        public var refundedFen = 0
    }

    /// The seed.
    public var seed: UInt64
    /// Candidates registered.
    public var candidates: Int
    /// Events in the log.
    public var events: Int
    /// Events by type.
    public var eventsByType: [String: Int]
    /// Applications by status (raw ``ApplicationStatus``), abandoned ones included.
    public var applicationsByStatus: [String: Int]
    /// CHSI results received.
    public var chsiResults: Int
    /// Education entries whose current CHSI result differs from the declared entry in some row, or names another
    /// person.
    public var chsiMismatches: Int
    /// Of those, results whose name or ID number differs from the candidate's.
    public var chsiIdentityMismatches: Int
    /// Basic-information corrections made by reviewers.
    public var corrections: Int
    /// Passwords replaced, by how (raw ``PasswordChangeMethod``).
    public var passwordChanges: [String: Int]
    /// Payments.
    public var payments: Payments
    /// Registrations of an already registered person, refused.
    public var duplicateRegistrationsRefused: Int
    /// Commands refused on purpose to show a rule, by rejection code.
    public var refusals: [String: Int]
    /// The accounts to log in with.
    public var accounts: [Account]
    /// The seed case's candidate id.
    public var seedCaseCandidateID: String
    /// The hash of the last event.
    public var headHash: Data
}

/// Why the demo stopped.
public enum DemoError: Error, CustomStringConvertible {
    /// The log already holds events.
    case logNotEmpty
    /// A command the script expected to pass was refused (a bug in the script or in the domain).
    case unexpected(step: String, error: any Error)
    /// A command the script expected to be refused passed.
    case notRefused(step: String, expected: String)

    public var description: String {
        switch self {
        case .logNotEmpty: "the log already holds events; a demo season needs an empty log"
        case .unexpected(let step, let error): "\(step): \(error)"
        case .notRefused(let step, let expected): "\(step): expected the refusal \(expected), but the command passed"
        }
    }
}

/// One run of the script: the mutable state of a play (choices, ids, counters), used by one task only.
final class DemoScript {
    let demo: DemoSeason
    let progress: ProgressReporter?
    var random: DemoRandom
    let ids: SeededIDGenerator
    var cast: DemoCast
    var people: [DemoPerson] = []
    /// The live (or last) application id of each person, by index.
    var applicationIDs: [Int: String] = [:]
    var admin = Actor(id: "", role: .admin)
    var reviewers: [String: Actor] = [:]
    var accounts: [DemoReport.Account] = []
    var refusals: [String: Int] = [:]
    var duplicateRegistrations = 0
    var passwordResets = 0
    var approvalWithdrawals = 0
    var passwordChanges: [String: Int] = [:]
    var payments = DemoReport.Payments()
    var done: Int64 = 0
    /// The length of the current candidate's time slot, in seconds.
    var slot: TimeInterval = 60
    /// The photos of applications drawn and not yet submitted, by id.
    var photos: [String: StoredPhoto] = [:]

    // The ids the live callbacks record: one actor id per outside system, whatever the path.
    static let system = Actor.system
    static let chsi = Actor.chsi
    static let bank = Actor.bank

    init(demo: DemoSeason, progress: ProgressReporter?) {
        self.demo = demo
        self.progress = progress
        random = DemoRandom(seed: demo.seed)
        ids = SeededIDGenerator(seed: demo.seed)
        cast = DemoCast(seed: demo.seed, ids: ids)
    }

    var service: RegistrarService { demo.service }
    var clock: ManualClock { demo.clock }

    static func at(_ text: String) -> Date { Instant.date(from: text)! }

    // Registration first closes on the 20th, so that the administrator has a deadline to extend (to the 22nd).
    static let registrationOpens = at("2026-01-08T01:00:00.000Z")
    static let firstRegistrationCloses = at("2026-01-20T09:00:00.000Z")
    static let registrationCloses = at("2026-01-22T09:00:00.000Z")
    static let reviewOpens = at("2026-02-10T00:00:00.000Z")
    static let reviewCloses = at("2026-03-10T00:00:00.000Z")
    static let paymentOpens = at("2026-02-20T00:00:00.000Z")
    static let paymentCloses = at("2026-03-31T00:00:00.000Z")

    func calendar(registrationCloses: Date) -> SeasonCalendar {
        SeasonCalendar(
            registrationOpens: Self.registrationOpens,
            registrationCloses: registrationCloses,
            reviewOpens: Self.reviewOpens,
            reviewCloses: Self.reviewCloses,
            paymentOpens: Self.paymentOpens,
            paymentCloses: Self.paymentCloses
        )
    }

    // MARK: The run

    func run() async throws -> DemoReport {
        clock.set(DemoSeason.start)
        try await setUpSeason()
        for index in 0..<demo.candidates { people.append(cast.person(index)) }
        let total = Int64(demo.candidates) * 6
        progress?(0, total)

        try await stage(from: "2025-12-02T00:00:00.000Z", to: "2026-01-07T12:00:00.000Z") { try await self.prepare($0) }
        try await stage(from: "2026-01-08T01:30:00.000Z", to: "2026-01-19T01:00:00.000Z") { try await self.apply($0) }
        moveForward(to: Self.at("2026-01-19T02:00:00.000Z"))
        try await season(
            .setCalendar(SetSeasonCalendar(calendar: calendar(registrationCloses: Self.registrationCloses))),
            reason: "网上报名延期两天"
        )
        try await stage(from: "2026-01-19T03:00:00.000Z", to: "2026-01-22T08:00:00.000Z") { try await self.reapply($0) }
        try await stage(from: "2026-02-10T00:30:00.000Z", to: "2026-02-19T12:00:00.000Z") { try await self.review($0) }
        try await stage(from: "2026-02-20T00:30:00.000Z", to: "2026-03-24T00:00:00.000Z") { try await self.pay($0) }
        try await stage(from: "2026-03-25T01:00:00.000Z", to: "2026-03-30T09:00:00.000Z") { try await self.refund($0) }
        return try await report()
    }

    /// Runs `body` for every person, each in their own slot of `[from, to)`, and reports progress.
    func stage(from: String, to: String, _ body: (Int) async throws -> Void) async throws {
        let start = Self.at(from)
        let end = Self.at(to)
        slot = end.timeIntervalSince(start) / Double(people.count)
        for index in people.indices {
            moveForward(to: start.addingTimeInterval(slot * Double(index)))
            try await body(index)
            done += 1
            progress?(done, Int64(people.count) * 6)
        }
    }

    /// Moves the clock to `date` unless it is there already: time never goes back.
    func moveForward(to date: Date) {
        if clock.now() < date { clock.set(Self.milliseconds(date)) }
    }

    static func milliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    /// A person's next action, a little later (at most a sixty-fourth and a half of their slot, and five minutes).
    func tick() {
        let step = min(slot / 64, 300) * (0.5 + Double(random.int(0...999)) / 1000)
        clock.set(Self.milliseconds(clock.now().addingTimeInterval(max(step, 0.001))))
    }

    /// A wait of some minutes, kept within a quarter of the slot.
    func wait(minutes: ClosedRange<Int>) {
        let seconds = min(Double(random.int((minutes.lowerBound * 60)...(minutes.upperBound * 60))), slot / 4)
        clock.set(Self.milliseconds(clock.now().addingTimeInterval(max(seconds, 0.001))))
    }

    // MARK: Sending commands

    func request(_ channel: String, reason: String? = nil, correlation: String? = nil, causation: String? = nil) -> RequestContext {
        let requestID = ids.next("req")
        return RequestContext(
            requestId: requestID,
            correlationId: correlation ?? requestID,
            causationId: causation,
            channel: channel,
            reason: reason
        )
    }

    /// The site the demo names wrongly first and then renames.
    static let renamedSite = "4205"

    func season(_ command: SeasonCommand, reason: String? = nil) async throws {
        tick()
        do {
            try await service.execute(command, actor: admin, request: request("web", reason: reason))
        } catch {
            throw DemoError.unexpected(step: "season \(command)", error: error)
        }
    }

    /// Runs a candidate command that must pass.
    @discardableResult
    func run(
        _ person: DemoPerson,
        _ command: CandidateCommand,
        as actor: Actor? = nil,
        channel: String = "web",
        reason: String? = nil,
        using prepared: RequestContext? = nil
    ) async throws -> CommandOutcome<CandidateEvent> {
        tick()
        let request = prepared ?? request(channel, reason: reason)
        let runner = person.index == 0 ? service : demo.bulk
        do {
            var photo: StoredPhoto?
            if case .submitApplication(let submission) = command {
                photo = photos.removeValue(forKey: submission.photo.photoID)
            }
            return try await runner.execute(
                command,
                candidateId: person.candidateID,
                actor: actor ?? .candidate(person.candidateID),
                request: request,
                photo: photo
            )
        } catch {
            throw DemoError.unexpected(step: "candidate \(person.index) (\(person.registration.username)): \(Self.name(of: command))", error: error)
        }
    }

    /// Runs a candidate command that the rules must refuse with `code`, and counts the refusal.
    func refuse(
        _ code: DecisionCode,
        _ person: DemoPerson,
        _ command: CandidateCommand,
        candidateID: String? = nil,
        as actor: Actor? = nil
    ) async throws {
        tick()
        let target = candidateID ?? person.candidateID
        if case .submitApplication(let submission) = command { photos[submission.photo.photoID] = nil }
        do {
            try await demo.bulk.execute(command, candidateId: target, actor: actor ?? .candidate(target), request: request("web"))
        } catch CommandError.rejected(let rejection) where rejection.code == code.rawValue {
            refusals[code.rawValue, default: 0] += 1
            return
        } catch {
            throw DemoError.unexpected(step: "candidate \(person.index): \(Self.name(of: command)) (expected \(code.rawValue))", error: error)
        }
        throw DemoError.notRefused(step: "candidate \(person.index): \(Self.name(of: command))", expected: code.rawValue)
    }

    static func name(of command: CandidateCommand) -> String {
        String(describing: command).prefix { $0 != "(" }.description
    }

    // MARK: Set-up

    func setUpSeason() async throws {
        let adminID = ids.next("staff")
        admin = Actor(id: adminID, role: .admin)
        try await createStaff(
            CreateStaffAccount(staffID: adminID, role: .admin, displayName: "考务管理员 周建平"),
            username: DemoSeason.adminAccount.username,
            password: DemoSeason.adminAccount.password,
            by: Self.system,
            account: DemoReport.Account(
                role: "管理员",
                username: DemoSeason.adminAccount.username,
                password: DemoSeason.adminAccount.password,
                note: "考试季、考区考点、工作人员账号、退费"
            )
        )
        try await season(.open(OpenSeason(seasonID: service.configuration.seasonId, title: "\(service.configuration.seasonId)年医师资格考试")))
        try await season(.setCalendar(SetSeasonCalendar(calendar: calendar(registrationCloses: Self.firstRegistrationCloses))))
        try await season(.setPhotoSizeLimit(SetPhotoSizeLimit(maximumBytes: 30 * 1024)))
        for exam in DemoData.exams {
            try await season(.addExam(AddExam(code: exam.code, name: exam.name, level: exam.level, category: exam.category)))
        }
        for area in DemoData.areas {
            try await season(
                .addArea(AddExamArea(code: area.code, name: area.name, onlinePayment: area.onlinePayment, refundPolicy: area.refundPolicy))
            )
            for site in area.sites {
                // One site first typed as the area's notice did not name it, then renamed (修改考点名称).
                let typed = site.code == Self.renamedSite ? "宜昌市考点" : site.name
                try await season(.addSite(AddExamSite(code: site.code, name: typed, areaCode: area.code)))
                if typed != site.name {
                    try await season(.renameSite(RenameExamSite(code: site.code, name: site.name)), reason: "考点名称录入有误，按考区通知更正")
                }
            }
        }
        let auditorID = ids.next("staff")
        try await createStaff(
            CreateStaffAccount(staffID: auditorID, role: .auditor, displayName: "审计 孙丽华"),
            username: DemoSeason.auditorAccount.username,
            password: DemoSeason.auditorAccount.password,
            by: admin,
            account: DemoReport.Account(
                role: "审计",
                username: DemoSeason.auditorAccount.username,
                password: DemoSeason.auditorAccount.password,
                note: "只读，追溯每一次变更"
            )
        )
        let reviewerNames = ["刘敏", "陈志刚", "黄丽", "吴建军", "赵红梅", "郑伟"]
        var number = 0
        for area in DemoData.areas {
            for site in area.sites {
                let staffID = ids.next("staff")
                let username = "reviewer_\(site.code)"
                try await createStaff(
                    CreateStaffAccount(
                        staffID: staffID,
                        role: .reviewer,
                        displayName: "审核员 \(reviewerNames[number % reviewerNames.count])",
                        areaCode: area.code,
                        siteCodes: [site.code]
                    ),
                    username: username,
                    password: DemoSeason.reviewerPassword,
                    by: admin,
                    account: DemoReport.Account(
                        role: "审核人员",
                        username: username,
                        password: DemoSeason.reviewerPassword,
                        note: "\(area.name) \(site.name)（\(site.code)）"
                    )
                )
                reviewers[site.code] = .reviewer(staffID, area: area.code, sites: [site.code])
                number += 1
            }
        }
        try await correctTheSetUp()
    }

    /// The administrator's corrections every real season sees: an exam entered by mistake and withdrawn, an area's
    /// refund policy filled in late, a seconded reviewer whose scope grows and who leaves before review opens.
    func correctTheSetUp() async throws {
        try await season(.addExam(AddExam(code: "510", name: "传统医学师承和确有专长（本年度不开考）", level: .physician, category: .traditionalChinese)))
        try await season(.withdrawExam(WithdrawExam(code: "510")), reason: "录入有误，本年度不开考；师承和确有专长人员报考科目520")
        guard let henan = DemoData.areas.first(where: { !$0.onlinePayment }) else { return }
        try await season(
            .updateArea(
                UpdateExamArea(code: henan.code, name: henan.name, onlinePayment: false, refundPolicy: "未开通网上缴费，现场缴费后不予退费。")
            ),
            reason: "补充退费政策"
        )
        let secondedID = ids.next("staff")
        let sites = henan.sites.map(\.code)
        try await createStaff(
            CreateStaffAccount(staffID: secondedID, role: .reviewer, displayName: "借调审核员 钱海涛", areaCode: henan.code, siteCodes: [sites[0]]),
            username: "reviewer_seconded",
            password: DemoSeason.reviewerPassword,
            by: admin,
            account: DemoReport.Account(
                role: "审核人员",
                username: "reviewer_seconded",
                password: DemoSeason.secondedReviewerPassword,
                note: "借调人员，已停用（演示账号停用）"
            )
        )
        // The reviewer replaces the password the administrator typed, as staff should at their first log-in.
        tick()
        let seconded = Actor(id: secondedID, role: .reviewer, areaCode: henan.code, siteCodes: [sites[0]])
        do {
            try await service.changeStaffPassword(
                ChangeStaffPassword(staffID: secondedID, newPassword: DemoSeason.secondedReviewerPassword, method: .byHolder),
                currentPassword: DemoSeason.reviewerPassword,
                actor: seconded,
                request: request("web")
            )
        } catch {
            throw DemoError.unexpected(step: "the seconded reviewer's own password", error: error)
        }
        try await staffChange(.changeScope(ChangeStaffScope(staffID: secondedID, areaCode: henan.code, siteCodes: sites)), staffId: secondedID)
        try await staffChange(.deactivate(DeactivateStaffAccount(staffID: secondedID, reason: "借调结束，返回原单位")), staffId: secondedID)
        // Called back for a week, then gone for good: the account is enabled again, not made anew.
        try await staffChange(.reactivate(ReactivateStaffAccount(staffID: secondedID, reason: "考点审核任务重，借调延长一周")), staffId: secondedID)
        try await staffChange(.deactivate(DeactivateStaffAccount(staffID: secondedID, reason: "延长借调期满，返回原单位")), staffId: secondedID)
    }

    func staffChange(_ command: StaffCommand, staffId: String) async throws {
        tick()
        do {
            try await service.execute(command, staffId: staffId, actor: admin, request: request("web"))
        } catch {
            throw DemoError.unexpected(step: "staff \(command)", error: error)
        }
    }

    func createStaff(_ create: CreateStaffAccount, username: String, password: String, by actor: Actor, account: DemoReport.Account) async throws {
        tick()
        do {
            try await service.execute(
                .create(create),
                staffId: create.staffID,
                username: username,
                password: password,
                // The demo's accounts are printed for whoever runs it to log in with at once.
                passwordMustChange: false,
                actor: actor,
                request: request("web")
            )
        } catch {
            throw DemoError.unexpected(step: "staff \(username)", error: error)
        }
        accounts.append(account)
    }

    // MARK: Before online registration: accounts, profiles, CHSI

    func prepare(_ index: Int) async throws {
        let person = people[index]
        let id = person.candidateID
        if person.plan.militaryCardAttempt {
            // Shows the rule: active servicemen must register with the resident ID card, not their 军官证.
            var attempt = person.registration
            attempt.idType = IDType.officerID.rawValue
            let facts = Rules.residentIDFacts(person.registration.idNumber)
            attempt.idNumber = cast.number(for: .officerID, sex: facts?.sex ?? .male, nationality: Nationality.china)
            attempt.sex = facts?.sex.rawValue
            attempt.birthDate = facts?.birthDate.description
            try await refuse(.registrationActiveServiceRequiresResidentID, person, .register(attempt))
        }
        try await run(person, .register(person.registration))
        if index == min(1, people.count - 1) {
            // The same person again under a new username: refused, naming the first username.
            let otherID = ids.next("candidate")
            var again = person.registration
            again.candidateID = otherID
            again.username = cast.uniqueUsername(String(person.registration.username.prefix(14)) + "new")
            try await refuse(.registrationPersonAlreadyRegistered, person, .register(again), candidateID: otherID)
            duplicateRegistrations += 1
        }
        if Self.changesRecoveryQuestion(index) {
            // 密码找回设置: a new recovery question and answer, with the current password.
            tick()
            do {
                try await demo.bulk.changeRecoveryQuestion(
                    candidateId: id,
                    currentPassword: person.registration.password,
                    question: "我的出生地?",
                    answer: Self.changedRecoveryAnswer,
                    actor: .candidate(id),
                    request: request("web")
                )
            } catch {
                throw DemoError.unexpected(step: "candidate \(index): changeRecoveryQuestion", error: error)
            }
        }
        try await run(person, .updateContact(UpdateContactDetails(candidateID: id, contact: person.contact)))
        try await run(person, .updateWork(UpdateWorkDetails(candidateID: id, work: person.work)))

        for (position, entry) in person.education.enumerated() {
            var input = entry.input
            if person.plan.amendEducation && entry.ticked {
                input.length = nil  // forgot 学制; amended below (or after abandoning, for a re-applicant)
            }
            try await run(person, .addEducation(AddEducationEntry(candidateID: id, entryID: entry.entryID, education: input)))
            if person.plan.amendEducation && entry.ticked, person.plan.apply != .abandonAndReapply {
                try await run(person, .amendEducation(AmendEducationEntry(candidateID: id, entryID: entry.entryID, education: entry.input)))
            }
            if person.plan.removeEducation && position == 0 {
                // The same degree entered twice by mistake; the copy is removed.
                let copy = ids.next("education")
                try await run(person, .addEducation(AddEducationEntry(candidateID: id, entryID: copy, education: entry.input)))
                try await run(person, .removeEducation(RemoveEducationEntry(candidateID: id, entryID: copy)))
            }
        }
        for entry in person.training {
            var input = entry.input
            if person.plan.amendTraining { input.end = input.start }
            try await run(person, .addTraining(AddTrainingEntry(candidateID: id, entryID: entry.entryID, training: input)))
            if person.plan.amendTraining {
                try await run(person, .amendTraining(AmendTrainingEntry(candidateID: id, entryID: entry.entryID, training: entry.input)))
            }
        }
        if person.plan.removeTraining || (person.plan.amendTraining && person.training.isEmpty) {
            // A course that is not residency training: never ticked; typed with a wrong end, amended, then removed.
            let other = ids.next("training")
            let course = TrainingInput(
                kind: TrainingKind.other.rawValue,
                institution: person.work.workUnit,
                specialty: "全科医生转岗培训",
                start: "2024-03",
                end: "2024-12"
            )
            var typed = course
            if person.plan.amendTraining && person.training.isEmpty { typed.end = typed.start }
            try await run(person, .addTraining(AddTrainingEntry(candidateID: id, entryID: other, training: typed)))
            if typed != course {
                try await run(person, .amendTraining(AmendTrainingEntry(candidateID: id, entryID: other, training: course)))
            }
            if person.plan.removeTraining {
                try await run(person, .removeTraining(RemoveTrainingEntry(candidateID: id, entryID: other)))
            }
        }
        for entry in person.certificates {
            var input = entry.input
            if person.plan.amendCertificate { input.registrationNumber = nil }
            try await run(person, .addCertificate(AddCertificateEntry(candidateID: id, entryID: entry.entryID, certificate: input)))
            if person.plan.amendCertificate {
                try await run(person, .amendCertificate(AmendCertificateEntry(candidateID: id, entryID: entry.entryID, certificate: entry.input)))
            }
        }
        if person.plan.removeCertificate {
            let other = ids.next("certificate")
            let wrong = CertificateInput(type: CertificateType.ruralGeneralAssistant.rawValue, issued: "2023-10", number: "20232\(random.digits(21))")
            try await run(person, .addCertificate(AddCertificateEntry(candidateID: id, entryID: other, certificate: wrong)))
            try await run(person, .removeCertificate(RemoveCertificateEntry(candidateID: id, entryID: other)))
        }
        for entry in person.education where entry.scanEarly || (entry.abandonedScan && !entry.scanInReview) {
            if entry.abandonedScan {
                try await run(person, .startChsiScan(StartChsiScan(candidateID: id, entryID: entry.entryID, scanID: ids.next("scan"))))
                continue
            }
            var record = entry.chsi!
            if entry.wrongPickFirst, let other = person.education.first(where: { $0.entryID != entry.entryID && $0.chsi != nil })?.chsi {
                record = other
            }
            try await scan(person, entry, record: record)
        }
    }

    /// The candidate asks for a QR code; CHSI answers with a record.
    func scan(_ person: DemoPerson, _ entry: DemoEducation, record: ChsiRecord) async throws {
        let scanID = ids.next("scan")
        let asked = request("web")
        try await run(
            person,
            .startChsiScan(StartChsiScan(candidateID: person.candidateID, entryID: entry.entryID, scanID: scanID)),
            using: asked
        )
        try await run(
            person,
            .recordChsiResult(RecordChsiResult(candidateID: person.candidateID, entryID: entry.entryID, scanID: scanID, record: record)),
            as: Self.chsi,
            using: request("chsi", correlation: asked.requestId, causation: asked.requestId)
        )
    }

    // MARK: Online registration

    func submission(_ person: DemoPerson, examCode: String, applicationID: String, tickCertificate: Bool? = nil) -> CandidateCommand {
        var additional = person.additionalSubject
        if additional != AdditionalSubject.militaryMedicine.rawValue && examCode != "110" { additional = nil }
        // 院前急救 and 儿科 name the post the candidate works in (checked on site against the unit's stamped form).
        let workPost: String? =
            switch additional.flatMap(AdditionalSubject.init(rawValue:)) {
            case .prehospitalEmergency: "急救中心院前急救岗位"
            case .pediatrics: "儿科门诊"
            case .militaryMedicine, nil: nil
            }
        return .submitApplication(
            SubmitApplication(
                candidateID: person.candidateID,
                applicationID: applicationID,
                examCode: examCode,
                educationEntryIDs: person.education.filter(\.ticked).map(\.entryID),
                trainingEntryIDs: person.training.filter(\.ticked).map(\.entryID),
                certificateEntryID: tickCertificate == true
                    ? person.certificates.first?.entryID : person.certificates.first(where: \.ticked)?.entryID,
                areaCode: person.areaCode,
                siteCode: person.siteCode,
                attemptCount: person.attemptCount == 1 ? nil : person.attemptCount,
                additionalSubject: additional,
                photo: photoUpload(of: person),
                passNumber: person.passNumber,
                workPost: workPost
            )
        )
    }

    /// A photo of the candidate, kept by ``run(_:_:as:channel:reason:using:)`` with the application that names it.
    func photoUpload(of person: DemoPerson) -> PhotoUpload {
        // The id generator's draw stays, so that the demo's later ids are those earlier versions printed.
        _ = ids.next("photo")
        let format = random.pick(["jpg", "jpg", "JPG", "jpeg"])
        // The 2025 guide: smaller than 30 KB (the season's limit).
        let size = random.int((12 * 1024)...(30 * 1024 - 1))
        let photo = StoredPhoto(bytes: DemoPhoto.bytes(candidate: person.index, size: size))
        photos[photo.photoID] = photo
        return PhotoUpload(photoID: photo.photoID, format: format, sizeBytes: photo.bytes.count)
    }

    func apply(_ index: Int) async throws {
        let person = people[index]
        if index % 29 == 3 {
            // 安全设置: a candidate replaces the password, giving the current one.
            tick()
            do {
                try await demo.bulk.changePassword(
                    candidateId: person.candidateID,
                    currentPassword: person.registration.password,
                    newPassword: "Nw\(index)x2026",
                    actor: .candidate(person.candidateID),
                    request: request("web")
                )
            } catch {
                throw DemoError.unexpected(step: "candidate \(index): changePassword", error: error)
            }
            passwordChanges[PasswordChangeMethod.byCandidate.rawValue, default: 0] += 1
        }
        if person.plan.chsiDuringRegistration, let entry = person.education.first {
            try await refuse(
                .chsiWindowClosed,
                person,
                .startChsiScan(StartChsiScan(candidateID: person.candidateID, entryID: entry.entryID, scanID: ids.next("scan")))
            )
        }
        switch person.plan.apply {
        case .never, .lateSubmit: return
        case .submit, .abandonAndReapply, .abandonOnly: break
        }
        if person.plan.townshipAttempt {
            try await refuse(
                .applicationTownshipCertificateNotAccepted,
                person,
                submission(person, examCode: "110", applicationID: ids.next("application"), tickCertificate: true)
            )
        }
        if person.plan.ordinaryExamAttempt {
            // Shows the rule: a 师承/确有专长 entry is not the education of the ordinary 中医执业助理医师 exam.
            try await refuse(.applicationEducationNotEligible, person, submission(person, examCode: "220", applicationID: ids.next("application")))
        }
        if person.plan.forgetsMilitaryMedicine {
            // Shows the rule: an active serviceman takes 军事医学.
            var forgot = person
            forgot.additionalSubject = nil
            try await refuse(
                .applicationMilitaryMedicineRequired,
                person,
                submission(forgot, examCode: person.examCode, applicationID: ids.next("application"))
            )
        }
        let first = person.plan.apply == .submit ? person.examCode : (person.plan.firstExamCode ?? person.examCode)
        let applicationID = ids.next("application")
        try await run(person, submission(person, examCode: first, applicationID: applicationID))
        applicationIDs[index] = applicationID
        if person.plan.apply == .abandonOnly {
            wait(minutes: 30...600)
            try await run(person, .abandonApplication(AbandonApplication(candidateID: person.candidateID, applicationID: applicationID)))
            applicationIDs[index] = nil
        }
    }

    /// After the extension: abandon and re-apply, and the late submitters.
    /// Who replaces the recovery question while preparing (and answers the new one if they recover later).
    static func changesRecoveryQuestion(_ index: Int) -> Bool { index % 41 == 2 }
    static let changedRecoveryAnswer = "湖北省武汉市"

    func reapply(_ index: Int) async throws {
        let person = people[index]
        if index % 31 == 5 {
            // 找回密码: forgotten, recovered with name, ID number and the answer set at registration.
            tick()
            do {
                try await demo.bulk.recoverPassword(
                    idType: person.registration.idType,
                    idNumber: person.registration.idNumber,
                    name: person.registration.name,
                    recoveryAnswer: Self.changesRecoveryQuestion(index) ? Self.changedRecoveryAnswer : person.registration.recoveryAnswer,
                    newPassword: "Fd\(index)x2026",
                    request: request("web")
                )
            } catch {
                throw DemoError.unexpected(step: "candidate \(index): recoverPassword", error: error)
            }
            passwordChanges[PasswordChangeMethod.recovery.rawValue, default: 0] += 1
        }
        switch person.plan.apply {
        case .abandonAndReapply:
            guard let previous = applicationIDs[index] else { return }
            try await run(person, .abandonApplication(AbandonApplication(candidateID: person.candidateID, applicationID: previous)))
            if person.plan.amendEducation, let entry = person.education.first(where: \.ticked) {
                try await run(
                    person,
                    .amendEducation(AmendEducationEntry(candidateID: person.candidateID, entryID: entry.entryID, education: entry.input))
                )
            }
            let applicationID = ids.next("application")
            try await run(person, submission(person, examCode: person.examCode, applicationID: applicationID))
            applicationIDs[index] = applicationID
        case .lateSubmit:
            let applicationID = ids.next("application")
            try await run(person, submission(person, examCode: person.examCode, applicationID: applicationID))
            applicationIDs[index] = applicationID
        case .never, .submit, .abandonOnly:
            return
        }
    }

    // MARK: On-site review

    func review(_ index: Int) async throws {
        let person = people[index]
        guard let applicationID = applicationIDs[index] else { return }
        for entry in person.education where entry.scanInReview {
            // During review the scan starts from the application's 报考学历 row: an entry it did not tick is refused.
            guard entry.ticked else {
                try await refuse(
                    .chsiEntryNotApplied,
                    person,
                    .startChsiScan(StartChsiScan(candidateID: person.candidateID, entryID: entry.entryID, scanID: ids.next("scan")))
                )
                continue
            }
            try await scan(person, entry, record: entry.chsi!)
        }
        guard let reviewer = reviewers[person.siteCode] else { return }
        let id = person.candidateID
        if index > 0 && (passwordResets == 0 || index % 37 == 11) {
            // Both the password and the recovery answer forgotten: the site's reviewer resets it, seeing the ID card.
            let reason = "考生忘记密码及找回答案，持居民身份证到考点申请重置"
            try await run(
                person,
                .changePassword(ChangePassword(candidateID: id, newPassword: "Rs\(index)x2026", method: .staff, reason: reason)),
                as: reviewer,
                channel: "review-site",
                reason: reason
            )
            passwordResets += 1
            passwordChanges[PasswordChangeMethod.staff.rawValue, default: 0] += 1
        }
        switch person.plan.review {
        case .absent:
            return
        case .reject(let reason):
            wait(minutes: 5...40)
            try await run(
                person,
                .rejectApplication(RejectApplication(candidateID: id, applicationID: applicationID, reason: reason)),
                as: reviewer,
                channel: "review-site",
                reason: reason
            )
            applicationIDs[index] = nil
        case .approve:
            wait(minutes: 5...40)
            for (field, value, reason) in person.plan.corrections {
                try await run(
                    person,
                    .correctBasicInfo(CorrectBasicInfo(candidateID: id, applicationID: applicationID, field: field, newValue: value, reason: reason)),
                    as: reviewer,
                    channel: "review-site",
                    reason: reason
                )
            }
            // Over CHSI's differences, or entries CHSI never answered for, only with the reviewer's note, as a reviewer
            // who checked the originals writes it.
            let state = try await service.candidateState(id)
            let application = state.applications[applicationID]
            let differs = application.map { !CandidateDecider.chsiDifferences(of: $0, in: state).isEmpty } ?? false
            let unconfirmed = application.map { !CandidateDecider.entriesWithoutChsiResult(of: $0, in: state).isEmpty } ?? false
            let note =
                differs
                ? "已核对毕业证书原件及教育部学历证书电子注册备案表，与填报一致，学信网结果的差异已当场核实"
                : unconfirmed ? "已核对毕业证书原件，与填报一致" : nil
            let approval = CandidateCommand.approveApplication(ApproveApplication(candidateID: id, applicationID: applicationID, note: note))
            try await run(person, approval, as: reviewer, channel: "review-site", reason: note)
            if index > 0 && (approvalWithdrawals == 0 || index % 41 == 17) {
                // 审核通过 clicked before the original was seen: withdrawn before the signature, approved again once the
                // candidate came back with it.
                let reason = "误点审核通过：考生未携带学历证书原件，待补交原件后重新审核"
                wait(minutes: 1...5)
                try await run(
                    person,
                    .withdrawApproval(WithdrawApproval(candidateID: id, applicationID: applicationID, reason: reason)),
                    as: reviewer,
                    channel: "review-site",
                    reason: reason
                )
                approvalWithdrawals += 1
                wait(minutes: 30...90)
                try await run(person, approval, as: reviewer, channel: "review-site", reason: note)
            }
            if person.plan.signs {
                try await run(
                    person,
                    .recordSignature(RecordSignature(candidateID: id, applicationID: applicationID)),
                    as: reviewer,
                    channel: "review-site"
                )
            }
        }
    }

    // MARK: Payment

    func pay(_ index: Int) async throws {
        let person = people[index]
        guard let applicationID = applicationIDs[index], case .approve = person.plan.review else { return }
        let id = person.candidateID
        let fee = DemoData.feeFen(examCode: person.examCode)
        // The guide's order is sign, then pay: a candidate who left the site without signing is refused.
        guard person.plan.signs else {
            if person.plan.payment != .none {
                try await refuse(
                    person.plan.payment == .offlineAttempt ? .paymentOnlineUnavailable : .paymentNotSigned,
                    person,
                    .startPayment(StartPayment(candidateID: id, applicationID: applicationID, orderNumber: ids.next("order"), amountFen: fee))
                )
            }
            return
        }
        // The bank's answers carry the payment request's id as correlation and causation.
        var requests: [String: RequestContext] = [:]
        func start() async throws -> String {
            let order = ids.next("order")
            let asked = request("web")
            requests[order] = asked
            try await run(
                person,
                .startPayment(StartPayment(candidateID: id, applicationID: applicationID, orderNumber: order, amountFen: fee)),
                using: asked
            )
            payments.started += 1
            return order
        }
        func answer(_ order: String, transaction: String, succeeded: Bool, failure: String? = nil) async throws -> Bool {
            let cause = requests[order]?.requestId
            let outcome = try await run(
                person,
                .recordBankResult(
                    RecordBankResult(
                        candidateID: id,
                        applicationID: applicationID,
                        orderNumber: order,
                        bankTransactionID: transaction,
                        succeeded: succeeded,
                        amountFen: fee,
                        failureReason: failure
                    )
                ),
                as: Self.bank,
                using: request("bank", correlation: cause, causation: cause)
            )
            return !outcome.events.isEmpty
        }
        switch person.plan.payment {
        case .none:
            return
        case .offlineAttempt:
            try await refuse(
                .paymentOnlineUnavailable,
                person,
                .startPayment(StartPayment(candidateID: id, applicationID: applicationID, orderNumber: ids.next("order"), amountFen: fee))
            )
        case .normal, .late, .duplicate:
            let order = try await start()
            if person.plan.payment == .late {
                wait(minutes: 3...25)
                payments.lateConfirmations += 1
            }
            let transaction = ids.next("txn")
            _ = try await answer(order, transaction: transaction, succeeded: true)
            payments.confirmed += 1
            payments.paidFen += fee
            if person.plan.payment == .duplicate {
                wait(minutes: 1...5)
                if try await answer(order, transaction: transaction, succeeded: true) == false {
                    payments.duplicateConfirmations += 1
                }
            }
        case .failThenRetry:
            let first = try await start()
            _ = try await answer(first, transaction: ids.next("txn"), succeeded: false, failure: random.pick(DemoData.bankFailures))
            payments.failed += 1
            wait(minutes: 2...30)
            let second = try await start()
            _ = try await answer(second, transaction: ids.next("txn"), succeeded: true)
            payments.confirmed += 1
            payments.paidFen += fee
        case .pending:
            _ = try await start()
            payments.pending += 1
            wait(minutes: 5...15)
            try await refuse(
                .paymentPending,
                person,
                .startPayment(StartPayment(candidateID: id, applicationID: applicationID, orderNumber: ids.next("order"), amountFen: fee))
            )
        }
    }

    func refund(_ index: Int) async throws {
        let person = people[index]
        guard let amount = person.plan.refundFen, let applicationID = applicationIDs[index], case .approve = person.plan.review,
            person.plan.signs, [.normal, .late, .duplicate, .failThenRetry].contains(person.plan.payment)
        else { return }
        let fee = DemoData.feeFen(examCode: person.examCode)
        let reason =
            amount >= fee ? "考生因病申请退考，实践技能考试开始前提出，按考区规定全额退费" : "考生申请放弃医学综合笔试，按考区规定退还笔试部分考试费"
        try await run(
            person,
            .recordRefund(
                RecordRefund(
                    candidateID: person.candidateID,
                    applicationID: applicationID,
                    refundID: ids.next("refund"),
                    amountFen: amount,
                    reason: reason
                )
            ),
            as: admin,
            reason: reason
        )
        payments.refunds += 1
        payments.refundedFen += amount
    }

    // MARK: The report

    func report() async throws -> DemoReport {
        var byType: [String: Int] = [:]
        var events = 0
        var headHash = Data()
        var after: Int64 = 0
        while true {
            let batch = try await service.store.readAll(after: after, limit: 5_000)
            guard let last = batch.last else { break }
            for event in batch { byType[event.type, default: 0] += 1 }
            events += batch.count
            headHash = last.hash
            after = last.position
        }
        var statuses: [String: Int] = [:]
        var results = 0
        var mismatches = 0
        var identityMismatches = 0
        var corrections = 0
        var registered = 0
        for person in people {
            let state = try await service.candidateState(person.candidateID)
            if state.isRegistered { registered += 1 }
            for application in state.applicationsInOrder {
                statuses[application.status.rawValue, default: 0] += 1
                corrections += application.corrections.count
            }
            for entry in state.educationInOrder {
                results += entry.chsiResults.count
                guard let current = entry.currentChsiResult else { continue }
                let comparison = EducationComparison.compare(entry.record, with: current)
                if comparison.identityMismatch { identityMismatches += 1 }
                if comparison.identityMismatch || comparison.rows.contains(where: { $0.verdict == .mismatch }) { mismatches += 1 }
            }
        }
        let seedCase = people[0]
        let candidateAccount = DemoReport.Account(
            role: "考生",
            username: DemoSeason.candidateUsername,
            password: DemoSeason.candidatePassword,
            note: "\(seedCase.registration.name)：学信网验证结果与填报学历不符（指南案例），待东城区考点（1101）现场审核"
        )
        return DemoReport(
            seed: demo.seed,
            candidates: registered,
            events: events,
            eventsByType: byType,
            applicationsByStatus: statuses,
            chsiResults: results,
            chsiMismatches: mismatches,
            chsiIdentityMismatches: identityMismatches,
            corrections: corrections,
            passwordChanges: passwordChanges,
            payments: payments,
            duplicateRegistrationsRefused: duplicateRegistrations,
            refusals: refusals,
            accounts: [candidateAccount] + accounts,
            seedCaseCandidateID: seedCase.candidateID,
            headHash: headHash
        )
    }
}
