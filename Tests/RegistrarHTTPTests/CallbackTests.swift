import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RegistrarApp
import RegistrationDomain
import Testing

@testable import RegistrarHTTP

/// The outside systems' callbacks: CHSI's scan results and the bank's payment answers, signed, fresh and not
/// replayed.
@Suite struct CallbackTests {
    static let chsi = CallbackSignature.chsi(secret: CallbackSettings.developmentCHSISecret)
    static let bank = CallbackSignature.bank(secret: CallbackSettings.developmentBankSecret)

    static func record(school: String = "北京大学", major: String = "基础医学", index: Int = 41) -> String {
        """
        {"name": "张三", "idNumber": "\(World.residentID(index))", "school": "\(school)", "major": "\(major)", "level": "本科",
         "studyForm": "普通全日制", "educationCategory": "普通高等教育", "enrolmentDate": "20060901",
         "graduationDate": "20100701", "conclusion": "毕业"}
        """
    }

    static func chsiBody(qr: String, school: String = "北京大学", major: String = "基础医学") -> String {
        #"{"qr": "\#(qr)", "record": \#(record(school: school, major: major))}"#
    }

    /// A file with an education entry and a started scan, before online registration.
    static func scanned(_ world: World, _ client: Client) async throws -> (candidate: String, token: String, entry: String, scan: Reply) {
        world.clock.set(Instant.date(from: "2025-12-20T02:00:00.000Z")!)
        let candidate = try await client.register("chsi0001", index: 41)
        let token = try await client.login("chsi0001")
        let file = "/api/v1/candidates/\(candidate)"
        for (path, json) in [("contact", World.contact), ("work", World.work)] {
            try #require(try await client.call(.put, "\(file)/\(path)", token: token, json: json).status == .ok)
        }
        let entry = try #require(try await client.call(.post, "\(file)/education", token: token, json: World.education).id("entryID"))
        let scan = try await client.call(.post, "\(file)/education/\(entry)/chsi-scans", token: token)
        try #require(scan.status == .created, "\(scan.text)")
        return (candidate, token, entry, scan)
    }

    static func signed(
        _ client: Client,
        _ path: String,
        _ body: String,
        _ signature: CallbackSignature,
        at date: Date,
        nonce: String? = nil
    ) async throws -> Reply {
        var headers = HTTPFields()
        for header in signature.headers(body: Data(body.utf8), date: date, nonce: nonce) {
            headers[HTTPField.Name(header.name)!] = header.value
        }
        return try await client.call(.post, path, json: body, headers: headers)
    }

