import ArgumentParser
import EventLog
import Foundation
import RegistrarApp
import RegistrationDomain

/// `registrar replay`: a candidate's file as it was at a point, with the timeline that led there.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Show a candidate's file as it was at a version or an instant, and the events (who, when, what) that led there.",
        discussion: """
            --diff A..B shows the field-level difference between two versions instead.

            A log whose last 1,000 events' hash chain is broken, or that lost events its read models had folded (the \
            checks `registrar serve` runs as it starts), is refused (exit 2), naming the position, with the advice to run \
            `registrar verify`.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "The candidate id or username.")
    var candidate: String

    // Unconditional: `--version -1` reaches validate(), which names the rule, instead of reading as a missing value.
    @Option(name: .long, parsing: .unconditional, help: "Replay up to this stream version.")
    var version: Int?

    @Option(name: .long, help: "Replay up to this instant (ISO 8601, e.g. 2026-01-12T03:00:00Z or 2026-01-12T11:00:00+08:00).")
    var at: String?

    @Option(
        name: .long,
        help: "Two versions A..B: show what changed between them (JSON: the versions compared and the changes)."
    )
    var diff: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    @Flag(name: .long, help: "Show ID numbers and birth dates in full (masked by default, as auditors see them: 420***********123X, 1990-**-**).")
    var showIDNumbers = false

    func validate() throws {
        if version != nil && at != nil { throw ValidationError("give --version or --at, not both") }
        if diff != nil && (version != nil || at != nil) {
            throw ValidationError("give --diff or --version/--at, not both (--diff compares two versions of its own)")
        }
        if let version, version < 0 { throw ValidationError("--version must be 0 or more") }
        if let at, Instant.date(fromISO8601: at) == nil {
            throw ValidationError("--at must be an ISO-8601 instant like 2026-01-12T03:00:00.000Z or 2026-01-12T11:00:00+08:00")
        }
        if let diff {
            guard let (from, to) = Self.versions(diff) else { throw ValidationError("--diff must be two versions like 3..9") }
            guard to >= from else {
                throw ValidationError("--diff \(diff): the first version must not be after the second (\(to)..\(from)?)")
            }
        }
    }

    /// The two versions of `A..B`, in either order; nil when it is not that.
    static func versions(_ text: String) -> (Int, Int)? {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, let from = Int(parts[0]), let to = Int(parts[1]), from >= 0, to >= 0 else { return nil }
        return (from, to)
    }

    /// A range `A..B` with A ≤ B.
    static func parseRange(_ text: String) -> (Int, Int)? {
        versions(text).flatMap { $0.0 <= $0.1 ? $0 : nil }
    }

    func run() async throws {
        let store = try database.open(readOnly: true)
        // As `serve` checks the log as it starts: a changed event would be replayed as if it had been written so.
        try await database.refuseChangedLog(store, command: "replay", readModels: true, nothingShown: "nothing is shown")
        do {
            try await show(try await candidateID(candidate, in: store), store: store)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw failure("replay failed: \(error)")
        }
    }

    private func show(_ candidateId: String, store: SQLiteEventStore) async throws {
        let history = CandidateHistory(store: store)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        if let diff, let (from, to) = Self.parseRange(diff) {
            let changes = try await history.diff(candidateId, from: .version(from), to: .version(to), maskingIDNumbers: !showIDNumbers)
            let latest = try await store.streamVersion(candidateId)
            switch format {
            case .json:
                // The versions compared, as asked and as reached (a version past the file's last one is the latest),
                // so that a script can tell what the changes are between.
                struct DiffOutput: Encodable {
                    let candidateId: String
                    let fromVersion: Int
                    let toVersion: Int
                    let latestVersion: Int
                    let changes: [CandidateHistory.Change]
                }
                let output = DiffOutput(
                    candidateId: candidateId,
                    fromVersion: min(from, latest),
                    toVersion: min(to, latest),
                    latestVersion: latest,
                    changes: changes
                )
                print(String(decoding: try encoder.encode(output), as: UTF8.self))
            case .text:
                // Versions past the file's last one are the file as it is now: say so rather than name a version
                // that does not exist.
                let shown = { (version: Int) in version > latest ? "\(latest) (the latest; \(version) asked)" : "\(version)" }
                print("\(candidateId): \(changes.count) fields changed between version \(shown(from)) and \(shown(to))")
                // Control characters in a value are escaped (`\n`), so that no value can forge a line.
                let e = DisplayText.escaped as (String) -> String
                for change in changes { print("  \(e(change.path)): \(change.before.map(e) ?? "—") → \(change.after.map(e) ?? "—")") }
            }
            return
        }
        let instant = at.flatMap(Instant.date(fromISO8601:)).map(Instant.string(from:))
        let point: CandidateHistory.Point = version.map { .version($0) } ?? instant.map { .instant($0) } ?? .latest
        var (state, reached, timeline) = try await history.replay(candidateId, at: point)
        if !showIDNumbers {
            let known = Masking.knownNumbers(of: state)
            Masking.idNumbers(in: &state)
            timeline = timeline.map { Masking.idNumbers(in: $0, knowing: known) }
        }
        switch format {
        case .json:
            struct Output: Encodable {
                let candidateId: String
                let version: Int
                let state: CandidateState
                let timeline: [CandidateHistory.Step]
            }
            print(
                String(
                    decoding: try encoder.encode(Output(candidateId: candidateId, version: reached, state: state, timeline: timeline)),
                    as: UTF8.self
                )
            )
        case .text:
            if reached == 0 {
                // Before its first event the file did not exist: an empty "version 0" would read as an empty file.
                let registered = try await history.replay(candidateId, at: .version(1)).timeline.first
                let asked = at.map { "at \($0)" } ?? "at version 0"
                print(
                    "\(candidateId) did not exist yet \(asked): it was registered "
                        + (registered.map { "at \($0.recordedAt) (version 1, position \($0.position))" } ?? "later")
                )
                return
            }
            // As --diff does: a version past the file's last one is the file as it is now, and is said to be.
            let past = version.map { $0 > reached ? " (the latest; \($0) asked)" : "" } ?? ""
            print("\(candidateId) at version \(reached)\(past)")
            // Control characters in a value are escaped (`\n`), so that no value can forge a line.
            let e = DisplayText.escaped as (String) -> String
            if let basic = state.basic { print("  \(e(basic.name)) (\(e(basic.username))), \(e(basic.idType)) \(e(basic.idNumber))") }
            for application in state.applicationsInOrder {
                print(
                    "  application \(e(application.applicationID)): \(e(application.examCode)) at \(e(application.siteCode)) — \(application.status.rawValue)"
                )
            }
            print("timeline:")
            for step in timeline {
                let reason = step.reason.map { " — \(e($0))" } ?? ""
                print(
                    "  v\(step.version) #\(step.position) \(e(step.recordedAt)) \(e(step.role)) \(e(step.actorId)) via \(e(step.channel)): \(e(step.action))\(reason)"
                )
            }
        }
    }
}
