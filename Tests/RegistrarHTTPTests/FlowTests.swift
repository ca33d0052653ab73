import Foundation
import GRDB
import HTTPTypes
import RegistrarApp
import RegistrationDomain
import Testing

@testable import RegistrarHTTP

/// A season through the API: register, profile, apply, review, sign, pay; history, comparison and trail.
@Suite struct FlowTests {
    @Test func registerApplyReviewSignPay() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let a = cast.candidateA
            let owner = try #require(cast.tokens["owner"])
            let reviewer = try #require(cast.tokens["reviewer"])

            // The candidate's file: full ID number, the application submitted, the ticked entry locked.
            let file = try await client.call(.get, "/api/v1/candidates/\(a)", token: owner)
            #expect(file.status == .ok)
            let basic = try #require(file.object["basic"] as? [String: Any])
            #expect(basic["idNumber"] as? String == World.residentID(1))
            let applications = try #require(file.object["applications"] as? [[String: Any]])
            #expect(applications.count == 1)
            #expect(applications.first?["status"] as? String == "submitted")

            // The success notice.
            let notice = try await client.call(.get, "/api/v1/candidates/\(a)/applications/\(cast.applicationA)/notice", token: owner)
            #expect(notice.status == .ok, "\(notice.text)")
            #expect(notice.object["siteName"] as? String == "武汉考点")
            #expect(notice.object["examName"] as? String == "临床执业医师")
            #expect(notice.object["title"] as? String == "2026年医师资格考试网上报名成功通知单")
            #expect((notice.object["instruction"] as? String)?.contains("携带本通知单") == true)
            // Once the review window has closed unreviewed, the notice no longer sends the candidate to review.
            world.clock.set(Instant.date(from: "2026-03-20T00:00:00.000Z")!)
            let missed = try await client.call(.get, "/api/v1/candidates/\(a)/applications/\(cast.applicationA)/notice", token: owner)
            #expect((missed.object["instruction"] as? String)?.contains("携带本通知单") == false, "\(missed.text)")
            #expect((missed.object["statusLabel"] as? String)?.contains("未经审核") == true, "\(missed.text)")

            // The reviewer's queue and comparison, during review.
            world.clock.set(World.review)
            let queue = try await client.call(.get, "/api/v1/review/sites/4201/queue", token: reviewer)
            #expect(queue.status == .ok)
            #expect(queue.array.count == 1)
            let listed = try await client.call(.get, "/api/v1/review/sites/4201/candidates", token: reviewer)
            #expect(listed.array.compactMap { ($0 as? [String: Any])?["candidateID"] as? String } == [a])
            let comparison = try await client.call(.get, "/api/v1/review/applications/\(cast.applicationA)/comparison", token: reviewer)
            #expect(comparison.status == .ok, "\(comparison.text)")
            #expect((comparison.object["entries"] as? [Any])?.count == 1)

            // Correct, approve, sign.
            let base = "/api/v1/candidates/\(a)/applications/\(cast.applicationA)"
            let corrected = try await client.correctName(application: base, token: reviewer)
            #expect(corrected.status == .ok, "\(corrected.text)")
            #expect(corrected.object["events"] as? [String] == ["BasicInfoCorrected"])
            // Nobody scanned the entry at CHSI: the approval rests on the originals, and says so.
            let unnoted = try await client.call(.post, "\(base)/approve", token: reviewer)
            #expect(unnoted.status == .unprocessableContent && unnoted.code == "review.approval_note_required" && unnoted.field == "note")
            #expect(unnoted.text.contains("报考学历1未经学信网核验"), "\(unnoted.text)")
            let approved = try await client.call(.post, "\(base)/approve", token: reviewer, json: World.approvalNote)
            #expect(approved.status == .ok, "\(approved.text)")
            let signed = try await client.call(.post, "\(base)/signature", token: reviewer, json: "{}")
            #expect(signed.status == .ok, "\(signed.text)")

            // Pay, in the payment window: the fee of a 执业医师 exam.
            world.clock.set(World.payment)
            let payment = try await client.call(.post, "\(base)/payments", token: owner)
            #expect(payment.status == .created, "\(payment.text)")
            #expect(payment.id("amountFen") == "60000")
            #expect(payment.id("orderNumber")?.hasPrefix("order-") == true)

