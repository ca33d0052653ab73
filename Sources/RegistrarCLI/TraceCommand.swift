import ArgumentParser
import EventLog
import Foundation
import Projections
import RegistrarApp
import RegistrationDomain

/// `registrar trace`: the audit trail, filtered.
struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Print the audit trail (one row per changed field: whose file, who, when, what, before, after, why), filtered.",
        discussion: """
            Reads the audit_trail read model and never writes to the file (it may be read-only). When the read model \
            is not installed or not caught up with the log, trace says so: `registrar rebuild --db PATH --projection \
            audit_trail` builds it, and a running `registrar serve` keeps it current. When the log has lost events the \
            read model had folded (cut off its end, or replaced), or whose last 1,000 events' hash chain is broken (the \
            check `registrar serve` runs as it starts), trace refuses (exit 2), naming the position, and says to run \
            `registrar verify`.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, csv
    }

    @OptionGroup var database: DatabaseOptions

    // `--candidate` is the option's first name, kept: scripts and the README use it.
    @Option(
        name: [.customLong("subject"), .customLong("candidate")],
        help: ArgumentHelp(
            "Whose changes: a candidate, a staff account (id or username) or another stream such as season-2026.",
            valueName: "subject"
        )
    )
    var candidate: String?

    @Option(
        name: .long,
        help:
            "Who acted: an actor id as the trail shows it (candidate-…, staff-…, or the systems: \(Actor.systemActorIDs.joined(separator: ", "))), or a candidate's or staff member's username."
    )
    var actor: String?

    @Option(
        name: .long,
        help:
            "From this instant (ISO 8601, inclusive; e.g. 2026-01-12T03:00:00Z or 2026-01-12T11:00:00+08:00), or a date: the start of that day in Beijing time."
    )
    var since: String?

    @Option(name: .long, help: "Until this instant (ISO 8601, exclusive), or a date: to the end of that day in Beijing time.")
    var until: String?

    @Option(
        name: .long,
        help:
            "A field path; matches the field and everything under it (e.g. basic, contact.mobile, education[<entry id>].school, applications[<id>].payments[<order>]; the paths `replay --diff` prints)."
    )
    var field: String?

    @Option(
        name: .long,
        parsing: .unconditional,
        help: "At most this many rows, up to 10,000,000 (standard error says where the next ones start)."
    )
    var limit = 10_000

    /// The row counts accepted. The rows are read and printed a step at a time (`--step-rows`), so memory does not grow
    /// with the count.
    static let limits = 1...10_000_000

    @Option(name: .long, help: ArgumentHelp("Rows read from the trail per step (memory holds one step).", visibility: .hidden))
    var stepRows = 5_000

    @Option(name: .long, help: "Only the rows after this one: POSITION.SEQUENCE, as standard error names it after a cut.")
    var after: String?

    @Option(name: .long, help: "Output format: text, json or csv.")
    var format: Format = .text

    @Flag(name: .long, help: "Show ID numbers and birth dates in full (masked by default, as auditors see them: 420***********123X, 1990-**-**).")
    var showIDNumbers = false

    func validate() throws {
        guard Self.limits.contains(limit) else {
            throw ValidationError("--limit must be between \(Self.limits.lowerBound) and \(Self.limits.upperBound) (more rows: page on with --after)")
        }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, AuditFilter.bound(value) == nil {
                throw ValidationError(
                    "\(name) must be a date (a day in Beijing time) or an ISO-8601 instant like 2026-01-12, 2026-01-12T03:00:00.000Z or "
                        + "2026-01-12T11:00:00+08:00"
                )
            }
        }
        if let since = since.flatMap({ AuditFilter.bound($0) }), let until = until.flatMap({ AuditFilter.bound($0, endOfDay: true) }),
            since >= until
        {
            throw ValidationError("--until must be later than --since")
        }
        if field?.isEmpty == true { throw ValidationError("--field must name a field path, e.g. contact.mobile") }
        if let after, AuditCursor(token: after) == nil {
            throw ValidationError("--after must be POSITION.SEQUENCE (e.g. 1042.3), as a cut trail names it")
        }
    }

    func run() async throws {
        let store = try database.open(readOnly: true)
        // As `serve` checks the log as it starts: a trail of a changed log would show what the log no longer says.
        try await database.refuseChangedLog(store, command: "trace", readModels: false, nothingShown: "the trail is not shown")
        do {
            var subject: String?
            if let candidate { subject = try await subjectID(candidate, option: "--subject", in: store) }
            var actorFilter: String?
            if let actor { actorFilter = try await actorID(actor, in: store) }
            try requireCurrentAuditTrail(store)
            let filter = AuditFilter(
                candidate: subject,
                actor: actorFilter,
                since: since.flatMap { AuditFilter.bound($0) },
                until: until.flatMap { AuditFilter.bound($0, endOfDay: true) },
                field: field
            )
            let queries = AuditQueries(store.pool)
            // Who the actors are, for the CSV's actor_name and the text's rows (the JSON keeps the trail's own fields).
            let staff = CommandHandler<StaffDecider>(store: store, codec: EventCatalog.staffCodec)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            // A step at a time from the cursor, each step printed before the next is read: an auditor exporting a
            // season's trail (millions of rows) needs no more memory than for one step. The JSON is one array,
            // written as the encoder would write it whole.
            var cursor = after.flatMap(AuditCursor.init(token:))
            var shown = 0
            switch format {
            case .json: break
            case .csv:
                // The byte order mark first, as the pages' CSV: Excel on a Chinese Windows then reads UTF-8.
                print(AuditRecord.csvByteOrderMark + AuditRecord.csvColumns.joined(separator: ","))
            case .text: break
            }
            repeat {
                let page = try await queries.page(filter, after: cursor, limit: min(max(1, stepRows), limit - shown))
                let rows = showIDNumbers ? page.records : page.records.map { $0.maskingIDNumbers() }
                let names = format == .json ? [:] : try await RegistrarService.accountNames(Set(rows.map(\.actorID)), store: store, staff: staff)
                try emit(rows, names: names, first: shown == 0, encoder: encoder)
                shown += rows.count
                cursor = page.next
            } while cursor != nil && shown < limit
            switch format {
            case .json: print(shown == 0 ? String(decoding: try encoder.encode([AuditRecord]()), as: UTF8.self) : "\n]")
            case .csv: break
            case .text: print("\(shown) rows")
            }
            // Only for a trail read from its start: past a cursor, no rows may just mean the end of the trail.
            if shown == 0, after == nil, let field {
                // Some paths of the file are not changes the trail records (instants such as registeredAt and
                // …submittedAt, an entry's order, every CHSI answer under chsiResults[…], a correction's own record):
                // say so rather than let an empty answer pass for "never changed".
                printError(
                    "trace: no trail rows for --field \(field) with these filters; the trail records what events change, "
                        + "not the instants and bookkeeping the file also keeps (projections/audit_trail/README.md lists them): "
                        + "`registrar replay --diff` shows those"
                )
            }
            // On standard error, so that the rows on standard output stay a whole document of their format.
            if let next = cursor { printError("trace: \(limit) rows shown, more follow: add --after \(next.token)") }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw failure("trace failed: \(error)")
        }
    }

    /// Prints one step's rows in the format (`first`: the first rows of the output).
    private func emit(_ rows: [AuditRecord], names: [String: String], first: Bool, encoder: JSONEncoder) throws {
        switch format {
        case .json:
            for (index, row) in rows.enumerated() {
                // The array's members indented by two spaces, as the encoder indents them in a whole array.
                let member = String(decoding: try encoder.encode(row), as: UTF8.self)
                    .split(separator: "\n", omittingEmptySubsequences: false)
                    .map { "  " + $0 }
                    .joined(separator: "\n")
                print((first && index == 0 ? "[\n" : ",\n") + member, terminator: "")
            }
        case .csv:
            for row in rows { print(row.csvCells(actorName: names[row.actorID] ?? "").map { CSVField.escape($0) }.joined(separator: ",")) }
        case .text:
            // One row a line: control characters in a value are escaped (`\n`), so that no value can forge a row;
            // a value holding the row's own separators (→, —) or a quote is quoted, so that it cannot pose as
            // another change or a reason.
            for (original, row) in zip(rows, rows.map(\.escapedForDisplay)) {
                let actor = names[original.actorID].map { "\(row.actorID) (\(DisplayText.escaped($0)))" } ?? row.actorID
                let reason = row.reason.map { " — \(Self.quotedIfAmbiguous($0))" } ?? ""
                let before = row.before.map(Self.quotedIfAmbiguous) ?? "—"
                let after = row.after.map(Self.quotedIfAmbiguous) ?? "—"
                let change = row.field.isEmpty ? "" : " \(row.field): \(before) → \(after)"
                print(
                    "#\(row.position) \(row.recordedAt) [\(row.subjectID)] \(row.role) \(actor) via \(row.channel): "
                        + "\(row.action)\(change)\(reason)"
                )
            }
        }
    }

    /// Refuses, saying what to run, unless the audit trail read model is installed and caught up with the log:
    /// installing or catching it up here would write to a file that trace only reads.
    private func requireCurrentAuditTrail(_ store: SQLiteEventStore) throws {
        let projection = AuditTrailProjection()
        let rebuild = "`registrar rebuild --db \(database.db) --projection \(projection.name)`"
        switch try ProjectionEngine(store: store).status(projection.name) {
        case .current:
            return
        case .notInstalled:
            throw failure("the audit trail read model is not installed in \(database.db) (trace only reads it): build it with \(rebuild)")
        case .filling:
            throw failure("the audit trail read model of \(database.db) is being filled by another process: try again when it is done")
        case .outdated(let stored):
            throw failure(
                "the audit trail read model of \(database.db) is version \(stored), this build reads version \(projection.version): "
                    + "bring it up to date with \(rebuild)"
            )
        case .behind(let checkpoint, let head):
            throw failure(
                "the audit trail read model of \(database.db) stops at position \(checkpoint), the log at \(head): bring it up to date "
                    + "with \(rebuild) (a running `registrar serve` keeps it current)"
            )
        case .pastHead(let checkpoint, let head):
            // Its rows after the head are of events the log no longer has: shown, they would pass for the log's.
            let problem = ProjectionError.logEndsBeforeReadModel(projection.name, checkpoint: checkpoint, head: head)
            throw failure("\(problem.description(database: database.db)) (the trail is not shown)")
        case .foldedEventReplaced(let position, let missing):
            let problem = ProjectionError.foldedEventReplaced(projection.name, position: position, missing: missing)
            throw failure("\(problem.description(database: database.db)) (the trail is not shown)")
        }
    }
}

extension TraceCommand {
    /// A value as the text format shows it: as it is, or in double quotes (a quote inside as `\"`; backslashes are
    /// doubled already, by ``DisplayText``) when it is empty, has leading or trailing spaces, starts with a quote, or
    /// holds the row's separators ` → ` and ` — ` (or the em dash that stands for "none").
    static func quotedIfAmbiguous(_ value: String) -> String {
        let ambiguous =
            value.isEmpty || value.hasPrefix("\"") || value.contains("→") || value.contains("—")
            || value.first?.isWhitespace == true || value.last?.isWhitespace == true
        guard ambiguous else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
