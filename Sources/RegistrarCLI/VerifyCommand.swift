import ArgumentParser
import EventLog
import Foundation
import Projections
import RegistrarApp

/// `registrar verify`: recomputes the hash chain and checks the log's guarantees.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Check the hash chain, the append-only triggers, the claims, that every event decodes, that every snapshot plus its tail equals a full replay, that every kept photo hashes to its id and is named by an application, and that every read model equals its rebuild.",
        discussion: """
            Exit status 0 when everything is intact; 1 when something is not, naming the first bad position and every \
            problem found (the first \(VerificationReport.problemsListed) of the chain's, then how many more); 2 on \
            error. The read models' checkpoints are compared with the log even with --skip-read-models: a read model \
            that has folded events the log no longer has is the sign that events were cut off the log's end.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .long, help: "Skip folding the read models again from position 0 and comparing them with the live ones.")
    var skipReadModels = false

    @Option(
        name: .customLong("expect"),
        help: ArgumentHelp(
            "POSITION:HASH, a head an earlier verify printed (repeatable): the event at POSITION must still have HASH.",
            discussion: """
                The chain proves the log consistent with itself; someone able to write the file could rewrite an old                 event and every hash after it. A head written down elsewhere (a printout, another machine) anchors it:                 a rewritten log no longer holds that hash at that position.
                """
        )
    )
    var expect: [String] = []

    func validate() throws {
        for anchor in expect where Self.anchor(anchor) == nil {
            throw ValidationError("--expect \(anchor): give POSITION:HASH, the position and the 64 hex digits verify printed")
        }
    }

    /// `POSITION:HASH` (the hash as verify prints it, 64 hex digits), or nil.
    static func anchor(_ text: String) -> (position: Int64, hash: String)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let position = Int64(parts[0]), position >= 1 else { return nil }
        let hash = parts[1].lowercased()
        guard hash.count == 64, hash.allSatisfy(\.isHexDigit) else { return nil }
        return (position, hash)
    }

    func run() async throws {
        let store = try database.open(readOnly: true)
        let bar = ProgressBar("verify")
        var report: VerificationReport
        var readModels = [ReadModelCheck]()
        var photos: (checked: Int, damaged: [String]) = (0, [])
        do {
            report = try await store.verify(progress: bar.reporter)
            let maintenance = Maintenance(store: store)
            report.note(contentsOf: try await maintenance.undecodableEvents())
            report.note(contentsOf: try await maintenance.snapshotMismatches())
            // Applications name their photos by hash: a kept photo whose bytes hash otherwise was changed.
            photos = try store.pool.readNow { db in try PhotoTable.damaged(in: db) }
            report.problems += photos.damaged.map { "photo \($0): its bytes no longer hash to its id (the photos table was changed)" }
            let missing = try store.pool.readNow { db in try PhotoTable.missing(in: db) }
            report.problems += missing.map { "photo \($0): an application names it, and the photos table does not hold it" }
            let unnamed = try store.pool.readNow { db in try PhotoTable.unnamed(in: db) }
            report.problems += unnamed.map { "photo \($0): kept, and no application names it (a row added outside the log)" }
            for anchor in expect.compactMap(Self.anchor) {
                let held = try await store.readAll(after: anchor.position - 1, limit: 1).first { $0.position == anchor.position }
                if let held, held.hash.hexString == anchor.hash { continue }
                report.problems.append(
                    "event \(anchor.position): expected hash \(anchor.hash), the log holds "
                        + (held.map { $0.hash.hexString } ?? "no event there") + " (the log was rewritten since that head was taken)"
                )
            }
            // A chain that verifies can still have lost its last events: the read models remember how far they folded.
            let engine = ProjectionEngine(store: store)
            let logProblems = try engine.logProblems()
            report.problems += logProblems.compactMap(\.logFinding)
            if !skipReadModels {
                // A read model that folded events the log no longer has is reported above, not compared.
                readModels = try await engine.verifyAgainstRebuild(skipping: Set(logProblems.compactMap(\.readModel)))
                for check in readModels where !check.matches {
                    report.problems.append(
                        "read model \(check.name) at position \(check.checkpoint): live rows hash \(check.liveHash), "
                            + "rebuilt from the log \(check.rebuiltHash)"
                    )
                    report.problems += check.differences.map { "read model \(check.name): \($0)" }
                }
            }
        } catch {
            bar.finish()
            throw failure("verify failed: \(error)")
        }
        bar.finish()
        if report.isIntact {
            print("intact: \(report.eventsChecked) events, \(report.snapshotsChecked) snapshots; head hash \(report.headHash.hexString)")
            if let head = try? await store.headPosition(), head > 0 {
                // The anchor to give a later verify (--expect), to be kept away from this file.
                print("head: \(head):\(report.headHash.hexString)")
            }
            if !expect.isEmpty { print("anchors: \(expect.count) expected head\(expect.count == 1 ? "" : "s") still held") }
            print("photos: \(photos.checked) kept, each hashes to its id and is named by an application, and every application's photo is kept")
            if skipReadModels {
                print("read models: not compared (--skip-read-models)")
            } else if readModels.isEmpty {
                print("read models: none installed, nothing compared")
            }
            for check in readModels {
                if let outdated = check.outdatedVersion {
                    print(
                        "read model \(check.name): version \(outdated) stored, this build writes another; not compared "
                            + "(`registrar serve` or `registrar rebuild` brings it up to date)"
                    )
                } else {
                    print("read model \(check.name): rebuilt = live at position \(check.checkpoint) (rows hash \(check.liveHash.prefix(16))…)")
                }
            }
            return
        }
        if let position = report.firstBadPosition { print("first bad position: \(position)") }
        for problem in report.problems { print("NOT INTACT: \(problem)") }
        if report.problemsNotListed > 0 {
            print("NOT INTACT: \(report.problemsNotListed) more problems not listed")
        }
        print("\(report.problemCount) problem\(report.problemCount == 1 ? "" : "s") found in \(report.eventsChecked) events")
        throw ExitCode(1)
    }
}
