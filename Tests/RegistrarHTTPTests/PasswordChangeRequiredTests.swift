import Foundation
import GRDB
import HTTPTypes
import Testing

@testable import RegistrarHTTP

/// A password someone else typed (an administrator creating or resetting a staff account, a reviewer resetting a
/// candidate's on site), or a staff password the current rule refuses, opens a session that may only replace it.
@Suite struct PasswordChangeRequiredTests {
    static let sessions = "/api/v1/sessions"
    static let queue = "/api/v1/review/sites/4202/queue"

    static func logIn(_ client: Client, _ username: String, _ password: String) async throws -> (token: String, required: Bool?) {
        let reply = try await client.call(.post, sessions, json: #"{"username": "\#(username)", "password": "\#(password)"}"#)
        try #require(reply.status == .created, "\(username): \(reply.text)")
        return (try #require(reply.object["token"] as? String), reply.object["passwordChangeRequired"] as? Bool)
    }

    /// reviewer02's password set to `a1b2c`, as an account made before staff passwords needed 8 characters with a
    /// letter and a digit.
    static func worldWithAPasswordFromBeforeTheRule() async throws -> World {
        let world = try await World()
        let hash = try world.service.configuration.passwordHasher.hash("a1b2c")
        try await world.store.pool.write { db in
            try db.execute(sql: "UPDATE credentials SET password_hash = ? WHERE subject_id = 'staff-r2'", arguments: [hash])
        }
        return world
    }

    @Test func aStaffAccountAnAdministratorCreatedMustReplaceItsPasswordFirst() async throws {
        let world = try await World()
        try await world.test { client in
            let admin = try await client.login("admin01")
            let created = try await client.call(
                .post,
                "/api/v1/admin/staff",
                token: admin,
                json:
                    #"{"role": "reviewer", "displayName": "审核员丙", "areaCode": "42", "siteCodes": ["4202"], "username": "reviewer03", "password": "Typed2026"}"#
            )
            try #require(created.status == .created, "\(created.text)")
            let staffID = try #require(created.id("staffID"))
            let (token, required) = try await Self.logIn(client, "reviewer03", "Typed2026")
            #expect(required == true)

            let refused = try await client.call(.get, Self.queue, token: token)
            #expect(refused.status == .forbidden && refused.code == "auth.password_change_required", "\(refused.text)")
            #expect(refused.field == "password")
            let me = try await client.call(.get, "/api/v1/me", token: token)
            #expect(me.status == .ok && me.object["passwordChangeRequired"] as? Bool == true, "\(me.text)")

            // The same password again is refused by the rule of a change (nothing is appended).
            let head = try await world.store.headPosition()
            let path = "/api/v1/admin/staff/\(staffID)/password"
            let weak = try await client.call(.put, path, token: token, json: #"{"currentPassword": "Typed2026", "newPassword": "short1"}"#)
            #expect(weak.status == .unprocessableContent, "\(weak.text)")
            #expect(try await world.store.headPosition() == head)
            #expect(try await client.call(.get, Self.queue, token: token).code == "auth.password_change_required")

            // Nor may it be the one typed for them: it would stay in use.
            let same = try await client.call(.put, path, token: token, json: #"{"currentPassword": "Typed2026", "newPassword": "Typed2026"}"#)
            #expect(same.status == .unprocessableContent && same.code == "account.password_unchanged" && same.field == "newPassword", "\(same.text)")
            #expect(try await world.store.headPosition() == head)
            let changed = try await client.call(.put, path, token: token, json: #"{"currentPassword": "Typed2026", "newPassword": "Mine2026x"}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(try await client.call(.get, Self.queue, token: token).status == .ok, "the session that replaced it goes on")
            let again = try await Self.logIn(client, "reviewer03", "Mine2026x")
            #expect(again.required == false)
            #expect(try await client.call(.get, Self.queue, token: again.token).status == .ok)
        }
    }

    @Test func anAdministratorsResetIsReplacedAtTheNextLogInAndTheFlagOutlivesARestart() async throws {
        let world = try await World()
        let token = try await world.test { client in
            let admin = try await client.login("admin01")
            let reset = try await client.call(
                .post,
                "/api/v1/admin/staff/staff-r2/password-reset",
                token: admin,
                json: #"{"newPassword": "Reset2026x", "reason": "本人忘记密码，经科室负责人确认"}"#
            )
            try #require(reset.status == .ok, "\(reset.text)")
            // The administrator sees that the holder has yet to replace it (T12), in the API and on /admin.
            let account = try await client.call(.get, "/api/v1/admin/staff/staff-r2", token: admin)
            #expect(
                account.object["username"] as? String == "reviewer02" && account.object["passwordChangeRequired"] as? Bool == true,
                "\(account.text)"
            )
            let page = try await PageTests.form(client, .get, "/admin", nil, cookie: try await PageTests.cookie(client, "admin01"))
            #expect(page.text.contains("<td>reviewer02</td>") && page.text.contains("在用（待本人修改初始密码）"), "\(page.text)")
            let (token, required) = try await Self.logIn(client, "reviewer02", "Reset2026x")
            #expect(required == true)
            return token
        }
        // A restart reads the session from its table, with the flag.
        try await world.test { (client: Client) async throws -> Void in
            let refused = try await client.call(.get, Self.queue, token: token)
            #expect(refused.code == "auth.password_change_required", "\(refused.text)")
            let changed = try await client.call(
                .put,
                "/api/v1/admin/staff/staff-r2/password",
                token: token,
                json: #"{"currentPassword": "Reset2026x", "newPassword": "Mine2026x"}"#
            )
            #expect(changed.status == .ok, "\(changed.text)")
        }
        try await world.test { (client: Client) async throws -> Void in
            #expect(try await client.call(.get, Self.queue, token: token).status == .ok)
            let account = try await client.call(.get, "/api/v1/admin/staff/staff-r2", token: try await client.login("admin01"))
            #expect(account.object["passwordChangeRequired"] as? Bool == false, "\(account.text)")
        }
    }

    @Test func aStaffPasswordFromBeforeTheRuleIsReplacedToo() async throws {
        let world = try await Self.worldWithAPasswordFromBeforeTheRule()
        try await world.test { client in
            let (token, required) = try await Self.logIn(client, "reviewer02", "a1b2c")
            #expect(required == true)
            #expect(try await client.call(.get, Self.queue, token: token).code == "auth.password_change_required")
            // A candidate's password follows the candidates' rule (5 to 12 characters): it needs no change.
            _ = try await client.register("zhangsan01", index: 1)
            #expect(try await Self.logIn(client, "zhangsan01", World.password).required == false)
        }
    }

    @Test func aCandidatePasswordAReviewerResetIsTheCandidatesToReplace() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.applicant("zhangsan01", index: 1)
            world.clock.set(World.review)
            let reviewer = try await client.login("reviewer01")
            let file = "/api/v1/candidates/\(candidate)"
            let reset = try await client.call(
                .post,
                "\(file)/password-reset",
                token: reviewer,
                json: #"{"newPassword": "onsite2026", "reason": "考生持身份证到考点申请重置"}"#
            )
            try #require(reset.status == .ok, "\(reset.text)")
            // Recovery may not set again the password staff typed: it would stay in use.
            let again = try await client.call(
                .post,
                "/api/v1/password-recovery",
                json: World.recovery(of: 1, answer: "武汉大学医学部", newPassword: "onsite2026")
            )
            #expect(again.status == .unprocessableContent && again.code == "account.password_unchanged", "\(again.text)")
            let (token, required) = try await Self.logIn(client, "zhangsan01", "onsite2026")
            #expect(required == true)
            #expect(try await client.call(.get, file, token: token).code == "auth.password_change_required")
            let changed = try await client.call(
                .put,
                "\(file)/password",
                token: token,
                json: #"{"currentPassword": "onsite2026", "newPassword": "mine2026"}"#
            )
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(try await client.call(.get, file, token: token).status == .ok)
            // Recovering it with the recovery answer is the candidate's own doing: nothing to replace.
        }
    }

    @Test func thePagesSendSuchASessionToThePasswordFormAndNowhereElse() async throws {
        let world = try await Self.worldWithAPasswordFromBeforeTheRule()
        try await world.test { client in
            let login = try await PageTests.form(client, .post, "/login", "username=reviewer02&password=a1b2c&next=/review/sites/4202")
            try #require(login.status == .seeOther, "\(login.text)")
            let cookie = String(try #require(login.headers[.setCookie]?.split(separator: ";").first))
            let queue = try await PageTests.form(client, .get, "/review/sites/4202", nil, cookie: cookie)
            #expect(queue.status == .seeOther && queue.headers[.location] == "/account/password")
            let form = try await PageTests.form(client, .get, "/account/password", nil, cookie: cookie)
            #expect(form.status == .ok && form.text.contains("请先修改密码"), "\(form.text)")

            let mismatch = try await PageTests.form(
                client,
                .post,
                "/account/password",
                "currentPassword=a1b2c&newPassword=Mine2026x&confirmPassword=Mine2026y",
                cookie: cookie
            )
            #expect(mismatch.status == .badRequest && mismatch.text.contains("两次输入的新密码不一致"))
            let weak = try await PageTests.form(
                client,
                .post,
                "/account/password",
                "currentPassword=a1b2c&newPassword=abcdefgh&confirmPassword=abcdefgh",
                cookie: cookie
            )
            #expect(weak.status == .unprocessableContent && weak.text.contains("字母和数字"), "\(weak.text)")
            let changed = try await PageTests.form(
                client,
                .post,
                "/account/password",
                "currentPassword=a1b2c&newPassword=Mine2026x&confirmPassword=Mine2026x",
                cookie: cookie
            )
            #expect(changed.status == .seeOther && changed.headers[.location] == "/account/password?done=1", "\(changed.text)")
            let done = try await PageTests.form(client, .get, "/account/password?done=1", nil, cookie: cookie)
            #expect(done.text.contains("密码已修改") && !done.text.contains("请先修改密码"))
            #expect(try await PageTests.form(client, .get, "/review/sites/4202", nil, cookie: cookie).status == .ok)
            #expect(try await Self.logIn(client, "reviewer02", "Mine2026x").required == false)
        }
    }
}
