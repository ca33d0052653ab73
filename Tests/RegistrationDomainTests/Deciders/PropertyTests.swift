import Foundation
import PropertyBased
import Testing

@testable import RegistrationDomain

/// Property-based checks: evolve is total, replay is deterministic and snapshot-safe, and random command walks
/// keep the file's invariants.
@Suite("Properties of the deciders")
struct PropertyTests {
    // MARK: Arbitrary events (valid or nonsense) from a seed number

    static let ids = ["e1", "e2", "ghost"]
    static let apps = ["a1", "a2", "zz"]
    static let kinds = ["education", "training", "certificate", "bogus"]
    static let instants = ["2025-01-01T00:00:00.000Z", "not-a-date", ""]
    static let fields = BasicInfoField.allCases.map(\.rawValue) + ["bogus"]

    static func pick<T>(_ values: [T], _ seed: Int) -> T { values[seed % values.count] }

    static func candidateEvent(_ n: Int) -> CandidateEvent {
        let samples = CatalogueTests.candidateSamples
        let base = samples[n % samples.count]
        let s = n / samples.count
        let id = pick(ids, s)
        let app = pick(apps, s / 3)
        let at = pick(instants, s / 9)
        // Vary ids and instants of the sample so that events refer to known and unknown things.
        switch base {
        case .registered(var e):
            e.identity = pick([nil, 1, 9], s)
            e.idType = pick(["居民身份证", "外星证"], s / 3)
            return .registered(e)
        case .educationAdded(var e):
            e.entryID = id
            e.level = pick(["本科", "中专", "??"], s / 3)
            return .educationAdded(e)
        case .educationAmended(var e):
            e.entryID = id
            return .educationAmended(e)
        case .educationRemoved(var e):
            e.entryID = id
            return .educationRemoved(e)
        case .trainingAdded(var e):
            e.entryID = id
            return .trainingAdded(e)
        case .trainingRemoved(var e):
            e.entryID = id
            return .trainingRemoved(e)
        case .certificateAdded(var e):
            e.entryID = id
            return .certificateAdded(e)
        case .chsiScanStarted(var e):
            e.entryID = id
            e.scanID = pick(["s1", "s2"], s / 3)
            return .chsiScanStarted(e)
        case .chsiResultReceived(var e):
            e.entryID = id
            e.scanID = pick(["s1", "s2", "s3"], s / 3)
            return .chsiResultReceived(e)
        case .applicationSubmitted(var e):
            e.applicationID = app
            e.educationEntryIDs = Array(ids.prefix(s % 3))
            e.submittedAt = at
            return .applicationSubmitted(e)
        case .entryLocked(var e):
            e.entryKind = pick(kinds, s)
            e.entryID = pick(ids, s / 4)
            e.applicationID = app
            return .entryLocked(e)
        case .entryUnlocked(var e):
            e.entryKind = pick(kinds, s)
            e.entryID = pick(ids, s / 4)
            e.applicationID = app
            return .entryUnlocked(e)
        case .entryVerified(var e):
            e.entryKind = pick(kinds, s)
            e.entryID = pick(ids, s / 4)
            return .entryVerified(e)
        case .applicationAbandoned(var e):
            e.applicationID = app
            return .applicationAbandoned(e)
        case .basicInfoCorrected(var e):
            e.applicationID = app
            e.field = pick(fields, s)
            e.newValue = pick(["张叁", "7", ""], s / 10)
            return .basicInfoCorrected(e)
        case .applicationApproved(var e):
            e.applicationID = app
            return .applicationApproved(e)
        case .applicationRejected(var e):
            e.applicationID = app
            return .applicationRejected(e)
        case .applicationSigned(var e):
            e.applicationID = app
            return .applicationSigned(e)
        case .paymentStarted(var e):
            e.applicationID = app
            e.orderNumber = pick(["o1", "o2"], s)
            return .paymentStarted(e)
        case .paymentConfirmed(var e):
            e.applicationID = app
            e.orderNumber = pick(["o1", "o2", "o9"], s)
            return .paymentConfirmed(e)
        case .paymentFailed(var e):
            e.applicationID = app
            e.orderNumber = pick(["o1", "o2", "o9"], s)
            return .paymentFailed(e)
        case .refundRecorded(var e):
            e.applicationID = app
            e.amountFen = pick([100, 1, 50_000], s)
            return .refundRecorded(e)
        default:
            return base
        }
    }

    static let eventSeeds = Gen.int(in: 0...100_000).array(of: 0...60)

    @Test func candidateEvolveIsTotalAndReplayIsDeterministic() async {
        await propertyCheck(count: 300, input: Self.eventSeeds, Gen.int(in: 0...60)) { seeds, cut in
            let events = seeds.map(Self.candidateEvent)
            let once = CandidateDecider.replay(events)
            let twice = CandidateDecider.replay(events)
            #expect(once == twice)
            // Snapshot at any point, then the tail, gives the full replay.
            let split = min(cut, events.count)
            let snapshot = CandidateDecider.replay(events[..<split])
            let decoded = try JSONDecoder().decode(CandidateState.self, from: JSONEncoder().encode(snapshot))
            #expect(decoded == snapshot)
            #expect(CandidateDecider.replay(events[split...], from: decoded) == once)
            // The snapshot form the command path stores (long strings written once), and the form before it.
            let binary = try CandidateState(compactBinary: snapshot.compactBinary(interningStrings: true))
            #expect(binary == snapshot)
            #expect(CandidateDecider.replay(events[split...], from: binary) == once)
            #expect(try CandidateState(compactBinary: snapshot.compactBinary()) == snapshot)
        }
    }