    @Test func signatureRoundTripsAndQRCodeIsBound() {
        let body = Data(#"{"a": 1}"#.utf8)
        let mac = Self.chsi.sign(timestamp: "100", nonce: "nonce-0001", body: body)
        #expect(Self.chsi.verify(signature: mac, timestamp: "100", nonce: "nonce-0001", body: body))
        #expect(!Self.chsi.verify(signature: mac, timestamp: "101", nonce: "nonce-0001", body: body))
        #expect(!CallbackSignature.chsi(secret: "other").verify(signature: mac, timestamp: "100", nonce: "nonce-0001", body: body))
        let code = ChsiQRCode(scanID: "scan-1", candidateID: "candidate-1", entryID: "education-1", expiresAt: 1_000)
        let payload = code.payload(key: "k")
        #expect(ChsiQRCode.parse(payload, key: "k") == code)
        #expect(ChsiQRCode.parse(payload, key: "other") == nil)
        #expect(ChsiQRCode.parse(payload.replacingOccurrences(of: "education-1", with: "education-2"), key: "k") == nil)
    }

    @Test func chsiCallbackRecordsTheResultAndRefusesForgeriesStaleAndReplays() async throws {
        let world = try await World()
        try await world.test { client in
            let (candidate, token, entry, scan) = try await Self.scanned(world, client)
            let qr = try #require(scan.id("qr"))
            #expect(qr.hasPrefix("chsi1~"))
            #expect(scan.id("qrExpiresAt") != nil)
            let body = Self.chsiBody(qr: qr)
            let now = world.clock.now()
            let head = try await world.store.headPosition()

            // Wrong secret, stale timestamp, unsigned, a tampered QR: 401 and nothing appended.
            let forged = try await Self.signed(client, "/api/v1/callbacks/chsi", body, .chsi(secret: "wrong"), at: now)
            #expect(forged.status == .unauthorized)
            #expect(forged.code == "callback.bad_signature")
            let stale = try await Self.signed(client, "/api/v1/callbacks/chsi", body, Self.chsi, at: now.addingTimeInterval(-400))
            #expect(stale.status == .unauthorized)
            #expect(stale.code == "callback.stale_timestamp")
            let unsigned = try await client.call(.post, "/api/v1/callbacks/chsi", json: body)
            #expect(unsigned.status == .unauthorized)
            #expect(unsigned.code == "callback.unsigned" && unsigned.field == "X-Chsi-Timestamp")
            // A malformed timestamp is named as such, not as a missing signature.
            var headers = HTTPFields()
            for header in Self.chsi.headers(body: Data(body.utf8), date: now, nonce: "nonce-chsi-0009") {
                headers[HTTPField.Name(header.name)!] = header.name == "X-Chsi-Timestamp" ? "1.7e9" : header.value
            }
            let malformed = try await client.call(.post, "/api/v1/callbacks/chsi", json: body, headers: headers)
            #expect(malformed.status == .unauthorized)
            #expect(malformed.code == "callback.malformed_timestamp")
            #expect(malformed.field == "X-Chsi-Timestamp")
            let tampered = Self.chsiBody(qr: qr.replacingOccurrences(of: entry, with: "education-other"))
            let badQR = try await Self.signed(client, "/api/v1/callbacks/chsi", tampered, Self.chsi, at: now)
            #expect(badQR.status == .unauthorized)
            #expect(badQR.code == "chsi.bad_qr")
            #expect(try await world.store.headPosition() == head)

            // The valid callback records the result as CHSI, on the chsi channel.
            let accepted = try await Self.signed(client, "/api/v1/callbacks/chsi", body, Self.chsi, at: now, nonce: "nonce-chsi-0001")
            #expect(accepted.status == .ok, "\(accepted.text)")
            #expect(accepted.object["events"] as? [String] == ["ChsiResultReceived"])
            let events = try await world.store.readStream(candidate, fromVersion: 1, toVersion: nil)
            let received = try #require(events.last)
            #expect(received.type == "ChsiResultReceived")
            let state = try await world.service.candidateState(candidate)
            #expect(state.education[entry]?.chsiResults.count == 1)

            // The same request again: the nonce is spent (409), nothing appended.
            let headAfter = try await world.store.headPosition()
            let replayed = try await Self.signed(client, "/api/v1/callbacks/chsi", body, Self.chsi, at: now, nonce: "nonce-chsi-0001")
            #expect(replayed.status == .conflict)
            #expect(replayed.code == "callback.replayed_nonce")
            #expect(replayed.field == "X-Chsi-Nonce")
            #expect(try await world.store.headPosition() == headAfter)

            // A scan named by id (as the simulator may) works like its QR payload.
            let file = "/api/v1/candidates/\(candidate)"
            let second = try await client.call(.post, "\(file)/education/\(entry)/chsi-scans", token: token)
            let scanID = try #require(second.id("scanID"))
            let byID = try await Self.signed(
                client,
                "/api/v1/callbacks/chsi",
                #"{"scanID": "\#(scanID)", "record": \#(Self.record())}"#,
                Self.chsi,
                at: now
            )
            #expect(byID.status == .ok, "\(byID.text)")
            #expect(byID.object["events"] as? [String] == ["ChsiResultReceived"])

            // A scan started by another process (here the service, in process) is found from the log too: the
            // QR code is made again from its event.
            try await world.service.execute(
                .startChsiScan(StartChsiScan(candidateID: candidate, entryID: entry, scanID: "scan-elsewhere")),
                candidateId: candidate,
                actor: Actor(id: candidate, role: .candidate),
                request: .init(channel: "web")
            )
            #expect(try await world.store.claimHolder(CandidateClaims.scanKey("scan-elsewhere")) == candidate)
            let elsewhere = try await Self.signed(
                client,
                "/api/v1/callbacks/chsi",
                #"{"scanID": "scan-elsewhere", "record": \#(Self.record())}"#,
                Self.chsi,
                at: now
            )
            #expect(elsewhere.status == .ok && elsewhere.object["events"] as? [String] == ["ChsiResultReceived"], "\(elsewhere.text)")
        }
    }

    @Test func spentNoncesSurviveARestart() async throws {
        let world = try await World()
        let (body, now) = try await world.test { client in
            let (_, _, _, scan) = try await Self.scanned(world, client)
            let body = Self.chsiBody(qr: try #require(scan.id("qr")))
            let now = world.clock.now()
            let accepted = try await Self.signed(client, "/api/v1/callbacks/chsi", body, Self.chsi, at: now, nonce: "nonce-restart-1")
            #expect(accepted.status == .ok, "\(accepted.text)")
            return (body, now)
        }
        // A new application over the same log file: the nonce is still spent.
        try await world.test { client in
            let replayed = try await Self.signed(client, "/api/v1/callbacks/chsi", body, Self.chsi, at: now, nonce: "nonce-restart-1")
            #expect(replayed.status == .conflict)
            #expect(replayed.code == "callback.replayed_nonce")
        }
    }

    @Test func expiredQRCodeIsRefused() async throws {
        let world = try await World()
        try await world.test { client in
            let (_, _, _, scan) = try await Self.scanned(world, client)
            let qr = try #require(scan.id("qr"))
            world.clock.set(world.clock.now().addingTimeInterval(11 * 60))
            let head = try await world.store.headPosition()
            let expired = try await Self.signed(client, "/api/v1/callbacks/chsi", Self.chsiBody(qr: qr), Self.chsi, at: world.clock.now())
            #expect(expired.status == .gone)
            #expect(expired.code == "chsi.qr_expired")
            #expect(expired.field == "qr")
            // Named by its scan id, the expired scan is the scan id's fault.
            let scanID = try #require(scan.id("scanID"))
            let byID = try await Self.signed(
                client,
                "/api/v1/callbacks/chsi",
                #"{"scanID": "\#(scanID)", "record": \#(Self.record())}"#,
                Self.chsi,
                at: world.clock.now()
            )
            #expect(byID.status == .gone)
            #expect(byID.field == "scanID")
            #expect(try await world.store.headPosition() == head)
        }
    }

    @Test func chsiMismatchIsFlaggedInTheComparison() async throws {
        let world = try await World()
        try await world.test { client in
            let (candidate, token, entry, scan) = try await Self.scanned(world, client)
            let qr = try #require(scan.id("qr"))
            let body = Self.chsiBody(qr: qr, school: "中国地质大学(北京)", major: "地质学")
            let reply = try await Self.signed(client, "/api/v1/callbacks/chsi", body, Self.chsi, at: world.clock.now())
            #expect(reply.status == .ok, "\(reply.text)")

            world.clock.set(World.registration)
            let applied = try await client.call(
                .post,
                "/api/v1/candidates/\(candidate)/applications",
                token: token,
                json: World.application(education: [entry])
            )
            let application = try #require(applied.id("applicationID"), "\(applied.text)")
            world.clock.set(World.review)
            let reviewer = try await client.login("reviewer01")
            let comparison = try await client.call(.get, "/api/v1/review/applications/\(application)/comparison", token: reviewer)
            #expect(comparison.status == .ok, "\(comparison.text)")
            let summary = try #require(comparison.object["summary"] as? [String: Any])
            #expect((summary["mismatches"] as? Int ?? 0) >= 1)
            #expect(summary["identityMismatch"] as? Bool == false)
            let rows = try #require((comparison.object["entries"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]])
            let school = try #require(rows.first { $0["chsi"] as? String == "中国地质大学(北京)" })
            #expect(school["declared"] as? String == "北京大学")
            #expect(school["status"] as? String == "mismatch")
        }
    }

    @Test func theQueueAndTheComparisonShowThePaymentAsTheCandidatesFileDoes() async throws {
        let world = try await World()
        try await world.test { client in
            let (cast, base) = try await Self.payable(world, client)
            let owner = try #require(cast.tokens["owner"])
            let reviewer = try #require(cast.tokens["reviewer"])
            let queue = "/api/v1/review/sites/4201/queue"
            let comparison = "/api/v1/review/applications/\(cast.applicationA)/comparison"
            func line() async throws -> [String: Any] {
                let lines = try await client.call(.get, queue, token: reviewer).array.compactMap { $0 as? [String: Any] }
                return try #require(lines.first { $0["applicationID"] as? String == cast.applicationA })
            }
            func fileStatus() async throws -> String? {
                let file = try await client.call(.get, "/api/v1/candidates/\(cast.candidateA)", token: owner)
                return (file.object["applications"] as? [[String: Any]])?.first?["status"] as? String
            }
            let signed = try await line()
            #expect(signed["status"] as? String == "signed" && signed["paymentStatus"] as? String == "unpaid")
            let order = try #require(try await client.call(.post, "\(base)/payments", token: owner).id("orderNumber"))
            #expect(try await line()["paymentStatus"] as? String == "pending")
            _ = try await Self.bankAnswer(client, world, order: order, transaction: "txn-q1")
            let paidLine = try await line()
            #expect(paidLine["status"] as? String == "paid" && paidLine["paymentStatus"] as? String == "paid")
            #expect(try await fileStatus() == "paid")
            let paid = try await client.call(.get, "\(queue)?status=paid", token: reviewer)
            #expect(
                paid.status == .ok && paid.array.map { ($0 as? [String: Any])?["applicationID"] as? String } == [cast.applicationA],
                "\(paid.text)"
            )
            let summary = try await client.call(.get, comparison, token: reviewer).object["summary"] as? [String: Any]
            #expect(summary?["status"] as? String == "paid" && summary?["paymentStatus"] as? String == "paid")

            let refund = #"{"amountFen": 60000, "reason": "考生因病无法参加考试"}"#
            try #require(try await client.call(.post, "\(base)/refunds", token: cast.tokens["admin"], json: refund).status == .created)
            #expect(try await line()["status"] as? String == "refunded")
            #expect(try await fileStatus() == "refunded")
            let refunded = try await client.call(.get, "\(queue)?status=refunded", token: reviewer)
            #expect(refunded.array.map { ($0 as? [String: Any])?["applicationID"] as? String } == [cast.applicationA], "\(refunded.text)")
            #expect(try await client.call(.get, "\(queue)?status=paid", token: reviewer).array.isEmpty)
            let page = try await PageTests.form(
                client,
                .get,
                "/review/applications/\(cast.applicationA)",
                nil,
                cookie: try await PageTests.cookie(client, "reviewer01")
            )
            #expect(page.text.contains("<tr><td>审核状态</td><td>已退费</td></tr>"), "\(page.text)")
            #expect(page.text.contains("<tr><td>缴费状态</td><td>已退费</td></tr>") && page.text.contains("600.00元"))
            #expect(page.text.contains("考生因病无法参加考试"))
            let queuePage = try await PageTests.form(
                client,
                .get,
                "/review/sites/4201?status=refunded",
                nil,
                cookie: try await PageTests.cookie(client, "reviewer01")
            )
            #expect(queuePage.status == .ok && queuePage.text.contains("/review/applications/\(cast.applicationA)"))
        }
    }

    @Test func theAttemptsShowTheNameAndNumberCHSIReturnedMaskedPerRole() async throws {
        let world = try await World()
        try await world.test { client in
            let (candidate, token, entry, scan) = try await Self.scanned(world, client)
            let reply = try await Self.signed(
                client,
                "/api/v1/callbacks/chsi",
                Self.chsiBody(qr: try #require(scan.id("qr"))),
                Self.chsi,
                at: world.clock.now()
            )
            try #require(reply.status == .ok, "\(reply.text)")
            world.clock.set(World.registration)
            let applied = try await client.call(
                .post,
                "/api/v1/candidates/\(candidate)/applications",
                token: token,
                json: World.application(education: [entry])
            )
            let application = try #require(applied.id("applicationID"), "\(applied.text)")
            let path = "/api/v1/review/applications/\(application)/comparison"
            let attempt = { (reply: Reply) throws -> [String: Any] in
                try #require(((reply.object["entries"] as? [[String: Any]])?.first?["attempts"] as? [[String: Any]])?.first)
            }
            let full = try attempt(try await client.call(.get, path, token: try await client.login("reviewer01")))
            let masked = try attempt(try await client.call(.get, path, token: try await client.login("auditor01")))
            let number = try #require(full["idNumber"] as? String)
            #expect(number.count == 18 && !number.contains("*") && (full["name"] as? String)?.isEmpty == false)
            #expect(masked["idNumber"] as? String == Masking.idNumber(number) && masked["name"] as? String == full["name"] as? String)
        }
    }

    /// Cast A's application approved and signed, in the payment window; returns its base path.
    static func payable(_ world: World, _ client: Client) async throws -> (cast: Cast, base: String) {
        let cast = try await Cast.make(client)
        world.clock.set(World.review)
        let base = "/api/v1/candidates/\(cast.candidateA)/applications/\(cast.applicationA)"
        let reviewer = try #require(cast.tokens["reviewer"])
        try #require(try await client.call(.post, "\(base)/approve", token: reviewer, json: World.approvalNote).status == .ok)
        try #require(try await client.call(.post, "\(base)/signature", token: reviewer, json: "{}").status == .ok)
        world.clock.set(World.payment)
        return (cast, base)
    }

    static func bankBody(order: String, transaction: String, succeeded: Bool = true, amount: Int = 60_000) -> String {
        let reason = succeeded ? "" : #", "failureReason": "余额不足""#
        return #"{"orderNumber": "\#(order)", "bankTransactionID": "\#(transaction)", "succeeded": \#(succeeded), "amountFen": \#(amount)\#(reason)}"#
    }

    /// The bank's signed answer for an order, sent now.
    static func bankAnswer(_ client: Client, _ world: World, order: String, transaction: String, succeeded: Bool = true) async throws -> Reply {
        try await signed(
            client,
            "/api/v1/callbacks/bank",
            bankBody(order: order, transaction: transaction, succeeded: succeeded),
            bank,
            at: world.clock.now()
        )
    }

    /// The bank's signed delivery of a transaction for an order, of any amount, sent now.
    static func bankDelivery(_ client: Client, _ world: World, order: String, transaction: String, amount: Int) async throws -> Reply {
        try await signed(
            client,
            "/api/v1/callbacks/bank",
            bankBody(order: order, transaction: transaction, amount: amount),
            bank,
            at: world.clock.now()
        )
    }

    /// The candidate's file, kept in the reply cache, says "wait for the bank" only as long as the order blocks a new
    /// one: 30 minutes after it started, the file offers paying again, though no event was appended meanwhile.
    @Test func thePendingOrdersTimeoutEndsTheCachedFilesWait() async throws {
        let world = try await World()
        try await world.test { client in
            let (cast, base) = try await Self.payable(world, client)
            let owner = try #require(cast.tokens["owner"])
            #expect(try await client.call(.post, "\(base)/payments", token: owner).status == .created)
            let file = "/api/v1/candidates/\(cast.candidateA)"
            let waiting = try await client.call(.get, file, token: owner)
            #expect((waiting.object["nextActions"] as? [String])?.contains("awaitBankConfirmation") == true, "\(waiting.text)")
            // Read again at once: the same (cached) answer.
            #expect(
                (try await client.call(.get, file, token: owner).object["nextActions"] as? [String]) == waiting.object["nextActions"] as? [String]
            )
            world.clock.set(world.clock.now().addingTimeInterval(CandidateDecider.paymentConfirmationTimeout + 1))
            let after = try await client.call(.get, file, token: owner)
            #expect((after.object["nextActions"] as? [String])?.contains("pay") == true, "\(after.text)")
            #expect(try await client.call(.post, "\(base)/payments", token: owner).status == .created)
        }
    }

    /// A second confirmation (an order the bank answered after the candidate paid again) makes an excess that an
    /// administrator finds in one list, refunds, and sees gone; nobody else reads the list.
    @Test func administratorsFindTheExcessPaymentsToRefund() async throws {
        let world = try await World()
        try await world.test { client in
            let (cast, base) = try await Self.payable(world, client)
            let owner = try #require(cast.tokens["owner"])
            let admin = try #require(cast.tokens["admin"])
            let first = try #require(try await client.call(.post, "\(base)/payments", token: owner).id("orderNumber"))
            world.clock.set(world.clock.now().addingTimeInterval(CandidateDecider.paymentConfirmationTimeout + 1))
            let second = try #require(try await client.call(.post, "\(base)/payments", token: owner).id("orderNumber"))
            #expect(try await Self.bankAnswer(client, world, order: second, transaction: "txn-2").status == .ok)
            #expect(try await client.call(.get, "/api/v1/admin/payments/excess", token: admin).array.isEmpty)
            #expect(try await Self.bankAnswer(client, world, order: first, transaction: "txn-1").status == .ok)
            let list = try await client.call(.get, "/api/v1/admin/payments/excess", token: admin)
            #expect(list.status == .ok, "\(list.text)")
            let line = try #require(list.array.first as? [String: Any])
            #expect(list.array.count == 1 && line["candidateID"] as? String == cast.candidateA && line["excessFen"] as? Int == 60_000)
            #expect(Set(line["confirmedOrders"] as? [String] ?? []) == [first, second])
            // The administrator's page lists it with the ids a refund names, and no link to a page only reviewers open.
            let page = try await PageTests.form(client, .get, "/admin", nil, cookie: try await PageTests.cookie(client, "admin01"))
            #expect(page.text.contains(cast.candidateA) && page.text.contains(cast.applicationA), "\(page.text)")
            #expect(!page.text.contains("/review/applications/"), "\(page.text)")
            for token in [owner, try #require(cast.tokens["reviewer"])] {
                #expect(try await client.call(.get, "/api/v1/admin/payments/excess", token: token).status == .forbidden)
            }
            let refund = try await client.call(.post, "\(base)/refunds", token: admin, json: #"{"amountFen": 60000, "reason": "重复缴费，退还多缴部分"}"#)
            #expect(refund.status == .created, "\(refund.text)")
            #expect(try await client.call(.get, "/api/v1/admin/payments/excess", token: admin).array.isEmpty)
        }
    }

    /// A confirmation that cannot be recorded may still mean money moved: refused, nothing appended, and one warning
    /// line with the order, the transaction and the amounts (no personal data) for reconciliation.
    @Test func aRefusedBankConfirmationIsLoggedForReconciliation() async throws {
        let world = try await World()
        let logs = CapturedLogs()
        try await world.test(logs: logs) { client in
            let (cast, base) = try await Self.payable(world, client)
            let started = try await client.call(.post, "\(base)/payments", token: try #require(cast.tokens["owner"]))
            let order = try #require(started.id("orderNumber"))
            let head = try await world.store.headPosition()
            let wrongAmount = try await Self.bankDelivery(client, world, order: order, transaction: "txn-0042", amount: 1)
            #expect(wrongAmount.status == .unprocessableContent)
            #expect(wrongAmount.code == "payment.amount_mismatch" && wrongAmount.field == "amountFen")
            #expect(try await world.store.headPosition() == head)
            let warnings = logs.lines.filter { $0.message == "bank callback refused" }
            #expect(warnings.count == 1)
            #expect(warnings.first?.level == .warning)
            #expect(warnings.first?.metadata["order"] == order)
            #expect(warnings.first?.metadata["bank_transaction"] == "txn-0042")
            #expect(warnings.first?.metadata["amount_fen"] == "1")
            #expect(warnings.first?.metadata["code"] == "payment.amount_mismatch")
            #expect(warnings.first?.metadata.keys.contains { $0.contains("name") || $0.contains("candidate") } == false)

            // And a line an administrator reconciles from, outside the log: the bank's second delivery of the same
            // transaction counts on it; a second transaction on an order already confirmed is a line of its own.
            let admin = try #require(cast.tokens["admin"])
            let path = "/api/v1/admin/payments/refused-confirmations"
            #expect(try await client.call(.get, path, token: admin).array.count == 1)
            let again = try await Self.bankDelivery(client, world, order: order, transaction: "txn-0042", amount: 1)
            #expect(again.status == .unprocessableContent)
            // The same transaction with another amount is a line of its own; an amount of zero reports no money.
            let otherAmount = try await Self.bankDelivery(client, world, order: order, transaction: "txn-0042", amount: 2)
            #expect(otherAmount.status == .unprocessableContent)
            let zero = try await Self.bankDelivery(client, world, order: order, transaction: "txn-0045", amount: 0)
            #expect(zero.status == .unprocessableContent && zero.code == "payment.amount_invalid", "\(zero.text)")
            #expect(try await Self.bankAnswer(client, world, order: order, transaction: "txn-0043").status == .ok)
            #expect(try await Self.bankAnswer(client, world, order: order, transaction: "txn-0044").status == .conflict)
            #expect(try await world.store.headPosition() == head + 1)
            let lines = try await client.call(.get, path, token: admin)
            #expect(lines.status == .ok, "\(lines.text)")
            // The last line of each transaction (oldest first).
            let byTransaction = Dictionary(
                lines.array.compactMap { $0 as? [String: Any] }.map { ($0["bankTransactionID"] as? String ?? "", $0) },
                uniquingKeysWith: { _, last in last }
            )
            #expect(Set(byTransaction.keys) == ["txn-0042", "txn-0044"] && lines.array.count == 3, "\(lines.text)")
            let mismatch = try #require(
                lines.array.compactMap { $0 as? [String: Any] }.first {
                    $0["bankTransactionID"] as? String == "txn-0042" && $0["amountFen"] as? Int == 1
                }
            )
            #expect(mismatch["code"] as? String == "payment.amount_mismatch" && mismatch["amountFen"] as? Int == 1)
            #expect(mismatch["deliveries"] as? Int == 2 && mismatch["orderNumber"] as? String == order)
            #expect(mismatch["candidateID"] as? String == cast.candidateA)
            #expect(byTransaction["txn-0044"]?["code"] as? String == "payment.order_already_settled")
            #expect(byTransaction["txn-0044"]?["deliveries"] as? Int == 1)
            for token in [try #require(cast.tokens["owner"]), try #require(cast.tokens["reviewer"])] {
                #expect(try await client.call(.get, path, token: token).status == .forbidden)
            }
            let page = try await PageTests.form(client, .get, "/admin", nil, cookie: try await PageTests.cookie(client, "admin01"))
            #expect(page.text.contains("txn-0042") && page.text.contains("txn-0044") && page.text.contains("0.01元"), "\(page.text)")
        }
    }

    @Test func duplicateBankConfirmationIsOKAndRecordedOnce() async throws {
        let world = try await World()
        try await world.test { client in
            let (cast, base) = try await Self.payable(world, client)
            let owner = try #require(cast.tokens["owner"])
            let started = try await client.call(.post, "\(base)/payments", token: owner)
            let order = try #require(started.id("orderNumber"))

            // Pending until the bank answers; the candidate and an administrator may ask, another candidate may not.
            let pending = try await client.call(.get, "\(base)/payments/\(order)", token: owner)
            #expect(pending.status == .ok, "\(pending.text)")
            #expect(pending.object["status"] as? String == "pending")
            #expect(try await client.call(.get, "\(base)/payments/\(order)", token: cast.tokens["admin"]).status == .ok)
            #expect(try await client.call(.get, "\(base)/payments/\(order)", token: cast.tokens["otherCandidate"]).status == .forbidden)
            #expect(try await client.call(.get, "\(base)/payments/order-unknown", token: owner).status == .notFound)

            // A bad signature appends nothing; an unknown order is 404.
            let body = Self.bankBody(order: order, transaction: "txn-0001")
            let head = try await world.store.headPosition()
            let forged = try await Self.signed(client, "/api/v1/callbacks/bank", body, .bank(secret: "wrong"), at: world.clock.now())
            #expect(forged.status == .unauthorized)
            let unknown = try await Self.bankAnswer(client, world, order: "order-unknown", transaction: "txn-0009")
            #expect(unknown.status == .notFound)
            #expect(try await world.store.headPosition() == head)

            // Late, then twice: 200 both times, one confirmation.
            world.clock.set(World.payment.addingTimeInterval(20 * 60))
            let first = try await Self.signed(client, "/api/v1/callbacks/bank", body, Self.bank, at: world.clock.now())
            #expect(first.status == .ok, "\(first.text)")
            #expect(first.object["events"] as? [String] == ["PaymentConfirmed"])
            let second = try await Self.signed(client, "/api/v1/callbacks/bank", body, Self.bank, at: world.clock.now())
            #expect(second.status == .ok, "\(second.text)")
            #expect(second.object["events"] as? [String] == [])
            let events = try await world.store.readStream(cast.candidateA, fromVersion: 1, toVersion: nil)
            #expect(events.filter { $0.type == "PaymentConfirmed" }.count == 1)
            let paid = try await client.call(.get, "\(base)/payments/\(order)", token: owner)
            #expect(paid.object["status"] as? String == "succeeded")
            #expect(paid.object["paidFen"] as? Int == 60_000)
            #expect((paid.object["bankTransactionIDs"] as? [String]) == ["txn-0001"])

            // Refunds: an administrator's, not the candidate's.
            let refundBody = #"{"amountFen": 60000, "reason": "考生因病无法参加考试"}"#
            let refusal = try await client.call(.post, "\(base)/refunds", token: owner, json: refundBody)
            #expect(refusal.status == .forbidden)
            let refunded = try await client.call(.post, "\(base)/refunds", token: cast.tokens["admin"], json: refundBody)
            #expect(refunded.status == .created, "\(refunded.text)")
            #expect(refunded.object["events"] as? [String] == ["RefundRecorded"])
            #expect(refunded.id("refundID")?.hasPrefix("refund-") == true)
            let after = try await client.call(.get, "\(base)/payments/\(order)", token: owner)
            #expect(after.object["refundedFen"] as? Int == 60_000)
        }
    }

    /// The bank names only the order: its file is found from the log, whoever started the payment. Once through the
    /// service in process (as the demo does: the order claimed in the append), once as a log from before orders were
    /// claimed has it (no claim: the `PaymentStarted` event itself is found). The order used to be remembered beside
    /// the log by the HTTP route alone, so the bank's answer for any other order was refused as unknown.
    @Test func ordersStartedElsewhereAreFoundFromTheLog() async throws {
        let world = try await World()
        try await world.test { client in
            let (cast, _) = try await Self.payable(world, client)
            let owner = Actor(id: cast.candidateA, role: .candidate)
            let start = { @Sendable (order: String) in
                CandidateCommand.startPayment(
                    StartPayment(candidateID: cast.candidateA, applicationID: cast.applicationA, orderNumber: order, amountFen: 60_000)
                )
            }
            try await world.service.execute(start("order-in-process"), candidateId: cast.candidateA, actor: owner, request: .init(channel: "web"))
            #expect(try await world.store.claimHolder(CandidateClaims.orderKey("order-in-process")) == cast.candidateA)
            let claimed = try await Self.bankAnswer(client, world, order: "order-in-process", transaction: "txn-in-process", succeeded: false)
            #expect(claimed.status == .ok && claimed.object["events"] as? [String] == ["PaymentFailed"], "\(claimed.text)")

            // Appended without the claim, as before orders were claimed.
            let season = try await world.service.seasonState()
            try await world.service.candidates.handle(
                streamId: cast.candidateA,
                metadata: world.service.metadata(actor: owner, request: .init(channel: "web")),
                claims: { _, _ in [] }
            ) { ContextualCommand(start("order-unclaimed"), CommandContext(actor: owner, now: world.clock.now(), season: season)) }
            #expect(try await world.store.claimHolder(CandidateClaims.orderKey("order-unclaimed")) == nil)
            let unclaimed = try await Self.bankAnswer(client, world, order: "order-unclaimed", transaction: "txn-unclaimed")
            #expect(unclaimed.status == .ok && unclaimed.object["events"] as? [String] == ["PaymentConfirmed"], "\(unclaimed.text)")
        }
    }

    @Test func failedPaymentThenANewAttempt() async throws {
        let world = try await World()
        try await world.test { client in
            let (cast, base) = try await Self.payable(world, client)
            let owner = try #require(cast.tokens["owner"])
            let first = try #require(try await client.call(.post, "\(base)/payments", token: owner).id("orderNumber"))
            let failed = try await Self.signed(
                client,
                "/api/v1/callbacks/bank",
                Self.bankBody(order: first, transaction: "txn-fail", succeeded: false),
                Self.bank,
                at: world.clock.now()
            )
            #expect(failed.status == .ok, "\(failed.text)")
            #expect(failed.object["events"] as? [String] == ["PaymentFailed"])
            let status = try await client.call(.get, "\(base)/payments/\(first)", token: owner)
            #expect(status.object["status"] as? String == "failed")
            #expect(status.object["failureReason"] as? String == "余额不足")
            // The trail gives the bank's reason in its reason column, as for the other events that record one.
            let auditor = try await client.login("auditor01")
            let trail = try await client.call(.get, "/api/v1/audit/trail?candidate=\(cast.candidateA)&field=applications", token: auditor)
            let failure = trail.array.compactMap { $0 as? [String: Any] }.first { $0["eventType"] as? String == "PaymentFailed" }
            #expect(failure?["reason"] as? String == "余额不足", "\(trail.text)")

            let retry = try await client.call(.post, "\(base)/payments", token: owner)
            #expect(retry.status == .created, "\(retry.text)")
            let second = try #require(retry.id("orderNumber"))
            #expect(second != first)
            let confirmed = try await Self.signed(
                client,
                "/api/v1/callbacks/bank",
                Self.bankBody(order: second, transaction: "txn-ok"),
                Self.bank,
                at: world.clock.now()
            )
            #expect(confirmed.object["events"] as? [String] == ["PaymentConfirmed"])
            let paid = try await client.call(.get, "\(base)/payments/\(second)", token: owner)
            #expect(paid.object["status"] as? String == "succeeded")
        }
    }

    @Test func settingsComeFromTheEnvironment() {
        let settings = CallbackSettings.fromEnvironment(["REGISTRAR_CHSI_SECRET": "c", "REGISTRAR_BANK_SECRET": "", "REGISTRAR_QR_KEY": "q"])
        #expect(settings.chsiSecret == "c")
        #expect(settings.bankSecret == CallbackSettings.developmentBankSecret)
        #expect(settings.qrKey == "q")
    }
}

/// The reviewer's approval over what CHSI's record contradicts: refused without a note (审核意见), recorded with it,
/// and the note is the approval's reason in the audit trail and on the review page.
@Suite struct ApprovalNoteTests {
    @Test func approvalOverAChsiMismatchNeedsANoteThatTheTrailAndThePageKeep() async throws {
        let world = try await World()
        try await world.test { client in
            let (candidate, token, entry, scan) = try await CallbackTests.scanned(world, client)
            let answered = try await CallbackTests.signed(
                client,
                "/api/v1/callbacks/chsi",
                CallbackTests.chsiBody(qr: try #require(scan.id("qr")), school: "中国地质大学(北京)"),
                CallbackTests.chsi,
                at: world.clock.now()
            )
            try #require(answered.status == .ok, "\(answered.text)")
            world.clock.set(World.registration)
            let file = "/api/v1/candidates/\(candidate)"
            let applied = try await client.call(.post, "\(file)/applications", token: token, json: World.application(education: [entry]))
            let application = try #require(applied.id("applicationID"), "\(applied.text)")
            world.clock.set(World.review)
            let reviewer = try await client.login("reviewer01")
            let approve = "\(file)/applications/\(application)/approve"
            let head = try await world.store.headPosition()

            let bare = try await client.call(.post, approve, token: reviewer)
            #expect(bare.status == .unprocessableContent && bare.code == "review.approval_note_required" && bare.field == "note", "\(bare.text)")
            #expect(bare.text.contains("报考学历1：院校、入学不一致"))
            let unknown = try await client.call(.post, approve, token: reviewer, json: #"{"notes": "x"}"#)
            #expect(unknown.status == .badRequest && unknown.code == "request.unknown_field", "\(unknown.text)")
            #expect(try await world.store.headPosition() == head)

            let note = "已核对毕业证书原件，学信网扫码时选错学历，以原件为准"
            let approved = try await client.call(.post, approve, token: reviewer, json: #"{"note": "\#(note)"}"#)
            #expect(approved.status == .ok, "\(approved.text)")
            let auditor = try await client.login("auditor01")
            let trail = try await client.call(.get, "/api/v1/audit/trail?candidate=\(candidate)&field=applications", token: auditor)
            let reasons = trail.array.compactMap { ($0 as? [String: Any])?["reason"] as? String }
            #expect(reasons.contains(note), "\(trail.text)")
            let page = try await PageTests.form(
                client,
                .get,
                "/review/applications/\(application)",
                nil,
                cookie: try await PageTests.cookie(client, "reviewer01")
            )
            #expect(page.text.contains("审核记录") && page.text.contains(note) && page.text.contains("审核员甲"), "\(page.text)")
        }
    }
}
