import EventLog
import Foundation
import GRDB
import HTTPTypes
import RegistrarApp
import RegistrationDomain
import Testing

@testable import RegistrarHTTP

/// 安全设置 修改密码, 找回密码 and the staff reset when both the password and the recovery answer are forgotten.
@Suite struct PasswordTests {
    /// Events of a candidate's file, as stored.
    static func storedEvents(_ world: World, _ candidate: String) async throws -> [(type: String, data: String, metadata: String)] {
        try await world.store.pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT event_type, data, metadata FROM events WHERE stream_id = ? ORDER BY stream_version",
                arguments: [candidate]
            )
            .map { ($0["event_type"], $0["data"], $0["metadata"]) }
        }
    }

    @Test func theCandidateChangesThePasswordWithTheCurrentOne() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("change01", index: 51)
            let token = try await client.login("change01")
            let otherDevice = try await client.login("change01")
            let path = "/api/v1/candidates/\(candidate)/password"
            let before = try await Self.storedEvents(world, candidate).count

            let wrong = try await client.call(.put, path, token: token, json: #"{"currentPassword": "nope1234", "newPassword": "newpass88"}"#)
            #expect(wrong.status == .unprocessableContent && wrong.code == "account.wrong_password" && wrong.field == "currentPassword")
            let invalid = try await client.call(.put, path, token: token, json: #"{"currentPassword": "secret123", "newPassword": "新密码"}"#)
            #expect(invalid.status == .unprocessableContent && invalid.field == "newPassword", "\(invalid.text)")
            #expect(invalid.code?.hasPrefix("password.") == true)
            #expect(try await Self.storedEvents(world, candidate).count == before, "a refused change appends nothing")
            _ = try await client.login("change01")

            let changed = try await client.call(.put, path, token: token, json: #"{"currentPassword": "secret123", "newPassword": "newpass88"}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(changed.object["events"] as? [String] == ["PasswordChanged"])
            // The old password no longer opens the account, the new one does; this session stays, the other ends.
            let old = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "change01", "password": "secret123"}"#)
            #expect(old.status == .unauthorized)
            _ = try await client.login("change01", password: "newpass88")
            #expect(try await client.call(.get, "/api/v1/me", token: token).status == .ok)
            #expect(try await client.call(.get, "/api/v1/me", token: otherDevice).status == .unauthorized)

            // The event says how and when, never the password or its hash.
            let stored = try #require(try await Self.storedEvents(world, candidate).last)
            #expect(stored.type == "PasswordChanged")
            #expect(stored.data.contains(#""method":"self""#))
            #expect(!stored.data.contains("newpass88") && !stored.data.contains("pbkdf2") && !stored.metadata.contains("newpass88"))
        }
    }

    @Test func aRetriedChangeReplaysAndOnlyTheDedicatedCallsChangeACandidatesOwnPassword() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("change03", index: 54)
            let token = try await client.login("change03")
            let path = "/api/v1/candidates/\(candidate)/password"
            let body = #"{"currentPassword": "secret123", "newPassword": "newpass88"}"#
            let headers: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "change-1"]
            let first = try await client.call(.put, path, token: token, json: body, headers: headers)
            #expect(first.status == .ok, "\(first.text)")
            let retried = try await client.call(.put, path, token: token, json: body, headers: headers)
            #expect(retried.status == .ok && retried.object["replayed"] as? Bool == true, "\(retried.text)")
            #expect(try await Self.storedEvents(world, candidate).filter { $0.type == "PasswordChanged" }.count == 1)

            // The generic command path refuses a candidate's own change: it has no current password to check.
            await #expect(throws: CommandError.rejected(Rejection(code: "account.proof_required", field: "method", message: "修改密码须验证原密码或密码找回答案"))) {
                try await world.service.execute(
                    .changePassword(ChangePassword(candidateID: candidate, newPassword: "hijack99", method: .byCandidate)),
                    candidateId: candidate,
                    actor: .candidate(candidate),
                    request: RequestContext(channel: "web")
                )
            }
            _ = try await client.login("change03", password: "newpass88")
        }
    }

    @Test func theCandidateReplacesTheRecoveryQuestionAndTheNewAnswerRecovers() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("question01", index: 55)
            let token = try await client.login("question01")
            let path = "/api/v1/candidates/\(candidate)/recovery-question"
            let wrong = try await client.call(
                .put,
                path,
                token: token,
                json: #"{"currentPassword": "nope1234", "recoveryQuestion": "我的小学?", "recoveryAnswer": "实验小学"}"#
            )
            #expect(wrong.status == .unprocessableContent && wrong.code == "account.wrong_password", "\(wrong.text)")
            let short = try await client.call(
                .put,
                path,
                token: token,
                json: #"{"currentPassword": "secret123", "recoveryQuestion": "我的小学?", "recoveryAnswer": "实验"}"#
            )
            #expect(short.status == .unprocessableContent && short.field == "recoveryAnswer", "\(short.text)")
            let changed = try await client.call(
                .put,
                path,
                token: token,
                json: #"{"currentPassword": "secret123", "recoveryQuestion": "我的小学?", "recoveryAnswer": "实验小学"}"#
            )
            #expect(changed.status == .ok && changed.object["events"] as? [String] == ["RecoveryQuestionChanged"], "\(changed.text)")
            #expect(try await client.call(.get, "/api/v1/me", token: token).status == .ok, "the session stays")

            let question = try await client.call(.post, "/api/v1/password-recovery/question", json: World.recoveryLookup(of: 55))
            #expect(question.object["recoveryQuestion"] as? String == "我的小学?")
            let old = try await client.call(.post, "/api/v1/password-recovery", json: World.recovery(of: 55, answer: "武汉大学医学部"))
            #expect(old.code == "account.wrong_recovery_answer")
            let recovered = try await client.call(.post, "/api/v1/password-recovery", json: World.recovery(of: 55, answer: "实验小学"))
            #expect(recovered.status == .ok, "\(recovered.text)")
            let stored = try #require(try await Self.storedEvents(world, candidate).first { $0.type == "RecoveryQuestionChanged" })
            #expect(!stored.data.contains("实验小学") && !stored.data.contains("我的小学"))
        }
    }

    @Test func wrongCurrentPasswordsLockTheChangeForAWhile() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("change02", index: 52)
            let token = try await client.login("change02")
            let path = "/api/v1/candidates/\(candidate)/password"
            for attempt in 1...4 {
                let reply = try await client.call(
                    .put,
                    path,
                    token: token,
                    json: #"{"currentPassword": "wrong\#(attempt)", "newPassword": "newpass88"}"#
                )
                #expect(reply.code == "account.wrong_password")
            }
            let fifth = try await client.call(.put, path, token: token, json: #"{"currentPassword": "wrong5", "newPassword": "newpass88"}"#)
            #expect(fifth.status == .tooManyRequests && fifth.code == "auth.locked_out" && fifth.field == "currentPassword")
            let right = try await client.call(.put, path, token: token, json: #"{"currentPassword": "secret123", "newPassword": "newpass88"}"#)
            #expect(right.status == .tooManyRequests)
            world.clock.advance(by: 15 * 60 + 1)
            let later = try await client.call(.put, path, token: token, json: #"{"currentPassword": "secret123", "newPassword": "newpass88"}"#)
            #expect(later.status == .ok, "\(later.text)")
        }
    }

    @Test func recoveryWithNameIDNumberAndTheAnswer() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("forgot01", index: 53)
            let token = try await client.login("forgot01")
            let question = try await client.call(.post, "/api/v1/password-recovery/question", json: World.recoveryLookup(of: 53))
            #expect(question.status == .ok, "\(question.text)")
            #expect(question.object["recoveryQuestion"] as? String == "我的母校?")
            // Another name with the same document, or a document nobody registered: the same answer, naming idNumber.
            let otherName = try await client.call(
                .post,
                "/api/v1/password-recovery/question",
                json: World.recoveryLookup(of: 53).replacingOccurrences(of: "张三", with: "李四")
            )
            #expect(otherName.status == .notFound && otherName.code == "account.not_found" && otherName.field == "idNumber")

            let before = try await Self.storedEvents(world, candidate).count
            let wrong = try await client.call(.post, "/api/v1/password-recovery", json: World.recovery(of: 53, answer: "华中科技大学"))
            #expect(wrong.status == .unprocessableContent && wrong.code == "account.wrong_recovery_answer" && wrong.field == "recoveryAnswer")
            #expect(try await Self.storedEvents(world, candidate).count == before)

            let recovered = try await client.call(.post, "/api/v1/password-recovery", json: World.recovery(of: 53, answer: "武汉大学医学部"))
            #expect(recovered.status == .ok, "\(recovered.text)")
            #expect(recovered.object["username"] as? String == "forgot01")
            _ = try await client.login("forgot01", password: "found2026")
            #expect(try await client.call(.get, "/api/v1/me", token: token).status == .unauthorized, "sessions end")
            let stored = try #require(try await Self.storedEvents(world, candidate).last)
            #expect(stored.type == "PasswordChanged" && stored.data.contains(#""method":"recovery""#))
            #expect(!stored.data.contains("found2026") && !stored.data.contains("武汉大学医学部"))

            // Names tried against a document count as failures too: five lock it, even for the right name.
            _ = try await client.register("forgot02", index: 56)
            for attempt in 1...4 {
                let reply = try await client.call(
                    .post,
                    "/api/v1/password-recovery/question",
                    json: World.recoveryLookup(of: 56).replacingOccurrences(of: "张三", with: "王\(attempt)")
                )
                #expect(reply.status == .notFound)
            }
            let guessed = try await client.call(
                .post,
                "/api/v1/password-recovery/question",
                json: World.recoveryLookup(of: 56).replacingOccurrences(of: "张三", with: "王五")
            )
            #expect(guessed.status == .tooManyRequests && guessed.code == "auth.locked_out")
            // Step 1 sends no answer: the lock-out names the ID number it is kept for.
            #expect(guessed.field == "idNumber")
            let right = try await client.call(.post, "/api/v1/password-recovery/question", json: World.recoveryLookup(of: 56))
            #expect(right.status == .tooManyRequests)

            // Five wrong answers lock recovery for that document for 15 minutes.
            for attempt in 1...4 {
                let reply = try await client.call(.post, "/api/v1/password-recovery", json: World.recovery(of: 53, answer: "错误答案\(attempt)"))
                #expect(reply.code == "account.wrong_recovery_answer")
            }
            let fifth = try await client.call(.post, "/api/v1/password-recovery", json: World.recovery(of: 53, answer: "错误答案5"))
            #expect(fifth.status == .tooManyRequests && fifth.field == "recoveryAnswer")
            let locked = try await client.call(.post, "/api/v1/password-recovery", json: World.recovery(of: 53, answer: "武汉大学医学部"))
            #expect(locked.status == .tooManyRequests)
            // The same number spelt with blanks around it (which the lookup trims) or in lower case is the same
            // lock-out, not a fresh count: the right answer is still refused.
            let number = World.residentID(53)
            for spelling in [" \(number)", "\(number)\\t", "\u{3000}\(number)", number.lowercased()] {
                let body = World.recovery(of: 53, answer: "武汉大学医学部").replacingOccurrences(of: number, with: spelling)
                let reply = try await client.call(.post, "/api/v1/password-recovery", json: body)
                #expect(reply.status == .tooManyRequests, "\(spelling.debugDescription): \(reply.text)")
                let lookup = World.recoveryLookup(of: 53).replacingOccurrences(of: number, with: spelling)
                #expect(try await client.call(.post, "/api/v1/password-recovery/question", json: lookup).status == .tooManyRequests)
            }
        }
    }

    @Test func staffResetAPasswordWithAReasonAndTheTrailShowsIt() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let path = "/api/v1/candidates/\(cast.candidateA)/password-reset"
            let reviewer = cast.tokens["reviewer"]
            let noReason = try await client.call(.post, path, token: reviewer, json: #"{"newPassword": "reset2026", "reason": "  "}"#)
            #expect(noReason.status == .unprocessableContent && noReason.code == "account.reason_required" && noReason.field == "reason")
            // Candidate B applied at 4202: not this reviewer's.
            let elsewhere = try await client.call(
                .post,
                "/api/v1/candidates/\(cast.candidateB)/password-reset",
                token: reviewer,
                json: #"{"newPassword": "reset2026", "reason": "考生申请"}"#
            )
            #expect(elsewhere.status == .forbidden && elsewhere.code == "auth.not_reviewer_of_site")

            let reset = try await client.call(.post, path, token: reviewer, json: #"{"newPassword": "reset2026", "reason": "考生持身份证到考点申请重置密码"}"#)
            #expect(reset.status == .ok, "\(reset.text)")
            _ = try await client.login("zhangsan01", password: "reset2026")
            #expect(try await client.call(.get, "/api/v1/me", token: cast.tokens["owner"]).status == .unauthorized)

            let trail = try await client.call(.get, "/api/v1/audit/trail?candidate=\(cast.candidateA)", token: cast.tokens["auditor"])
            #expect(trail.status == .ok, "\(trail.text)")
            let rows = trail.array.compactMap { $0 as? [String: Any] }
            let row = try #require(rows.first { $0["field"] as? String == "account.passwordChangeMethod" })
            #expect(row["after"] as? String == "staff")
            #expect(row["actorID"] as? String == "staff-r1")
            #expect(row["reason"] as? String == "考生持身份证到考点申请重置密码")
            #expect(!trail.text.contains("reset2026"))
        }
    }
}