    @Test func seasonAndStaffEvolveAreTotalAndDeterministic() async {
        let season =
            CatalogueTests.seasonSamples + [
                .calendarSet(
                    SeasonCalendarSet(
                        registrationOpens: "x",
                        registrationCloses: "",
                        reviewOpens: "",
                        reviewCloses: "",
                        paymentOpens: "",
                        paymentCloses: ""
                    )
                ),
                .examWithdrawn(ExamWithdrawn(code: "unknown")),
                .siteAdded(ExamSiteAdded(code: "s", name: "n", areaCode: "nowhere")),
            ]
        let staff =
            CatalogueTests.staffSamples + [
                .scopeChanged(
                    StaffScopeChanged(staffID: "?", previousAreaCode: nil, previousSiteCodes: [], areaCode: "", siteCodes: [], changedAt: "")
                )
            ]
        await propertyCheck(count: 200, input: Self.eventSeeds) { seeds in
            let seasonEvents = seeds.map { season[$0 % season.count] }
            let seasonState = SeasonDecider.replay(seasonEvents)
            #expect(seasonState == SeasonDecider.replay(seasonEvents))
            let data = try JSONEncoder().encode(seasonState)
            #expect(try JSONDecoder().decode(SeasonState.self, from: data) == seasonState)
            _ = seasonState.phase(at: T.registration)
            let staffEvents = seeds.map { staff[$0 % staff.count] }
            let staffState = StaffDecider.replay(staffEvents)
            #expect(staffState == StaffDecider.replay(staffEvents))
            #expect(try JSONDecoder().decode(StaffState.self, from: JSONEncoder().encode(staffState)) == staffState)
        }
    }

    // MARK: Random command walks

    static let times = [T.beforeRegistration, T.registration, T.review, T.reviewAndPayment, T.closed]
    static let secret = "Walk9password"

    static func step(_ n: Int) -> (CandidateCommand, CommandContext) {
        let z = Fixture.zhang
        let s = n / 20
        // Mostly the natural moment for the command, sometimes any moment, so that walks get far and still probe
        // the windows.
        let natural: Date =
            switch n % 20 {
            case 11, 12: T.registration
            case 13, 14, 15, 16: T.review
            case 17, 18: T.reviewAndPayment
            case 19: T.closed
            default: T.beforeRegistration
            }
        let now = s % 4 == 0 ? pick(times, s / 4) : natural
        let me = Fixture.candidate(at: now)
        let entry = pick(["e1", "e2", "zz"], s / 5)
        let app = pick(["a1", "a2"], s / 15)
        switch n % 20 {
        case 0:
            return (.register(Fixture.register(password: secret, recoveryAnswer: "walk answer")), me)
        case 1:
            return (.updateContact(UpdateContactDetails(candidateID: z, contact: Fixture.contact)), me)
        case 2:
            let status = pick(["在职", "当年毕业研究生"], s / 5)
            return (.updateWork(UpdateWorkDetails(candidateID: z, work: WorkInput(onDutyStatus: status, workUnit: "医院"))), me)
        case 3:
            var input = pick([Fixture.bachelor, Fixture.secondary], s / 15)
            if s % 7 == 0 { input.certificateNumber = "" }
            return (.addEducation(AddEducationEntry(candidateID: z, entryID: entry, education: input)), me)
        case 4:
            var input = Fixture.bachelor
            input.major = "临床医学"
            return (.amendEducation(AmendEducationEntry(candidateID: z, entryID: entry, education: input)), me)
        case 5:
            return (.removeEducation(RemoveEducationEntry(candidateID: z, entryID: entry)), me)
        case 6:
            return (.addTraining(AddTrainingEntry(candidateID: z, entryID: "t1", training: Fixture.residency)), me)
        case 7:
            return (.removeTraining(RemoveTrainingEntry(candidateID: z, entryID: "t1")), me)
        case 8:
            return (.addCertificate(AddCertificateEntry(candidateID: z, entryID: "z1", certificate: Fixture.assistantCertificate)), me)
        case 9:
            return (.startChsiScan(StartChsiScan(candidateID: z, entryID: entry, scanID: "s\(s % 3)")), me)
        case 10:
            return (
                .recordChsiResult(RecordChsiResult(candidateID: z, entryID: entry, scanID: "s\(s % 3)", record: Fixture.chsiRecord)),
                Fixture.actor(.chsi, at: now)
            )
        case 11:
            let education = pick([["e1"], ["e1"], ["e2"], ["zz"], ["e1", "zz"]], s / 5)
            let training = pick([[], ["t1"]], s / 20)
            return (
                Fixture.submit(
                    app,
                    exam: pick(["110", "120"], s / 3),
                    education: education,
                    training: training,
                    certificate: pick([nil, "z1"], s / 2)
                ),
                me
            )
        case 12:
            return (.abandonApplication(AbandonApplication(candidateID: z, applicationID: app)), me)
        case 13:
            let value = pick(["满族", "汉族"], s / 5)
            return (
                .correctBasicInfo(CorrectBasicInfo(candidateID: z, applicationID: app, field: .ethnicity, newValue: value, reason: "更正")),
                Fixture.reviewer(at: now)
            )
        case 14:
            return (
                .approveApplication(ApproveApplication(candidateID: z, applicationID: app, note: Fixture.originalsChecked)), Fixture.reviewer(at: now)
            )
        case 15:
            return (.rejectApplication(RejectApplication(candidateID: z, applicationID: app, reason: "不符合")), Fixture.reviewer(at: now))
        case 16:
            return (.recordSignature(RecordSignature(candidateID: z, applicationID: app)), Fixture.reviewer(at: now))
        case 17:
            return (
                .startPayment(StartPayment(candidateID: z, applicationID: app, orderNumber: "o\(s % 2)", amountFen: 15000)),
                me
            )
        case 18:
            return (
                .recordBankResult(
                    RecordBankResult(
                        candidateID: z,
                        applicationID: app,
                        orderNumber: "o\(s % 2)",
                        bankTransactionID: "t\(s % 3)",
                        succeeded: s % 3 != 0,
                        amountFen: 15000
                    )
                ),
                Fixture.actor(.bank, at: now)
            )
        default:
            return (
                .recordRefund(RecordRefund(candidateID: z, applicationID: app, refundID: "r\(s % 3)", amountFen: 5000, reason: "退考")),
                Fixture.actor(.admin, at: now)
            )
        }
    }

