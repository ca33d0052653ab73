import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import RegistrarApp
import RegistrationDomain
import Synchronization

/// The shared secrets and limits of the outside systems' callbacks (CHSI, the bank).
///
/// The defaults are development values, fine on a laptop and nowhere else: production sets
/// `REGISTRAR_CHSI_SECRET`, `REGISTRAR_BANK_SECRET` and `REGISTRAR_QR_KEY` (or `registrar serve --chsi-secret …
/// --bank-secret … --qr-key …`).
public struct CallbackSettings: Sendable {
    /// The development CHSI secret.
    public static let developmentCHSISecret = "dev-chsi-secret"
    /// The development bank secret.
    public static let developmentBankSecret = "dev-bank-secret"
    /// The development QR key.
    public static let developmentQRKey = "dev-qr-key"

    /// The secret CHSI signs its callbacks with.
    public var chsiSecret: String
    /// The secret the bank signs its callbacks with.
    public var bankSecret: String
    /// The server's own key for the QR payloads (never shared: CHSI only echoes them).
    public var qrKey: String
    /// How long a QR code is accepted after the scan starts.
    public var qrLifetime: TimeInterval
    /// The largest difference between a callback's timestamp and the server's clock.
    public var maximumSkew: TimeInterval

    /// Creates the settings.
    public init(
        chsiSecret: String = CallbackSettings.developmentCHSISecret,
        bankSecret: String = CallbackSettings.developmentBankSecret,
        qrKey: String = CallbackSettings.developmentQRKey,
        qrLifetime: TimeInterval = 10 * 60,
        maximumSkew: TimeInterval = 5 * 60
    ) {
        self.chsiSecret = chsiSecret
        self.bankSecret = bankSecret
        self.qrKey = qrKey
        self.qrLifetime = qrLifetime
        self.maximumSkew = maximumSkew
    }

    /// The development defaults overridden by `REGISTRAR_CHSI_SECRET`, `REGISTRAR_BANK_SECRET` and
    /// `REGISTRAR_QR_KEY` when they are set and not empty.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> CallbackSettings {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var settings = CallbackSettings()
        if let secret = value("REGISTRAR_CHSI_SECRET") { settings.chsiSecret = secret }
        if let secret = value("REGISTRAR_BANK_SECRET") { settings.bankSecret = secret }
        if let key = value("REGISTRAR_QR_KEY") { settings.qrKey = key }
        return settings
    }

    /// The settings still at their published development values (the environment variable of each): anyone who
    /// read the README can sign a bank confirmation with them.
    public var developmentValuesInUse: [String] {
        [
            ("REGISTRAR_CHSI_SECRET", chsiSecret == Self.developmentCHSISecret),
            ("REGISTRAR_BANK_SECRET", bankSecret == Self.developmentBankSecret), ("REGISTRAR_QR_KEY", qrKey == Self.developmentQRKey),
        ]
        .filter(\.1).map(\.0)
    }
}

/// What the callbacks remember outside the event log: the nonces seen, until they expire. Whose an order or a scan
/// is comes from the log (`RegistrarService.paymentOrder`, `chsiScan`); the `callback_orders` and `callback_scans`
/// tables that remembered them beside the log, and missed what was started outside the HTTP routes, are dropped. In tables of the log's SQLite file (so they survive a restart), or in memory when the
/// store is not SQLite.
final class CallbackLedger: Sendable {
    private let writer: (any DatabaseWriter)?
    private let memory = Mutex(Memory())

    private struct Memory {
        var nonces: [String: Double] = [:]
        var refusedConfirmations: [RefusedBankConfirmation] = []
    }

    init(writer: (any DatabaseWriter)?) {
        self.writer = writer
        try? writer?.write { db in try Self.migrate(db) }
    }

