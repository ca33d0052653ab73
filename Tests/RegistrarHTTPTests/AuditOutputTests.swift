import Foundation
import HTTPTypes
import Hummingbird
import Projections
import RegistrarApp
import RegistrationDomain
import Testing

@testable import RegistrarHTTP

/// What auditors rely on: the trail page and its CSV as safe and complete as `registrar trace`, the reasons of
/// administrators' changes, and request errors in words.
@Suite struct AuditOutputTests {
    /// A value that tries to forge a row of the trail: a line break, then text that looks like a row; then a C1
    /// control (NEL) and a line separator.
    static let forged = "第一行\n#3999 2026-12-07T08:00:00Z reviewer staff-1 via web: 注册\u{85}尾\u{2028}末"

    @Test func theTrailPageEscapesControlCharactersAndItsCSVHasTheCLIColumnsAfterAByteOrderMark() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            // Events already in logs may hold control characters, whatever the validation of new input: the reason
            // of the metadata is not a field of the command.
            try await world.service.execute(
                .updateContact(
                    UpdateContactDetails(
                        candidateID: cast.candidateA,
                        contact: ContactInput(mobile: "13900139000", address: "湖北省武汉市洪山区珞喻路2号", postcode: "430074")
                    )
                ),
                candidateId: cast.candidateA,
                actor: .candidate(cast.candidateA),
                request: RequestContext(channel: "web", reason: Self.forged)
            )
            let cookie = try await PageTests.cookie(client, "auditor01")
            let page = try await PageTests.form(client, .get, "/audit?candidate=\(cast.candidateA)&field=contact.mobile", nil, cookie: cookie)
            #expect(page.status == .ok)
            #expect(page.text.contains(#"第一行\n#3999 2026-12-07T08:00:00Z reviewer staff-1 via web: 注册\u0085尾\u2028末"#), "\(page.text)")
            #expect(!page.text.contains("第一行\n"))
            #expect(!page.text.contains("\u{85}") && !page.text.contains("\u{2028}"))