            let after = try await client.call(.get, "/api/v1/candidates/\(a)", token: owner)
            let application = try #require((after.object["applications"] as? [[String: Any]])?.first)
            #expect(application["status"] as? String == "signed")
            #expect(application["paymentStatus"] as? String == "pending")
            #expect((after.object["basic"] as? [String: Any])?["name"] as? String == "张珊")
            // The candidate reads staff by role, never by account id; the auditor reads the account.
            let approvedApplication = try #require(application["application"] as? [String: Any])
            #expect(approvedApplication["approvedBy"] as? String == "reviewer", "\(approvedApplication)")
            let ownCorrection = (approvedApplication["corrections"] as? [[String: Any]])?.first
            #expect(ownCorrection?["reviewerID"] as? String == "reviewer", "\(String(describing: ownCorrection))")
            #expect(!after.text.contains("staff-"), "\(after.text)")
            let audited = try await client.call(.get, "/api/v1/candidates/\(a)", token: cast.tokens["auditor"])
            let auditedApplication = (audited.object["applications"] as? [[String: Any]])?.first?["application"] as? [String: Any]
            #expect((auditedApplication?["approvedBy"] as? String)?.hasPrefix("staff-") == true, "\(audited.text)")
            let history = try await client.call(.get, "/api/v1/candidates/\(a)/history", token: owner)
            let steps = try #require(history.object["timeline"] as? [[String: Any]])
            let byReviewer = steps.filter { $0["role"] as? String == "reviewer" }
            #expect(!byReviewer.isEmpty && byReviewer.allSatisfy { $0["actorId"] as? String == "reviewer" && $0["siteCode"] as? String == "4201" })
            #expect(!history.text.contains("staff-"), "\(history.text)")
            let ownDiff = try await client.call(
                .get,
                "/api/v1/candidates/\(a)/history/diff?from=0&to=\((history.object["version"] as? Int) ?? 0)",
                token: owner
            )
            #expect(ownDiff.status == .ok && ownDiff.text.contains("approvedBy") && !ownDiff.text.contains("staff-"), "\(ownDiff.text)")

            // History: version 1 is the registration as typed; the timeline names the reviewer and the reason.
            let atRegistration = try await client.call(.get, "/api/v1/candidates/\(a)/history?version=1", token: reviewer)
            #expect(atRegistration.status == .ok)
            #expect(atRegistration.object["version"] as? Int == 1)
            #expect(((atRegistration.object["state"] as? [String: Any])?["basic"] as? [String: Any])?["name"] as? String == "张三")
            let now = try await client.call(.get, "/api/v1/candidates/\(a)/history", token: reviewer)
            let timeline = try #require(now.object["timeline"] as? [[String: Any]])
            let correction = try #require(timeline.first { $0["event"] as? String == "BasicInfoCorrected" })
            #expect(correction["actorId"] as? String == "staff-r1")
            #expect(correction["reason"] as? String == "身份证上的姓名为张珊")
            let diff = try await client.call(.get, "/api/v1/candidates/\(a)/history/diff?from=1&to=\(timeline.count)", token: reviewer)
            let changes = try #require(diff.object["changes"] as? [[String: Any]])
            #expect(changes.contains { $0["path"] as? String == "basic.name" && $0["after"] as? String == "张珊" })

            // The audit trail shows the correction with its reason.
            let trail = try await client.call(.get, "/api/v1/audit/trail?candidate=\(a)&field=basic.name", token: cast.tokens["auditor"])
            #expect(trail.status == .ok, "\(trail.text)")
            let rows = trail.array.compactMap { $0 as? [String: Any] }
            #expect(rows.contains { $0["after"] as? String == "张珊" && $0["reason"] as? String == "身份证上的姓名为张珊" })

