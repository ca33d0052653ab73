import ArgumentParser
import EventLog
import Foundation
import RegistrarApp
import RegistrationDomain

/// `registrar demo`: plays a realistic, reproducible season into a new event log.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play a realistic registration season through the real command path into a new SQLite event log.",
        discussion: """
            An administrator sets up the 2026 season (calendar, exams, three exam areas, six sites, staff); candidates \
            register, fill in their profiles, verify degrees with CHSI, apply, abandon and re-apply; reviewers correct, \
            approve, reject and record signatures; candidates pay, banks confirm late, twice or not at all; refunds \
            follow. The same --seed and --candidates give the same log and the same head hash. Prints a summary and \
            the accounts to log in with.
            """
    )

    @OptionGroup var database: DatabaseOptions

    // Unconditional, as replay's --version: a negative number is refused by its rule, not read as a missing value.
    @Option(name: .long, parsing: .unconditional, help: "How many candidates register (the first is always the demo candidate).")
    var candidates = 200

    @Option(name: .long, parsing: .unconditional, help: "Seed of every choice and id: the same seed gives the same log and hashes.")
    var seed: UInt64 = 2026

    @Option(
        name: .long,
        help: ArgumentHelp(
            "PBKDF2 rounds for the generated candidates' passwords and recovery answers.",
            discussion: """
                Production uses 210,000 rounds (about a tenth of a second per hash, two hashes per registration), which \
                would dominate the run; the generated candidates are invented people nobody logs in as, so they get a \
                cheap hash by default. Their hashes record the rounds and still verify. The staff accounts and \
                demo_candidate always use the production cost.
                """
        )
    )
    var passwordRounds = DemoSeason.defaultCandidatePasswordRounds

    func validate() throws {
        guard candidates >= 1 else { throw ValidationError("--candidates must be at least 1") }
        guard passwordRounds >= 1 else { throw ValidationError("--password-rounds must be at least 1") }
    }

    func run() async throws {
        let store = try database.openOrCreate(for: "demo").store
        let started = ContinuousClock.now
        let bar = ProgressBar("demo")
        let report: DemoReport
        do {
            guard try await store.headPosition() == 0 else {
                throw failure("\(database.db) already holds events; the demo needs a new database file")
            }
            report = try await Self.play(store: store, candidates: candidates, seed: seed, passwordRounds: passwordRounds, progress: bar.reporter)
            bar.finish()
        } catch let exit as ExitCode {
            bar.finish()
            throw exit
        } catch {
            bar.finish()
            throw failure("demo failed: \(error)")
        }
        let elapsed = ContinuousClock.now - started
        print(Self.summary(report, path: database.db, elapsed: elapsed))
    }

    /// Plays a demo season into an empty store with a manual clock and seeded ids.
    static func play(
        store: SQLiteEventStore,
        candidates: Int,
        seed: UInt64,
        passwordRounds: Int = DemoSeason.defaultCandidatePasswordRounds,
        progress: ProgressReporter?
    ) async throws -> DemoReport {
        let clock = ManualClock(DemoSeason.start)
        let service = try RegistrarService(
            store: store,
            clock: clock,
            ids: SeededIDGenerator(seed: seed),
            // Salts from the seed too, so that one seed gives the same database, credentials included; the staff
            // accounts people log in as keep the production cost.
            configuration: .init(seasonId: "2026", passwordHasher: .seededForDemo(rounds: PasswordHasher.standard.rounds, seed: seed))
        )
        let demo = try DemoSeason(
            service: service,
            clock: clock,
            seed: seed,
            candidates: candidates,
            candidatePasswordHasher: .seededForDemo(rounds: passwordRounds, seed: ~seed)
        )
        return try await demo.play(progress: progress)
    }

    static func summary(_ report: DemoReport, path: String, elapsed: Duration) -> String {
        var lines: [String] = []
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        lines.append("demo season written to \(path) (seed \(report.seed)) in \(String(format: "%.1f", seconds)) s")
        lines.append("")
        lines.append("candidates      \(report.candidates) registered; \(report.duplicateRegistrationsRefused) duplicate registration refused")
        lines.append("events          \(report.events)")
        let statuses = ApplicationStatus.allCases.compactMap { status in
            report.applicationsByStatus[status.rawValue].map { "\(status.label) \($0)" }
        }
        lines.append("applications    \(report.applicationsByStatus.values.reduce(0, +)): " + statuses.joined(separator: ", "))
        lines.append(
            "CHSI            \(report.chsiResults) results; \(report.chsiMismatches) entries whose current result does not match "
                + "(\(report.chsiIdentityMismatches) with another name or ID number)"
        )
        lines.append("corrections     \(report.corrections) by reviewers")
        let changes = report.passwordChanges
        lines.append(
            "passwords       \(changes["self", default: 0]) changed by the candidate, \(changes["recovery", default: 0]) recovered "
                + "with the recovery answer, \(changes["staff", default: 0]) reset at the review site; "
                + "\(report.eventsByType["RecoveryQuestionChanged", default: 0]) recovery questions replaced"
        )
        let p = report.payments
        lines.append(
            "payments        \(p.started) started, \(p.confirmed) confirmed (\(p.lateConfirmations) late, "
                + "\(p.duplicateConfirmations) confirmed twice by the bank), \(p.failed) failed, \(p.pending) pending; "
                + "\(p.refunds) refunds; paid ¥\(p.paidFen / 100), refunded ¥\(p.refundedFen / 100)"
        )
        let refusals = report.refusals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        lines.append("refused         " + (refusals.isEmpty ? "none" : refusals.joined(separator: ", ")))
        lines.append("")
        lines.append("accounts")
        for account in report.accounts {
            lines.append("  \(account.role)\t\(account.username) / \(account.password)\t\(account.note)")
        }
        lines.append("")
        lines.append("head hash       \(report.headHash.hexString)")
        return lines.joined(separator: "\n")
    }
}
