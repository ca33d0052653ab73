import Foundation
import RegistrarApp
import RegistrationDomain
import Testing

@testable import RegistrarHTTP

/// ID numbers: in full for the candidate and the reviewer of the site, masked for the auditor.
@Suite struct DisclosureTests {
    @Test func auditorsSeeMaskedIDNumbersEverywhere() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let full = World.residentID(1)
            let masked = String(full.prefix(3)) + String(repeating: "*", count: full.count - 7) + String(full.suffix(4))
            func idNumber(_ reply: Reply, under key: String = "basic") -> String? {
                (reply.object[key] as? [String: Any])?["idNumber"] as? String
            }
            let path = "/api/v1/candidates/\(cast.candidateA)"
            #expect(idNumber(try await client.call(.get, path, token: cast.tokens["owner"])) == full)
            #expect(idNumber(try await client.call(.get, path, token: cast.tokens["reviewer"])) == full)
            let audited = try await client.call(.get, path, token: cast.tokens["auditor"])
            #expect(idNumber(audited) == masked)
            #expect(!audited.text.contains(full))

            let history = try await client.call(.get, "\(path)/history?version=1", token: cast.tokens["auditor"])
            #expect(((history.object["state"] as? [String: Any])?["basic"] as? [String: Any])?["idNumber"] as? String == masked)
            #expect(!history.text.contains(full))
            let diff = try await client.call(.get, "\(path)/history/diff?from=0&to=1", token: cast.tokens["auditor"])
            #expect(diff.text.contains(masked))
            #expect(!diff.text.contains(full))
            let comparisonPath = "/api/v1/review/applications/\(cast.applicationA)/comparison"
            #expect(try await client.call(.get, comparisonPath, token: cast.tokens["reviewer"]).text.contains(full))
            let comparison = try await client.call(.get, comparisonPath, token: cast.tokens["auditor"])
            #expect(comparison.status == .ok)
            #expect(comparison.text.contains(masked))
            #expect(!comparison.text.contains(full))
            let notice = try await client.call(.get, "\(path)/applications/\(cast.applicationA)/notice", token: cast.tokens["auditor"])
            #expect(notice.object["idNumber"] as? String == masked)
            let trail = try await client.call(.get, "/api/v1/audit/trail?candidate=\(cast.candidateA)", token: cast.tokens["auditor"])
            #expect(trail.status == .ok)
            #expect(trail.text.contains(masked))
            #expect(!trail.text.contains(full))

