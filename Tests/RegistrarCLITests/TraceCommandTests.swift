import EventLog
import Foundation
import Testing

@Suite("trace")
struct TraceCommandTests {
    @Test("without the audit trail read model, trace says what to run and writes nothing; once built, it only reads")
    func readsOnly() throws {
        let path = try demoCopy()
        let tables = try tableNames(path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for arguments in [["trace", "--db", path], ["trace", "--db", path, "--candidate", "demo_candidate"]] {
            let refused = try run(try registrarBinary(), arguments)
            #expect(refused.status == 2)
            #expect(refused.error.contains("the audit trail read model is not installed"), "\(refused.error)")
            #expect(refused.error.contains("registrar rebuild --db \(path) --projection audit_trail"), "\(refused.error)")
        }
        // A candidate that does not exist is named before anything else.
        let unknown = try registrar("trace", "--db", path, "--candidate", "nobody_here")
        #expect(
            unknown.status == 2 && unknown.error.contains("nobody_here: no candidate, staff account or stream with that id or username"),
            "\(unknown.error)"
        )
        #expect(try tableNames(path) == tables)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)

        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        let built = try tableNames(path)
        let trace = try registrar("trace", "--db", path, "--candidate", "demo_candidate")
        #expect(trace.status == 0, "\(trace.error)")
        #expect(trace.output.contains("李文博"))
        #expect(try tableNames(path) == built)
    }

    @Test("text and CSV rows name the file they are about, so rows of several candidates can be told apart")
    func rowsNameTheirSubject() throws {
        let path = try demoCopy()
        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        let candidate = try #require(try sqliteQuery(path, "SELECT stream_id FROM claims WHERE claim = 'username:demo_candidate'").first)
        #expect(candidate.hasPrefix("candidate-"))

        let csv = try registrar("trace", "--db", path, "--actor", "chsi", "--format", "csv")
        #expect(csv.status == 0, "\(csv.error)")
        let lines = csv.output.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let subject = try #require(header.firstIndex(of: "subject"))
        for column in ["actor", "before", "after", "reason"] { #expect(header.contains(column)) }
        let subjects = Set(lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)[subject] })
        #expect(subjects.count > 1, "CHSI answered for several candidates: \(subjects)")
        #expect(subjects.allSatisfy { $0.hasPrefix("candidate-") })

