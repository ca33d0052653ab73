import Foundation
import GRDB
import HTTPTypes
import Testing

@testable import RegistrarHTTP

/// Log-in, bearer tokens, expiry, log-out and lock-out.
@Suite struct SessionTests {
    @Test func wrongPasswordsLockTheUsernameForAWhile() async throws {
        let world = try await World()
        try await world.test { client in
            _ = try await client.register("locked01", index: 21)
            for attempt in 1...4 {
                let reply = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "locked01", "password": "wrong\#(attempt)"}"#)
                #expect(reply.status == .unauthorized)
                #expect(reply.code == "auth.invalid_credentials")
            }
            let fifth = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "locked01", "password": "wrong5"}"#)
            #expect(fifth.status == .tooManyRequests)
            #expect(fifth.code == "auth.locked_out")
            #expect(fifth.headers[HTTPField.Name("Retry-After")!] == "900")
            // Locked: even the right password is refused, without checking it.
            let right = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "locked01", "password": "secret123"}"#)
            #expect(right.status == .tooManyRequests)
            // Other usernames are not affected; after the lock-out the right password works.
            _ = try await client.login("auditor01")
            world.clock.advance(by: 15 * 60 + 1)
            _ = try await client.login("locked01")
            // Unknown usernames answer exactly like wrong passwords.
            let unknown = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "nobody01", "password": "secret123"}"#)
            #expect(unknown.status == .unauthorized)
            #expect(unknown.code == "auth.invalid_credentials")
        }
    }

    @Test func aLockOutOutlivesARestart() async throws {
        let world = try await World()
        try await world.test { client in
            _ = try await client.register("locked02", index: 22)
            for attempt in 1...5 {
                _ = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "locked02", "password": "wrong\#(attempt)"}"#)
            }
        }
        try await world.test { (client: Client) async throws -> Void in
            let right = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "LOCKED02", "password": "secret123"}"#)
            #expect(right.status == .tooManyRequests && right.code == "auth.locked_out", "\(right.text)")
            world.clock.advance(by: 15 * 60 + 1)
            _ = try await client.login("locked02")
        }
        try await world.test { (client: Client) async throws -> Void in
            _ = try await client.login("locked02")
        }
        let stored = try await world.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM login_lockouts") }
        #expect(stored == 0, "an expired lock is forgotten")
    }

    @Test func tokensExpireAndLogOutEndsThem() async throws {
        let world = try await World(tokenLifetime: 3_600)
        try await world.test { client in
            let token = try await client.login("auditor01")
            let me = try await client.call(.get, "/api/v1/me", token: token)
            #expect(me.status == .ok)
            #expect(me.object["role"] as? String == "auditor")
            world.clock.advance(by: 3_601)
            let expired = try await client.call(.get, "/api/v1/me", token: token)
            #expect(expired.status == .unauthorized)
            #expect(expired.headers[HTTPField.Name("WWW-Authenticate")!] == "Bearer")
            #expect(expired.code == "auth.unauthenticated" && expired.field == "Authorization")

            let fresh = try await client.login("auditor01")
            #expect(try await client.call(.delete, "/api/v1/sessions/current", token: fresh).status == .noContent)
            #expect(try await client.call(.get, "/api/v1/me", token: fresh).status == .unauthorized)
            #expect(try await client.call(.get, "/api/v1/me", token: "Bearer").status == .unauthorized)
            #expect(try await client.call(.get, "/api/v1/me", headers: [.authorization: "Basic YTpi"]).status == .unauthorized)
        }
    }

    @Test func theBearerSchemeInAnyCaseWithSpacesAroundTheToken() async throws {
        let world = try await World()
        try await world.test { client in
            let token = try await client.login("auditor01")
            for accepted in ["Bearer \(token)", "bearer \(token)", "BEARER \(token)", "Bearer   \(token) \t", "Bearer \t\(token)"] {
                let reply = try await client.call(.get, "/api/v1/me", headers: [.authorization: accepted])
                #expect(reply.status == .ok, "\(accepted)")
            }
            for refused in ["Bearer", "Bearer   ", "Bearer\(token)", "Bearer: \(token)", "Token \(token)", "Bearer \(token)x", "Bearer \(token) x"] {
                let reply = try await client.call(.get, "/api/v1/me", headers: [.authorization: refused])
                #expect(reply.status == .unauthorized, "\(refused)")
            }
        }
        #expect(Header.bearerToken("bEaReR \t abc\t ") == "abc")
        #expect(Header.bearerToken("Bearer 令牌") == "令牌")  // Header.token refuses it afterwards (not visible ASCII)
        #expect(Header.bearerToken("Bearer \u{0}") == "\u{0}")
        #expect(Header.bearerToken("Bearer\u{0}abc") == nil)
        #expect(Header.bearerToken("") == nil)
    }

    @Test func sessionsSurviveARestartOfTheServerAndEndingThemHoldsAfterIt() async throws {
        let world = try await World(tokenLifetime: 3_600)
        // The first server: log-ins (each `world.test` builds a new application over the same file, as a restart does).
        let (auditor, admin, phone, laptop) = try await world.test { client in
            _ = try await client.register("restart01", index: 61)
            return (
                try await client.login("auditor01"), try await client.login("admin01"), try await client.login("restart01"),
                try await client.login("restart01")
            )
        }
        let candidate = try await world.test { client in
            #expect(try await client.call(.get, "/api/v1/me", token: auditor).status == .ok)
            #expect(try await client.call(.delete, "/api/v1/sessions/current", token: auditor).status == .noContent)
            // A password change on the second server ends the other session issued by the first.
            let me = try await client.call(.get, "/api/v1/me", token: phone)
            let candidate = try #require(me.object["subjectID"] as? String)
            let changed = try await client.call(
                .put,
                "/api/v1/candidates/\(candidate)/password",
                token: phone,
                json: #"{"currentPassword": "secret123", "newPassword": "newpass88"}"#
            )
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(try await client.call(.get, "/api/v1/me", token: laptop).status == .unauthorized)
            return candidate
        }
        try await world.test { (client: Client) async throws -> Void in
            #expect(try await client.call(.get, "/api/v1/me", token: auditor).status == .unauthorized, "logged out before")
            #expect(try await client.call(.get, "/api/v1/me", token: laptop).status == .unauthorized, "ended by the change")
            #expect(try await client.call(.get, "/api/v1/me", token: phone).object["subjectID"] as? String == candidate)
            #expect(try await client.call(.get, "/api/v1/me", token: admin).status == .ok)
            world.clock.advance(by: 3_601)
            #expect(try await client.call(.get, "/api/v1/me", token: admin).status == .unauthorized, "expired")
        }
        // The table keeps only SHA-256 digests of the tokens.
        let stored = try await world.store.pool.read { db in try Data.fetchAll(db, sql: "SELECT token_sha256 FROM sessions") }
        #expect(!stored.isEmpty && stored.allSatisfy { $0.count == 32 })
        let dump = try await world.store.pool.read { db in try String.fetchAll(db, sql: "SELECT subject_id FROM sessions") }
        #expect(!dump.contains(phone) && !dump.contains(admin))
    }

    @Test func deactivatedStaffAndChangedScopeTakeEffectAtOnce() async throws {
        let world = try await World()
        try await world.test { client in
            let admin = try await client.login("admin01")
            let spare = try await client.login("spare01")
            #expect(try await client.call(.get, "/api/v1/review/sites/4201/queue", token: spare).status == .forbidden)
            let scope = try await client.call(
                .put,
                "/api/v1/admin/staff/staff-spare/scope",
                token: admin,
                json: #"{"areaCode": "42", "siteCodes": ["4201"]}"#
            )
            #expect(scope.status == .ok, "\(scope.text)")
            #expect(try await client.call(.get, "/api/v1/review/sites/4201/queue", token: spare).status == .ok)
            let deactivated = try await client.call(.post, "/api/v1/admin/staff/staff-spare/deactivate", token: admin, json: #"{"reason": "调离岗位"}"#)
            #expect(deactivated.status == .ok, "\(deactivated.text)")
            #expect(try await client.call(.get, "/api/v1/me", token: spare).status == .unauthorized)
            let again = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "spare01", "password": "secret123"}"#)
            #expect(again.status == .forbidden)
            #expect(again.code == "auth.account_deactivated")
        }
    }

    @Test func adminCreatesStaffWhoCanLogIn() async throws {
        let world = try await World()
        try await world.test { client in
            let admin = try await client.login("admin01")
            let created = try await client.call(
                .post,
                "/api/v1/admin/staff",
                token: admin,
                json:
                    #"{"role": "reviewer", "displayName": "审核员丙", "areaCode": "42", "siteCodes": ["4202"], "username": "reviewer03", "password": "secret456"}"#
            )
            #expect(created.status == .created, "\(created.text)")
            let staffID = try #require(created.id("staffID"))
            let token = try await client.login("reviewer03", password: "secret456")
            let me = try await client.call(.get, "/api/v1/me", token: token)
            #expect(me.object["subjectID"] as? String == staffID)
            #expect(me.object["siteCodes"] as? [String] == ["4202"])
            // The username is taken, by staff and candidates alike; a weak password is refused before anything.
            let taken = try await client.call(
                .post,
                "/api/v1/admin/staff",
                token: admin,
                json: #"{"role": "auditor", "displayName": "审计员丙", "username": "reviewer03", "password": "secret456"}"#
            )
            #expect(taken.status == .conflict)
            #expect(taken.code == "registration.username_taken")
            let weak = try await client.call(
                .post,
                "/api/v1/admin/staff",
                token: admin,
                json: #"{"role": "auditor", "displayName": "审计员丙", "username": "auditor09", "password": "a b"}"#
            )
            #expect(weak.status == .unprocessableContent)
            #expect(weak.field == "password")
            // A staff account opens many files: five characters would do for a candidate, not here.
            let short = try await client.call(
                .post,
                "/api/v1/admin/staff",
                token: admin,
                json: #"{"role": "admin", "displayName": "管理员丙", "username": "admin09", "password": "a1b2c"}"#
            )
            #expect(short.status == .unprocessableContent && short.code == "password.length", "\(short.text)")
        }
    }

    /// The holder replaces the password the administrator typed; an administrator resets a forgotten one with a
    /// reason. Either way the other sessions end, and the trail says who, how and why, never the password.
    @Test func staffChangeTheirOwnPasswordAndAdministratorsResetIt() async throws {
        let world = try await World()
        try await world.test { client in
            let first = try await client.login("reviewer01")
            let second = try await client.login("reviewer01")
            let path = "/api/v1/admin/staff/staff-r1/password"
            let wrong = try await client.call(.put, path, token: first, json: #"{"currentPassword": "nope12345", "newPassword": "Mine2026x"}"#)
            #expect(wrong.status == .unprocessableContent && wrong.code == "account.wrong_password", "\(wrong.text)")
            let other = try await client.call(
                .put,
                "/api/v1/admin/staff/staff-r2/password",
                token: first,
                json: #"{"currentPassword": "secret123", "newPassword": "Mine2026x"}"#
            )
            #expect(other.status == .forbidden && other.code == "auth.forbidden", "\(other.text)")
            let changed = try await client.call(.put, path, token: first, json: #"{"currentPassword": "secret123", "newPassword": "Mine2026x"}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(try await client.call(.get, "/api/v1/me", token: first).status == .ok, "the session that changed it goes on")
            #expect(try await client.call(.get, "/api/v1/me", token: second).status == .unauthorized, "the others end")
            let old = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "reviewer01", "password": "secret123"}"#)
            #expect(old.status == .unauthorized)
            _ = try await client.login("reviewer01", password: "Mine2026x")

            let admin = try await client.login("admin01")
            let unreasoned = try await client.call(
                .post,
                "/api/v1/admin/staff/staff-r1/password-reset",
                token: admin,
                json: #"{"newPassword": "Reset2026x", "reason": " "}"#
            )
            #expect(unreasoned.status == .unprocessableContent && unreasoned.code == "account.reason_required", "\(unreasoned.text)")
            let reset = try await client.call(
                .post,
                "/api/v1/admin/staff/staff-r1/password-reset",
                token: admin,
                json: #"{"newPassword": "Reset2026x", "reason": "本人忘记密码，经科室负责人确认"}"#
            )
            #expect(reset.status == .ok, "\(reset.text)")
            #expect(try await client.call(.get, "/api/v1/me", token: first).status == .unauthorized, "a reset ends every session")
            _ = try await client.login("reviewer01", password: "Reset2026x")
            let own = try await client.call(
                .post,
                "/api/v1/admin/staff/staff-admin/password-reset",
                token: admin,
                json: #"{"newPassword": "Reset2026x", "reason": "x"}"#
            )
            #expect(own.status == .forbidden, "an administrator's own password is changed as its holder: \(own.text)")

            let auditor = try await client.login("auditor01")
            let trail = try await client.call(
                .get,
                "/api/v1/audit/trail?candidate=staff-r1&field=staff.passwordChangeMethod",
                token: auditor
            )
            let rows = trail.array.compactMap { $0 as? [String: Any] }
            #expect(rows.map { $0["after"] as? String } == ["self", "reset"], "\(trail.text)")
            #expect(rows.last?["reason"] as? String == "本人忘记密码，经科室负责人确认", "\(trail.text)")
            #expect(!trail.text.contains("Reset2026x") && !trail.text.contains("Mine2026x"))
            // The auditor, who writes nothing else, replaces their own password too.
            let audited = try await client.call(
                .put,
                "/api/v1/admin/staff/staff-auditor/password",
                token: auditor,
                json: #"{"currentPassword": "secret123", "newPassword": "Audit2026x"}"#
            )
            #expect(audited.status == .ok, "\(audited.text)")
        }
    }
}

/// Ending a subject's sessions while they are in use: no lookup racing the revocation brings a session back.
@Suite struct SessionRevocationTests {
    @Test func aLookupRacingARevocationDoesNotBringTheSessionBack() async throws {
        let world = try await World()
        let writer = world.store.pool
        var survived = 0
        for round in 0..<300 {
            let issuer = SessionStore(clock: world.clock, lifetime: 3_600, writer: writer)
            let (token, _) = try issuer.issue(for: "candidate-\(round)", isStaff: false)
            // Another process's view (or this one after a restart): its lookups go to the table.
            let server = SessionStore(clock: world.clock, lifetime: 3_600, writer: writer)
            let polling = Task.detached {
                for _ in 0..<50 { _ = server.session(for: token) }
            }
            server.revokeAll(of: "candidate-\(round)")
            await polling.value
            if server.session(for: token) != nil { survived += 1 }
        }
        #expect(survived == 0, "\(survived) of 300 sessions survived the revocation of their subject")
    }
}