            // The birth date goes with the number: its month and day are the number's middle, and an address gives
            // the county, so the auditor sees the year only; the candidate and the reviewer see it in full.
            let born = "1990-03-07"
            #expect(
                (try await client.call(.get, path, token: cast.tokens["reviewer"]).object["basic"] as? [String: Any])?["birthDate"] as? String == born
            )
            #expect((audited.object["basic"] as? [String: Any])?["birthDate"] as? String == "1990-**-**")
            for (what, text) in [
                ("file", audited.text), ("history", history.text), ("diff", diff.text), ("notice", notice.text), ("trail", trail.text),
            ] {
                #expect(!text.contains(born), "\(what) shows the birth date in full")
            }
            #expect(trail.text.contains("1990-**-**"))
            let page = try await PageTests.form(
                client,
                .get,
                "/candidates/\(cast.candidateA)/history",
                nil,
                cookie: try await PageTests.cookie(client, "auditor01")
            )
            #expect(!page.text.contains(born) && page.text.contains("1990-**-**"), "\(page.text)")
        }
    }

    /// At least half of any document number stays hidden: a 香港身份证's check digit must not restore the one
    /// character a 3 + 4 mask would hide of eight.
    @Test func shortDocumentNumbersKeepMostOfThemHidden() {
        #expect(Masking.idNumber("420106199003070018") == "420***********0018")
        #expect(Masking.idNumber("A1234567") == "A*****67")
        #expect(Masking.idNumber("H1234567801") == "H********01")
        #expect(Masking.idNumber("JG2010") == "J***10")
        #expect(Masking.idNumber("12345") == "*****")
        for number in ["A1234567", "JG20101234", "E12345678", "H1234567801", "123456789012345"] {
            let masked = Masking.idNumber(number)
            #expect(masked.count == number.count && masked.filter { $0 == "*" }.count * 2 >= number.count, "\(masked)")
        }
    }

    /// Resident ID numbers written into free text (a reason) are masked too: 18 characters (17 digits and a digit or
    /// X) or 15 digits, touching no other digit.
    @Test func residentIDNumbersInTextAreMasked() {
        #expect(Masking.idNumbers(inText: "原号码110108198803174919，更正为11010819880317492X。") == "原号码110***********4919，更正为110***********492X。")
        #expect(Masking.idNumbers(inText: "旧证130503670401001") == "旧证130********1001")
        #expect(Masking.idNumbers(inText: "订单1101081988031749190") == "订单1101081988031749190", "19 digits are not an ID number")
        #expect(Masking.idNumbers(inText: "电话13800138000，邮编100871") == "电话13800138000，邮编100871")
        #expect(Masking.idNumbers(inText: "") == "")
        // Full-width digits, and the number written in groups.
        #expect(Masking.idNumbers(inText: "原号码１１０１０８１９８８０３１７４９１９（全角）") == "原号码110***********4919（全角）")
        #expect(Masking.idNumbers(inText: "原号码110108 19880317 4919。") == "原号码110***********4919。")
        #expect(Masking.idNumbers(inText: "原号码110108-19880317-491X") == "原号码110***********491X")
        #expect(Masking.idNumbers(inText: "原号码110108.19880317.4919、110108/19880317/4919") == "原号码110***********4919、110***********4919")
        #expect(Masking.idNumbers(inText: "订单 123456 110108198803174919") == "订单 123456 110***********4919")
        #expect(Masking.idNumbers(inText: "日期 2026-01-12 与 2026-02-10，电话 138 0013 8000") == "日期 2026-01-12 与 2026-02-10，电话 138 0013 8000")
        // Other figures after the number (audit Z-1), and other ways of grouping it.
        #expect(Masking.idNumbers(inText: "原号码110108198803174919 2026年12月8日核对") == "原号码110***********4919 2026年12月8日核对")
        #expect(Masking.idNumbers(inText: "号码110108198803174919-2026-02-13录入") == "号码110***********4919-2026-02-13录入")
        #expect(Masking.idNumbers(inText: "证件110108198803174919/2份") == "证件110***********4919/2份")
        #expect(
            Masking.idNumbers(inText: "原号码110108\u{00A0}19880317\u{2013}4919，另110108  19880317_4919") == "原号码110***********4919，另110***********4919"
        )
        #expect(
            Masking.idNumbers(inText: "卡号6222 0212 3456 7890 123") == "卡号6222 0212 3456 7890 123",
            "19 digits in groups of four are not an ID number"
        )
    }

    /// A full date written into a reason loses its month and day for the auditor, as the birth date field does: beside a
    /// masked number it would give the number's middle back (audit X-8). A year and month alone stay.
    @Test func fullDatesInTextAreMasked() {
        #expect(Masking.birthDates(inText: "按护照原件更正为1999-08-01") == "按护照原件更正为1999-**-**")
        #expect(Masking.birthDates(inText: "出生日期1988/3/17，另见1988.03.17") == "出生日期1988/*/**，另见1988.**.**")
        #expect(Masking.birthDates(inText: "生于1988年3月17日") == "生于1988年*月**日")
        #expect(Masking.birthDates(inText: "学信网入学日期20060901") == "学信网入学日期2006****")
        #expect(Masking.birthDates(inText: "生于１９８８－０３－１７") == "生于１９８８－**－**")
        #expect(Masking.birthDates(inText: "2010-07毕业，订单123420100701999，电话13800138000") == "2010-07毕业，订单123420100701999，电话13800138000")
        #expect(Masking.birthDates(inText: "2016-13-40 不是日期，19880317X") == "2016-13-40 不是日期，1988****X")
        #expect(Masking.birthDates(inText: "2026-02-15到现场，20260215") == "2026-02-15到现场，20260215", "no candidate was born then")
        #expect(Masking.birthDates(inText: "") == "")
        // With the number: the number masked first, then the date.
        #expect(
            Masking.personalData(inText: "户口簿（出生日期2002-09-21，身份证420106 20020921 4869）")
                == "户口簿（出生日期2002-**-**，身份证420***********4869）"
        )
    }

    @Test func auditorsSeeIDNumbersQuotedInAReasonMasked() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("quoted01", index: 61)
            let file = "/api/v1/candidates/\(candidate)"
            let application = try await client.fillInAndApply(candidate: candidate, token: try await client.login("quoted01"))
            let old = World.residentID(61)
            let new = World.residentID(62)
            let (correction, reviewer) = try await Self.correctIDNumber(
                client,
                world,
                application: "\(file)/applications/\(application)",
                to: new,
                reason: "原号码\(old)录入有误，按身份证原件更正为\(new)"
            )
            try #require(correction.status == .ok, "\(correction.text)")
            let version = try #require(correction.object["version"] as? Int)
            let auditor = try await client.login("auditor01")
            let cookie = try await PageTests.cookie(client, "auditor01")
            for path in [
                file, "\(file)/history", "\(file)/history/diff?from=\(version - 1)&to=\(version)", "/api/v1/audit/trail?candidate=\(candidate)",
            ] {
                let reply = try await client.call(.get, path, token: auditor)
                #expect(reply.status == .ok && !reply.text.contains(old) && !reply.text.contains(new), "\(path): \(reply.text)")
            }
            for path in ["/audit?candidate=\(candidate)", "/audit.csv?candidate=\(candidate)", "/candidates/\(candidate)/history"] {
                let reply = try await PageTests.form(client, .get, path, nil, cookie: cookie)
                #expect(reply.status == .ok && !reply.text.contains(old) && !reply.text.contains(new), "\(path): \(reply.text)")
                #expect(reply.text.contains(Masking.idNumber(old)), "\(path)")
            }
            // The reviewer, who sees numbers in full, reads the reason as written.
            #expect(try await client.call(.get, "\(file)/history", token: reviewer).text.contains(old))
        }
    }

    @Test func auditorsSeePassNumbersAndCorrectedIDNumbersMasked() async throws {
        let world = try await World()
        try await world.test { client in
            // A Hong Kong resident registered with the 香港往来大陆通行证: the pass number is the ID number.
            let pass = "H1234567801"
            let corrected = "H7654321098"
            let registration = """
                {"username": "chantm01", "name": "Chan Tai Man", "surnamePinyin": "chan", "givenNamePinyin": "taiman",
                 "idType": "香港往来大陆通行证", "idNumber": "\(pass)", "sex": "男", "birthDate": "1990-01-01",
                 "nationality": "中国", "ethnicity": "汉族", "password": "\(World.password)",
                 "recoveryQuestion": "我的母校?", "recoveryAnswer": "武汉大学医学部"}
                """
            let registered = try await client.call(.post, "/api/v1/candidates", json: registration)
            try #require(registered.status == .created, "\(registered.text)")
            let candidate = try #require(registered.object["candidateID"] as? String)
            let token = try await client.login("chantm01")
            let file = "/api/v1/candidates/\(candidate)"
            let application = try await client.fillInAndApply(candidate: candidate, token: token)
            let (correction, reviewer) = try await Self.correctIDNumber(
                client,
                world,
                application: "\(file)/applications/\(application)",
                to: corrected,
                reason: "原号码\(pass)录入有误，按通行证原件更正为\(corrected.lowercased())"
            )
            try #require(correction.status == .ok, "\(correction.text)")
            #expect(try await client.call(.get, file, token: reviewer).text.contains(pass))
            // The notice carries the pass number, corrected with the ID number it was taken from.
            let notice = try await client.call(.get, "\(file)/applications/\(application)/notice", token: token)
            #expect(notice.object["passNumber"] as? String == corrected, "\(notice.text)")
            #expect((notice.object["instruction"] as? String)?.contains("现场资格审核") == true, "\(notice.text)")

            let auditor = try await client.login("auditor01")
            let cookie = try await PageTests.cookie(client, "auditor01")
            let version = try #require(correction.object["version"] as? Int)
            var replies = [String: Reply]()
            for path in [
                file, "\(file)/history", "\(file)/history/diff?from=0&to=\(version)", "/api/v1/audit/trail?candidate=\(candidate)",
                "\(file)/applications/\(application)/notice",
            ] {
                replies[path] = try await client.call(.get, path, token: auditor)
            }
            for path in [
                "/audit?candidate=\(candidate)", "/audit.csv?candidate=\(candidate)", "/candidates/\(candidate)/history",
                "/candidates/\(candidate)/applications/\(application)/notice",
            ] {
                replies[path] = try await PageTests.form(client, .get, path, nil, cookie: cookie)
            }
            for (path, reply) in replies {
                #expect(reply.status == .ok, "\(path): \(reply.status)")
                let text = reply.text.lowercased()
                #expect(!text.contains(pass.lowercased()) && !text.contains(corrected.lowercased()), "\(path) shows a number in full: \(reply.text)")
            }
            // Masked as ID numbers are: enough to tell them apart.
            #expect(try #require(replies[file]).text.contains("H********01"))
            let diff = try #require(replies["\(file)/history/diff?from=0&to=\(version)"])
            #expect(diff.text.contains("H********98"))
        }
    }

    /// A corrected digit in the middle of a number is a change for the auditor too: the diff lists the path, with both
    /// values masked (equal to the eye), as the trail does.
    @Test func theAuditorsDiffKeepsACorrectionOfTheMiddleDigits() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("middle01", index: 63)
            let file = "/api/v1/candidates/\(candidate)"
            let application = try await client.fillInAndApply(candidate: candidate, token: try await client.login("middle01"))
            let old = World.residentID(63)
            // Another birth day whose check character is the same: the masked forms are equal.
            let new = try #require(
                (10...28).lazy.map { day in "420106199003\(day)063" }.map { $0 + String(Rules.residentIDCheckCharacter($0)!) }
                    .first { $0 != old && $0.suffix(4) == old.suffix(4) }
            )
            #expect(Masking.idNumber(new) == Masking.idNumber(old))
            let (correction, _) = try await Self.correctIDNumber(
                client,
                world,
                application: "\(file)/applications/\(application)",
                to: new,
                reason: "出生日期一位录入有误"
            )
            try #require(correction.status == .ok, "\(correction.text)")
            let version = try #require(correction.object["version"] as? Int)
            let auditor = try await client.login("auditor01")
            // The number and the birth date it gives: one event each.
            let appended = try #require(correction.object["events"] as? [String])
            #expect(appended == ["BasicInfoCorrected", "BasicInfoCorrected"])
            let diff = try await client.call(.get, "\(file)/history/diff?from=\(version - appended.count)&to=\(version)", token: auditor)
            #expect(diff.object["fromVersion"] as? Int == version - appended.count && diff.object["toVersion"] as? Int == version)
            let changes = try #require(diff.object["changes"] as? [[String: Any]])
            let number = changes.first { $0["path"] as? String == "basic.idNumber" }
            #expect(number?["before"] as? String == Masking.idNumber(old) && number?["after"] as? String == Masking.idNumber(new), "\(diff.text)")
            #expect(changes.contains { $0["path"] as? String == "basic.birthDate" }, "\(diff.text)")
            #expect(!diff.text.contains(old) && !diff.text.contains(new))
        }
    }

    /// A rejection's reason quoting the number is masked for the auditor wherever it shows: the comparison, the queue,
    /// the review page.
    @Test func theAuditorReadsARejectionsReasonMasked() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("reject01", index: 64)
            let file = "/api/v1/candidates/\(candidate)"
            let application = try await client.fillInAndApply(candidate: candidate, token: try await client.login("reject01"))
            let number = World.residentID(64)
            world.clock.set(World.review)
            let reviewer = try await client.login("reviewer01")
            let rejected = try await client.call(
                .post,
                "\(file)/applications/\(application)/reject",
                token: reviewer,
                json: #"{"reason": "证件号码\#(number)与原件不符"}"#
            )
            try #require(rejected.status == .ok, "\(rejected.text)")
            let auditor = try await client.login("auditor01")
            for path in ["/api/v1/review/applications/\(application)/comparison", "/api/v1/review/sites/4201/queue?status=rejected"] {
                let reply = try await client.call(.get, path, token: auditor)
                #expect(
                    reply.status == .ok && !reply.text.contains(number) && reply.text.contains(Masking.idNumber(number)),
                    "\(path): \(reply.text)"
                )
            }
            let cookie = try await PageTests.cookie(client, "auditor01")
            let page = try await PageTests.form(client, .get, "/review/applications/\(application)", nil, cookie: cookie)
            #expect(page.status == .ok && !page.text.contains(number) && page.text.contains(Masking.idNumber(number)), "\(page.text)")
            // The site's reviewer reads it as written.
            let own = try await client.call(.get, "/api/v1/review/applications/\(application)/comparison", token: reviewer)
            #expect(own.text.contains(number), "\(own.text)")
        }
    }

    /// In the review window, the reviewer of site 4201 corrects the ID number of an application's candidate; the reply
    /// and the reviewer's token.
    static func correctIDNumber(
        _ client: Client,
        _ world: World,
        application: String,
        to number: String,
        reason: String
    ) async throws -> (Reply, String) {
        world.clock.set(World.review)
        let reviewer = try await client.login("reviewer01")
        let body = #"{"field": "idNumber", "newValue": "\#(number)", "reason": "\#(reason)"}"#
        return (try await client.call(.post, "\(application)/corrections", token: reviewer, json: body), reviewer)
    }
}