        let text = try registrar("trace", "--db", path, "--candidate", "demo_candidate")
        let rows = text.output.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.contains("[\(candidate)]") }, "\(rows.prefix(3))")
    }

    @Test("--actor takes a staff or candidate username as well as an actor id; the help names real ids")
    func actorByUsername() throws {
        let path = try demoCopy()
        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        let admin = try #require(try sqliteQuery(path, "SELECT stream_id FROM claims WHERE claim = 'username:demo_admin'").first)
        #expect(admin.hasPrefix("staff-"))
        let byName = try registrar("trace", "--db", path, "--actor", "demo_admin", "--format", "csv")
        let byID = try registrar("trace", "--db", path, "--actor", admin, "--format", "csv")
        #expect(byName.status == 0 && byID.status == 0, "\(byName.error)\(byID.error)")
        #expect(byName.output.split(separator: "\n").count > 1)
        #expect(byName.output == byID.output)
        let candidate = try registrar("trace", "--db", path, "--actor", "demo_candidate", "--format", "csv")
        #expect(candidate.output.split(separator: "\n").count > 1)

        let help = try registrar("trace", "--help").output
        #expect(help.contains("chsi") && help.contains("bank") && help.contains("system") && help.contains("username"))
        #expect(!help.contains("chsi-gateway") && !help.contains("bank-…"))
        #expect(!help.contains("(candidate, staff, chsi, bank, system)"))
    }

    @Test("an actor that is neither a system's id, an account's id nor a username is refused, exit 2, like --candidate")
    func unknownActor() throws {
        let path = try demoCopy()
        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        for name in ["nobody_x", "staff-doesnotexist"] {
            let refused = try registrar("trace", "--db", path, "--actor", name)
            #expect(refused.status == 2, "\(name): \(refused.output)")
            #expect(refused.error.contains("no actor with id or username \(name)"), "\(refused.error)")
            #expect(refused.error.contains("system, chsi, bank"))
        }
        for name in ["system", "chsi", "bank", "demo_admin", "demo_candidate"] {
            let found = try registrar("trace", "--db", path, "--actor", name, "--limit", "5")
            #expect(found.status == 0, "\(name): \(found.error)")
        }
    }

    @Test("the demo records CHSI and the bank under the ids of the live callbacks: chsi and bank")
    func oneActorIDPerOutsideSystem() throws {
        let path = try demoCopy()
        let ids = try sqliteQuery(
            path,
            "SELECT DISTINCT json_extract(metadata, '$.actorId') FROM events WHERE json_extract(metadata, '$.role') IN ('chsi', 'bank') ORDER BY 1"
        )
        #expect(ids == ["bank", "chsi"])
        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        for actor in ["chsi", "bank"] {
            let rows = try registrar("trace", "--db", path, "--actor", actor, "--format", "csv")
            #expect(rows.status == 0 && rows.output.split(separator: "\n").count > 1, "\(actor): \(rows.error)")
        }
    }

    @Test("--subject (or --candidate) takes a staff account or the season's stream, as the API does")
    func staffAndSeasonSubjects() throws {
        let path = try demoCopy()
        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        let admin = try #require(try sqliteQuery(path, "SELECT stream_id FROM claims WHERE claim = 'username:reviewer_seconded'").first)
        for option in ["--candidate", "--subject"] {
            for (given, id) in [("reviewer_seconded", admin), (admin, admin), ("season-2026", "season-2026")] {
                let trace = try registrar("trace", "--db", path, option, given)
                #expect(trace.status == 0, "\(option) \(given): \(trace.error)")
                let rows = trace.output.split(separator: "\n").filter { $0.hasPrefix("#") }
                #expect(!rows.isEmpty && rows.allSatisfy { $0.contains("[\(id)]") }, "\(rows.prefix(3))")
            }
        }
        // The staff account's creation names its username; its scope change and deactivation their reasons.
        let staff = try registrar("trace", "--db", path, "--subject", "reviewer_seconded", "--field", "staff.username")
        #expect(staff.output.contains("staff.username: — → reviewer_seconded"), "\(staff.output)")
        #expect(try registrar("trace", "--help").output.contains("--subject"))
    }

    /// The rows are read and printed a step at a time, so that memory does not grow with --limit: the output is the
    /// same document however small the steps, in every format, cut where --limit says.
    @Test("trace streams its rows: small steps print the same text, CSV and JSON, and the same cut")
    func streamedInSteps() throws {
        let path = try demoCopy()
        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        for format in ["text", "csv", "json"] {
            let whole = try registrar("trace", "--db", path, "--limit", "500", "--format", format)
            let stepped = try registrar("trace", "--db", path, "--limit", "500", "--format", format, "--step-rows", "7")
            #expect(whole.status == 0 && stepped.status == 0, "\(stepped.error)")
            #expect(whole.output == stepped.output, "\(format)")
            #expect(whole.error == stepped.error && stepped.error.contains("500 rows shown, more follow: add --after"), "\(stepped.error)")
        }
        let json = try registrar("trace", "--db", path, "--limit", "500", "--format", "json", "--step-rows", "7")
        let rows = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]]
        #expect(rows?.count == 500)
        let none = try registrar("trace", "--db", path, "--field", "nothing.here", "--format", "json", "--step-rows", "7")
        #expect((try JSONSerialization.jsonObject(with: Data(none.output.utf8)) as? [Any])?.isEmpty == true, "\(none.output)")
    }

    @Test("the CSV starts with a byte order mark and has the columns of the pages' CSV, hash and correlation id included")
    func csvColumns() throws {
        let path = try demoCopy()
        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        let csv = try registrar("trace", "--db", path, "--candidate", "demo_candidate", "--format", "csv")
        #expect(csv.status == 0, "\(csv.error)")
        #expect(Array(csv.output.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let header = String(csv.output.dropFirst().prefix { $0 != "\n" })
        #expect(
            header
                == "position,recorded_at,subject,actor,actor_name,role,channel,event,action,field,before,after,reason,request_id,correlation_id,hash"
        )
        let first = try #require(csv.output.split(separator: "\n").dropFirst().first)
        #expect(first.contains("CandidateRegistered") && first.contains("注册 / registered"), "\(first)")
        // The actor's name beside the id: the candidate's username, and the reviewer's name and username.
        #expect(first.contains(",demo_candidate,candidate,web,"), "\(first)")
        let reviewer = try registrar("trace", "--db", path, "--actor", "reviewer_1101", "--format", "csv", "--limit", "3")
        let reviewed = try #require(reviewer.output.split(separator: "\n").dropFirst().first, "\(reviewer.output)\(reviewer.error)")
        #expect(reviewed.contains("（reviewer_1101）,reviewer,review-site,"), "\(reviewed)")
        let text = try registrar("trace", "--db", path, "--actor", "reviewer_1101", "--format", "text", "--limit", "3")
        #expect(text.output.contains("（reviewer_1101）) via review-site"), "\(text.output.prefix(2000))")
    }

    @Test("a value with a line break cannot forge a row of the text trail, nor a line of replay")
    func controlCharactersAreEscaped() async throws {
        let path = try demoCopy()
        let candidate = try #require(try sqliteQuery(path, "SELECT stream_id FROM claims WHERE claim = 'username:demo_candidate'").first)
        // As the audit found it: a work unit holding a line break and a made-up row, already in the log.
        let forged = "医院\n#3999 2026-12-07T08:00:00Z reviewer staff-1 via web: 注册\u{85}\u{2028}\t"
        do {
            let store = try SQLiteEventStore(path: path)
            let data = try CanonicalJSON.encode([
                "candidateID": candidate, "onDutyStatus": "在职", "title": "住院医师", "titleObtained": "2011-12",
                "updatedAt": "2026-04-01T00:00:00.000Z", "workUnit": forged,
            ])
            _ = try await store.append(
                AppendRequest(
                    streamId: candidate,
                    expectedVersion: .any,
                    events: [ProposedEvent(type: "WorkDetailsUpdated", schemaVersion: 1, data: data)],
                    metadata: EventMetadata(
                        actorId: candidate,
                        role: "candidate",
                        channel: "web",
                        reason: "原因\r\n#4000 伪造",
                        recordedAt: "2026-04-01T00:00:00.000Z"
                    )
                )
            )
        }
        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        let trace = try registrar("trace", "--db", path, "--candidate", "demo_candidate", "--since", "2026-04-01T00:00:00Z")
        #expect(trace.status == 0, "\(trace.error)")
        let lines = trace.output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.hasPrefix("#") || $0.hasSuffix(" rows") || $0.isEmpty }, "\(trace.output)")
        #expect(trace.output.contains(#"work.workUnit: "#), "\(trace.output)")
        #expect(
            trace.output.contains(#"→ 医院\n#3999 2026-12-07T08:00:00Z reviewer staff-1 via web: 注册\u0085\u2028\t — 原因\r\n#4000 伪造"#),
            "\(trace.output)"
        )
        #expect(!trace.output.unicodeScalars.contains { $0.value == 0x85 || $0.value == 0x2028 || $0 == "\t" || $0 == "\r" })

        let replay = try registrar("replay", "--db", path, "--candidate", "demo_candidate")
        #expect(replay.status == 0, "\(replay.error)")
        #expect(!replay.output.contains("\n#4000") && replay.output.contains(#"原因\r\n#4000 伪造"#), "\(replay.output)")
        let version = try #require(Int(try sqliteQuery(path, "SELECT MAX(stream_version) FROM events WHERE stream_id = '\(candidate)'").first ?? ""))
        let diff = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--diff", "\(version - 1)..\(version)")
        #expect(diff.output.contains(#"work.workUnit: 北京"#) || diff.output.contains("work.workUnit: "), "\(diff.output)")
        #expect(diff.output.contains(#"医院\n#3999"#) && !diff.output.contains("医院\n#3999"), "\(diff.output)")
    }

    @Test("a value holding the text trail's separators is quoted, and an invisible character is shown")
    func separatorsAndInvisibleCharactersCannotMislead() async throws {
        let path = try demoCopy()
        let candidate = try #require(try sqliteQuery(path, "SELECT stream_id FROM claims WHERE claim = 'username:demo_candidate'").first)
        // As a re-audit found them: a work unit that poses as a second change with a reason, then one that reads
        // like 北京协和医院 with a zero-width space inside.
        let store = try SQLiteEventStore(path: path)
        for (index, unit) in ["医院 → 北京大学第三医院 — 考生申请", "北京协和\u{200B}医院"].enumerated() {
            let data = try CanonicalJSON.encode([
                "candidateID": candidate, "onDutyStatus": "在职", "title": "住院医师", "titleObtained": "2011-12",
                "updatedAt": "2026-04-0\(index + 1)T00:00:00.000Z", "workUnit": unit,
            ])
            _ = try await store.append(
                AppendRequest(
                    streamId: candidate,
                    expectedVersion: .any,
                    events: [ProposedEvent(type: "WorkDetailsUpdated", schemaVersion: 1, data: data)],
                    metadata: EventMetadata(actorId: candidate, role: "candidate", channel: "web", recordedAt: "2026-04-0\(index + 1)T00:00:00.000Z")
                )
            )
        }
        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        let trace = try registrar(
            "trace",
            "--db",
            path,
            "--candidate",
            "demo_candidate",
            "--field",
            "work.workUnit",
            "--since",
            "2026-04-01T00:00:00Z"
        )
        #expect(trace.status == 0, "\(trace.error)")
        #expect(trace.output.contains(#"→ "医院 → 北京大学第三医院 — 考生申请""#), "\(trace.output)")
        #expect(trace.output.contains(#""医院 → 北京大学第三医院 — 考生申请" → 北京协和\u200B医院"#), "\(trace.output)")
        #expect(!trace.output.unicodeScalars.contains { $0.value == 0x200B })
    }

    /// What a diff shows and the trail does not track (projections/audit_trail/README.md), by kind of path.
    static let untrackedKinds: Set<String> = [
        "registeredAt", "education[].order", "training[].order", "certificates[].order", "education[].chsi.receivedAt",
        "applications[].examLevel", "applications[].examCategory", "applications[].photoFormat", "applications[].photoSizeBytes",
        "applications[].submittedAt", "applications[].abandonedAt", "applications[].approvedAt", "applications[].rejectedAt",
        "applications[].signedAt", "applications[].payments[].startedAt", "applications[].payments[].confirmedAt",
        "applications[].refunds[].recordedAt", "applications[].approvalNote",
    ]

    /// A path without the ids in its brackets, as the trail's `field_kind`.
    static func kind(_ path: String) -> String {
        var out = ""
        var inside = false
        for character in path {
            if inside {
                if character == "]" {
                    inside = false
                    out.append(character)
                }
            } else {
                if character == "[" { inside = true }
                out.append(character)
            }
        }
        return out
    }

    @Test("every path a diff prints is one the trail's field filter takes, and a tracked one finds its rows and last value")
    func diffPathsWorkInTheTrail() throws {
        let path = try demoCopy()
        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        let trackedKinds = Set(try sqliteQuery(path, "SELECT DISTINCT field_kind FROM audit_trail"))
        let candidates = try sqliteQuery(path, "SELECT DISTINCT stream_id FROM events WHERE stream_id LIKE 'candidate-%' ORDER BY 1")
        #expect(candidates.count >= 10)
        var checked = 0
        var sampled = [(candidate: String, path: String, tracked: Bool)]()
        for candidate in candidates {
            let version = try #require(Int(try sqliteQuery(path, "SELECT MAX(stream_version) FROM events WHERE stream_id = '\(candidate)'")[0]))
            let diff = try registrar(
                "replay",
                "--db",
                path,
                "--candidate",
                candidate,
                "--diff",
                "0..\(version)",
                "--format",
                "json",
                "--show-id-numbers"
            )
            #expect(diff.status == 0, "\(diff.error)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(diff.output.utf8)) as? [String: Any])
            let changes = try #require(object["changes"] as? [[String: Any]])
            let trace = try registrar(
                "trace",
                "--db",
                path,
                "--candidate",
                candidate,
                "--format",
                "json",
                "--show-id-numbers",
                "--limit",
                "100000"
            )
            #expect(trace.status == 0, "\(trace.error)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(trace.output.utf8)) as? [[String: Any]])
            for change in changes {
                let field = try #require(change["path"] as? String)
                #expect(!field.contains(".\(candidate)") && !field.contains("applications.") && !field.contains(".record."), "\(field)")
                let kind = Self.kind(field)
                // The trail's filter: the field itself and what is under it.
                let matching = rows.filter {
                    let rowField = $0["field"] as? String ?? ""
                    return rowField == field || rowField.hasPrefix(field + ".") || rowField.hasPrefix(field + "[")
                }
                if trackedKinds.contains(kind) {
                    #expect(!matching.isEmpty, "\(candidate) \(field): no trail rows")
                    // The trail's last value of the field is the diff's "after" (a bank transaction's outcome is
                    // the trail's alone: the file keeps none per transaction).
                    if !kind.hasSuffix("bankTransactions[]") {
                        let last = rows.last { $0["field"] as? String == field }
                        #expect(last?["after"] as? String == change["after"] as? String, "\(candidate) \(field)")
                    }
                } else {
                    #expect(
                        Self.untrackedKinds.contains(kind) || kind.hasPrefix("education[].chsiResults[].")
                            || kind.hasPrefix("applications[].corrections[].") || kind.hasPrefix("applications[].withdrawnApprovals[]."),
                        "\(field): neither tracked by the trail nor documented as untracked"
                    )
                    #expect(matching.isEmpty)
                }
                checked += 1
                if !sampled.contains(where: { Self.kind($0.path) == kind }) {
                    sampled.append((candidate, field, trackedKinds.contains(kind)))
                }
            }
        }
        #expect(checked > 500)
        // Through the command's own filter too, one path of each kind.
        for (candidate, field, tracked) in sampled {
            let trace = try registrar("trace", "--db", path, "--candidate", candidate, "--field", field, "--format", "json")
            #expect(trace.status == 0, "\(field): \(trace.error)")
            let rows = (try? JSONSerialization.jsonObject(with: Data(trace.output.utf8)) as? [Any]) ?? []
            #expect(rows.isEmpty != tracked, "\(field): \(rows.count) rows")
        }
        #expect(sampled.contains { $0.path.contains("].payments[") && $0.path.hasSuffix(".outcome") })
        #expect(sampled.contains { $0.path.hasPrefix("education[") && $0.path.hasSuffix("].school") })
    }
}