            // Time bounds typed with an offset or without milliseconds are the same instants; others are refused.
            let auditor = try #require(cast.tokens["auditor"])
            let utc = try await client.call(
                .get,
                "/api/v1/audit/trail?candidate=\(a)&since=2026-01-01T00:00:00Z&until=2027-01-01T00:00:00.000Z",
                token: auditor
            )
            let beijing = try await client.call(
                .get,
                "/api/v1/audit/trail?candidate=\(a)&since=2026-01-01T08:00:00%2B08:00&until=2027-01-01T08:00:00%2B08:00",
                token: auditor
            )
            #expect(utc.status == .ok && beijing.status == .ok, "\(utc.text) \(beijing.text)")
            #expect(utc.array.count > 3 && utc.text == beijing.text)
            // The candidate by username is the candidate by id.
            let byUsername = try await client.call(.get, "/api/v1/audit/trail?candidate=zhangsan01", token: auditor)
            let byID = try await client.call(.get, "/api/v1/audit/trail?candidate=\(a)", token: auditor)
            #expect(byUsername.status == .ok && byUsername.array.count > 3 && byUsername.text == byID.text)
            // A date alone is that day in Beijing time: the registration at 11:00 on the 12th is in `until=2026-01-12`,
            // not in `until=2026-01-11` nor `since=2026-01-13`.
            let day = { (query: String) in try await client.call(.get, "/api/v1/audit/trail?candidate=\(a)&field=basic.name&\(query)", token: auditor)
            }
            let registeredThatDay = try await day("since=2026-01-12&until=2026-01-12")
            #expect(registeredThatDay.status == .ok && registeredThatDay.array.count == 1, "\(registeredThatDay.text)")
            #expect(try await day("until=2026-01-11").array.isEmpty)
            #expect(try await day("since=2026-01-13&until=2026-01-13").array.count == 0)
            let garbage = try await client.call(.get, "/api/v1/audit/trail?since=yesterday", token: auditor)
            #expect(garbage.status == .badRequest && garbage.field == "since", "\(garbage.text)")
            let reversed = try await client.call(.get, "/api/v1/audit/trail?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", token: auditor)
            #expect(reversed.status == .badRequest && reversed.field == "until", "\(reversed.text)")
        }
    }

    /// 撤销审核通过: an approval clicked by mistake is withdrawn before the signature, with a reason in the trail, and the
    /// application is reviewed again; once signed it stays.
    @Test func anApprovalIsWithdrawnBeforeTheSignatureAndReviewedAgain() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let a = cast.candidateA
            let reviewer = try #require(cast.tokens["reviewer"])
            let owner = try #require(cast.tokens["owner"])
            let base = "/api/v1/candidates/\(a)/applications/\(cast.applicationA)"
            world.clock.set(World.review)
            let events = { try await world.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 } }
            let status = { () async throws -> (String?, Bool?) in
                let file = try await client.call(.get, "/api/v1/candidates/\(a)", token: owner)
                let application = (file.object["applications"] as? [[String: Any]])?.first
                let entry = (file.object["education"] as? [[String: Any]])?.first
                return (application?["status"] as? String, entry?["verified"] as? Bool)
            }

            #expect(try await client.call(.post, "\(base)/approve", token: reviewer, json: World.approvalNote).status == .ok)
            #expect(try await status() == ("approved", true))
            let before = try await events()
            let noReason = try await client.call(.post, "\(base)/approval-withdrawal", token: reviewer, json: #"{"reason": " "}"#)
            #expect(noReason.status == .unprocessableContent && noReason.code == "review.reason_required" && noReason.field == "reason")
            let otherSite = try await client.call(
                .post,
                "\(base)/approval-withdrawal",
                token: cast.tokens["otherReviewer"],
                json: #"{"reason": "x"}"#
            )
            #expect(otherSite.status == .forbidden)
            #expect(try await events() == before)

            let withdrawn = try await client.call(
                .post,
                "\(base)/approval-withdrawal",
                token: reviewer,
                json: #"{"reason": "误点审核通过，学历证书原件未核对"}"#
            )
            #expect(withdrawn.status == .ok, "\(withdrawn.text)")
            #expect(withdrawn.object["events"] as? [String] == ["ApplicationApprovalWithdrawn", "EntryVerificationWithdrawn"])
            #expect(try await status() == ("submitted", false))
            let queue = try await client.call(.get, "/api/v1/review/sites/4201/queue?status=submitted", token: reviewer)
            #expect(queue.text.contains(cast.applicationA), "\(queue.text)")
            let trail = try await client.call(.get, "/api/v1/audit/trail?candidate=\(a)", token: cast.tokens["auditor"])
            let rows = trail.array.compactMap { $0 as? [String: Any] }
            #expect(
                rows.contains {
                    ($0["field"] as? String)?.hasSuffix(".status") == true && $0["before"] as? String == "approved"
                        && $0["after"] as? String == "submitted" && $0["reason"] as? String == "误点审核通过，学历证书原件未核对"
                },
                "\(trail.text)"
            )
            // The file's diff around the withdrawal keeps the withdrawn approval: who withdrew it and why.
            let history = try await client.call(.get, "/api/v1/candidates/\(a)/history", token: reviewer)
            let steps = try #require(history.object["timeline"] as? [[String: Any]])
            let step = try #require(steps.first { $0["event"] as? String == "ApplicationApprovalWithdrawn" })
            #expect(step["siteCode"] as? String == "4201")
            let version = try #require(step["version"] as? Int)
            let diff = try await client.call(.get, "/api/v1/candidates/\(a)/history/diff?from=\(version - 1)&to=\(version)", token: reviewer)
            let changes = try #require(diff.object["changes"] as? [[String: Any]])
            #expect(
                changes.contains {
                    ($0["path"] as? String)?.hasSuffix("withdrawnApprovals[0].reason") == true
                        && $0["after"] as? String == "误点审核通过，学历证书原件未核对"
                },
                "\(diff.text)"
            )
            #expect(
                changes.contains {
                    ($0["path"] as? String)?.hasSuffix("withdrawnApprovals[0].withdrawnBy") == true && $0["after"] as? String == "staff-r1"
                }
            )
            let again = try await client.call(.post, "\(base)/approval-withdrawal", token: reviewer, json: #"{"reason": "再次"}"#)
            #expect(again.status == .unprocessableContent && again.code == "application.invalid_status", "\(again.text)")

            // Reviewed again: approved and signed; then final.
            #expect(try await client.call(.post, "\(base)/approve", token: reviewer, json: World.approvalNote).status == .ok)
            #expect(try await status() == ("approved", true))
            #expect(try await client.call(.post, "\(base)/signature", token: reviewer, json: "{}").status == .ok)
            let afterSignature = try await client.call(.post, "\(base)/approval-withdrawal", token: reviewer, json: #"{"reason": "签字后"}"#)
            #expect(afterSignature.status == .unprocessableContent && afterSignature.code == "application.signed", "\(afterSignature.text)")
            #expect(try await status() == ("signed", true))
        }
    }

    /// 修改考点名称: the site keeps its code and applications; the pages and the notice use the new name; the trail
    /// has the change with its reason.
    @Test func anAdministratorRenamesASite() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let admin = try #require(cast.tokens["admin"])
            let path = "/api/v1/admin/season/sites/4201"
            let renamed = try await client.call(.put, path, token: admin, json: #"{"name": "武汉市考点", "reason": "按考区通知更正名称"}"#)
            #expect(renamed.status == .ok && renamed.object["events"] as? [String] == ["ExamSiteRenamed"], "\(renamed.text)")
            let same = try await client.call(.put, path, token: admin, json: #"{"name": "武汉市考点"}"#)
            #expect(same.status == .ok && (same.object["events"] as? [String])?.isEmpty == true, "\(same.text)")
            let unknown = try await client.call(.put, "/api/v1/admin/season/sites/4299", token: admin, json: #"{"name": "不存在"}"#)
            #expect(unknown.status == .notFound && unknown.code == "season.unknown_site" && unknown.field == "siteCode", "\(unknown.text)")
            let taken = try await client.call(.put, path, token: admin, json: #"{"name": "宜昌考点"}"#)
            #expect(taken.status == .conflict && taken.code == "season.duplicate_site" && taken.field == "name", "\(taken.text)")
            let notice = try await client.call(
                .get,
                "/api/v1/candidates/\(cast.candidateA)/applications/\(cast.applicationA)/notice",
                token: cast.tokens["owner"]
            )
            #expect(notice.object["siteName"] as? String == "武汉市考点" && notice.object["siteCode"] as? String == "4201", "\(notice.text)")
            let trail = try await client.call(.get, "/api/v1/audit/trail?field=sites", token: cast.tokens["auditor"])
            #expect(
                trail.array.contains {
                    ($0 as? [String: Any])?["after"] as? String == "武汉市考点" && ($0 as? [String: Any])?["reason"] as? String == "按考区通知更正名称"
                },
                "\(trail.text)"
            )
        }
    }

    @Test func chsiScanAbandonAndReapply() async throws {
        let world = try await World()
        world.clock.set(Instant.date(from: "2025-12-20T02:00:00.000Z")!)
        try await world.test { client in
            // Before online registration: CHSI verification is open.
            let candidate = try await client.register("chsi0001", index: 41)
            let token = try await client.login("chsi0001")
            let file = "/api/v1/candidates/\(candidate)"
            try #require(try await client.call(.put, "\(file)/contact", token: token, json: World.contact).status == .ok)
            try #require(try await client.call(.put, "\(file)/work", token: token, json: World.work).status == .ok)
            let entry = try #require(try await client.call(.post, "\(file)/education", token: token, json: World.education).id("entryID"))
            let scan = try await client.call(.post, "\(file)/education/\(entry)/chsi-scans", token: token)
            #expect(scan.status == .created, "\(scan.text)")
            #expect(scan.id("scanID")?.hasPrefix("scan-") == true)
            #expect(scan.object["events"] as? [String] == ["ChsiScanStarted"])

            // During online registration: apply, abandon (the entry unlocks), apply again.
            world.clock.set(World.registration)
            let closed = try await client.call(.post, "\(file)/education/\(entry)/chsi-scans", token: token)
            #expect(closed.status == .unprocessableContent)
            #expect(closed.code == "chsi.window_closed")
            let first = try await client.call(.post, "\(file)/applications", token: token, json: World.application(education: [entry]))
            let application = try #require(first.id("applicationID"))
            let locked = try await client.call(.delete, "\(file)/education/\(entry)", token: token)
            #expect(locked.status == .unprocessableContent)
            #expect(locked.code == "application.locked_entry")
            let abandoned = try await client.call(.post, "\(file)/applications/\(application)/abandon", token: token)
            #expect(abandoned.status == .ok, "\(abandoned.text)")
            let notice = try await client.call(.get, "\(file)/applications/\(application)/notice", token: token)
            #expect(notice.status == .unprocessableContent)
            let second = try await client.call(.post, "\(file)/applications", token: token, json: World.application(education: [entry]))
            #expect(second.status == .created, "\(second.text)")
            let twice = try await client.call(.post, "\(file)/applications", token: token, json: World.application(education: [entry]))
            #expect(twice.status == .conflict)
            #expect(twice.code == "application.live_exists")

            // Review: rejected with a reason, which the candidate sees.
            world.clock.set(World.review)
            let reviewer = try await client.login("reviewer01")
            let secondID = try #require(second.id("applicationID"))
            let noReason = try await client.call(.post, "\(file)/applications/\(secondID)/reject", token: reviewer, json: #"{"reason": " "}"#)
            #expect(noReason.status == .unprocessableContent)
            #expect(noReason.code == "review.reason_required")
            let rejected = try await client.call(
                .post,
                "\(file)/applications/\(secondID)/reject",
                token: reviewer,
                json: #"{"reason": "学历证书与学信网记录不符"}"#
            )
            #expect(rejected.status == .ok, "\(rejected.text)")
            let view = try await client.call(.get, file, token: token)
            let last = try #require((view.object["applications"] as? [[String: Any]])?.last)
            #expect(last["status"] as? String == "rejected")
            #expect((last["application"] as? [String: Any])?["rejectionReason"] as? String == "学历证书与学信网记录不符")
        }
    }

    @Test func domainRejectionsKeepTheirCodeAndField() async throws {
        let world = try await World()
        try await world.test { client in
            // A wrong check character: 422 with the validation rule's code and the field.
            let number = String(World.residentID(9).dropLast()) + (World.residentID(9).hasSuffix("0") ? "1" : "0")
            let body = World.registration("badid001", index: 9).replacingOccurrences(of: World.residentID(9), with: number)
            let refused = try await client.call(.post, "/api/v1/candidates", json: body)
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            #expect(refused.field == "idNumber")
            #expect(refused.code?.hasPrefix("id_number.") == true)
            #expect((refused.object["message"] as? String)?.isEmpty == false)

            // The same person twice: 409, naming the username already registered.
            _ = try await client.register("first001", index: 4)
            let again = try await client.call(.post, "/api/v1/candidates", json: World.registration("second01", index: 4))
            #expect(again.status == .conflict)
            #expect(again.code == "registration.person_already_registered")
            #expect((again.object["message"] as? String)?.contains("first001") == true)
            // The same number under another name is refused the same way, without the account's username: a number
            // alone does not look up whose it is.
            let otherName = World.registration("third001", index: 4).replacingOccurrences(of: "张三", with: "王五")
            let guessed = try await client.call(.post, "/api/v1/candidates", json: otherName)
            #expect(guessed.status == .conflict && guessed.code == "registration.person_already_registered", "\(guessed.text)")
            #expect((guessed.object["message"] as? String)?.contains("first001") == false, "\(guessed.text)")
            #expect((guessed.object["message"] as? String)?.contains("资格审核现场处理") == true)
            // Wrong names count as password recovery counts them: after five, the number is locked there, and
            // registration no longer names the account even for the right name.
            for (attempt, name) in ["李四", "赵六", "钱七", "孙八"].enumerated() {
                let body = World.registration("guess\(attempt)01", index: 4).replacingOccurrences(of: "张三", with: name)
                let refused = try await client.call(.post, "/api/v1/candidates", json: body)
                #expect(refused.code == "registration.person_already_registered", "\(refused.text)")
            }
            let recovery = try await client.call(.post, "/api/v1/password-recovery/question", json: World.recoveryLookup(of: 4))
            #expect(recovery.status == .tooManyRequests, "\(recovery.text)")
            let rightName = try await client.call(.post, "/api/v1/candidates", json: World.registration("right001", index: 4))
            #expect(rightName.status == .conflict && (rightName.object["message"] as? String)?.contains("first001") == false, "\(rightName.text)")

            // An entry that does not exist: 404 with the domain's code.
            let token = try await client.login("first001")
            let candidate = try #require(try await client.call(.get, "/api/v1/me", token: token).object["subjectID"] as? String)
            let missing = try await client.call(.delete, "/api/v1/candidates/\(candidate)/education/nope", token: token)
            #expect(missing.status == .notFound)
            #expect(missing.code == "entry.not_found")
        }
    }

    /// What the path names and does not exist is a 404 naming the path parameter, whichever route reads it.
    @Test func unknownThingsInThePathAreNotFound() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let area = try await client.call(
                .put,
                "/api/v1/admin/season/areas/99",
                token: cast.tokens["admin"],
                json: #"{"name": "未知考区", "onlinePayment": false}"#
            )
            #expect(area.status == .notFound && area.code == "season.unknown_area" && area.field == "areaCode", "\(area.text)")
            let exam = try await client.call(.delete, "/api/v1/admin/season/exams/999", token: cast.tokens["admin"])
            #expect(exam.status == .notFound && exam.field == "examCode", "\(exam.text)")
            let diff = try await client.call(.get, "/api/v1/candidates/candidate-unknown/history/diff?from=0&to=1", token: cast.tokens["auditor"])
            #expect(diff.status == .notFound && diff.code == "candidate.not_registered", "\(diff.text)")
            // A version and an instant are ordered as versions of the file: later first is refused.
            let file = "/api/v1/candidates/\(cast.candidateA)/history/diff"
            let reversed = try await client.call(.get, "\(file)?from=3&to=2026-01-01T00:00:00.000Z", token: cast.tokens["auditor"])
            #expect(reversed.status == .badRequest && reversed.field == "from", "\(reversed.text)")
            #expect(try await client.call(.get, "\(file)?from=2026-01-01T00:00:00.000Z&to=3", token: cast.tokens["auditor"]).status == .ok)
        }
    }

    @Test func idempotencyKeyReplaysInsteadOfAppending() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("idem0001", index: 5)
            let token = try await client.login("idem0001")
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "add-bachelor-1"]
            let head = try await world.store.headPosition()
            let first = try await client.call(.post, "/api/v1/candidates/\(candidate)/education", token: token, json: World.education, headers: key)
            let second = try await client.call(.post, "/api/v1/candidates/\(candidate)/education", token: token, json: World.education, headers: key)
            #expect(first.status == .created)
            #expect(second.status == .created)
            #expect(first.id("entryID") == second.id("entryID"))
            #expect(second.object["replayed"] as? Bool == true)
            #expect(second.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await world.store.headPosition() == head + 1)
            // The replay answers like the first reply: the same version and the events appended then.
            #expect(first.object["events"] as? [String] == ["EducationEntryAdded"])
            #expect(second.object["events"] as? [String] == first.object["events"] as? [String])
            #expect(second.object["version"] as? Int == first.object["version"] as? Int)
            // The same path spelt with a trailing slash is the same request: replayed, not refused as another.
            let slashed = try await client.call(
                .post,
                "/api/v1/candidates/\(candidate)/education/",
                token: token,
                json: World.education,
                headers: key
            )
            #expect(slashed.status == .created && slashed.object["replayed"] as? Bool == true, "\(slashed.text)")

            // The same key from another caller is another request.
            let other = try await client.register("idem0002", index: 6)
            let otherToken = try await client.login("idem0002")
            let theirs = try await client.call(.post, "/api/v1/candidates/\(other)/education", token: otherToken, json: World.education, headers: key)
            #expect(theirs.status == .created)
            #expect(theirs.object["replayed"] as? Bool == false)

            // A retried registration returns the same file.
            let registrationKey: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "register-1"]
            let once = try await client.call(.post, "/api/v1/candidates", json: World.registration("retry001", index: 7), headers: registrationKey)
            let twice = try await client.call(.post, "/api/v1/candidates", json: World.registration("retry001", index: 7), headers: registrationKey)
            #expect(once.status == .created)
            #expect(twice.status == .created, "\(twice.text)")
            #expect(once.object["candidateID"] as? String == twice.object["candidateID"] as? String)
            #expect(twice.object["replayed"] as? Bool == true)
        }
    }

    /// A request whose decision changed nothing keeps its key too: its retry answers the same after the stream moved
    /// (and undoes nobody's change), and the key cannot be reused for another request.
    @Test func aKeyWhoseRequestChangedNothingIsRemembered() async throws {
        let world = try await World()
        try await world.test { client in
            let admin = try await client.login("admin01")
            let calendar = { (closes: String) in
                """
                {"registrationOpens": "2026-01-08T01:00:00.000Z", "registrationCloses": "2026-01-22T09:00:00.000Z",
                 "reviewOpens": "2026-02-10T00:00:00.000Z", "reviewCloses": "2026-03-10T00:00:00.000Z",
                 "paymentOpens": "2026-02-20T00:00:00.000Z", "paymentCloses": "\(closes)"}
                """
            }
            let path = "/api/v1/admin/season/calendar"
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "calendar-k"]
            let published = calendar("2026-03-31T00:00:00.000Z")
            let unchanged = try await client.call(.put, path, token: admin, json: published, headers: key)
            #expect(unchanged.status == .ok && (unchanged.object["events"] as? [Any])?.isEmpty == true, "\(unchanged.text)")
            let version = unchanged.object["version"] as? Int
            // Another administrator's change in between.
            let other = try await client.call(.put, path, token: admin, json: calendar("2026-04-02T00:00:00.000Z"))
            #expect(other.status == .ok && (other.object["events"] as? [String]) == ["SeasonCalendarSet"], "\(other.text)")
            let head = try await world.store.headPosition()

            let retry = try await client.call(.put, path, token: admin, json: published, headers: key)
            #expect(retry.status == .ok && (retry.object["events"] as? [Any])?.isEmpty == true, "\(retry.text)")
            #expect(retry.object["version"] as? Int == version)
            #expect(unchanged.object["replayed"] as? Bool == false && retry.object["replayed"] as? Bool == true)
            #expect(try await world.store.headPosition() == head, "the retry undoes nothing")
            let season = try await client.call(.get, "/api/v1/season")
            #expect(season.text.contains("2026-04-02T00:00:00.000Z"))

            let reused = try await client.call(.put, path, token: admin, json: calendar("2026-04-05T00:00:00.000Z"), headers: key)
            #expect(reused.status == .conflict && reused.code == "request.idempotency_key_reused", "\(reused.text)")
            #expect(try await world.store.headPosition() == head)
        }
    }

    /// Of concurrent password changes that give the same current password, one is recorded; the others find it no
    /// longer current and append nothing.
    @Test func concurrentPasswordChangesFromOneCurrentPasswordRecordOne() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("pwrace01", index: 31)
            let token = try await client.login("pwrace01")
            let head = try await world.store.headPosition()
            let statuses = try await withThrowingTaskGroup(of: (String, Int, String?).self) { group in
                for index in 0..<4 {
                    group.addTask {
                        let reply = try await client.call(
                            .put,
                            "/api/v1/candidates/\(candidate)/password",
                            token: token,
                            json: #"{"currentPassword": "secret123", "newPassword": "race\#(index)x2026"}"#
                        )
                        return ("race\(index)x2026", Int(reply.status.code), reply.code)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = statuses.filter { $0.1 == 200 }
            #expect(winners.count == 1, "\(statuses)")
            // A loser checked after the winner's commit finds the password wrong; one checked before, changed meanwhile.
            #expect(
                statuses.filter { $0.1 != 200 }.allSatisfy {
                    $0.1 == 422 && ["account.wrong_password", "account.password_changed_meanwhile"].contains($0.2 ?? "")
                },
                "\(statuses)"
            )
            #expect(try await world.store.headPosition() == head + 1)
            if let winner = winners.first { _ = try await client.login("pwrace01", password: winner.0) }
        }
    }

    @Test func idempotencyKeyOfAnotherRequestIsRefused() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("idem0003", index: 9)
            let token = try await client.login("idem0003")
            let file = "/api/v1/candidates/\(candidate)"
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "k-1"]
            #expect(try await client.call(.put, "\(file)/work", token: token, json: World.work, headers: key).status == .ok)
            let head = try await world.store.headPosition()

            // Another route under the same key: refused, not answered with the work update's result.
            let education = try await client.call(.post, "\(file)/education", token: token, json: World.education, headers: key)
            #expect(education.status == .conflict, "\(education.text)")
            #expect(education.code == "request.idempotency_key_reused")
            #expect(education.field == "Idempotency-Key")
            // The same route with another body.
            let otherWork = World.work.replacingOccurrences(of: "武汉协和医院", with: "同济医院")
            let changed = try await client.call(.put, "\(file)/work", token: token, json: otherWork, headers: key)
            #expect(changed.status == .conflict)
            #expect(changed.code == "request.idempotency_key_reused")
            #expect(try await world.store.headPosition() == head)

            // The same request, spelled with its members in another order, is a retry.
            let again = try await client.call(
                .put,
                "\(file)/work",
                token: token,
                json: #"{"workUnit":"武汉协和医院","onDutyStatus":"在职"}"#,
                headers: key
            )
            #expect(again.status == .ok)
            #expect(again.object["replayed"] as? Bool == true)

            // Two different requests racing under one key: one appends, the other is refused.
            let raceKey: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "race-1"]
            let contactA = World.contact
            let contactB = World.contact.replacingOccurrences(of: "13800138000", with: "13900139000")
            async let first = client.call(.put, "\(file)/contact", token: token, json: contactA, headers: raceKey)
            async let second = client.call(.put, "\(file)/contact", token: token, json: contactB, headers: raceKey)
            let statuses = [try await first.status, try await second.status]
            #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 1, "\(statuses)")
            #expect(try await world.store.headPosition() == head + 1)
        }
    }

    @Test func staffAccountsAreCreatedWithAndWithoutAnIdempotencyKey() async throws {
        // As `registrar serve` runs: random ids, not the tests' seeded ones.
        let world = try await World(ids: RandomIDGenerator())
        try await world.test { client in
            let admin = try await client.login("admin01")
            let body = { (username: String) in
                #"{"role": "auditor", "displayName": "审计员乙", "username": "\#(username)", "password": "secret123"}"#
            }
            let plain = try await client.call(.post, "/api/v1/admin/staff", token: admin, json: body("auditor02"))
            #expect(plain.status == .created, "\(plain.text)")
            let keyed = try await client.call(
                .post,
                "/api/v1/admin/staff",
                token: admin,
                json: body("auditor03"),
                headers: [HTTPField.Name("Idempotency-Key")!: String(repeating: "k", count: 128)]
            )
            #expect(keyed.status == .created, "\(keyed.text)")
            // Every kind of id the routes create fits the deciders (a staff id is at most 40 characters).
            for prefix in ["candidate", "education", "training", "certificate", "application", "photo", "scan", "order", "refund", "staff"] {
                let id = RandomIDGenerator().next(prefix)
                #expect(id.count == prefix.count + 33 && RegistrarRequestContext.isValidID(id), "\(id)")
            }
            #expect(try #require(plain.id("staffID")).count <= 40)
        }
    }

    @Test func reviewQueueFiltersEveryStatusOfTheFileAndRefusesOthers() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let reviewer = try #require(cast.tokens["reviewer"])
            for status in ["paid", "refunded"] {
                // The queue follows payments: nothing paid yet, an empty page (not a refusal).
                let none = try await client.call(.get, "/api/v1/review/sites/4201/queue?status=\(status)", token: reviewer)
                #expect(none.status == .ok && none.array.isEmpty, "\(none.text)")
                #expect(try await client.call(.get, "/api/v1/review/sites/4201/candidates?status=\(status)", token: reviewer).status == .ok)
            }
            let refused = try await client.call(.get, "/api/v1/review/sites/4201/queue?status=waiting", token: reviewer)
            #expect(refused.status == .badRequest && refused.field == "status" && refused.code == "request.invalid_parameter")
            #expect(!refused.text.contains("考点考生列表") && refused.text.contains("paid") && refused.text.contains("refunded"))
            #expect(try await client.call(.get, "/api/v1/review/sites/4201/queue?status=submitted", token: reviewer).array.count == 1)
            // The queue page has a tab for every status, and a payment column.
            let page = try await PageTests.form(client, .get, "/review/sites/4201", nil, cookie: try await PageTests.cookie(client, "reviewer01"))
            #expect(page.status == .ok)
            #expect(page.text.contains("status=signed") && page.text.contains("status=paid") && page.text.contains("status=refunded"))
            #expect(page.text.contains("<th>缴费</th>") && page.text.contains("<td>未缴费</td>"))
        }
    }

    @Test func requestIDIsEchoedAndBecomesTheCorrelationID() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("trace001", index: 8)
            let token = try await client.login("trace001")
            let headers: HTTPFields = [HTTPField.Name("X-Request-Id")!: "req-abc-123"]
            let reply = try await client.call(.put, "/api/v1/candidates/\(candidate)/contact", token: token, json: World.contact, headers: headers)
            #expect(reply.headers[HTTPField.Name("X-Request-Id")!] == "req-abc-123")
            let generated = try await client.call(.get, "/health")
            #expect(generated.headers[HTTPField.Name("X-Request-Id")!]?.count == 36)
            let events = try await world.store.readStream(candidate, fromVersion: 1, toVersion: nil)
            let metadata = try #require(try events.last?.decodedMetadata())
            #expect(metadata.correlationId == "req-abc-123")
            #expect(metadata.channel == "web")
            #expect(metadata.actorId == candidate)
        }
    }
    /// A candidate registered with the wrong 证件类型 (a 军官证 for the 居民身份证 in hand): the reviewer corrects the type
    /// with the number, the file follows, and password recovery finds the file by the document it now names (T22).
    @Test func theReviewerCorrectsTheIDTypeWithTheNumber() async throws {
        let world = try await World()
        try await world.test { client in
            let registration = """
                {"username": "officer01", "name": "张三", "surnamePinyin": "zhang", "givenNamePinyin": "san",
                 "idType": "军官证", "idNumber": "JG20101234", "sex": "男", "birthDate": "1990-03-07",
                 "nationality": "中国", "ethnicity": "汉族", "password": "\(World.password)",
                 "recoveryQuestion": "我的母校?", "recoveryAnswer": "武汉大学医学部"}
                """
            let registered = try await client.call(.post, "/api/v1/candidates", json: registration)
            try #require(registered.status == .created, "\(registered.text)")
            let candidate = try #require(registered.object["candidateID"] as? String)
            let application = try await client.fillInAndApply(candidate: candidate, token: try await client.login("officer01"))
            world.clock.set(World.review)
            let reviewer = try await client.login("reviewer01")
            let number = World.residentID(71)
            let path = "/api/v1/candidates/\(candidate)/applications/\(application)/corrections"
            let across = try await client.call(
                .post,
                path,
                token: reviewer,
                json: #"{"field": "idNumber", "newValue": "A1234567", "idType": "香港身份证", "reason": "核对证件原件"}"#
            )
            #expect(
                across.status == .unprocessableContent && across.code == "review.id_type_change_refused" && across.field == "idType",
                "\(across.text)"
            )
            let corrected = try await client.call(
                .post,
                path,
                token: reviewer,
                json: #"{"field": "idNumber", "newValue": "\#(number)", "idType": "居民身份证", "reason": "所持证件为居民身份证"}"#
            )
            #expect(corrected.status == .ok, "\(corrected.text)")
            #expect((corrected.object["events"] as? [String])?.prefix(2) == ["BasicInfoCorrected", "BasicInfoCorrected"], "\(corrected.text)")
            let file = try await client.call(.get, "/api/v1/candidates/\(candidate)", token: reviewer)
            let basic = file.object["basic"] as? [String: Any]
            #expect(basic?["idType"] as? String == "居民身份证" && basic?["idNumber"] as? String == number, "\(file.text)")
            let trail = try await client.call(
                .get,
                "/api/v1/audit/trail?candidate=\(candidate)&field=basic.idType",
                token: try await client.login("auditor01")
            )
            #expect(trail.text.contains("军官证") && trail.text.contains("所持证件为居民身份证"), "\(trail.text)")
            let question = try await client.call(
                .post,
                "/api/v1/password-recovery/question",
                json: #"{"idType": "居民身份证", "idNumber": "\#(number)", "name": "张三"}"#
            )
            #expect(question.status == .ok && question.object["recoveryQuestion"] as? String == "我的母校?", "\(question.text)")
        }
    }
}