    static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS callback_nonces (
                    source TEXT NOT NULL, nonce TEXT NOT NULL, expires_at REAL NOT NULL, PRIMARY KEY (source, nonce)
                ) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS callback_nonces_expiry ON callback_nonces (expires_at);
                CREATE TABLE IF NOT EXISTS bank_refused_confirmations (
                    bank_transaction_id TEXT NOT NULL, order_number TEXT NOT NULL, code TEXT NOT NULL,
                    candidate_id TEXT NOT NULL, application_id TEXT NOT NULL, amount_fen INTEGER NOT NULL,
                    message TEXT NOT NULL, first_received_at TEXT NOT NULL, last_received_at TEXT NOT NULL,
                    deliveries INTEGER NOT NULL, PRIMARY KEY (bank_transaction_id, order_number, code, amount_fen)
                ) WITHOUT ROWID;
                DROP TABLE IF EXISTS callback_scans;
                DROP TABLE IF EXISTS callback_orders;
                """
        )
    }

    /// Records a nonce of `source`; false when it was seen and has not expired. Expired nonces are forgotten.
    func use(nonce: String, source: String, expiresAt: Date, now: Date) async throws -> Bool {
        let key = "\(source)/\(nonce)"
        let (until, at) = (expiresAt.timeIntervalSince1970, now.timeIntervalSince1970)
        guard let writer else {
            return memory.withLock { memory in
                memory.nonces = memory.nonces.filter { $0.value >= at }
                guard memory.nonces[key] == nil else { return false }
                memory.nonces[key] = until
                return true
            }
        }
        return try await writer.write { db in
            try db.execute(sql: "DELETE FROM callback_nonces WHERE expires_at < ?", arguments: [at])
            try db.execute(
                sql: "INSERT OR IGNORE INTO callback_nonces (source, nonce, expires_at) VALUES (?, ?, ?)",
                arguments: [source, nonce, until]
            )
            return db.changesCount == 1
        }
    }

    /// Keeps a bank confirmation of money that the log refused (another amount than the order's, a second
    /// transaction on a settled order), so that an administrator reconciles it with the bank's statement: the log
    /// appends nothing for a refusal, and the money may still have moved. A delivery of the same transaction again
    /// counts, it does not add a line.
    func recordRefused(_ confirmation: RefusedBankConfirmation) async throws {
        guard let writer else {
            memory.withLock { memory in
                if let index = memory.refusedConfirmations.firstIndex(where: { $0.sameRefusal(as: confirmation) }) {
                    memory.refusedConfirmations[index].lastReceivedAt = confirmation.lastReceivedAt
                    memory.refusedConfirmations[index].deliveries += 1
                } else {
                    memory.refusedConfirmations.append(confirmation)
                }
            }
            return
        }
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO bank_refused_confirmations (bank_transaction_id, order_number, code, candidate_id, application_id,
                        amount_fen, message, first_received_at, last_received_at, deliveries)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                    ON CONFLICT (bank_transaction_id, order_number, code, amount_fen)
                    DO UPDATE SET last_received_at = excluded.last_received_at, deliveries = deliveries + 1
                    """,
                arguments: [
                    confirmation.bankTransactionID, confirmation.orderNumber, confirmation.code, confirmation.candidateID,
                    confirmation.applicationID, confirmation.amountFen, confirmation.message, confirmation.firstReceivedAt,
                    confirmation.lastReceivedAt,
                ]
            )
        }
    }

    /// Every refused confirmation of money, oldest first.
    func refusedConfirmations() async throws -> [RefusedBankConfirmation] {
        guard let writer else { return memory.withLock { $0.refusedConfirmations } }
        return try writer.readNow { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT bank_transaction_id, order_number, code, candidate_id, application_id, amount_fen, message,
                        first_received_at, last_received_at, deliveries
                    FROM bank_refused_confirmations ORDER BY first_received_at, bank_transaction_id
                    """
            ).map { row in
                RefusedBankConfirmation(
                    bankTransactionID: row[0],
                    orderNumber: row[1],
                    code: row[2],
                    candidateID: row[3],
                    applicationID: row[4],
                    amountFen: row[5],
                    message: row[6],
                    firstReceivedAt: row[7],
                    lastReceivedAt: row[8],
                    deliveries: row[9]
                )
            }
        }
    }

}

/// A bank confirmation of money that the log refused, kept for reconciliation (`GET /api/v1/admin/payments/refused-confirmations`).
struct RefusedBankConfirmation: Codable, Sendable, Equatable {
    var bankTransactionID: String
    var orderNumber: String
    /// The rejection's code: `payment.amount_mismatch`, `payment.order_already_settled`, …
    var code: String
    var candidateID: String
    var applicationID: String
    /// What the bank says it took.
    var amountFen: Int
    /// The rejection's message.
    var message: String
    var firstReceivedAt: String
    var lastReceivedAt: String
    /// How many times the bank delivered it.
    var deliveries: Int

    /// The same delivery again: the same transaction, order, refusal and amount (another amount is another line).
    func sameRefusal(as other: RefusedBankConfirmation) -> Bool {
        (bankTransactionID, orderNumber, code, amountFen) == (other.bankTransactionID, other.orderNumber, other.code, other.amountFen)
    }
}

// MARK: - Bodies

/// CHSI's callback: the QR payload it scanned (or, from the simulator, the scan id) and the record.
struct ChsiCallbackBody: Codable, Sendable {
    var qr: String?
    var scanID: String?
    var record: ChsiRecord
}

/// The bank's callback for one of our orders.
struct BankCallbackBody: Codable, Sendable {
    var orderNumber: String
    var bankTransactionID: String
    var succeeded: Bool
    var amountFen: Int
    var failureReason: String?
}

/// An administrator's refund.
struct RefundBody: Codable, Sendable {
    var amountFen: Int
    var reason: String
}

/// A payment's status, as the candidate or an administrator sees it.
struct PaymentStatusReply: Codable, Sendable {
    var orderNumber: String
    var applicationID: String
    var amountFen: Int
    /// `pending`, `failed` or `succeeded`.
    var status: String
    var startedAt: String
    var confirmedAt: String?
    var failureReason: String?
    var bankTransactionIDs: [String]
    var paidFen: Int
    var refundedFen: Int
    /// Paid beyond the fee and not yet refunded (the bank confirmed a second order).
    var excessFen: Int
}

// MARK: - Verification

extension RegistrarAPI {
    /// The body of a signed callback, once its signature and timestamp are checked (401 otherwise), and its nonce
    /// and timestamp. The nonce is not consumed here: see ``consume(nonce:source:timestamp:)``.
    func verifiedCallback(
        _ request: Request,
        _ signature: CallbackSignature
    ) async throws -> (body: ByteBuffer, nonce: String, timestamp: Int64) {
        let buffer = try await StrictJSON.collect(request, limit: configuration.maximumBodyBytes)
        try request.requireJSONContentType(bodyBytes: buffer.readableBytes)
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { request.headers[$0] } }
        // Each header named by itself: a client told that the signature is missing when its timestamp is malformed
        // looks for the fault in the wrong place.
        for name in [signature.timestampHeader, signature.nonceHeader, signature.signatureHeader] where header(name) == nil {
            throw APIError(.unauthorized, code: "callback.unsigned", field: name, message: "回调缺少请求头\(name)（签名、时间戳和随机数都须提供）")
        }
        guard let timestampText = header(signature.timestampHeader), let timestamp = Int64(timestampText) else {
            throw APIError(
                .unauthorized,
                code: "callback.malformed_timestamp",
                field: signature.timestampHeader,
                message: "回调时间戳格式无效：\(signature.timestampHeader)须为Unix时间的整数秒（如1767225600）"
            )
        }
        guard let nonce = header(signature.nonceHeader), nonce.utf8.count >= 8, Header.token(nonce) != nil else {
            throw APIError(
                .unauthorized,
                code: "callback.malformed_nonce",
                field: signature.nonceHeader,
                message: "回调随机数格式无效：\(signature.nonceHeader)须为8到128个可见ASCII字符"
            )
        }
        guard let mac = header(signature.signatureHeader) else {
            throw APIError(.unauthorized, code: "callback.unsigned", field: signature.signatureHeader, message: "回调缺少签名")
        }
        let body = Data(buffer.readableBytesView)
        guard signature.verify(signature: mac, timestamp: timestampText, nonce: nonce, body: body) else {
            throw APIError(.unauthorized, code: "callback.bad_signature", field: signature.signatureHeader, message: "回调签名无效")
        }
        let now = service.clock.now().timeIntervalSince1970
        guard abs(now - Double(timestamp)) <= configuration.callbacks.maximumSkew else {
            throw APIError(.unauthorized, code: "callback.stale_timestamp", field: signature.timestampHeader, message: "回调时间戳超出允许范围")
        }
        return (buffer, nonce, timestamp)
    }

    /// Consumes a callback's nonce; 409 naming the nonce's header when it was used.
    func consume(nonce: String, source: String, header: String, timestamp: Int64) async throws {
        let skew = configuration.callbacks.maximumSkew
        let fresh = try await callbackLedger.use(
            nonce: nonce,
            source: source,
            expiresAt: Date(timeIntervalSince1970: Double(timestamp) + skew + 60),
            now: service.clock.now()
        )
        guard fresh else {
            throw APIError(.conflict, code: "callback.replayed_nonce", field: header, message: "回调随机数\(header)已使用（重放请求）")
        }
    }

    /// The QR payload of a new scan.
    func issueQRCode(scanID: String, candidateID: String, entryID: String) async throws -> (payload: String, expiresAt: Date) {
        let expiresAt = service.clock.now().addingTimeInterval(configuration.callbacks.qrLifetime)
        let code = ChsiQRCode(
            scanID: scanID,
            candidateID: candidateID,
            entryID: entryID,
            expiresAt: Int64(expiresAt.timeIntervalSince1970.rounded(.down))
        )
        return (code.payload(key: configuration.callbacks.qrKey), Date(timeIntervalSince1970: Double(code.expiresAt)))
    }

    /// The request context of an outside system's command.
    func systemRequestContext(_ request: Request, _ context: RegistrarRequestContext, channel: String) throws -> RegistrarApp.RequestContext {
        try requestContext(request, context, scope: channel, channel: channel)
    }
}

// MARK: - Routes

extension Routes {
    mutating func addCallbacks() {
        let api = self.api
        let limit = self.limit
        let file = "/api/v1/candidates/{candidateID}"

        // CHSI's answer to a scan: signed, fresh, the QR unexpired, the nonce new; then the scan's result.
        open(.post, "/api/v1/callbacks/chsi") { request, context in
            let signature = CallbackSignature.chsi(secret: api.configuration.callbacks.chsiSecret)
            let (buffer, nonce, timestamp) = try await api.verifiedCallback(request, signature)
            let body = try StrictJSON.decode(ChsiCallbackBody.self, from: buffer)
            let payload: String
            // The field the client sent: a QR code made again from a scan id is the scan id's fault.
            let sent = body.qr == nil ? "scanID" : "qr"
            switch (body.qr, body.scanID) {
            case (let qr?, nil):
                payload = qr
            case (nil, let scanID?):
                // The QR code of the scan, made again from its event: the one issued expired `qrLifetime` after
                // the scan started too.
                guard RegistrarRequestContext.isValidID(scanID), let started = try await api.service.chsiScan(scanID),
                    let startedAt = Instant.date(from: started.startedAt)
                else {
                    throw APIError.notFound("chsi.unknown_scan", field: "scanID", message: "没有找到对应的学信网扫码请求")
                }
                let expiresAt = startedAt.addingTimeInterval(api.configuration.callbacks.qrLifetime).timeIntervalSince1970.rounded(.down)
                payload = ChsiQRCode(scanID: scanID, candidateID: started.candidateID, entryID: started.entryID, expiresAt: Int64(expiresAt))
                    .payload(key: api.configuration.callbacks.qrKey)
            default:
                throw APIError.badRequest("invalid_value", field: "qr", message: "须提供二维码内容qr或验证编号scanID之一")
            }
            guard let code = ChsiQRCode.parse(payload, key: api.configuration.callbacks.qrKey) else {
                throw APIError(.unauthorized, code: "chsi.bad_qr", field: sent, message: "二维码内容无效")
            }
            guard Double(code.expiresAt) >= api.service.clock.now().timeIntervalSince1970 else {
                throw APIError(.gone, code: "chsi.qr_expired", field: sent, message: "二维码已过期，请重新扫码验证")
            }
            try await api.consume(nonce: nonce, source: "chsi", header: signature.nonceHeader, timestamp: timestamp)
            let command = CandidateCommand.recordChsiResult(
                RecordChsiResult(candidateID: code.candidateID, entryID: code.entryID, scanID: code.scanID, record: body.record)
            )
            let requestContext = try api.systemRequestContext(request, context, channel: "chsi")
            return try await api.commandReply(
                try await api.counted {
                    try await api.service.execute(
                        command,
                        candidateId: code.candidateID,
                        actor: .chsi,
                        request: requestContext
                    )
                }
            )
        }

        // The bank's answer for an order: signed, fresh, the nonce new. A transaction already recorded answers 200
        // and appends nothing.
        open(.post, "/api/v1/callbacks/bank") { request, context in
            let signature = CallbackSignature.bank(secret: api.configuration.callbacks.bankSecret)
            let (buffer, nonce, timestamp) = try await api.verifiedCallback(request, signature)
            let body = try StrictJSON.decode(BankCallbackBody.self, from: buffer)
            guard RegistrarRequestContext.isValidID(body.orderNumber), let order = try await api.service.paymentOrder(body.orderNumber) else {
                throw APIError.notFound("payment.unknown_order", field: "orderNumber", message: "订单号\(Reject.excerpt(body.orderNumber))不存在")
            }
            try await api.consume(nonce: nonce, source: "bank", header: signature.nonceHeader, timestamp: timestamp)
            let command = CandidateCommand.recordBankResult(
                RecordBankResult(
                    candidateID: order.candidateID,
                    applicationID: order.applicationID,
                    orderNumber: body.orderNumber,
                    bankTransactionID: body.bankTransactionID,
                    succeeded: body.succeeded,
                    amountFen: body.amountFen,
                    failureReason: body.failureReason
                )
            )
            let requestContext = try api.systemRequestContext(request, context, channel: "bank")
            do {
                return try await api.commandReply(
                    try await api.counted {
                        try await api.service.execute(
                            command,
                            candidateId: order.candidateID,
                            actor: .bank,
                            request: requestContext
                        )
                    }
                )
            } catch CommandError.rejected(let rejection) {
                // A confirmation that cannot be recorded (another amount than the order's, a second transaction on a
                // settled order) may still mean money moved: one warning line for reconciliation with the bank's
                // statement. Order and transaction numbers and amounts only, no personal data.
                context.logger.warning(
                    "bank callback refused",
                    metadata: [
                        "code": "\(rejection.code)", "order": "\(body.orderNumber)", "bank_transaction": "\(body.bankTransactionID)",
                        "succeeded": "\(body.succeeded)", "amount_fen": "\(body.amountFen)",
                    ]
                )
                // Money reported taken: a positive amount (zero or less is no payment, and is refused as such).
                if body.succeeded && body.amountFen > 0 && !body.bankTransactionID.allSatisfy(\.isWhitespace) {
                    let receivedAt = Instant.string(from: api.configuration.service.clock.now())
                    try await api.callbackLedger.recordRefused(
                        RefusedBankConfirmation(
                            bankTransactionID: body.bankTransactionID,
                            orderNumber: body.orderNumber,
                            code: rejection.code,
                            candidateID: order.candidateID,
                            applicationID: order.applicationID,
                            amountFen: body.amountFen,
                            message: rejection.message,
                            firstReceivedAt: receivedAt,
                            lastReceivedAt: receivedAt,
                            deliveries: 1
                        )
                    )
                }
                throw CommandError.rejected(rejection)
            }
        }

        // A payment's status: pending until the bank answers (which may never happen).
        authenticated(.get, "\(file)/applications/{applicationID}/payments/{orderNumber}") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let applicationID = try context.id("applicationID")
            let orderNumber = try context.id("orderNumber")
            if principal.actor.role != .admin {
                try await api.authorizeRead(principal.actor, candidateID: candidateID) { try await api.registeredState(candidateID) }
            }
            guard let state = try await api.registeredState(candidateID), let application = state.applications[applicationID],
                let payment = application.payments.last(where: { $0.orderNumber == orderNumber })
            else {
                throw APIError.notFound("payment.unknown_order", field: "orderNumber", message: "订单号\(orderNumber)不存在")
            }
            return try api.json(
                PaymentStatusReply(
                    orderNumber: payment.orderNumber,
                    applicationID: applicationID,
                    amountFen: payment.amountFen,
                    status: payment.outcome.rawValue,
                    startedAt: payment.startedAt,
                    confirmedAt: payment.confirmedAt,
                    failureReason: payment.failureReason,
                    bankTransactionIDs: payment.bankTransactionIDs,
                    paidFen: application.paidFen,
                    refundedFen: application.refundedFen,
                    excessFen: application.excessFen
                )
            )
        }

        // 退费: an administrator records a refund under the area's policy.
        authenticated(.post, "\(file)/applications/{applicationID}/refunds") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let applicationID = try context.id("applicationID")
            let body = try await request.strictBody(RefundBody.self, limit: limit)
            let refundID = try api.newID("refund", request, scope: principal.actor.id)
            let command = CandidateCommand.recordRefund(
                RecordRefund(
                    candidateID: candidateID,
                    applicationID: applicationID,
                    refundID: refundID,
                    amountFen: body.amountFen,
                    reason: body.reason
                )
            )
            return try await api.commandReply(
                try await api.run(command, as: principal.actor, request, context, reason: body.reason),
                created: true,
                ids: ["refundID": refundID]
            )
        }
    }
}