            let csv = try await PageTests.form(client, .get, "/audit.csv?candidate=\(cast.candidateA)", nil, cookie: cookie)
            #expect(csv.status == .ok)
            #expect(csv.body.starts(with: [0xEF, 0xBB, 0xBF]), "a UTF-8 byte order mark first, for Excel")
            let header = String(decoding: csv.body.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")[0]
            #expect(header == AuditRecord.csvColumns.joined(separator: ","))
            #expect(
                header
                    == "position,recorded_at,subject,actor,actor_name,role,channel,event,action,field,before,after,reason,request_id,correlation_id,hash"
            )
            // The actor's name beside the id (the candidate's username here).
            #expect(csv.text.contains("\"\(cast.candidateA)\",\"zhangsan01\""), "\(csv.text.prefix(600))")
            // The CSV quotes the value instead (RFC 4180): the whole reason, line break and all, in one cell.
            #expect(csv.text.contains("\"" + Self.forged + "\""))
            // Every row has the event's hash, as the trail API gives it.
            let records = try await client.call(.get, "/api/v1/audit/trail?candidate=\(cast.candidateA)", token: cast.tokens["auditor"])
            let hashes = records.array.compactMap { ($0 as? [String: Any])?["hash"] as? String }
            #expect(!hashes.isEmpty && hashes.allSatisfy { csv.text.contains("\"\($0)\"") })
        }
    }

    @Test func theTrailPageEchoesItsTimeFiltersInBeijingTimeAsItsRows() async throws {
        let world = try await World()
        try await world.test { client in
            let cookie = try await PageTests.cookie(client, "auditor01")
            let page = try await PageTests.form(
                client,
                .get,
                "/audit?since=2026-01-12T03:00:00Z&until=2026-01-12T04:00:00.250Z",
                nil,
                cookie: cookie
            )
            #expect(page.status == .ok)
            #expect(page.text.contains(#"name="since" value="2026-01-12T11:00:00+08:00""#), "\(page.text)")
            #expect(page.text.contains(#"name="until" value="2026-01-12T12:00:00.250+08:00""#))
            #expect(!page.text.contains(#"value="2026-01-12T03:00:00.000Z""#))
            // The echoed value is a filter the page takes back.
            let again = try await PageTests.form(client, .get, "/audit?since=2026-01-12T11:00:00%2B08:00", nil, cookie: cookie)
            #expect(again.status == .ok)
        }
    }

    @Test func administratorsChangesCarryAnOptionalReasonThatTheTrailShows() async throws {
        let world = try await World()
        try await world.test { client in
            let admin = try await client.login("admin01")
            let auditor = try await client.login("auditor01")
            let added = try await client.call(
                .post,
                "/api/v1/admin/season/exams",
                token: admin,
                json: #"{"code": "510", "name": "误建类别", "level": "执业医师", "category": "中医"}"#
            )
            #expect(added.status == .created, "\(added.text)")
            // A reason with a line break, or longer than 200 characters, is refused and changes nothing.
            let broken = try await client.call(.delete, "/api/v1/admin/season/exams/510", token: admin, json: #"{"reason": "误建\n第二行"}"#)
            #expect(broken.status == .unprocessableContent && broken.field == "reason", "\(broken.text)")
            #expect(broken.code == "input.control_character" && broken.text.contains("原因不能包含换行符"), "the deciders' code and words: \(broken.text)")
            let blank = try await client.call(.delete, "/api/v1/admin/season/exams/510", token: admin, json: #"{"reason": "   "}"#)
            #expect(blank.status == .unprocessableContent && blank.code == "input.required" && blank.text.contains("请填写原因"), "\(blank.text)")
            let long = String(repeating: "长", count: 201)
            let tooLong = try await client.call(.delete, "/api/v1/admin/season/exams/510", token: admin, json: #"{"reason": "\#(long)"}"#)
            #expect(tooLong.status == .unprocessableContent && tooLong.field == "reason", "\(tooLong.text)")
            let withdrawn = try await client.call(.delete, "/api/v1/admin/season/exams/510", token: admin, json: #"{"reason": "误建"}"#)
            #expect(withdrawn.status == .ok, "\(withdrawn.text)")

            let area = try await client.call(
                .put,
                "/api/v1/admin/season/areas/42",
                token: admin,
                json: #"{"name": "湖北考区", "onlinePayment": false, "refundPolicy": "现场缴费后不予退费。", "reason": "补充退费政策"}"#
            )
            #expect(area.status == .ok, "\(area.text)")
            let calendar = try await client.call(
                .put,
                "/api/v1/admin/season/calendar",
                token: admin,
                json: """
                    {"registrationOpens": "2026-01-08T01:00:00.000Z", "registrationCloses": "2026-01-24T09:00:00.000Z",
                     "reviewOpens": "2026-02-10T00:00:00.000Z", "reviewCloses": "2026-03-10T00:00:00.000Z",
                     "paymentOpens": "2026-02-20T00:00:00.000Z", "paymentCloses": "2026-03-31T00:00:00.000Z",
                     "reason": "网上报名延期两天"}
                    """
            )
            #expect(calendar.status == .ok, "\(calendar.text)")
            let limit = try await client.call(
                .put,
                "/api/v1/admin/season/photo-limit",
                token: admin,
                json: #"{"maximumBytes": 40960, "reason": "照片上限调整"}"#
            )
            #expect(limit.status == .ok, "\(limit.text)")
            let scope = try await client.call(
                .put,
                "/api/v1/admin/staff/staff-spare/scope",
                token: admin,
                json: #"{"areaCode": "42", "siteCodes": ["4201", "4202"], "reason": "支援武汉考点"}"#
            )
            #expect(scope.status == .ok, "\(scope.text)")
            // Without a reason, as before: no body for a withdrawal, no member for the others.
            let again = try await client.call(
                .post,
                "/api/v1/admin/season/exams",
                token: admin,
                json: #"{"code": "520", "name": "又一个", "level": "执业医师", "category": "中医"}"#
            )
            #expect(again.status == .created)
            #expect(try await client.call(.delete, "/api/v1/admin/season/exams/520", token: admin).status == .ok)

            for (field, reason) in [
                ("exams[510].withdrawn", "误建"), ("areas[42].onlinePayment", "补充退费政策"), ("calendar.registrationCloses", "网上报名延期两天"),
                ("season.photoLimitBytes", "照片上限调整"), ("staff.siteCodes", "支援武汉考点"),
            ] {
                let trail = try await client.call(.get, "/api/v1/audit/trail?field=\(field)", token: auditor)
                let reasons = trail.array.compactMap { ($0 as? [String: Any])?["reason"] as? String }
                #expect(reasons.contains(reason), "\(field): \(trail.text)")
            }
            let unreasoned = try await client.call(.get, "/api/v1/audit/trail?field=exams[520].withdrawn", token: auditor)
            let rows = unreasoned.array.compactMap { $0 as? [String: Any] }.filter { $0["after"] as? String == "true" }
            #expect(rows.count == 1 && rows.allSatisfy { $0["reason"] == nil }, "\(unreasoned.text)")
        }
    }

    /// An administrator's request that changes nothing appends nothing; an area's update without `refundPolicy` keeps
    /// the published one; a refused value is told with its rule; the calendar's refusals name the body's member.
    @Test func adminRequestsThatChangeNothingAppendNothingAndRefusalsTellTheRule() async throws {
        let world = try await World()
        try await world.test { client in
            let admin = try await client.login("admin01")
            let calendar = """
                {"registrationOpens": "2026-01-08T01:00:00.000Z", "registrationCloses": "2026-01-22T09:00:00.000Z",
                 "reviewOpens": "2026-02-10T00:00:00.000Z", "reviewCloses": "2026-03-10T00:00:00.000Z",
                 "paymentOpens": "2026-02-20T00:00:00.000Z", "paymentCloses": "2026-03-31T00:00:00.000Z"}
                """
            let head = try await world.store.headPosition()
            for (path, body) in [
                ("/api/v1/admin/season/calendar", calendar),
                ("/api/v1/admin/season/photo-limit", #"{"maximumBytes": 30720}"#),
                ("/api/v1/admin/staff/staff-spare/scope", #"{"areaCode": "42", "siteCodes": ["4202"]}"#),
            ] {
                let same = try await client.call(.put, path, token: admin, json: body)
                #expect(same.status == .ok, "\(path): \(same.text)")
                #expect((same.object["events"] as? [Any])?.isEmpty == true, "\(path): \(same.text)")
            }
            #expect(try await world.store.headPosition() == head, "nothing changed, nothing appended")

            // Without `refundPolicy` the area keeps its policy, and an emptied one is refused.
            let renamed = try await client.call(
                .put,
                "/api/v1/admin/season/areas/42",
                token: admin,
                json: #"{"name": "湖北省考区", "onlinePayment": false}"#
            )
            #expect(renamed.status == .ok, "\(renamed.text)")
            let season = try await world.service.seasonState()
            #expect(season.areas["42"]?.refundPolicy == "考试开始前申请全额退费" && season.areas["42"]?.name == "湖北省考区")
            let emptied = try await client.call(
                .put,
                "/api/v1/admin/season/areas/42",
                token: admin,
                json: #"{"name": "湖北省考区", "onlinePayment": false, "refundPolicy": ""}"#
            )
            #expect(emptied.status == .unprocessableContent && emptied.code == "season.refund_policy_required", "\(emptied.text)")
            #expect(emptied.field == "refundPolicy")

            let level = try await client.call(
                .post,
                "/api/v1/admin/season/exams",
                token: admin,
                json: #"{"code": "K12", "name": "x", "level": "主任医师", "category": "临床"}"#
            )
            #expect(level.status == .badRequest && level.field == "level", "\(level.text)")
            #expect(level.text.contains("须为执业医师、执业助理医师、乡村全科执业助理医师之一"), "\(level.text)")
            let role = try await client.call(
                .post,
                "/api/v1/admin/staff",
                token: admin,
                json: #"{"role": "root", "displayName": "x", "username": "root01", "password": "abc12345"}"#
            )
            #expect(role.field == "role" && role.text.contains("须为reviewer、auditor、admin之一"), "\(role.text)")
            // Beijing time, or UTC without milliseconds, is read as the instant it names: the published one here,
            // so nothing changes; a time without its zone is refused with the forms it may take.
            let headBefore = try await world.store.headPosition()
            for typed in ["2026-03-31T08:00:00+08:00", "2026-03-31T00:00:00Z"] {
                let same = try await client.call(
                    .put,
                    "/api/v1/admin/season/calendar",
                    token: admin,
                    json: calendar.replacingOccurrences(of: "2026-03-31T00:00:00.000Z", with: typed)
                )
                #expect(same.status == .ok && (same.object["events"] as? [Any])?.isEmpty == true, "\(typed): \(same.text)")
            }
            #expect(try await world.store.headPosition() == headBefore)
            let offset = try await client.call(
                .put,
                "/api/v1/admin/season/calendar",
                token: admin,
                json: calendar.replacingOccurrences(of: "2026-03-31T00:00:00.000Z", with: "2026-03-31 08:00")
            )
            #expect(offset.field == "paymentCloses" && offset.text.contains("+08:00（北京时间）"), "\(offset.text)")
            let backwards = try await client.call(
                .put,
                "/api/v1/admin/season/calendar",
                token: admin,
                json: calendar.replacingOccurrences(of: "2026-01-22T09:00:00.000Z", with: "2026-01-01T00:00:00.000Z")
            )
            #expect(backwards.status == .unprocessableContent && backwards.field == "registrationCloses", "\(backwards.text)")
            #expect(try await world.store.headPosition() == head + 1, "only the rename appended")
        }
    }

    @Test func theTrailNamesTheUsernameOfAStaffAccountItsCreationClaimed() async throws {
        let world = try await World()
        try await world.test { client in
            let auditor = try await client.login("auditor01")
            let trail = try await client.call(.get, "/api/v1/audit/trail?candidate=staff-r1&field=staff.username", token: auditor)
            let rows = trail.array.compactMap { $0 as? [String: Any] }
            #expect(rows.count == 1 && rows.first?["after"] as? String == "reviewer01", "\(trail.text)")
            #expect(rows.first?["eventType"] as? String == "StaffAccountCreated")
        }
    }

    @Test func requestErrorsNameTheFieldInWordsAndKeepItsKeyInField() async throws {
        let world = try await World()
        try await world.test { client in
            let admin = try await client.login("admin01")
            // A member missing, of the wrong type, null: the message names it as the forms do, the field by its key.
            let missing = try await client.call(.post, "/api/v1/admin/season/sites", token: admin, json: #"{"code": "4203", "areaCode": "42"}"#)
            #expect(missing.status == .badRequest && missing.field == "name", "\(missing.text)")
            #expect(missing.object["message"] as? String == "缺少字段“考点名称”", "\(missing.text)")
            let wrongType = try await client.call(.put, "/api/v1/admin/season/photo-limit", token: admin, json: #"{"maximumBytes": "30"}"#)
            #expect(wrongType.field == "maximumBytes", "\(wrongType.text)")
            let message = try #require(wrongType.object["message"] as? String)
            #expect(message.contains("照片大小上限") && !message.contains("maximumBytes"), "\(message)")
            let null = try await client.call(
                .put,
                "/api/v1/admin/staff/staff-spare/scope",
                token: admin,
                json: #"{"areaCode": null, "siteCodes": []}"#
            )
            #expect(null.field == "areaCode", "\(null.text)")
            #expect((null.object["message"] as? String)?.contains("考区") == true, "\(null.text)")
            // The words are the guides' and the deciders' own: 联系地址, 本人身份, 注册年月.
            let candidate = try await client.register("labels01", index: 41)
            let token = try await client.login("labels01")
            let noAddress = try await client.call(
                .put,
                "/api/v1/candidates/\(candidate)/contact",
                token: token,
                json: #"{"mobile": "13800138000", "postcode": "100005"}"#
            )
            // Named under the path the contact rules use (contact.address), as a 422 of the same member would be.
            #expect(noAddress.field == "contact.address" && noAddress.object["message"] as? String == "缺少字段“联系地址”", "\(noAddress.text)")
            #expect(FieldLabels.label("identity", in: Int.self) == "本人身份")
            #expect(FieldLabels.label("certificate.registered", in: Int.self) == "注册年月")
            #expect(FieldLabels.label("certificate.registrationNumber", in: Int.self) == "注册编号")
            // A member no body knows has no words: its key it is.
            let unknown = try await client.call(
                .post,
                "/api/v1/admin/season/sites",
                token: admin,
                json: #"{"code": "4203", "name": "x", "areaCode": "42", "zz": 1}"#
            )
            #expect(unknown.field == "zz" && (unknown.object["message"] as? String)?.contains("zz") == true, "\(unknown.text)")
        }
    }

    @Test func labelsAreTheBodysOwnWhereAKeyMeansSomethingElse() {
        #expect(FieldLabels.label("photo", in: ApplicationBody.self) == "照片")
        #expect(FieldLabels.label("photo.jpegBase64", in: ApplicationBody.self) == "照片")
        #expect(FieldLabels.label("attemptCount", in: ApplicationBody.self) == "累计报考次数")
        #expect(FieldLabels.label("title", in: OpenSeasonBody.self) == "考试年度名称")
        #expect(FieldLabels.label("title", in: WorkInput.self) == "职称")
        #expect(FieldLabels.label("code", in: AreaBody.self) == "考区代码")
        #expect(FieldLabels.label("nothing", in: AreaBody.self) == nil)
        #expect(FieldLabels.words("body", in: AreaBody.self) == "字段“body”")
    }
}
