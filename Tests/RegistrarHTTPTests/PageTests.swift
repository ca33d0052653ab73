import Foundation
import HTTPTypes
import Hummingbird
import RegistrationDomain
import Testing

@testable import RegistrarHTTP

/// The server-rendered pages: log-in by form and cookie, every page for every role, and what the pages show.
@Suite struct PageTests {
    typealias Who = AuthorizationTests.Who

    enum Expect: Sendable, Equatable {
        /// 303 to the log-in form.
        case login
        /// 403 (an HTML page).
        case forbidden
        /// Neither 303 to the log-in form nor 401/403.
        case allowed
    }

    struct Row: Sendable {
        var method: HTTPRequest.Method
        var pattern: String
        var form: String?
        var expect: [Who: Expect]
    }

    static func only(_ allowed: Set<Who>) -> [Who: Expect] {
        Dictionary(uniqueKeysWithValues: Who.allCases.map { ($0, $0 == .anonymous ? .login : (allowed.contains($0) ? .allowed : .forbidden)) })
    }

    static let everyone = Dictionary(uniqueKeysWithValues: Who.allCases.map { ($0, Expect.allowed) })
    static let signedIn = Dictionary(uniqueKeysWithValues: Who.allCases.map { ($0, $0 == .anonymous ? Expect.login : .allowed) })

    static let rows: [Row] = [
        Row(method: .get, pattern: "/login", expect: everyone),
        Row(method: .get, pattern: "/password-recovery", expect: everyone),
        Row(
            method: .post,
            pattern: "/password-recovery/question",
            form: "idType=%E5%B1%85%E6%B0%91%E8%BA%AB%E4%BB%BD%E8%AF%81&idNumber=\(World.residentID(998))&name=x",
            expect: everyone
        ),
        // New passwords that differ: refused (400) before anything is checked.
        Row(method: .post, pattern: "/password-recovery", form: "idNumber=x&newPassword=a1&confirmPassword=b2", expect: everyone),
        Row(method: .get, pattern: "/", expect: signedIn),
        Row(method: .get, pattern: "/review/sites/{siteCode}", expect: only([.reviewer, .auditor])),
        Row(method: .get, pattern: "/review/applications/{applicationID}", expect: only([.reviewer, .auditor])),
        Row(
            method: .post,
            pattern: "/review/applications/{applicationID}/corrections",
            form: nameCorrectionForm,
            expect: only([.reviewer])
        ),
        Row(method: .post, pattern: "/review/applications/{applicationID}/reject", form: "reason=", expect: only([.reviewer])),
        Row(method: .post, pattern: "/review/applications/{applicationID}/approve", form: "", expect: only([.reviewer])),
        Row(method: .post, pattern: "/review/applications/{applicationID}/signature", form: "", expect: only([.reviewer])),
        Row(method: .post, pattern: "/review/applications/{applicationID}/approval-withdrawal", form: "reason=", expect: only([.reviewer])),
        Row(method: .get, pattern: "/candidates/{candidateID}/history", expect: only([.owner, .reviewer, .auditor])),
        Row(method: .get, pattern: "/candidates/{candidateID}/applications/{applicationID}/notice", expect: only([.owner, .reviewer, .auditor])),
        Row(method: .get, pattern: "/candidates/{candidateID}/applications/{applicationID}/photo", expect: only([.owner, .reviewer])),
        Row(method: .get, pattern: "/audit", expect: only([.auditor])),
        Row(method: .get, pattern: "/audit.csv", expect: only([.auditor])),
        Row(method: .get, pattern: "/admin", expect: only([.admin, .auditor])),
        Row(method: .get, pattern: "/events/stream", expect: only([.reviewer, .otherReviewer, .auditor, .admin])),
        Row(method: .get, pattern: "/account/password", expect: signedIn),
        // New passwords that differ: refused (400) for everyone signed in, and nothing changes.
        Row(method: .post, pattern: "/account/password", form: "currentPassword=x&newPassword=a1&confirmPassword=b2", expect: signedIn),
        // Resets the owner's password to the one the log-in row below uses (and ends the owner's page session).
        Row(
            method: .post,
            pattern: "/review/applications/{applicationID}/password-reset",
            form: "newPassword=secret123&reason=%E7%8E%B0%E5%9C%BA%E7%94%B3%E8%AF%B7",
            expect: only([.reviewer])
        ),
        Row(method: .post, pattern: "/login", form: "username=zhangsan01&password=secret123", expect: everyone),
        Row(method: .post, pattern: "/logout", form: "", expect: everyone),
    ]

    static func uri(_ pattern: String, _ cast: Cast) -> String {
        pattern.replacingOccurrences(of: "{candidateID}", with: cast.candidateA)
            .replacingOccurrences(of: "{applicationID}", with: cast.applicationA)
            .replacingOccurrences(of: "{siteCode}", with: "4201")
    }

