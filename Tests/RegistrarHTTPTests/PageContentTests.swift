import Foundation
import HTTPTypes
import Hummingbird
import RegistrationDomain
import Testing

@testable import RegistrarHTTP

/// What the pages show, in Chinese, and what a failed form gives back.
extension PageTests {
    /// The `value` of the text input that follows `label` on a page.
    static func input(_ page: String, after label: String) -> String? {
        guard let start = page.range(of: label + " <input"), let value = page[start.upperBound...].range(of: #"value=""#) else { return nil }
        return String(page[value.upperBound...].prefix { $0 != "\"" })
    }

    @Test func aFailedFormGetsBackItsOwnValues() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            world.clock.set(World.review)
            let reviewer = try await Self.cookie(client, "reviewer01")
            let base = "/review/applications/\(cast.applicationA)"

            // A password too short: the reset's reason comes back in 重置原因, not in the correction's 修改原因.
            let reset = try await Self.form(client, .post, "\(base)/password-reset", "newPassword=ab&reason=resetmark7", cookie: reviewer)
            #expect(reset.status.code >= 400 && reset.text.contains("class=\"error\""), "\(reset.status)")
            #expect(Self.input(reset.text, after: "重置原因") == "resetmark7")
            #expect(Self.input(reset.text, after: "修改原因") == "")
            #expect(Self.input(reset.text, after: "不通过原因") == "")
            #expect(Self.input(reset.text, after: "新值") == "")

            // A reason over 200 characters: the rejection's reason comes back in 不通过原因.
            let long = String(repeating: "x", count: 201)
            let reject = try await Self.form(client, .post, "\(base)/reject", "reason=\(long)", cookie: reviewer)
            #expect(reject.status == .unprocessableContent, "\(reject.status) \(reject.text.prefix(300))")
            #expect(Self.input(reject.text, after: "不通过原因") == long)
            #expect(Self.input(reject.text, after: "修改原因") == "" && Self.input(reject.text, after: "重置原因") == "")

            // A correction the decider refuses (an ethnicity not on the list): its field, value and reason come back in its own form.
            let correction = try await Self.form(
                client,
                .post,
                "\(base)/corrections",
                "field=ethnicity&newValue=abc&reason=fixmark3",
                cookie: reviewer
            )
            #expect(correction.status.code >= 400, "\(correction.status)")
            #expect(Self.input(correction.text, after: "新值") == "abc" && Self.input(correction.text, after: "修改原因") == "fixmark3")
            #expect(correction.text.contains(#"<option value="ethnicity" selected>"#))
            #expect(Self.input(correction.text, after: "重置原因") == "" && Self.input(correction.text, after: "不通过原因") == "")
        }
    }

    @Test func theCorrectionFormNamesEveryFieldInChinese() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            world.clock.set(World.review)
            let reviewer = try await Self.cookie(client, "reviewer01")
            let page = try await Self.form(client, .get, "/review/applications/\(cast.applicationA)", nil, cookie: reviewer)
            #expect(page.text.contains(#"<option value="identity">本人身份</option>"#))
            for field in BasicInfoField.allCases {
                let label = PageRender.label(of: field)
                #expect(!label.contains { $0.isASCII && $0.isLetter }, "\(field)")
                #expect(page.text.contains(#"<option value="\#(field.rawValue)">\#(label)</option>"#), "\(field)")
            }
            // What to type for 本人身份: the six codes and their meaning.
            #expect(page.text.contains("1 军队及武警干部") && page.text.contains("6 公安部所属边防、消防、警卫部队聘用地方人员"))
            // 民族 and 国籍 spelled as the rules take them, suggested as the value is typed.
            #expect(page.text.contains(#"list="correction-choices""#) && page.text.contains(#"<datalist id="correction-choices">"#))
            for choice in ["汉族", "维吾尔族", "中国", "刚果(金)", "女"] {
                #expect(page.text.contains(#"<option value="\#(choice)">"#), "\(choice)")
            }
        }
    }

    @Test func aCorrectionOfAnUnknownFieldShowsThePageAgain() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            world.clock.set(World.review)
            let reviewer = try await Self.cookie(client, "reviewer01")
            let path = "/review/applications/\(cast.applicationA)/corrections"
            for field in ["bogus", ""] {
                let reply = try await Self.form(client, .post, path, "field=\(field)&newValue=abc&reason=fixmark3", cookie: reviewer)
                #expect(reply.status == .badRequest, "\(field): \(reply.status)")
                #expect(reply.text.contains("请选择要修改的字段") && reply.text.contains("北京大学") && reply.text.contains("修改基本信息"))
                #expect(Self.input(reply.text, after: "新值") == "abc" && Self.input(reply.text, after: "修改原因") == "fixmark3")
            }
        }
    }

    @Test func timesAreInBeijingTime() async throws {
        #expect(PageRender.shortTime("2026-01-08T01:32:48.000Z") == "2026-01-08 09:32:48（北京时间）")
        #expect(PageRender.shortTime("2026-02-28T16:00:00.5Z") == "2026-03-01 00:00:00（北京时间）")
        #expect(PageRender.shortTime("2026-01-12T11:00:00+08:00") == "2026-01-12 11:00:00（北京时间）")
        #expect(PageRender.shortTime("not a time") == "not a time")

        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            world.clock.set(World.review)
            // Submitted at 2026-01-12T03:00:00Z, the test clock's registration instant.
            let submitted = "2026-01-12 11:00:00（北京时间）"
            let reviewer = try await Self.cookie(client, "reviewer01")
            let auditor = try await Self.cookie(client, "auditor01")
            let owner = try await Self.cookie(client, "zhangsan01")
            let pages = [
                ("/review/sites/4201", reviewer), ("/review/applications/\(cast.applicationA)", reviewer),
                ("/candidates/\(cast.candidateA)/history", owner), ("/audit?candidate=\(cast.candidateA)", auditor),
                ("/candidates/\(cast.candidateA)/applications/\(cast.applicationA)/notice", owner),
            ]
            for (path, cookie) in pages {
                let page = try await Self.form(client, .get, path, nil, cookie: cookie)
                #expect(page.status == .ok && page.text.contains(submitted) && !page.text.contains(" UTC"), "\(path)")
            }
            // Instants among the trail's values too: the season's calendar as set (review opens 2026-02-10T00:00Z).
            let calendar = try await Self.form(client, .get, "/audit?field=calendar.reviewOpens", nil, cookie: auditor)
            #expect(calendar.text.contains("<td>2026-02-10 08:00:00（北京时间）</td>") && !calendar.text.contains("2026-02-10T00:00"), "\(calendar.text)")
            // Machine formats keep UTC.
            let csv = try await Self.form(client, .get, "/audit.csv?candidate=\(cast.candidateA)", nil, cookie: auditor)
            #expect(csv.text.contains("2026-01-12T03:00:00.000Z") && !csv.text.contains("北京时间"))
        }
    }

    @Test func historyAndAuditSpeakChinese() async throws {
        for role in Role.allCases { #expect(!PageRender.roleLabel(role).contains { $0.isASCII }, "\(role)") }
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            world.clock.set(World.review)
            let reviewer = try await Self.cookie(client, "reviewer01")
            _ = try await Self.correctName(client, application: cast.applicationA, cookie: reviewer)
            let owner = try await Self.cookie(client, "zhangsan01")
            let history = try await Self.form(client, .get, "/candidates/\(cast.candidateA)/history", nil, cookie: owner)
            #expect(history.status == .ok)
            #expect(history.text.contains("<td>考生</td>") && history.text.contains("<td>审核人员</td>"))
            for raw in [
                "<td>candidate</td>", "<td>reviewer</td>", "nextOrder", "photoID", "photoSize", "lockedBy", "ScanIDs", "applications.", "education.",
                ">true<",
                ">false<",
            ] {
                #expect(!history.text.contains(raw), "\(raw)")
            }
            for group in [
                "<h3>基本信息</h3>", "<h3>联系方式</h3>", "<h3>工作情况</h3>", "<h3>教育经历 1</h3>", "<h3>培训经历 1</h3>", "<h3>证书 1</h3>",
                "<h3>报名 \(cast.applicationA)</h3>",
            ] {
                #expect(history.text.contains(group), "\(group)")
            }
            for row in [
                "<td>姓名</td><td>张小三</td>", "<td>学校</td><td>北京大学</td>", "<td>已锁定</td>", "<td>已审核</td><td>否</td>", "<td>报考类别</td><td>临床执业医师（110）</td>",
                "<td>考点</td><td>武汉考点（4201）</td>", "<td>手机</td><td>13800138000</td>",
            ] {
                #expect(history.text.contains(row), "\(row)")
            }
            #expect(history.text.contains("姓名：") && history.text.contains("证件有误"))

            let auditor = try await Self.cookie(client, "auditor01")
            let audit = try await Self.form(client, .get, "/audit", nil, cookie: auditor)
            #expect(audit.text.contains("<td>系统</td>") && audit.text.contains("<td>考生</td>") && audit.text.contains("<td>审核人员</td>"))
            #expect(audit.text.contains("<td>创建工作人员账号</td>") && !audit.text.contains("staff account created"))
            // The role column follows the actor's id (the before and after columns may hold a role as data).
            for raw in ["system", "candidate", "reviewer"] { #expect(!audit.text.contains("</span></td><td>\(raw)</td>"), "\(raw)") }
        }
    }

    @Test func theAuditTrailTakesAStaffUsernameAsActor() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            world.clock.set(World.review)
            let reviewer = try await Self.cookie(client, "reviewer01")
            _ = try await Self.correctName(client, application: cast.applicationA, cookie: reviewer)
            let auditor = try await Self.cookie(client, "auditor01")
            let byID = try await Self.form(client, .get, "/audit?actor=staff-r1", nil, cookie: auditor)
            let byUsername = try await Self.form(client, .get, "/audit?actor=reviewer01", nil, cookie: auditor)
            let upper = try await Self.form(client, .get, "/audit?actor=Reviewer01", nil, cookie: auditor)
            #expect(byID.status == .ok && byUsername.status == .ok)
            #expect(!byID.text.contains("本页 0 条") && byID.text.contains("张小三"))
            let count = { (page: Reply) in page.text.components(separatedBy: "<tr><td>").count - 1 }
            #expect(count(byUsername) == count(byID) && count(upper) == count(byID) && count(byID) > 0)
            // The candidate's username as actor: the candidate's own changes.
            let candidate = try await Self.form(client, .get, "/audit?actor=zhangsan01", nil, cookie: auditor)
            #expect(count(candidate) > 0 && !candidate.text.contains("审核员甲"))
            // A name that is no one's is refused, not shown as "nobody did anything"; the systems' ids are taken.
            let nobody = try await Self.form(client, .get, "/audit?actor=nobody99", nil, cookie: auditor)
            #expect(nobody.status == .badRequest && nobody.text.contains("没有编号或用户名为nobody99的账号"), "\(nobody.status)")
            #expect(try await Self.form(client, .get, "/audit?actor=chsi", nil, cookie: auditor).status == .ok)
            let auditorToken = try await client.login("auditor01")
            let api = try await client.call(.get, "/api/v1/audit/trail?actor=nobody99", token: auditorToken)
            #expect(api.status == .badRequest && api.field == "actor", "\(api.text)")
            #expect(try await client.call(.get, "/api/v1/audit/trail?actor=bank", token: auditorToken).status == .ok)
            // A candidate the same way: a name or an ID number typed for a username is refused, with the form kept to
            // correct it in place.
            for typed in ["张三", World.residentID(1), "zhangsan99"] {
                let page = try await Self.form(
                    client,
                    .get,
                    "/audit?candidate=\(typed.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                    nil,
                    cookie: auditor
                )
                #expect(page.status == .badRequest && page.text.contains("没有用户名或编号为") && page.text.contains("value=\"\(typed)\""), "\(page.text)")
                #expect(page.text.contains("<form class=\"box\" method=\"get\" action=\"/audit\">") && !page.text.contains("本页 0 条"))
            }
            // The form as a browser submits it, every box, the empty ones too.
            let submitted = try await Self.form(client, .get, "/audit?candidate=&actor=reviewer01&since=&until=&field=", nil, cookie: auditor)
            #expect(submitted.status == .ok && count(submitted) == count(byID), "\(submitted.text)")
            #expect(try await client.call(.get, "/api/v1/audit/trail?candidate=&actor=%20reviewer01%20", token: auditorToken).status == .ok)
            let unknownCandidate = try await client.call(.get, "/api/v1/audit/trail?candidate=zhangsan99", token: auditorToken)
            #expect(unknownCandidate.status == .badRequest && unknownCandidate.field == "candidate", "\(unknownCandidate.text)")
            #expect(try await client.call(.get, "/api/v1/audit/trail?candidate=zhangsan01", token: auditorToken).status == .ok)
            // Who the ids are: the staff member's name and username, the candidate's username.
            #expect(byID.text.contains("审核员甲（reviewer01）") && byID.text.contains("zhangsan01"))
            let history = try await Self.form(client, .get, "/candidates/\(cast.candidateA)/history", nil, cookie: auditor)
            #expect(history.text.contains("审核员甲（reviewer01）"))
        }
    }

    /// 查找 on a site's page: the candidate in front of the reviewer by name, ID number, username or application
    /// number, among the site's own applications only.
    @Test func aReviewerFindsACandidateOfTheSite() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let reviewer = try await Self.cookie(client, "reviewer01")
            let link = "href=\"/review/applications/\(cast.applicationA)\""
            for typed in ["张三", " 张三 ", World.residentID(1), World.residentID(1).lowercased(), "zhangsan01", cast.candidateA, cast.applicationA] {
                let query = typed.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let found = try await Self.form(client, .get, "/review/sites/4201?q=\(query)", nil, cookie: reviewer)
                #expect(found.status == .ok && found.text.contains(link) && found.text.contains("返回审核队列"), "\(typed): \(found.text)")
            }
            // B is 张三 too, but applied at 4202: not this site's.
            let other = try await Self.form(client, .get, "/review/sites/4201?q=lisi0002", nil, cookie: reviewer)
            #expect(other.status == .ok && !other.text.contains("/review/applications/") && other.text.contains("本考点没有"), "\(other.text)")
            let named = try await Self.form(client, .get, "/review/sites/4201?q=%E5%BC%A0%E4%B8%89", nil, cookie: reviewer)
            #expect(named.text.components(separatedBy: "/review/applications/").count - 1 == 1)
            // The auditor, who reads numbers masked, cannot test a guessed number (audit Z-5); the username still finds.
            let auditor = try await Self.cookie(client, "auditor01")
            let guessed = try await Self.form(client, .get, "/review/sites/4201?q=\(World.residentID(1))", nil, cookie: auditor)
            #expect(guessed.status == .ok && !guessed.text.contains(link) && !guessed.text.contains("证件号码为"), "\(guessed.text)")
            let byUsername = try await Self.form(client, .get, "/review/sites/4201?q=zhangsan01", nil, cookie: auditor)
            #expect(byUsername.text.contains(link), "\(byUsername.text)")
        }
    }

    @Test func theAuditTableWrapsLongIDs() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let auditor = try await Self.cookie(client, "auditor01")
            let audit = try await Self.form(client, .get, "/audit", nil, cookie: auditor)
            // The table scrolls inside its box rather than pushing 原因 off the page, and ids break anywhere.
            #expect(audit.text.contains("<div class=\"scroll\">\n<table class=\"audit\">"))
            #expect(audit.text.contains(".scroll { overflow-x: auto") && audit.text.contains("overflow-wrap: anywhere"))
            // Each row leads on: the candidate's history, this subject's and this actor's whole trail.
            #expect(
                audit.text.contains("<span class=\"id\"><a href=\"/candidates/\(cast.candidateA)/history\">\(cast.candidateA)</a></span>"),
                "\(audit.text)"
            )
            #expect(
                audit.text.contains("href=\"/audit?candidate=\(cast.candidateA)\"") && audit.text.contains("href=\"/audit?actor=\(cast.candidateA)\"")
            )
            #expect(audit.text.contains("<span class=\"id\">season-2026</span>"), "a stream that is not a candidate's has no history page")
        }
    }

    /// The approved, unsigned application's page offers 撤销审核通过 with a reason; afterwards its 审核记录 says who
    /// approved, who withdrew it, when and why, and the decision forms are back.
    @Test func theReviewPageWithdrawsAnApprovalAndKeepsItInTheRecord() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            world.clock.set(World.review)
            let reviewer = try await PageTests.cookie(client, "reviewer01")
            let page = "/review/applications/\(cast.applicationA)"
            let approved = try await PageTests.form(
                client,
                .post,
                "\(page)/approve",
                "note=%E5%B7%B2%E6%A0%B8%E5%AF%B9%E6%AF%95%E4%B8%9A%E8%AF%81%E4%B9%A6%E5%8E%9F%E4%BB%B6%EF%BC%8C%E4%B8%8E%E5%A1%AB%E6%8A%A5%E4%B8%80%E8%87%B4",
                cookie: reviewer
            )
            #expect(approved.status == .seeOther, "\(approved.text)")
            let before = try await PageTests.form(client, .get, page, nil, cookie: reviewer)
            #expect(before.text.contains(#"action="\#(page)/approval-withdrawal""#), "\(before.text)")
            // Without a reason: the page again, with the rule, and nothing recorded.
            let bare = try await PageTests.form(client, .post, "\(page)/approval-withdrawal", "reason=", cookie: reviewer)
            #expect(bare.status == .unprocessableContent && bare.text.contains("请填写原因"), "\(bare.text)")
            let reason = "误点审核通过"
            let withdrawn = try await PageTests.form(
                client,
                .post,
                "\(page)/approval-withdrawal",
                "reason=\(reason.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                cookie: reviewer
            )
            #expect(withdrawn.status == .seeOther, "\(withdrawn.text)")
            let location = try #require(withdrawn.headers[.location])
            let after = try await PageTests.form(client, .get, location, nil, cookie: reviewer)
            #expect(after.text.contains("已撤销审核通过，本报名恢复为待审核"), "\(after.text)")
            for text in ["撤销的审核通过", "审核员甲（reviewer01）审核通过", "撤销人", "撤销原因", reason, #"action="\#(page)/approve""#] {
                #expect(after.text.contains(text), "\(text)")
            }
            #expect(!after.text.contains(#"action="\#(page)/approval-withdrawal""#))

            // An ID number a reviewer writes into a note or a reason is masked for the auditor, as the fields are.
            let number = World.residentID(1)
            let noted = try await PageTests.form(
                client,
                .post,
                "\(page)/approve",
                "note=\(number)%E5%8E%9F%E4%BB%B6%E5%B7%B2%E6%A0%B8",
                cookie: reviewer
            )
            #expect(noted.status == .seeOther, "\(noted.text)")
            let withdrawnAgain = try await PageTests.form(
                client,
                .post,
                "\(page)/approval-withdrawal",
                "reason=\(number)%E8%AF%AF%E7%82%B9",
                cookie: reviewer
            )
            #expect(withdrawnAgain.status == .seeOther, "\(withdrawnAgain.text)")
            let auditor = try await PageTests.cookie(client, "auditor01")
            let audited = try await PageTests.form(client, .get, page, nil, cookie: auditor)
            #expect(audited.text.contains("撤销原因") && !audited.text.contains(number), "\(audited.text)")
            let file = try await client.call(.get, "/api/v1/candidates/\(cast.candidateA)", token: cast.tokens["auditor"])
            #expect(file.status == .ok && !file.text.contains(number), "\(file.text)")
            let reviewed = try await PageTests.form(client, .get, page, nil, cookie: reviewer)
            #expect(reviewed.text.contains(number), "the site's reviewer sees numbers in full")
        }
    }

    /// 找回密码 from the log-in page: identity, then the recovery question's answer and a new password, then the
    /// username; wrong answers are refused on the page as the API refuses them.
    @Test func aCandidateRecoversThePasswordThroughThePages() async throws {
        let world = try await World()
        try await world.test { client in
            _ = try await client.register("recover61", index: 61)
            let login = try await PageTests.form(client, .get, "/login", nil)
            #expect(login.text.contains(#"href="/password-recovery""#), "\(login.text)")
            let start = try await PageTests.form(client, .get, "/password-recovery", nil)
            #expect(start.status == .ok && start.text.contains(#"<option value="居民身份证" selected>"#), "\(start.text)")
            let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
            let identity = "idType=\(encode("居民身份证"))&idNumber=\(World.residentID(61))&name=\(encode("张三"))"

            let unknown = try await PageTests.form(
                client,
                .post,
                "/password-recovery/question",
                "idType=\(encode("居民身份证"))&idNumber=\(World.residentID(62))&name=\(encode("张三"))"
            )
            #expect(unknown.status == .notFound && unknown.text.contains(World.residentID(62)), "the form keeps what was typed: \(unknown.text)")
            let question = try await PageTests.form(client, .post, "/password-recovery/question", identity)
            #expect(
                question.status == .ok && question.text.contains("我的母校?") && question.text.contains(#"name="recoveryAnswer""#),
                "\(question.text)"
            )

            let step2 = identity + "&question=\(encode("我的母校?"))"
            let wrong = try await PageTests.form(
                client,
                .post,
                "/password-recovery",
                step2 + "&recoveryAnswer=x&newPassword=new2026&confirmPassword=new2026"
            )
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("密码找回答案错误") && wrong.text.contains("我的母校?"), "\(wrong.text)")
            let differ = try await PageTests.form(
                client,
                .post,
                "/password-recovery",
                step2 + "&recoveryAnswer=\(encode("武汉大学医学部"))&newPassword=new2026&confirmPassword=new2027"
            )
            #expect(differ.status == .badRequest && differ.text.contains("两次输入的新密码不一致"))
            let done = try await PageTests.form(
                client,
                .post,
                "/password-recovery",
                step2 + "&recoveryAnswer=\(encode("武汉大学医学部"))&newPassword=new2026&confirmPassword=new2026"
            )
            #expect(done.status == .ok && done.text.contains("recover61") && !done.text.contains("武汉大学医学部"), "\(done.text)")
            let loggedIn = try await PageTests.form(client, .post, "/login", "username=recover61&password=new2026")
            #expect(loggedIn.status == .seeOther && loggedIn.headers[.setCookie] != nil, "\(loggedIn.text)")
            // The success page sent again (a refresh): the same answer, nothing recorded, the new session kept.
            let events = { try await world.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 } }
            let before = try await events()
            let again = try await PageTests.form(
                client,
                .post,
                "/password-recovery",
                step2 + "&recoveryAnswer=\(encode("武汉大学医学部"))&newPassword=new2026&confirmPassword=new2026"
            )
            #expect(again.status == .ok && again.text.contains("recover61"), "\(again.text)")
            #expect(try await events() == before)
            let session = String(try #require(loggedIn.headers[.setCookie]?.split(separator: ";").first))
            #expect(try await PageTests.form(client, .get, PageRender.passwordPage, nil, cookie: session).status == .ok)
        }
    }

    @Test func theNoticeCarriesWhatTheRealOneDoes() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let owner = try await Self.cookie(client, "zhangsan01")
            let notice = try await Self.form(
                client,
                .get,
                "/candidates/\(cast.candidateA)/applications/\(cast.applicationA)/notice",
                nil,
                cookie: owner
            )
            #expect(notice.status == .ok)
            for row in [
                "<td>民族</td><td>汉族</td>", "<td>手机</td><td>13800138000</td>", "<td>工作单位</td><td>武汉协和医院</td>",
                "<td>在岗情况</td><td>在职</td>", "<td>考点</td><td>武汉考点（4201）</td>",
                "<td>北京大学</td><td>基础医学</td><td>本科</td><td>普通全日制</td><td>2010-07</td>",
            ] {
                #expect(notice.text.contains(row), "\(row)")
            }
            // Only the ticked entry (the spare one is not on the notice), the uploaded photo, printable without script.
            #expect(notice.text.components(separatedBy: "<td>北京大学</td>").count == 2)
            #expect(notice.text.contains(#"<img class="photo" src="/candidates/"#) && !notice.text.contains("贴照片处"))
            #expect(notice.text.contains("size: A4") && !notice.text.contains("<script"))
        }
    }

    @Test func headersQueueAndTheAdministratorsHome() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            // A candidate is greeted by name, not by id.
            let owner = try await Self.cookie(client, "zhangsan01")
            let history = try await Self.form(client, .get, "/candidates/\(cast.candidateA)/history", nil, cookie: owner)
            #expect(history.text.contains("考生：张三") && !history.text.contains("考生：\(cast.candidateA)"))
            // The queue names the exam.
            let reviewer = try await Self.cookie(client, "reviewer01")
            let queue = try await Self.form(client, .get, "/review/sites/4201", nil, cookie: reviewer)
            #expect(queue.text.contains("<td>临床执业医师</td>") && !queue.text.contains("<td>110</td>"))
            // The administrator lands on a page, not on the endless event stream.
            let login = try await Self.form(client, .post, "/login", "username=admin01&password=\(World.password)")
            #expect(login.headers[.location] == "/admin")
            let admin = try await Self.cookie(client, "admin01")
            let home = try await Self.form(client, .get, "/admin", nil, cookie: admin)
            #expect(home.status == .ok && home.headers[.contentType]?.hasPrefix("text/html") == true)
            for text in [
                "网上报名", "2026-01-08 09:00:00（北京时间）", "<td>110</td><td>临床执业医师</td>", "湖北考区", "<td>4202</td><td>宜昌考点</td>",
                "<td>reviewer01</td><td>审核员甲</td><td>审核人员</td>", "武汉考点（4201）", "<td>admin01</td>",
            ] {
                #expect(home.text.contains(text), "\(text)")
            }
            #expect(home.text.contains(#"href="/admin""#))
        }
    }
}