    static func checkInvariants(_ state: CandidateState, _ events: [CandidateEvent]) {
        // At most one live application per season.
        let live = state.applications.values.filter(\.isLive)
        #expect(Set(live.map(\.seasonID)).count == live.count)
        // Locks are held only by live applications, and every live application locks what it ticked.
        for kind in ProfileEntryKind.allCases {
            let ids: [String] =
                switch kind {
                case .education: Array(state.education.keys)
                case .training: Array(state.training.keys)
                case .certificate: Array(state.certificates.keys)
                }
            for id in ids {
                for holder in state.flags(kind, id)?.lockedBy ?? [] {
                    #expect(state.applications[holder]?.isLive == true, "\(kind) \(id) locked by dead \(holder)")
                }
            }
        }
        for application in live {
            for (kind, id) in application.tickedEntries {
                #expect(state.flags(kind, id)?.lockedBy.contains(application.applicationID) == true)
            }
        }
        // 已缴费 only after a bank confirmation; verified entries only after an approval.
        for application in state.applications.values where application.paidFen > 0 {
            #expect(events.contains { if case .paymentConfirmed(let e) = $0 { e.applicationID == application.applicationID } else { false } })
        }
        if state.education.values.contains(where: \.flags.verified) {
            #expect(events.contains { if case .applicationApproved = $0 { true } else { false } })
        }
    }

    static let starts: [[CandidateEvent]] = [
        [], History.withEducation().events, History.submitted().events, History.signed().events,
    ]

    @Test func randomCommandWalksKeepTheInvariants() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000).array(of: 1...80)) { seeds in
            var state = CandidateDecider.initial
            var events: [CandidateEvent] = []
            // Start from different points of a season so that walks get everywhere.
            let prefix = Self.starts[seeds.first! % Self.starts.count]
            events = prefix
            state = CandidateDecider.replay(prefix)
            for seed in seeds {
                let (command, context) = Self.step(seed)
                guard let produced = try? CandidateDecider.decide(command, in: context, state: state) else { continue }
                events += produced
                state = produced.reduce(state, CandidateDecider.evolve)
            }
            #expect(CandidateDecider.replay(events) == state)
            Self.checkInvariants(state, events)
            let json = String(decoding: try JSONEncoder().encode(CandidateEventBox(events)), as: UTF8.self)
            #expect(!json.contains(Self.secret))
            #expect(!json.contains("walk answer"))
            #expect(try JSONDecoder().decode(CandidateState.self, from: JSONEncoder().encode(state)) == state)
        }
    }

    @Test func decideIsDeterministic() async {
        await propertyCheck(count: 100, input: Gen.int(in: 0...1_000_000).array(of: 1...30)) { seeds in
            var state = CandidateDecider.replay(History.withEducation().events)
            for seed in seeds {
                let (command, context) = Self.step(seed)
                let first = Result { () throws(Rejection) in try CandidateDecider.decide(command, in: context, state: state) }
                let second = Result { () throws(Rejection) in try CandidateDecider.decide(command, in: context, state: state) }
                #expect(first == second)
                if case .success(let produced) = first { state = produced.reduce(state, CandidateDecider.evolve) }
            }
        }
    }
}