    /// Logs in through the HTML form and returns the `Cookie` header value.
    static func cookie(_ client: Client, _ username: String) async throws -> String {
        let reply = try await form(client, .post, "/login", "username=\(username)&password=\(World.password)")
        try #require(reply.status == .seeOther, "page log-in of \(username): \(reply.status) \(reply.text)")
        let setCookie = try #require(reply.headers[.setCookie])
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
        return String(try #require(setCookie.split(separator: ";").first))
    }

    static func form(
        _ client: Client,
        _ method: HTTPRequest.Method,
        _ uri: String,
        _ body: String?,
        cookie: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = headers
        if let cookie { headers[.cookie] = cookie }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        return try await client.call(method, uri, body: body.map { ByteBuffer(string: $0) }, headers: headers)
    }

    /// The reviewer's correction form filled in: 姓名 to 张小三, because 证件有误.
    static let nameCorrectionForm = "field=name&newValue=%E5%BC%A0%E5%B0%8F%E4%B8%89&reason=%E8%AF%81%E4%BB%B6%E6%9C%89%E8%AF%AF"

    /// Posts ``nameCorrectionForm`` on an application's page with a reviewer's cookie.
    static func correctName(_ client: Client, application: String, cookie: String) async throws -> Reply {
        try await form(client, .post, "/review/applications/\(application)/corrections", nameCorrectionForm, cookie: cookie)
    }

    static func cookies(_ client: Client) async throws -> [Who: String] {
        var out = [Who: String]()
        for (who, username) in [
            (Who.owner, "zhangsan01"), (.otherCandidate, "lisi0002"), (.reviewer, "reviewer01"), (.otherReviewer, "reviewer02"),
            (.auditor, "auditor01"), (.admin, "admin01"),
        ] {
            out[who] = try await cookie(client, username)
        }
        return out
    }

    @Test func everyPageIsInTheTable() async throws {
        let world = try await World()
        let registered = Set(registeredPages(world.configuration).map(\.description))
        let tabled = Set(Self.rows.map { "\($0.method.rawValue) \($0.pattern)" })
        #expect(registered == tabled)
        // The pages are not API routes (nor in the OpenAPI document).
        #expect(Set(registeredRoutes(world.configuration).map(\.description)).isDisjoint(with: registered))
    }

    @Test func everyPageForEveryRole() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            world.clock.set(World.review)
            let cookies = try await Self.cookies(client)
            for row in Self.rows {
                let order = Who.allCases.sorted { (row.expect[$0] == .allowed ? 1 : 0) < (row.expect[$1] == .allowed ? 1 : 0) }
                for who in order {
                    let expect = try #require(row.expect[who])
                    var uri = Self.uri(row.pattern, cast)
                    var headers = HTTPFields()
                    if row.pattern == "/events/stream" {
                        uri += "?max=1"
                        headers[HTTPField.Name("Last-Event-ID")!] = "0"
                    }
                    let reply = try await Self.form(client, row.method, uri, row.form, cookie: cookies[who], headers: headers)
                    let label = "\(row.method) \(row.pattern) as \(who): \(reply.status.code) \(reply.text.prefix(300))"
                    #expect(reply.status.code < 500, "\(label)")
                    let toLogin = reply.status == .seeOther && reply.headers[.location]?.hasPrefix("/login") == true
                    switch expect {
                    case .login: #expect(toLogin, "\(label)")
                    case .forbidden: #expect(reply.status == .forbidden, "\(label)")
                    case .allowed:
                        #expect(reply.status != .forbidden && reply.status != .unauthorized && (!toLogin || row.pattern == "/logout"), "\(label)")
                    }
                }
            }
        }
    }

    @Test func reviewerSeesTheQueueComparisonAndDecides() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            for index in 71...72 { _ = try await client.applicant("page\(index)", index: index) }
            world.clock.set(World.review)
            let reviewer = try await Self.cookie(client, "reviewer01")

            let queue = try await Self.form(client, .get, "/review/sites/4201", nil, cookie: reviewer)
            #expect(queue.status == .ok)
            #expect(queue.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(queue.text.contains("/review/applications/\(cast.applicationA)"))
            #expect(queue.text.contains("武汉考点"))
            // Status tabs; one page of the default size, so no link to another.
            // Each tab with how many lines it holds: three submitted at the site.
            #expect(
                queue.text.contains("<strong>全部 3</strong>") && queue.text.contains(#"href="/review/sites/4201?status=submitted">已报名，待现场审核 3<"#),
                "\(queue.text)"
            )
            #expect(queue.text.contains(">审核通过 0<"), "\(queue.text)")
            #expect(!queue.text.contains("下一页") && !queue.text.contains("第一页"))
            let noneApproved = try await Self.form(client, .get, "/review/sites/4201?status=approved", nil, cookie: reviewer)
            #expect(noneApproved.status == .ok && !noneApproved.text.contains(#"<a href="/review/applications/"#))
            #expect(noneApproved.text.contains("没有符合条件的报名记录"))
            // Pages of two (three applications at the site): the next page's link, and from there the way back.
            let first = try await Self.form(client, .get, "/review/sites/4201?limit=2", nil, cookie: reviewer)
            let next = try #require(
                first.text.firstRange(of: #"/review/sites/4201?limit=2&amp;after="#).map { range in
                    String(first.text[range.lowerBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
                }
            )
            #expect(first.text.contains("下一页") && !first.text.contains("第一页"))
            let second = try await Self.form(client, .get, next, nil, cookie: reviewer)
            #expect(second.status == .ok && second.text.contains("第一页") && !second.text.contains("下一页"))
            // The way back keeps the page size, as the tabs do.
            #expect(second.text.contains(#"href="/review/sites/4201?limit=2">第一页"#), "\(second.text)")
            #expect(second.text.components(separatedBy: #"<a href="/review/applications/"#).count == 2)
            // An auditor may ask for any site: one the season does not have is not an empty queue but a 404.
            let auditorCookie = try await Self.cookie(client, "auditor01")
            let nowhere = try await Self.form(client, .get, "/review/sites/9999", nil, cookie: auditorCookie)
            #expect(nowhere.status == .notFound && nowhere.text.contains("考点9999不存在"), "\(nowhere.text.prefix(300))")
            let nowhereAPI = try await client.call(.get, "/api/v1/review/sites/9999/queue", token: try await client.login("auditor01"))
            #expect(nowhereAPI.status == .notFound && nowhereAPI.code == "season.unknown_site" && nowhereAPI.field == "siteCode")
            let bogus = try await Self.form(client, .get, "/review/sites/4201?status=waiting", nil, cookie: reviewer)
            #expect(bogus.status == .badRequest && bogus.text.contains("status"), "\(bogus.text.prefix(300))")

            // A banner for what was not done is never shown: no correction yet, and an auditor does nothing.
            let unCorrected = try await Self.form(client, .get, "/review/applications/\(cast.applicationA)?done=corrections", nil, cookie: reviewer)
            #expect(unCorrected.status == .ok && !unCorrected.text.contains("已修改基本信息"))
            let auditor = try await Self.cookie(client, "auditor01")
            let auditorLink = try await Self.form(client, .get, "/review/applications/\(cast.applicationA)?done=password-reset", nil, cookie: auditor)
            #expect(auditorLink.status == .ok && !auditorLink.text.contains("已重置考生密码"), "\(auditorLink.text.prefix(300))")

            let page = try await Self.form(client, .get, "/review/applications/\(cast.applicationA)", nil, cookie: reviewer)
            #expect(page.status == .ok)
            // No CHSI result: every row says 未验证; 学制 is not provided by CHSI either way.
            #expect(page.text.contains(#"data-label="院校""#))
            #expect(page.text.contains("未验证"))
            #expect(page.text.contains("北京大学"))
            #expect(page.text.contains("审核通过") && page.text.contains("不通过原因"))
            #expect(!page.text.contains("<script"))

            // A rejection without a reason: the page again, with the rejection's message.
            let noReason = try await Self.form(client, .post, "/review/applications/\(cast.applicationA)/reject", "reason=+", cookie: reviewer)
            #expect(noReason.status == .unprocessableContent, "\(noReason.text.prefix(300))")
            #expect(noReason.text.contains("class=\"error\""))

            // A correction without a reason is refused; with one it is recorded and the page says so.
            let corrected = try await Self.correctName(client, application: cast.applicationA, cookie: reviewer)
            #expect(corrected.status == .seeOther, "\(corrected.text.prefix(300))")
            #expect(corrected.headers[.location] == "/review/applications/\(cast.applicationA)?done=corrections")
            let correctedPage = try await Self.form(client, .get, "/review/applications/\(cast.applicationA)?done=corrections", nil, cookie: reviewer)
            #expect(correctedPage.text.contains("已修改基本信息"))

            // Nobody scanned the entry at CHSI: the approval rests on the originals, its note is required, and the form
            // says why; sent without one, the page comes back with the rule.
            #expect(correctedPage.text.contains(#"name="note" value="" maxlength="200" required"#), "\(correctedPage.text)")
            #expect(correctedPage.text.contains("报考学历1未经学信网核验：审核通过须填写审核意见"), "\(correctedPage.text)")
            let unnoted = try await Self.form(client, .post, "/review/applications/\(cast.applicationA)/approve", "note=", cookie: reviewer)
            #expect(unnoted.status == .unprocessableContent && unnoted.text.contains("报考学历1未经学信网核验，审核通过须填写审核意见"), "\(unnoted.text.prefix(300))")

            let approved = try await Self.form(
                client,
                .post,
                "/review/applications/\(cast.applicationA)/approve",
                "note=%E5%B7%B2%E6%A0%B8%E5%AF%B9%E6%AF%95%E4%B8%9A%E8%AF%81%E4%B9%A6%E5%8E%9F%E4%BB%B6%EF%BC%8C%E4%B8%8E%E5%A1%AB%E6%8A%A5%E4%B8%80%E8%87%B4",
                cookie: reviewer
            )
            #expect(approved.status == .seeOther, "\(approved.text.prefix(300))")
            let after = try await Self.form(client, .get, "/review/applications/\(cast.applicationA)?done=approve", nil, cookie: reviewer)
            #expect(after.text.contains("已审核通过"))
            #expect(after.text.contains("张小三"))
            // The banner follows the file, not the link: 已审核不通过 is never shown above an approved application.
            let contradicting = try await Self.form(client, .get, "/review/applications/\(cast.applicationA)?done=reject", nil, cookie: reviewer)
            #expect(contradicting.status == .ok && !contradicting.text.contains("已审核不通过"))

            // The candidate forgot the password and the recovery answer: reset on the page, with a reason.
            #expect(after.text.contains("重置考生密码"))
            let resetPath = "/review/applications/\(cast.applicationA)/password-reset"
            let noResetReason = try await Self.form(client, .post, resetPath, "newPassword=onsite2026&reason=", cookie: reviewer)
            #expect(noResetReason.status == .unprocessableContent && noResetReason.text.contains("重置密码须填写原因"))
            let reset = try await Self.form(
                client,
                .post,
                resetPath,
                "newPassword=onsite2026&reason=%E6%8C%81%E8%BA%AB%E4%BB%BD%E8%AF%81%E7%8E%B0%E5%9C%BA%E7%94%B3%E8%AF%B7",
                cookie: reviewer
            )
            #expect(reset.status == .seeOther, "\(reset.text.prefix(300))")
            #expect(reset.headers[.location] == "/review/applications/\(cast.applicationA)?done=password-reset")
            _ = try await client.login("zhangsan01", password: "onsite2026")
            #expect(try await client.call(.get, "/api/v1/me", token: cast.tokens["owner"]).status == .unauthorized)

            // The other site's reviewer cannot see it.
            let other = try await Self.cookie(client, "reviewer02")
            let refused = try await Self.form(client, .get, "/review/applications/\(cast.applicationA)", nil, cookie: other)
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("不在您的审核范围内"))
        }
    }

    @Test func theReviewPageOffersWhatTheStatusAllowsAndShowsWhatTheReviewerChecks() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            world.clock.set(World.review)
            let reviewer = try await Self.cookie(client, "reviewer01")
            let path = "/review/applications/\(cast.applicationA)"
            let submitted = try await Self.form(client, .get, path, nil, cookie: reviewer)
            // The basic information and the application as submitted; the forms a submitted application allows.
            for text in ["<h2>基本信息</h2>", "<td>姓（拼音）</td>", "<td>出生日期</td>", "<td>民族</td>", "<td>本人身份</td>", "累计报考次数", "加试科目"] {
                #expect(submitted.text.contains(text), "\(text)")
            }
            #expect(submitted.text.contains("/corrections\"") && submitted.text.contains("/approve\"") && !submitted.text.contains("/signature\""))
            #expect(submitted.text.contains("<tr><td>缴费状态</td><td>未缴费</td></tr>"))

            let corrected = try await Self.correctName(client, application: cast.applicationA, cookie: reviewer)
            try #require(corrected.status == .seeOther)
            try #require(
                try await Self.form(
                    client,
                    .post,
                    "\(path)/approve",
                    "note=%E5%B7%B2%E6%A0%B8%E5%AF%B9%E6%AF%95%E4%B8%9A%E8%AF%81%E4%B9%A6%E5%8E%9F%E4%BB%B6%EF%BC%8C%E4%B8%8E%E5%A1%AB%E6%8A%A5%E4%B8%80%E8%87%B4",
                    cookie: reviewer
                ).status == .seeOther
            )
            let approved = try await Self.form(client, .get, path, nil, cookie: reviewer)
            // Approved: no correction or decision forms; the signature form; the correction made, with who and why.
            #expect(!approved.text.contains("/corrections\"") && !approved.text.contains("/approve\"") && !approved.text.contains("/reject\""))
            #expect(approved.text.contains("action=\"/review/applications/\(cast.applicationA)/signature\""))
            #expect(approved.text.contains("<h2>已做的基本信息修改</h2>") && approved.text.contains("张小三") && approved.text.contains("reviewer01"))

            // Once the review window has closed the signature cannot be recorded (the decider refuses it): no form, a note.
            world.clock.set(Instant.date(from: "2026-03-12T02:00:00.000Z")!)
            let closed = try await Self.form(client, .get, path, nil, cookie: reviewer)
            #expect(closed.status == .ok && !closed.text.contains("/signature\"") && closed.text.contains("当前不在现场资格审核期间"))
            world.clock.set(World.review)

            // The signature, through the page's form: same-origin checks, then the notice.
            let foreign = try await Self.form(
                client,
                .post,
                "\(path)/signature",
                "",
                cookie: reviewer,
                headers: [.origin: "http://evil.example"]
            )
            #expect(foreign.status == .forbidden)
            let signed = try await Self.form(client, .post, "\(path)/signature", "", cookie: reviewer)
            #expect(signed.status == .seeOther && signed.headers[.location] == "\(path)?done=signature", "\(signed.text.prefix(300))")
            let after = try await Self.form(client, .get, "\(path)?done=signature", nil, cookie: reviewer)
            #expect(after.text.contains("已记录考生签字确认") && after.text.contains("<tr><td>审核状态</td><td>已签字确认</td></tr>"))
            #expect(!after.text.contains("/signature\""))
            // Twice: refused on the page with the rule's message.
            let twice = try await Self.form(client, .post, "\(path)/signature", "", cookie: reviewer)
            #expect(twice.status.code >= 400 && twice.text.contains("class=\"error\""), "\(twice.text.prefix(300))")
            // The auditor reads the page without any form, the ID number masked.
            let auditor = try await Self.form(client, .get, path, nil, cookie: try await Self.cookie(client, "auditor01"))
            #expect(auditor.status == .ok && !auditor.text.contains("<form class=\"box"))
            #expect(auditor.text.contains("***********"))
        }
    }

    @Test func historyNoticeAuditAndCSV() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let owner = try await Self.cookie(client, "zhangsan01")
            let history = try await Self.form(client, .get, "/candidates/\(cast.candidateA)/history", nil, cookie: owner)
            #expect(history.status == .ok)
            // The trail's words for the event (one dictionary), their Chinese half.
            #expect(history.text.contains("<td>注册</td>") && history.text.contains("<td>提交报名</td>"))
            #expect(history.text.contains("/candidates/\(cast.candidateA)/history?version=1"))
            // The page is the candidate's way to the printable notice of each live application.
            #expect(history.text.contains(#"href="/candidates/\#(cast.candidateA)/applications/\#(cast.applicationA)/notice""#), "\(history.text)")
            // And it says where the application stands and what to do next, as the API's nextActions do.
            #expect(history.text.contains("当前报名状态") && history.text.contains("已报名，待现场审核") && history.text.contains("武汉考点（4201）"))
            #expect(history.text.contains("下一步") && history.text.contains("打印网上报名成功通知单"), "\(history.text)")
            let replayed = try await Self.form(client, .get, "/candidates/\(cast.candidateA)/history?version=1", nil, cookie: owner)
            #expect(replayed.text.contains("显示版本 1"))
            #expect(replayed.text.contains("回到最新"))
            // An instant, as the API takes it: the file as recorded then (before registering: nothing yet).
            let before = try await Self.form(client, .get, "/candidates/\(cast.candidateA)/history?at=2025-01-01T00:00:00Z", nil, cookie: owner)
            #expect(before.status == .ok && before.text.contains("显示版本 0"), "\(before.text.prefix(500))")
            let now = try await Self.form(client, .get, "/candidates/\(cast.candidateA)/history?at=2027-01-01T00:00:00Z", nil, cookie: owner)
            #expect(now.status == .ok && now.text.contains("显示版本") && !now.text.contains("回到最新"), "\(now.text.prefix(500))")
            let garbled = try await Self.form(client, .get, "/candidates/\(cast.candidateA)/history?at=2026-13-01", nil, cookie: owner)
            #expect(garbled.status == .badRequest, "\(garbled.status)")
            #expect(!replayed.text.contains("zhangsan@example.com"))
            #expect(history.text.contains("zhangsan@example.com"))
            // Who corrected the file: the candidate reads the role, staff read the reviewer's account.
            let base = "/api/v1/candidates/\(cast.candidateA)/applications/\(cast.applicationA)"
            world.clock.set(World.review)
            try #require(try await client.correctName(application: base, token: cast.tokens["reviewer"]).status == .ok)
            let corrected = try await Self.form(client, .get, "/candidates/\(cast.candidateA)/history", nil, cookie: owner)
            #expect(corrected.text.contains("审核人员") && !corrected.text.contains("reviewer01"), "\(corrected.text)")
            // Named by the site of the application the reviewer acted on, never by an internal id, and still so once
            // the reviewer works at another site.
            let row = "<td>审核人员修改基本信息</td><td>武汉考点（4201）<br><span class=\"id\"></span></td><td>审核人员</td>"
            #expect(corrected.text.contains(row) && !corrected.text.contains("staff-r1"), "\(corrected.text)")
            let moved = try await client.call(
                .put,
                "/api/v1/admin/staff/staff-r1/scope",
                token: cast.tokens["admin"],
                json: #"{"areaCode": "42", "siteCodes": ["4202"]}"#
            )
            #expect(moved.status == .ok, "\(moved.text)")
            let afterMove = try await Self.form(client, .get, "/candidates/\(cast.candidateA)/history", nil, cookie: owner)
            #expect(afterMove.text.contains(row), "\(afterMove.text)")
            let staffView = try await Self.form(
                client,
                .get,
                "/candidates/\(cast.candidateA)/history",
                nil,
                cookie: try await Self.cookie(client, "auditor01")
            )
            #expect(staffView.text.contains("reviewer01"), "\(staffView.text)")

            let notice = try await Self.form(
                client,
                .get,
                "/candidates/\(cast.candidateA)/applications/\(cast.applicationA)/notice",
                nil,
                cookie: owner
            )
            #expect(notice.status == .ok)
            #expect(notice.text.contains("网上报名成功通知单"))
            #expect(notice.text.contains(World.residentID(1)))

            let auditor = try await Self.cookie(client, "auditor01")
            let masked = try await Self.form(
                client,
                .get,
                "/candidates/\(cast.candidateA)/applications/\(cast.applicationA)/notice",
                nil,
                cookie: auditor
            )
            #expect(!masked.text.contains(World.residentID(1)))

            let audit = try await Self.form(client, .get, "/audit?candidate=\(cast.candidateA)&field=contact", nil, cookie: auditor)
            #expect(audit.status == .ok)
            #expect(audit.text.contains("13800138000"))
            #expect(audit.text.contains("/audit.csv?candidate=\(cast.candidateA)&amp;field=contact"))
            let csv = try await Self.form(client, .get, "/audit.csv?candidate=\(cast.candidateA)&field=contact", nil, cookie: auditor)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let header = csv.text.split(separator: "\r\n").first.map(String.init) ?? ""
            #expect(header.contains("actor") && header.contains("before") && header.contains("after") && header.contains("reason"))
            #expect(csv.text.contains("\"13800138000\""))
        }
    }

    @Test func theAuditTrailIsReadAPageAtATimeAndExportedWhole() async throws {
        // The export reads three records per step, so that a small trail takes it through many steps.
        let world = try await World(auditExportPageRecords: 3)
        try await world.test { client in
            let cast = try await Cast.make(client)
            let auditor = try #require(cast.tokens["auditor"])
            let whole = try await client.call(.get, "/api/v1/audit/trail?limit=10000", token: auditor)
            let all = whole.array.compactMap { $0 as? [String: Any] }
            #expect(all.count > 20 && whole.headers[Header.link] == nil)
            func key(_ record: [String: Any]) -> String { "\(record["position"] ?? "").\(record["sequence"] ?? "")" }
            // The API: pages of seven through the next links, the filters kept.
            var next: String? = "/api/v1/audit/trail?limit=7"
            var paged = [[String: Any]]()
            var pages = 0
            while let path = next, pages <= all.count {
                let page = try await client.call(.get, path, token: auditor)
                #expect(page.status == .ok, "\(page.text)")
                paged += page.array.compactMap { $0 as? [String: Any] }
                next = page.headers[Header.link].map { String($0.dropFirst().prefix { $0 != ">" }) }
                pages += 1
            }
            #expect(paged.map(key) == all.map(key) && pages == (all.count + 6) / 7)
            let oneCandidate = try await client.call(.get, "/api/v1/audit/trail?candidate=\(cast.candidateA)&limit=2", token: auditor)
            #expect(oneCandidate.headers[Header.link]?.hasPrefix("</api/v1/audit/trail?candidate=\(cast.candidateA)&limit=2&after=") == true)
            for bad in ["x", "1", "1.2.3", "-1.0"] {
                let refused = try await client.call(.get, "/api/v1/audit/trail?after=\(bad)", token: auditor)
                #expect(refused.status == .badRequest && refused.field == "after", "\(bad)")
            }
            // The page: the next page's link; the CSV: every record, read three at a time.
            let cookie = try await Self.cookie(client, "auditor01")
            let firstPage = try await Self.form(client, .get, "/audit?limit=50", nil, cookie: cookie)
            let nextPage = try #require(
                firstPage.text.firstRange(of: "/audit?limit=50&amp;after=").map { range in
                    String(firstPage.text[range.lowerBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
                }
            )
            #expect(firstPage.text.contains("本页 50 条，后面还有") && firstPage.text.contains("下一页"))
            let secondPage = try await Self.form(client, .get, nextPage, nil, cookie: cookie)
            #expect(secondPage.status == .ok && secondPage.text.contains("第一页") && secondPage.text.contains("本页 50 条"))
            let csv = try await Self.form(client, .get, "/audit.csv", nil, cookie: cookie)
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\r\n", omittingEmptySubsequences: false)
            #expect(lines.count == all.count + 2 && lines.last == "")
            let positions = lines.dropFirst().prefix(all.count).map { $0.split(separator: ",").first?.filter { $0 != "\"" } ?? "" }
            #expect(positions == all.map { "\($0["position"] ?? "")" })
            let after = key(try #require(all.dropFirst(4).first))
            let rest = try await Self.form(client, .get, "/audit.csv?after=\(after)", nil, cookie: cookie)
            #expect(rest.text.split(separator: "\r\n").count == all.count - 5 + 1, "\(after) \(rest.status)")
            let refused = try await Self.form(client, .get, "/audit.csv?after=nope", nil, cookie: cookie)
            #expect(refused.status == .badRequest)
        }
    }

    @Test func eventStreamShowsReviewersTheirSitesOnly() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let other = try await Self.cookie(client, "reviewer02")
            let headers: HTTPFields = [HTTPField.Name("Last-Event-ID")!: "0"]
            let stream = try await Self.form(client, .get, "/events/stream?max=3", nil, cookie: other, headers: headers)
            #expect(stream.status == .ok)
            #expect(stream.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            #expect(stream.text.contains("\"stream\":\"\(cast.candidateB)\""))
            #expect(!stream.text.contains(cast.candidateA))
            // Something to act on: whose file, who acted, and the application with its site and page.
            #expect(stream.text.contains("\"candidateName\":\"张三\"") && stream.text.contains("\"actorName\":\"lisi0002\""), "\(stream.text)")
            let application = try await client.call(.get, "/api/v1/candidates/\(cast.candidateB)", token: cast.tokens["otherReviewer"])
            let applicationB = try #require(
                ((application.object["applications"] as? [[String: Any]])?.first?["application"] as? [String: Any])?["applicationID"] as? String,
                "\(application.text)"
            )
            // Every event of B's file so far (the feed waits for more after them).
            let count = try await world.store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE stream_id = ?", arguments: [cast.candidateB]) ?? 0
            }
            let withApplication = try await Self.form(client, .get, "/events/stream?max=\(count)", nil, cookie: other, headers: headers)
            #expect(
                withApplication.text.contains("\"applicationID\":\"\(applicationB)\"") && withApplication.text.contains("\"siteCode\":\"4202\"")
                    && withApplication.text.contains("\"link\":\"/review/applications/\(applicationB)\""),
                "\(withApplication.text)"
            )
            #expect(stream.text.components(separatedBy: "\nid: ").count - 1 == 3, "\(stream.text)")
            for garbled in ["abc", "-1", "99999999"] {
                let refused = try await Self.form(
                    client,
                    .get,
                    "/events/stream?max=1",
                    nil,
                    cookie: other,
                    headers: [HTTPField.Name("Last-Event-ID")!: garbled]
                )
                #expect(refused.status == .badRequest && refused.text.contains("Last-Event-ID"), "\(garbled): \(refused.status)")
            }
        }
    }

    /// A candidate who moved from 4201 to 4202: the 4202 reviewer's feed has the file's events and the new
    /// application's, not those of the application at 4201 (audit W-3).
    @Test func theFeedGivesAnApplicationsEventsToItsSitesReviewersOnly() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let newApplication = try await cast.moveCandidateA(to: "4202", client)
            let count = try await world.store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE stream_id IN (?, ?)", arguments: [cast.candidateA, cast.candidateB]) ?? 0
            }
            let applicationEvents = try await world.store.pool.read { db in
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM events WHERE stream_id = ? AND json_extract(data, '$.applicationID') = ?",
                    arguments: [cast.candidateA, cast.applicationA]
                ) ?? 0
            }
            let other = try await Self.cookie(client, "reviewer02")
            let headers: HTTPFields = [HTTPField.Name("Last-Event-ID")!: "0"]
            let feed = try await Self.form(client, .get, "/events/stream?max=\(count - applicationEvents)", nil, cookie: other, headers: headers)
            #expect(feed.text.contains("\"applicationID\":\"\(newApplication)\""), "\(feed.text)")
            #expect(!feed.text.contains(cast.applicationA), "\(feed.text)")
            #expect(feed.text.contains("\"stream\":\"\(cast.candidateA)\""), "the file's own events still come")
        }
    }

    /// Many open feeds woken by one append: each reads the new events and names who acted. With GRDB's async read in
    /// the feed, eight feeds held every reader while the server's threads waited for one, and nothing answered again
    /// (audit W-5). Every feed gets the event, and the server answers after.
    @Test func manyOpenFeedsAndAWriteDoNotHangTheServer() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let auditor = try await Self.cookie(client, "auditor01")
            let reviewer = try await Self.cookie(client, "reviewer01")
            let headers: HTTPFields = [HTTPField.Name("Last-Event-ID")!: String(try await world.store.headPosition())]
            // As many as one account may hold, and more from another.
            let feeds = (0..<12).map { index in
                Task { try await Self.form(client, .get, "/events/stream?max=1", nil, cookie: index < 8 ? auditor : reviewer, headers: headers) }
            }
            try await Task.sleep(for: .milliseconds(300))
            // One more for the auditor is refused, and takes no slot (audit Y-2).
            let refused = try await Self.form(client, .get, "/events/stream?max=1", nil, cookie: auditor, headers: headers)
            #expect(refused.status == .tooManyRequests && refused.text.contains("最多同时打开8个事件动态"), "\(refused.status) \(refused.text.prefix(300))")
            let written = try await client.call(
                .put,
                "/api/v1/candidates/\(cast.candidateA)/contact",
                token: cast.tokens["owner"],
                json: World.contact.replacingOccurrences(of: "13800138000", with: "13900139000")
            )
            #expect(written.status == .ok, "\(written.text)")
            // A hang of the server's reads ends here, rather than blocking the suite (a deadlock of every thread would not).
            let outcome = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for feed in feeds { _ = try await feed.value }
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(60))
                    return false
                }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
            #expect(outcome, "the feeds did not end after the write")
            for feed in feeds {
                let reply = try await feed.value
                #expect(reply.text.contains("\"type\":\"ContactDetailsUpdated\""), "\(reply.text.prefix(300))")
            }
            #expect(try await client.call(.get, "/health").status == .ok)
            // The feeds ended: their slots are free again (a feed from the event before the head ends at once).
            let before: HTTPFields = [HTTPField.Name("Last-Event-ID")!: String(try await world.store.headPosition() - 1)]
            let again = try await Self.form(client, .get, "/events/stream?max=1", nil, cookie: auditor, headers: before)
            #expect(again.status == .ok && again.text.contains("\"type\":\"ContactDetailsUpdated\""), "\(again.status) \(again.text.prefix(300))")
        }
    }

    /// An open feed is checked at every event, as a request would be: after the reviewer logs out, the next event of
    /// their site ends the feed instead of reaching them.
    @Test func theEventStreamEndsWithItsSession() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let cookie = try await Self.cookie(client, "reviewer02")
            let headers: HTTPFields = [HTTPField.Name("Last-Event-ID")!: String(try await world.store.headPosition())]
            let feed = Task { try await Self.form(client, .get, "/events/stream?max=1", nil, cookie: cookie, headers: headers) }
            // Time for the feed to open (had it opened after the log-out it would be refused, which leaks nothing
            // either).
            try await Task.sleep(for: .seconds(1))
            _ = try await Self.form(client, .post, "/logout", "", cookie: cookie)
            let contact = try await client.call(
                .put,
                "/api/v1/candidates/\(cast.candidateB)/contact",
                token: cast.tokens["otherCandidate"],
                json: World.contact.replacingOccurrences(of: "13800138000", with: "13900139000")
            )
            try #require(contact.status == .ok, "\(contact.text)")
            let stream = try await feed.value
            #expect(!stream.text.contains("id: "), "\(stream.status) \(stream.text)")
        }
    }

    /// Replies with personal data are kept by no cache and shown in no other site's frame; behind a proxy that ends
    /// TLS the session cookie is Secure.
    @Test func repliesAreNeitherCachedNorFramed() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let file = try await client.call(.get, "/api/v1/candidates/\(cast.candidateA)", token: cast.tokens["owner"])
            #expect(file.status == .ok && file.headers[.cacheControl] == "no-store")
            #expect(file.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            let page = try await Self.form(
                client,
                .get,
                "/candidates/\(cast.candidateA)/history",
                nil,
                cookie: try await Self.cookie(client, "zhangsan01")
            )
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers[.cacheControl] == "no-store")
            let plain = try await Self.form(client, .post, "/login", "username=reviewer01&password=\(World.password)")
            #expect(plain.headers[.setCookie]?.contains("Secure") == false)
            let proxied = try await Self.form(
                client,
                .post,
                "/login",
                "username=reviewer01&password=\(World.password)",
                headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"]
            )
            #expect(proxied.headers[.setCookie]?.hasSuffix("; Secure") == true, "\(proxied.headers)")
        }
    }

    @Test func loginFormShowsFailuresAndLogoutEndsTheSession() async throws {
        let world = try await World()
        try await world.test { client in
            _ = try await Cast.make(client)
            let wrong = try await Self.form(client, .post, "/login", "username=reviewer01&password=nope")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("用户名或密码错误"))
            let anonymous = try await Self.form(client, .get, "/review/sites/4201", nil)
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/login?next=/review/sites/4201")
            let next = try await Self.form(client, .post, "/login", "username=reviewer01&password=\(World.password)&next=%2F%2Fevil.example")
            #expect(next.headers[.location] == "/review/sites/4201")
            let cookie = try await Self.cookie(client, "reviewer01")
            #expect(try await Self.form(client, .get, "/review/sites/4201", nil, cookie: cookie).status == .ok)
            _ = try await Self.form(client, .post, "/logout", "", cookie: cookie)
            #expect(try await Self.form(client, .get, "/review/sites/4201", nil, cookie: cookie).status == .seeOther)
        }
    }
}
