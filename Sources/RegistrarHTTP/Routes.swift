import EventLog
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Projections
import RegistrarApp
import RegistrationDomain

/// Registers the routes and keeps the list of them.
struct Routes {
    typealias Handler = @Sendable (Request, RegistrarRequestContext) async throws -> Response
    typealias AuthenticatedHandler = @Sendable (Request, RegistrarRequestContext, Principal) async throws -> Response

    let router: Router<RegistrarRequestContext>
    let api: RegistrarAPI
    private(set) var entries: [RouteEntry] = []
    /// The HTML pages and the event stream (not in the OpenAPI document).
    var pageEntries: [RouteEntry] = []

    init(router: Router<RegistrarRequestContext>, api: RegistrarAPI) {
        self.router = router
        self.api = api
    }

    /// A route anyone may call.
    mutating func open(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        entries.append(RouteEntry(method: method.rawValue, path: path))
        router.on(RouterPath(path), method: method, use: handler)
    }

    /// A route that needs a bearer token; the handler gets the caller.
    mutating func authenticated(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping AuthenticatedHandler) {
        let api = self.api
        let passwordChangeAllowed = Self.routesOfAPendingPasswordChange.contains("\(method.rawValue) \(path)")
        open(method, path) { request, context in
            try await handler(request, context, try await api.principal(request, passwordChangeAllowed: passwordChangeAllowed))
        }
    }

    /// What a session that must replace its password may do: replace it, log out, ask who it is.
    static let routesOfAPendingPasswordChange: Set<String> = [
        "PUT /api/v1/admin/staff/{staffID}/password", "PUT /api/v1/candidates/{candidateID}/password",
        "DELETE /api/v1/sessions/current", "GET /api/v1/me",
    ]

    var limit: Int { api.configuration.maximumBodyBytes }
}

// MARK: - Operations

extension Routes {
    mutating func addOperations() {
        let api = self.api
        open(.get, "/health") { _, _ in
            let head = try await api.service.store.headPosition()
            // Kept from the first append that found the log changed until the server is restarted: every append
            // since has been refused, whatever the log looks like now.
            if let store = api.service.store as? SQLiteEventStore, let failure = store.integrityFailure {
                let problem = "\(failure); appends are refused: stop the server and run `registrar verify --db \(store.path)`"
                return try api.json(Health(status: "log_integrity_failure", headPosition: head, problem: problem), status: .serviceUnavailable)
            }
            return try api.json(Health(status: "ok", headPosition: head))
        }
        open(.get, "/metrics") { _, _ in
            let head = try await api.service.store.headPosition()
            let checkpoints = try await api.projectionCheckpoints()
            return api.text(
                api.metrics.render(
                    headPosition: head,
                    checkpoints: checkpoints,
                    replies: api.replies,
                    skippedSnapshots: [
                        "not_decompressed": (api.service.store as? SQLiteEventStore)?.snapshotsNotDecompressed ?? 0,
                        "not_usable": api.service.candidates.snapshotsSkipped + api.service.seasons.snapshotsSkipped
                            + api.service.staff.snapshotsSkipped,
                    ]
                ),
                contentType: "text/plain; version=0.0.4; charset=utf-8"
            )
        }
        open(.get, "/openapi.json") { _, _ in
            api.text(OpenAPIDocument.json, contentType: "application/json; charset=utf-8")
        }
    }
}

struct Health: Codable, Sendable {
    /// `ok`, or `log_integrity_failure` (with HTTP 503) once an append found the log changed behind the store's back.
    var status: String
    var headPosition: Int64
    /// What was found and what to run, when the status is not `ok`.
    var problem: String?
}

extension RegistrarAPI {
    /// The read models' checkpoints (empty when they are not installed).
    func projectionCheckpoints() async throws -> [String: Int64] {
        guard let reader else { return [:] }
        return try reader.readNow { db in
            guard try db.tableExists("projection_checkpoints") else { return [:] }
            var out = [String: Int64]()
            // A read model being filled (version -1) counts as at 0 until its fill ends.
            let sql = "SELECT name, CASE WHEN version < 0 THEN 0 ELSE position END AS position FROM projection_checkpoints"
            for row in try Row.fetchAll(db, sql: sql) {
                out[row["name"]] = row["position"]
            }
            return out
        }
    }
}

// MARK: - Accounts and sessions

struct SessionReply: Codable, Sendable {
    var token: String
    var tokenType: String
    var expiresAt: String
    var subjectID: String
    var role: String
    var areaCode: String?
    var siteCodes: [String]
    /// The password must be replaced before anything else (`auth.password_change_required` until then).
    var passwordChangeRequired: Bool
}

struct RegistrationReply: Codable, Sendable {
    var candidateID: String
    var username: String
    var version: Int
    var replayed: Bool
}

extension Routes {
    mutating func addAccounts() {
        let api = self.api
        let limit = self.limit

        // 注册. Public; a retried request with the same Idempotency-Key and username returns the same file.
        open(.post, "/api/v1/candidates") { request, context in
            let body = try await request.strictBody(RegistrationBody.self, limit: limit)
            let scope = "register:\(body.username.lowercased())"
            let candidateID = try api.newID("candidate", request, scope: scope)
            let requestContext = try api.requestContext(request, context, scope: scope, channel: "web")
            // A registration refused because the person or the username is registered tells whether they are: it
            // counts against the client as a failed log-in does, so that neither can be listed without limit. One
            // that succeeds counts against the client's hourly share of registrations.
            let outcome: CommandOutcome<CandidateEvent> = try await api.checkingRegistrations(request, context) {
                let outcome = try await api.checkingClient(request, context, field: "idNumber") { attempt in
                    do {
                        return try await api.counted {
                            try await api.service.execute(
                                .register(body.command(candidateID: candidateID)),
                                candidateId: candidateID,
                                actor: .candidate(candidateID),
                                request: requestContext
                            )
                        }
                    } catch CommandError.rejected(let rejection) where rejection.code == DecisionCode.registrationPersonAlreadyRegistered.rawValue {
                        // Whether a name goes with a registered number is what password recovery locks after five wrong
                        // names: the same count, under the same key, applies here, or registration would be the way
                        // around the lock. A wrong name counts as a failure; while the number is locked no account is named.
                        attempt.fail()
                        let throttleKey = "recovery:" + RegistrarService.recoveryIDNumber(body.idNumber)
                        if rejection == CandidateClaims.documentAlreadyRegistered {
                            _ = await api.throttle.fail(throttleKey)
                        } else if await api.throttle.retryAfter(throttleKey) != nil {
                            throw CommandError.rejected(CandidateClaims.documentAlreadyRegistered)
                        }
                        throw CommandError.rejected(rejection)
                    } catch CommandError.rejected(let rejection) where rejection.code == DecisionCode.registrationUsernameTaken.rawValue {
                        attempt.fail()
                        throw CommandError.rejected(rejection)
                    }
                }
                // A retry answered from the log registered nothing new.
                return (outcome, counts: !outcome.events.isEmpty)
            }
            let replayed = outcome.events.isEmpty && outcome.append != nil
            let storedID = outcome.append?.streamId ?? candidateID
            var headers = HTTPFields()
            if replayed { headers[Header.idempotentReplayed] = "true" }
            return try api.json(
                RegistrationReply(candidateID: storedID, username: body.username, version: outcome.streamVersion, replayed: replayed),
                status: .created,
                headers: headers
            )
        }

        // 登录: username and password for an expiring bearer token. Locked for a while after repeated failures.
        open(.post, "/api/v1/sessions") { request, context in
            let body = try await request.strictBody(LoginBody.self, limit: limit)
            let (token, session, actor) = try await api.openSession(
                username: body.username,
                password: body.password,
                request: request,
                context: context
            )
            let subject = session.subjectId
            return try api.json(
                SessionReply(
                    token: token,
                    tokenType: "Bearer",
                    expiresAt: Instant.string(from: session.expiresAt),
                    subjectID: subject,
                    role: actor.role.rawValue,
                    areaCode: actor.areaCode,
                    siteCodes: actor.siteCodes,
                    passwordChangeRequired: session.passwordChangeRequired
                ),
                status: .created
            )
        }

        // 退出登录.
        authenticated(.delete, "/api/v1/sessions/current") { _, _, principal in
            api.sessions.revoke(principal.token)
            return Response(status: .noContent)
        }

        // Who the token stands for.
        authenticated(.get, "/api/v1/me") { _, _, principal in
            try api.json(
                Me(
                    subjectID: principal.actor.id,
                    role: principal.actor.role.rawValue,
                    areaCode: principal.actor.areaCode,
                    siteCodes: principal.actor.siteCodes,
                    expiresAt: Instant.string(from: principal.expiresAt),
                    passwordChangeRequired: principal.passwordChangeRequired
                )
            )
        }

        // 修改密码: the candidate, with the current password. Every other session of the account ends.
        authenticated(.put, "/api/v1/candidates/{candidateID}/password") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let body = try await request.strictBody(PasswordChangeBody.self, limit: limit)
            let outcome = try await api.checkingCurrentPassword(body.currentPassword, of: candidateID) {
                try await api.service.changePassword(
                    candidateId: candidateID,
                    currentPassword: body.currentPassword,
                    newPassword: body.newPassword,
                    actor: principal.actor,
                    request: try api.requestContext(request, context, scope: principal.actor.id, channel: api.channel(for: principal.actor))
                )
            }
            api.sessions.revokeAll(of: candidateID, keeping: principal.token)
            api.sessions.passwordChanged(principal.token)
            return try await api.commandReply(outcome)
        }

        // 密码找回设置: a new recovery question and answer, with the current password.
        authenticated(.put, "/api/v1/candidates/{candidateID}/recovery-question") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let body = try await request.strictBody(RecoveryQuestionChangeBody.self, limit: limit)
            let outcome = try await api.checkingCurrentPassword(body.currentPassword, of: candidateID) {
                try await api.service.changeRecoveryQuestion(
                    candidateId: candidateID,
                    currentPassword: body.currentPassword,
                    question: body.recoveryQuestion,
                    answer: body.recoveryAnswer,
                    actor: principal.actor,
                    request: try api.requestContext(request, context, scope: principal.actor.id, channel: api.channel(for: principal.actor))
                )
            }
            return try await api.commandReply(outcome)
        }

        // 找回密码, step 1: the recovery question of the account with this ID type, ID number and name. Public.
        open(.post, "/api/v1/password-recovery/question") { request, context in
            let body = try await request.strictBody(RecoveryLookupBody.self, limit: limit)
            return try api.json(RecoveryQuestionReply(recoveryQuestion: try await api.recoveryQuestion(body, request, context)))
        }

        // 找回密码, step 2: the recovery answer and a new password. Public; locked for a while after repeated wrong
        // answers, or names that do not match, for the same ID number. Returns the username, which may have been forgotten too.
        open(.post, "/api/v1/password-recovery") { request, context in
            let body = try await request.strictBody(RecoveryBody.self, limit: limit)
            return try api.json(try await api.recoverPassword(body, request, context))
        }

        // 密码重置 by staff when the candidate forgot both the password and the recovery answer: a reviewer of one of
        // the candidate's sites (on site, with the candidate's identity documents) or an administrator, with a reason.
        authenticated(.post, "/api/v1/candidates/{candidateID}/password-reset") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let body = try await request.strictBody(PasswordResetBody.self, limit: limit)
            let command = CandidateCommand.changePassword(
                ChangePassword(candidateID: candidateID, newPassword: body.newPassword, method: .staff, reason: body.reason)
            )
            let outcome = try await api.run(command, as: principal.actor, request, context, reason: body.reason)
            api.sessions.revokeAll(of: candidateID)
            return try await api.commandReply(outcome)
        }

        // The season as published: calendar, photo limit, exams, areas and sites. Public (no personal data).
        open(.get, "/api/v1/season") { _, _ in
            let season = try await api.service.seasonState()
            let now = api.service.clock.now()
            return try api.json(SeasonView(season, phase: season.phase(at: now)))
        }
    }
}

struct RecoveryQuestionReply: Codable, Sendable {
    var recoveryQuestion: String
}

extension RegistrarAPI {
    /// 找回密码, step 1, for the API and the page: the recovery question of the account with this ID type, ID number and
    /// name. Throttled by client and by ID number: names tried against one number count as failures, so that the answer
    /// does not become a way to find out whose number it is.
    func recoveryQuestion(_ body: RecoveryLookupBody, _ request: Request, _ context: RegistrarRequestContext) async throws -> String {
        try await checkingClient(request, context, field: "idNumber") { attempt in
            let throttleKey = "recovery:" + RegistrarService.recoveryIDNumber(body.idNumber)
            if let wait = await throttle.retryAfter(throttleKey) { throw APIError.recoveryLockedOut(seconds: wait, field: "idNumber") }
            guard body.idNumber.count <= 64, body.name.count <= 64, body.idType.count <= 32,
                let account = try await service.recoveryAccount(idType: body.idType, idNumber: body.idNumber, name: body.name)
            else {
                attempt.fail()
                if let wait = await throttle.fail(throttleKey) { throw APIError.recoveryLockedOut(seconds: wait, field: "idNumber") }
                throw APIError.recoveryAccountNotFound
            }
            return account.question
        }
    }

    /// 找回密码, step 2, for the API and the page: the recovery answer and a new password; ends every session of the
    /// account and returns its username.
    func recoverPassword(_ body: RecoveryBody, _ request: Request, _ context: RegistrarRequestContext) async throws -> RecoveryReply {
        try await checkingClient(request, context, field: "idNumber") { attempt in
            let throttleKey = "recovery:" + RegistrarService.recoveryIDNumber(body.idNumber)
            if let wait = await throttle.retryAfter(throttleKey) { throw APIError.recoveryLockedOut(seconds: wait) }
            guard body.idNumber.count <= 64, body.name.count <= 64, body.idType.count <= 32, body.recoveryAnswer.count <= 128 else {
                attempt.fail()
                if let wait = await throttle.fail(throttleKey) { throw APIError.recoveryLockedOut(seconds: wait) }
                throw APIError.recoveryAccountNotFound
            }
            let requestContext = try self.requestContext(request, context, scope: throttleKey, channel: "web")
            do {
                let recovered = try await service.recoverPassword(
                    idType: body.idType,
                    idNumber: body.idNumber,
                    name: body.name,
                    recoveryAnswer: body.recoveryAnswer,
                    newPassword: body.newPassword,
                    request: requestContext
                )
                await throttle.succeed(throttleKey)
                if !recovered.outcome.events.isEmpty { sessions.revokeAll(of: recovered.candidateId) }
                return RecoveryReply(
                    username: recovered.username,
                    version: recovered.outcome.streamVersion,
                    replayed: recovered.outcome.events.isEmpty
                )
            } catch CommandError.rejected(let rejection) where ["account.wrong_recovery_answer", "account.not_found"].contains(rejection.code) {
                attempt.fail()
                if let wait = await throttle.fail(throttleKey) { throw APIError.recoveryLockedOut(seconds: wait) }
                throw CommandError.rejected(rejection)
            }
        }
    }
}

/// A staff account as the administrator reads it: the account, its log-in name, and whether its holder still has to
/// replace a password someone else typed.
struct StaffAccountReply: Codable, Sendable {
    var staffID: String?
    var role: String
    var displayName: String
    var areaCode: String?
    var siteCodes: [String]
    var active: Bool
    var username: String?
    var passwordChangeRequired: Bool?
}

struct RecoveryReply: Codable, Sendable {
    var username: String
    var version: Int
    var replayed: Bool
}

struct Me: Codable, Sendable {
    var subjectID: String
    var role: String
    var areaCode: String?
    var siteCodes: [String]
    var expiresAt: String
    var passwordChangeRequired: Bool
}

struct SeasonView: Codable, Sendable {
    var seasonID: String?
    var title: String
    var phase: String
    var calendar: SeasonCalendar?
    var photoLimitBytes: Int
    var exams: [Exam]
    var areas: [ExamArea]
    var sites: [ExamSite]

    init(_ season: SeasonState, phase: SeasonPhase) {
        seasonID = season.seasonID
        title = season.title
        self.phase = phase.rawValue
        calendar = season.calendar
        photoLimitBytes = season.photoLimitBytes
        exams = season.exams.values.sorted { $0.code < $1.code }
        areas = season.areas.values.sorted { $0.code < $1.code }
        sites = season.sites.values.sorted { $0.code < $1.code }
    }
}

extension RegistrarAPI {
    /// Runs an account change that checks the candidate's current password. A stolen token must not make the
    /// password guessable: five wrong ones lock the candidate's changes for a while (counted per candidate).
    func checkingCurrentPassword<Event: Sendable>(
        _ currentPassword: String,
        of candidateID: String,
        _ change: () async throws -> CommandOutcome<Event>
    ) async throws -> CommandOutcome<Event> {
        guard currentPassword.count <= 128 else {
            throw APIError(.unprocessableContent, code: "account.wrong_password", field: "currentPassword", message: "原密码错误")
        }
        let throttleKey = "password:" + candidateID
        if let wait = await throttle.retryAfter(throttleKey) { throw APIError.passwordLockedOut(seconds: wait) }
        do {
            let outcome = try await counted(change)
            await throttle.succeed(throttleKey)
            return outcome
        } catch CommandError.rejected(let rejection) where rejection.code == "account.wrong_password" {
            if let wait = await throttle.fail(throttleKey) { throw APIError.passwordLockedOut(seconds: wait) }
            throw CommandError.rejected(rejection)
        }
    }
}

extension APIError {
    /// The lock-out of password recovery for an ID number (after wrong answers, or names that do not match it),
    /// naming what the refused request sent: the answer (step 2) or the ID number (step 1, which sends no answer).
    static func recoveryLockedOut(seconds: Int, field: String = "recoveryAnswer") -> APIError {
        APIError(
            .tooManyRequests,
            code: "auth.locked_out",
            field: field,
            message: "该证件号码找回密码失败次数过多（答案错误或姓名不匹配），请\(max(1, (seconds + 59) / 60))分钟后再试",
            headers: ["Retry-After": String(seconds)]
        )
    }

    static func passwordLockedOut(seconds: Int) -> APIError {
        APIError(
            .tooManyRequests,
            code: "auth.locked_out",
            field: "currentPassword",
            message: "原密码错误次数过多，请\(max(1, (seconds + 59) / 60))分钟后再试",
            headers: ["Retry-After": String(seconds)]
        )
    }

    static let recoveryAccountNotFound = APIError(
        .notFound,
        code: "account.not_found",
        field: "idNumber",
        message: "证件号码与姓名不匹配，或尚未注册。如仍无法找回，请于现场资格审核期间由考点工作人员协助解决"
    )

    static func lockedOut(seconds: Int) -> APIError {
        APIError(
            .tooManyRequests,
            code: "auth.locked_out",
            field: "username",
            message: "登录失败次数过多，请\(max(1, (seconds + 59) / 60))分钟后再试",
            headers: ["Retry-After": String(seconds)]
        )
    }
}

// MARK: - The candidate's own file

extension Routes {
    /// The largest application body taken with a photo of `photoLimitBytes`: its base64 (4 characters per 3 bytes),
    /// wrapped in lines however short and their breaks escaped however long (`\u000d\u000a` after every 16 characters
    /// is 12 bytes per 16: the base64 once more covers it), and the application's other fields. A larger body is
    /// answered as a photo too large.
    static func applicationBodyLimit(photoLimitBytes: Int) -> Int {
        let base64 = (photoLimitBytes + 2) / 3 * 4
        return 2 * base64 + 16 * 1024
    }

    mutating func addCandidateFile() {
        let api = self.api
        let limit = self.limit
        let file = "/api/v1/candidates/{candidateID}"

        // The file: basic information, profile, entries with their flags, applications and next actions.
        authenticated(.get, file) { _, context, principal in
            let candidateID = try context.id("candidateID")
            try await api.authorizeRead(principal.actor, candidateID: candidateID) { try await api.registeredState(candidateID) }
            let now = api.service.clock.now()
            let key = ReplyCache.Key(
                kind: .candidateFile,
                subject: candidateID,
                fullIDNumbers: api.seesFullIDNumbers(principal.actor),
                staffIDs: api.seesStaffIDs(principal.actor)
            )
            if let cached = api.replies.reply(key, now: now) { return api.jsonReply(cached.body) }
            let ticket = api.replies.ticket()
            guard var view = try await api.candidateView(candidateID, now: now) else {
                throw APIError.notFound(DecisionCode.candidateNotRegistered.rawValue, field: "candidateID", message: "考生\(candidateID)尚未注册")
            }
            if !key.fullIDNumbers { Disclosure.mask(&view) }
            if !key.staffIDs { Disclosure.hideStaff(&view) }
            let body = try api.jsonBody(view)
            if api.replies.isEnabled {
                // The next actions hold until the calendar's next instant, or until an order awaiting the bank stops
                // blocking a new one (``CandidateDecider/paymentConfirmationTimeout``), whichever comes first.
                let period = try await api.service.seasonState().calendarPeriod(containing: now)
                let unblocked = view.applications.compactMap(\.application.pendingPaymentBlockEnds).filter { $0 > now }.min()
                let until = [period.until, unblocked].compactMap { $0 }.min()
                api.replies.remember(
                    ReplyCache.Reply(body: body, streamId: candidateID, validFrom: period.from, validUntil: until),
                    for: key,
                    ticket: ticket
                )
            }
            return api.jsonReply(body)
        }

        authenticated(.put, "\(file)/contact") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let contact = try await request.strictBody(ContactInput.self, limit: limit, fieldPrefix: "contact.")
            let command = CandidateCommand.updateContact(UpdateContactDetails(candidateID: candidateID, contact: contact))
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context))
        }

        authenticated(.put, "\(file)/work") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let work = try await request.strictBody(WorkInput.self, limit: limit, fieldPrefix: "work.")
            let command = CandidateCommand.updateWork(UpdateWorkDetails(candidateID: candidateID, work: work))
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context))
        }

        // Education entries.
        authenticated(.post, "\(file)/education") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let body = try await request.strictBody(EducationBody.self, limit: limit, fieldPrefix: "education.")
            let entryID = try api.newID("education", request, scope: principal.actor.id)
            let command = CandidateCommand.addEducation(AddEducationEntry(candidateID: candidateID, entryID: entryID, education: body.input))
            return try await api.commandReply(
                try await api.run(command, as: principal.actor, request, context),
                created: true,
                ids: ["entryID": entryID]
            )
        }
        authenticated(.put, "\(file)/education/{entryID}") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let entryID = try context.id("entryID")
            let body = try await request.strictBody(EducationBody.self, limit: limit, fieldPrefix: "education.")
            let command = CandidateCommand.amendEducation(AmendEducationEntry(candidateID: candidateID, entryID: entryID, education: body.input))
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context))
        }
        authenticated(.delete, "\(file)/education/{entryID}") { request, context, principal in
            let command = CandidateCommand.removeEducation(
                RemoveEducationEntry(candidateID: try context.id("candidateID"), entryID: try context.id("entryID"))
            )
            try await request.emptyBody(limit: limit)
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context))
        }

        // 学信网验证: starts a scan of an education entry.
        authenticated(.post, "\(file)/education/{entryID}/chsi-scans") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let entryID = try context.id("entryID")
            try await request.emptyBody(limit: limit)
            let scanID = try api.newID("scan", request, scope: principal.actor.id)
            let command = CandidateCommand.startChsiScan(StartChsiScan(candidateID: candidateID, entryID: entryID, scanID: scanID))
            let outcome = try await api.run(command, as: principal.actor, request, context)
            // The QR code CHSI's app scans: signed, expiring, bound to the scan, the file and the entry.
            let qr = try await api.issueQRCode(scanID: scanID, candidateID: candidateID, entryID: entryID)
            return try await api.commandReply(
                outcome,
                created: true,
                ids: ["scanID": scanID, "qr": qr.payload, "qrExpiresAt": Instant.string(from: qr.expiresAt)]
            )
        }

        // Training entries.
        authenticated(.post, "\(file)/training") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let training = try await request.strictBody(TrainingInput.self, limit: limit, fieldPrefix: "training.")
            let entryID = try api.newID("training", request, scope: principal.actor.id)
            let command = CandidateCommand.addTraining(AddTrainingEntry(candidateID: candidateID, entryID: entryID, training: training))
            return try await api.commandReply(
                try await api.run(command, as: principal.actor, request, context),
                created: true,
                ids: ["entryID": entryID]
            )
        }
        authenticated(.put, "\(file)/training/{entryID}") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let entryID = try context.id("entryID")
            let training = try await request.strictBody(TrainingInput.self, limit: limit, fieldPrefix: "training.")
            let command = CandidateCommand.amendTraining(AmendTrainingEntry(candidateID: candidateID, entryID: entryID, training: training))
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context))
        }
        authenticated(.delete, "\(file)/training/{entryID}") { request, context, principal in
            let command = CandidateCommand.removeTraining(
                RemoveTrainingEntry(candidateID: try context.id("candidateID"), entryID: try context.id("entryID"))
            )
            try await request.emptyBody(limit: limit)
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context))
        }

        // Certificate entries.
        authenticated(.post, "\(file)/certificates") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let certificate = try await request.strictBody(CertificateInput.self, limit: limit, fieldPrefix: "certificate.")
            let entryID = try api.newID("certificate", request, scope: principal.actor.id)
            let command = CandidateCommand.addCertificate(AddCertificateEntry(candidateID: candidateID, entryID: entryID, certificate: certificate))
            return try await api.commandReply(
                try await api.run(command, as: principal.actor, request, context),
                created: true,
                ids: ["entryID": entryID]
            )
        }
        authenticated(.put, "\(file)/certificates/{entryID}") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let entryID = try context.id("entryID")
            let certificate = try await request.strictBody(CertificateInput.self, limit: limit, fieldPrefix: "certificate.")
            let command = CandidateCommand.amendCertificate(
                AmendCertificateEntry(candidateID: candidateID, entryID: entryID, certificate: certificate)
            )
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context))
        }
        authenticated(.delete, "\(file)/certificates/{entryID}") { request, context, principal in
            let command = CandidateCommand.removeCertificate(
                RemoveCertificateEntry(candidateID: try context.id("candidateID"), entryID: try context.id("entryID"))
            )
            try await request.emptyBody(limit: limit)
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context))
        }

        // 考试报名: submits an application. The photo comes in the body; the server measures it.
        authenticated(.post, "\(file)/applications") { request, context, principal in
            let candidateID = try context.id("candidateID")
            // The body carries the photo in base64: room for one at the season's limit, whatever the administrator set
            // it to (the decider then names the photo's size, not the body's, when it is too large).
            let photoLimit = try await api.service.seasonState().photoLimitBytes
            let bodyLimit = max(limit, Self.applicationBodyLimit(photoLimitBytes: photoLimit))
            let body: ApplicationBody
            do {
                body = try await request.strictBody(ApplicationBody.self, limit: bodyLimit)
            } catch let error as APIError where error.status == .contentTooLarge {
                // What makes an application's body too large is its photo: named as the decider names it.
                throw APIError(
                    .unprocessableContent,
                    code: DecisionCode.applicationPhotoTooLarge.rawValue,
                    field: "photo.jpegBase64",
                    message: "照片文件须小于\(CandidateDecider.photoLimitText(photoLimit))：本次报名的请求内容超过\(bodyLimit / 1024)KB，照片超出上限，请压缩后重新上传"
                )
            }
            guard let photo = StoredPhoto.decodeBase64(body.photo.jpegBase64) else {
                throw APIError.badRequest(
                    "invalid_value",
                    field: "photo.jpegBase64",
                    message: "照片须为base64编码的JPEG文件（标准或URL安全字母表，可分行，或data:image/jpeg;base64,开头），当前内容不是base64"
                )
            }
            let applicationID = try api.newID("application", request, scope: principal.actor.id)
            // Named by its hash, kept with the application's events (a refused application keeps nothing).
            let stored = StoredPhoto(bytes: photo)
            let command = CandidateCommand.submitApplication(
                SubmitApplication(
                    candidateID: candidateID,
                    applicationID: applicationID,
                    examCode: body.examCode,
                    educationEntryIDs: body.educationEntryIDs,
                    trainingEntryIDs: body.trainingEntryIDs ?? [],
                    certificateEntryID: body.certificateEntryID,
                    areaCode: body.areaCode,
                    siteCode: body.siteCode,
                    attemptCount: body.attemptCount,
                    additionalSubject: body.additionalSubject,
                    photo: PhotoUpload(photoID: stored.photoID, format: stored.isJPEG ? "jpg" : "unknown", sizeBytes: photo.count),
                    passNumber: body.passNumber,
                    workPost: body.workPost
                )
            )
            return try await api.commandReply(
                try await api.run(command, as: principal.actor, request, context, photo: stored),
                created: true,
                ids: ["applicationID": applicationID, "photoID": stored.photoID]
            )
        }

        // 放弃报考.
        authenticated(.post, "\(file)/applications/{applicationID}/abandon") { request, context, principal in
            let command = CandidateCommand.abandonApplication(
                AbandonApplication(candidateID: try context.id("candidateID"), applicationID: try context.id("applicationID"))
            )
            try await request.emptyBody(limit: limit)
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context))
        }

        // 网上缴费: starts a payment; the amount is the exam's fee, the order number is new.
        authenticated(.post, "\(file)/applications/{applicationID}/payments") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let applicationID = try context.id("applicationID")
            try await request.emptyBody(limit: limit)
            // The fee needs the application's exam; a missing file or application is the decider's to refuse.
            let state = try await api.service.candidateState(candidateID)
            let level = state.applications[applicationID]?.examLevel ?? ""
            let amount = api.configuration.feeFen(level)
            let orderNumber = try api.newID("order", request, scope: principal.actor.id)
            let command = CandidateCommand.startPayment(
                StartPayment(candidateID: candidateID, applicationID: applicationID, orderNumber: orderNumber, amountFen: amount)
            )
            // The append claims the order number for this file: the bank's callback finds the file by it.
            let outcome = try await api.run(command, as: principal.actor, request, context)
            return try await api.commandReply(outcome, created: true, ids: ["orderNumber": orderNumber, "amountFen": String(amount)])
        }
    }
}

extension RegistrarAPI {
    /// The current state of a registered candidate, or nil.
    func registeredState(_ candidateID: String) async throws -> CandidateState? {
        let state = try await service.candidateState(candidateID)
        return state.isRegistered ? state : nil
    }

    /// The candidate's view at `now` (the service's clock when nil), from the file's current state: the service's
    /// copy when the log has nothing newer (the writes of this process keep it current), else the newest snapshot and
    /// the events after it. The candidate view read model holds the same state, but reading its row decoded the
    /// document again on every read.
    func candidateView(_ candidateID: String, now: Date? = nil) async throws -> CandidateView? {
        let now = now ?? service.clock.now()
        let (state, season) = try await service.candidateStateAndSeason(candidateID)
        guard state.isRegistered else { return nil }
        return CandidateView(candidateID: candidateID, state: state, now: now, season: season)
    }
}

// MARK: - On-site review

extension Routes {
    mutating func addReview() {
        let api = self.api
        let limit = self.limit
        let application = "/api/v1/candidates/{candidateID}/applications/{applicationID}"

        // A reviewer corrects one field of the basic information, with a reason.
        authenticated(.post, "\(application)/corrections") { request, context, principal in
            let candidateID = try context.id("candidateID")
            let applicationID = try context.id("applicationID")
            let body = try await request.strictBody(CorrectionBody.self, limit: limit)
            let command = CandidateCommand.correctBasicInfo(
                CorrectBasicInfo(
                    candidateID: candidateID,
                    applicationID: applicationID,
                    field: body.field,
                    newValue: body.newValue,
                    reason: body.reason,
                    idType: body.idType
                )
            )
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context, reason: body.reason))
        }

        // 现场资格审核通过.
        // A note (审核意见) is required when CHSI's record of a ticked entry differs or names another person.
        authenticated(.post, "\(application)/approve") { request, context, principal in
            let body = try await request.optionalBody(ApproveBody.self, limit: limit, empty: ApproveBody())
            let command = CandidateCommand.approveApplication(
                ApproveApplication(candidateID: try context.id("candidateID"), applicationID: try context.id("applicationID"), note: body.note)
            )
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context, reason: body.note))
        }

        // 现场资格审核不通过, and 撤销审核通过 before the signature: each with a reason, which the trail keeps.
        let reasoned: [(String, @Sendable (String, String, String) -> CandidateCommand)] = [
            ("reject", { .rejectApplication(RejectApplication(candidateID: $0, applicationID: $1, reason: $2)) }),
            ("approval-withdrawal", { .withdrawApproval(WithdrawApproval(candidateID: $0, applicationID: $1, reason: $2)) }),
        ]
        for (action, makeCommand) in reasoned {
            authenticated(.post, "\(application)/\(action)") { request, context, principal in
                let body = try await request.strictBody(ReasonBody.self, limit: limit)
                let command = makeCommand(try context.id("candidateID"), try context.id("applicationID"), body.reason)
                return try await api.commandReply(try await api.run(command, as: principal.actor, request, context, reason: body.reason))
            }
        }

        // 签字确认, recorded by the reviewer at the site.
        authenticated(.post, "\(application)/signature") { request, context, principal in
            let command = CandidateCommand.recordSignature(
                RecordSignature(candidateID: try context.id("candidateID"), applicationID: try context.id("applicationID"))
            )
            try await request.emptyBody(limit: limit)
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context))
        }
    }
}

// MARK: - Administration

extension Routes {
    mutating func addAdministration() {
        let api = self.api
        let limit = self.limit

        authenticated(.post, "/api/v1/admin/season") { request, context, principal in
            let body = try await request.strictBody(OpenSeasonBody.self, limit: limit)
            let command = SeasonCommand.open(OpenSeason(seasonID: api.service.configuration.seasonId, title: body.title))
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context), created: true)
        }

        authenticated(.put, "/api/v1/admin/season/calendar") { request, context, principal in
            let body = try await request.strictBody(CalendarBody.self, limit: limit)
            do {
                return try await api.commandReply(
                    try await api.run(
                        .setCalendar(SetSeasonCalendar(calendar: body.calendar)),
                        as: principal.actor,
                        request,
                        context,
                        reason: body.reason
                    )
                )
            } catch CommandError.rejected(let rejection) where rejection.field.hasPrefix("calendar.") {
                // The body holds the six instants at its top level: name the member as the client sent it.
                let member = String(rejection.field.dropFirst("calendar.".count))
                throw CommandError.rejected(Rejection(code: rejection.code, field: member, message: rejection.message))
            }
        }
        authenticated(.put, "/api/v1/admin/season/photo-limit") { request, context, principal in
            let body = try await request.strictBody(PhotoLimitBody.self, limit: limit)
            let command = SeasonCommand.setPhotoSizeLimit(SetPhotoSizeLimit(maximumBytes: body.maximumBytes))
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context, reason: body.reason))
        }
        authenticated(.post, "/api/v1/admin/season/exams") { request, context, principal in
            let body = try await request.strictBody(ExamBody.self, limit: limit)
            let command = SeasonCommand.addExam(AddExam(code: body.code, name: body.name, level: body.level, category: body.category))
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context), created: true)
        }
        authenticated(.delete, "/api/v1/admin/season/exams/{examCode}") { request, context, principal in
            let command = SeasonCommand.withdrawExam(WithdrawExam(code: try context.id("examCode")))
            // No body, `{}` or `{"reason": "…"}`.
            let buffer = try await StrictJSON.collect(request, limit: limit)
            let body = try StrictJSON.decodeOptional(OptionalReasonBody.self, from: buffer, empty: OptionalReasonBody())
            do {
                return try await api.commandReply(try await api.run(command, as: principal.actor, request, context, reason: body.reason))
            } catch CommandError.rejected(let rejection) where rejection.code == DecisionCode.seasonUnknownExam.rawValue {
                // The exam in the path: named by its path parameter, as an unknown area is.
                throw APIError.notFound(rejection.code, field: "examCode", message: rejection.message)
            }
        }
        authenticated(.post, "/api/v1/admin/season/areas") { request, context, principal in
            let body = try await request.strictBody(AreaBody.self, limit: limit)
            guard let code = body.code else {
                throw APIError.badRequest("missing_field", field: "code", message: "缺少\(FieldLabels.words("code", in: AreaBody.self))")
            }
            let command = SeasonCommand.addArea(
                AddExamArea(code: code, name: body.name, onlinePayment: body.onlinePayment, refundPolicy: body.refundPolicy ?? "")
            )
            return try await api.commandReply(
                try await api.run(command, as: principal.actor, request, context, reason: body.reason),
                created: true
            )
        }
        authenticated(.put, "/api/v1/admin/season/areas/{areaCode}") { request, context, principal in
            let code = try context.id("areaCode")
            let body = try await request.strictBody(AreaBody.self, limit: limit)
            guard body.code == nil || body.code == code else {
                throw APIError.badRequest("unknown_field", field: "code", message: "考区代码在路径中，不能在请求内容中修改")
            }
            // A body without `refundPolicy` keeps the published one (the decider refuses emptying it).
            let keptPolicy = body.refundPolicy == nil ? try await api.service.seasonState().areas[code]?.refundPolicy : nil
            let command = SeasonCommand.updateArea(
                UpdateExamArea(code: code, name: body.name, onlinePayment: body.onlinePayment, refundPolicy: body.refundPolicy ?? keptPolicy ?? "")
            )
            do {
                return try await api.commandReply(try await api.run(command, as: principal.actor, request, context, reason: body.reason))
            } catch CommandError.rejected(let rejection) where rejection.code == DecisionCode.seasonUnknownArea.rawValue {
                // The area in the path does not exist: a missing resource, named by its path parameter.
                throw APIError.notFound(rejection.code, field: "areaCode", message: rejection.message)
            }
        }
        authenticated(.post, "/api/v1/admin/season/sites") { request, context, principal in
            let body = try await request.strictBody(SiteBody.self, limit: limit)
            let command = SeasonCommand.addSite(AddExamSite(code: body.code, name: body.name, areaCode: body.areaCode))
            return try await api.commandReply(try await api.run(command, as: principal.actor, request, context), created: true)
        }

        // A site renamed (its code, area and applications stay).
        authenticated(.put, "/api/v1/admin/season/sites/{siteCode}") { request, context, principal in
            let code = try context.id("siteCode")
            let body = try await request.strictBody(SiteRenameBody.self, limit: limit)
            let command = SeasonCommand.renameSite(RenameExamSite(code: code, name: body.name))
            do {
                return try await api.commandReply(try await api.run(command, as: principal.actor, request, context, reason: body.reason))
            } catch CommandError.rejected(let rejection) where rejection.code == DecisionCode.seasonUnknownSite.rawValue {
                throw APIError.notFound(rejection.code, field: "siteCode", message: rejection.message)
            }
        }

        // Staff accounts. The username and password go to the credentials table, never into the log.
        authenticated(.post, "/api/v1/admin/staff") { request, context, principal in
            let body = try await request.strictBody(StaffBody.self, limit: limit)
            // Refuse non-administrators before validating or hashing anything.
            try api.requireWriter(principal.actor, [.admin], action: "管理工作人员账号")
            try Rules.validateUsername(body.username)
            try Rules.validateStaffPassword(body.password)
            let staffID = try api.newID("staff", request, scope: principal.actor.id)
            let requestContext = try api.requestContext(request, context, scope: principal.actor.id, channel: "web")
            let outcome = try await api.counted {
                try await api.service.execute(
                    .create(
                        CreateStaffAccount(
                            staffID: staffID,
                            role: body.role,
                            displayName: body.displayName,
                            areaCode: body.areaCode,
                            siteCodes: body.siteCodes ?? []
                        )
                    ),
                    staffId: staffID,
                    username: body.username,
                    password: body.password,
                    actor: principal.actor,
                    request: requestContext
                )
            }
            return try await api.commandReply(outcome, created: true, ids: ["staffID": staffID])
        }
        // The applications an administrator owes a refund of an excess (the bank confirmed a second order).
        authenticated(.get, "/api/v1/admin/payments/excess") { _, _, principal in
            try api.require(principal.actor, [.admin, .auditor], action: "查看待退还的重复缴费")
            return try api.json(try await api.excessRefundLines())
        }
        // The bank's confirmations of money the log refused (wrong amount, a settled order): to reconcile by hand.
        authenticated(.get, "/api/v1/admin/payments/refused-confirmations") { _, _, principal in
            try api.require(principal.actor, [.admin, .auditor], action: "查看未能登记的银行缴费确认")
            return try api.json(try await api.callbackLedger.refusedConfirmations())
        }
        authenticated(.get, "/api/v1/admin/staff/{staffID}") { _, context, principal in
            try api.require(principal.actor, [.admin, .auditor], action: "查看工作人员账号")
            let staffID = try context.id("staffID")
            let state = try await api.service.staff.current(staffID).state
            guard state.staffID != nil else {
                throw APIError.notFound(DecisionCode.staffNotFound.rawValue, field: "staffID", message: "工作人员账号\(staffID)不存在")
            }
            let credential = try api.service.credential(ofSubject: staffID)
            return try api.json(
                StaffAccountReply(
                    staffID: state.staffID,
                    role: state.role,
                    displayName: state.displayName,
                    areaCode: state.areaCode,
                    siteCodes: state.siteCodes,
                    active: state.active,
                    username: credential?.username,
                    passwordChangeRequired: credential?.mustChangePassword
                )
            )
        }
        authenticated(.put, "/api/v1/admin/staff/{staffID}/scope") { request, context, principal in
            let staffID = try context.id("staffID")
            let body = try await request.strictBody(ScopeBody.self, limit: limit)
            let command = StaffCommand.changeScope(ChangeStaffScope(staffID: staffID, areaCode: body.areaCode, siteCodes: body.siteCodes))
            let requestContext = try api.requestContext(
                request,
                context,
                scope: principal.actor.id,
                channel: "web",
                reason: try AdminReason.checked(body.reason)
            )
            let outcome = try await api.counted {
                try await api.service.execute(command, staffId: staffID, actor: principal.actor, request: requestContext)
            }
            return try await api.commandReply(outcome)
        }
        // 修改密码 of a staff account, by its holder with the current password (any staff role). Every other session
        // of the account ends.
        authenticated(.put, "/api/v1/admin/staff/{staffID}/password") { request, context, principal in
            let staffID = try context.id("staffID")
            let body = try await request.strictBody(PasswordChangeBody.self, limit: limit)
            let change = ChangeStaffPassword(staffID: staffID, newPassword: body.newPassword, method: .byHolder)
            let outcome = try await api.checkingCurrentPassword(body.currentPassword, of: staffID) {
                try await api.service.changeStaffPassword(
                    change,
                    currentPassword: body.currentPassword,
                    actor: principal.actor,
                    request: try api.requestContext(request, context, scope: principal.actor.id, channel: "web")
                )
            }
            api.sessions.revokeAll(of: staffID, keeping: principal.token)
            api.sessions.passwordChanged(principal.token)
            return try await api.commandReply(outcome)
        }
        // An administrator resets another staff account's password, with a reason; every session of it ends.
        authenticated(.post, "/api/v1/admin/staff/{staffID}/password-reset") { request, context, principal in
            let staffID = try context.id("staffID")
            let body = try await request.strictBody(PasswordResetBody.self, limit: limit)
            try api.requireWriter(principal.actor, [.admin], action: "重置工作人员密码")
            let change = ChangeStaffPassword(staffID: staffID, newPassword: body.newPassword, method: .reset, reason: body.reason)
            let outcome = try await api.counted {
                try await api.service.changeStaffPassword(
                    change,
                    currentPassword: nil,
                    actor: principal.actor,
                    request: try api.requestContext(request, context, scope: principal.actor.id, channel: "web")
                )
            }
            api.sessions.revokeAll(of: staffID)
            return try await api.commandReply(outcome)
        }
        // Deactivation, and a deactivated account enabled again (its scope and password as they were): each with a reason.
        let withReason: [(String, @Sendable (String, String) -> StaffCommand)] = [
            ("deactivate", { .deactivate(DeactivateStaffAccount(staffID: $0, reason: $1)) }),
            ("reactivate", { .reactivate(ReactivateStaffAccount(staffID: $0, reason: $1)) }),
        ]
        for (action, makeCommand) in withReason {
            authenticated(.post, "/api/v1/admin/staff/{staffID}/\(action)") { request, context, principal in
                let staffID = try context.id("staffID")
                let body = try await request.strictBody(ReasonBody.self, limit: limit)
                let command = makeCommand(staffID, body.reason)
                let requestContext = try api.requestContext(request, context, scope: principal.actor.id, channel: "web", reason: body.reason)
                let outcome = try await api.counted {
                    try await api.service.execute(command, staffId: staffID, actor: principal.actor, request: requestContext)
                }
                return try await api.commandReply(outcome)
            }
        }
    }
}

extension RegistrarAPI {
    /// For the few writes checked here before the decider sees them (to avoid work such as hashing a password for
    /// a caller who may not create accounts): auditors get `auth.read_only`, other roles `auth.forbidden`.
    func requireWriter(_ actor: Actor, _ roles: Set<Role>, action: String) throws {
        if actor.role == .auditor {
            throw APIError.forbidden("审计账号只能查看，不能\(action)", code: DecisionCode.authReadOnly.rawValue)
        }
        try require(actor, roles, action: action)
    }
}

// MARK: - Reads for reviewers and auditors

struct HistoryReply: Codable, Sendable {
    var candidateID: String
    var version: Int
    var state: CandidateState
    var timeline: [CandidateHistory.Step]
}

/// 网上报名成功通知单.
struct SuccessNotice: Codable, Sendable {
    var title: String
    var candidateID: String
    var username: String
    var name: String
    var sex: String
    var birthDate: String
    var idType: String
    var idNumber: String
    var applicationID: String
    var examCode: String
    var examName: String
    var areaCode: String
    var areaName: String
    var siteCode: String
    var siteName: String
    var attemptCount: Int
    var additionalSubject: String?
    var submittedAt: String
    var status: String
    var statusLabel: String
    /// 往来大陆通行证编号 (HK, Macau and Taiwan candidates); masked for auditors.
    var passNumber: String?
    /// The ticked 培训经历.
    var training: [NoticeTraining]
    /// The ticked 证书.
    var certificate: NoticeCertificate?
    /// What the candidate does with the notice now, by the application's status and the calendar.
    var instruction: String
    /// 现场资格审核 in Beijing time (`2026-02-10 08:00 至 2026-03-10 08:00（北京时间）`), when the calendar is set.
    var reviewPeriod: String?
    /// The photo the application was submitted with: `photo-` and its SHA-256.
    var photoID: String

    struct NoticeTraining: Codable, Sendable {
        var kind: String
        var institution: String
        var specialty: String
        var start: String
        var end: String
    }

    struct NoticeCertificate: Codable, Sendable {
        var type: String
        var number: String
        var issued: String
    }

    /// The ID number, pass number and birth date masked, for callers who see numbers masked.
    mutating func mask() {
        idNumber = Masking.idNumber(idNumber)
        passNumber = passNumber.map(Masking.idNumber)
        birthDate = Masking.birthDate(birthDate)
    }

    init(state: CandidateState, application: RegistrationDomain.Application, season: SeasonState, now: Date) {
        let basic = state.basic
        title = "\(season.title)网上报名成功通知单"
        candidateID = state.candidateID ?? ""
        username = basic?.username ?? ""
        name = basic?.name ?? ""
        sex = basic?.sex ?? ""
        birthDate = basic?.birthDate ?? ""
        idType = basic?.idType ?? ""
        idNumber = basic?.idNumber ?? ""
        applicationID = application.applicationID
        examCode = application.examCode
        examName = season.exam(application.examCode)?.name ?? application.examCode
        areaCode = application.areaCode
        areaName = season.area(application.areaCode)?.name ?? application.areaCode
        siteCode = application.siteCode
        siteName = season.site(application.siteCode)?.name ?? application.siteCode
        attemptCount = application.attemptCount
        additionalSubject = application.additionalSubject
        submittedAt = application.submittedAt
        status = application.status.rawValue
        statusLabel = application.status.label
        passNumber = application.passNumber
        training = application.trainingEntryIDs.compactMap { state.training[$0] }.map {
            NoticeTraining(kind: $0.kind, institution: $0.institution, specialty: $0.specialty, start: $0.start, end: $0.end)
        }
        certificate = application.certificateEntryID.flatMap { state.certificates[$0] }.map {
            NoticeCertificate(type: $0.type, number: $0.number, issued: $0.issued)
        }
        photoID = application.photoID
        reviewPeriod = season.calendar.map { Self.beijingMinute($0.reviewOpens) + " 至 " + Self.beijingMinute($0.reviewCloses) + "（北京时间）" }
        let reviewOver = season.calendar.map { now >= $0.reviewCloses } ?? false
        switch application.status {
        case .submitted where reviewOver:
            statusLabel = "已报名，现场资格审核已结束，未经审核"
            instruction = "现场资格审核期已结束，本报名未经审核；如有疑问请联系报考考点"
        case .submitted:
            let when = reviewPeriod.map { "于现场资格审核期间（\($0)）" } ?? "于现场审核时"
            instruction = "请考生\(when)携带本通知单、有效身份证件及学历证书原件到所选考点（\(siteName)）进行现场资格审核。"
        case .approved:
            instruction = reviewOver ? "本报名已通过现场资格审核，但未在审核期内签字确认" : "本报名已通过现场资格审核，请在考点签字确认。"
        case .signed where season.calendar.map { now >= $0.paymentCloses } ?? false:
            instruction = "本报名已通过现场资格审核并签字确认；缴费期已结束，未完成缴费。"
        case .signed:
            instruction = "本报名已通过现场资格审核并签字确认，请按考区规定缴费。"
        case .paid:
            instruction = "本报名已通过现场资格审核并缴费，请关注准考证打印通知。"
        case .refunded:
            instruction = "本报名的考试费已全额退还，视为放弃本次考试。"
        case .abandoned, .rejected:
            instruction = ""
        }
    }

    /// `2026-02-10 08:00` for `2026-02-10T00:00:00.000Z`: Beijing time has no daylight saving.
    static func beijingMinute(_ date: Date) -> String {
        String(Instant.string(from: date.addingTimeInterval(8 * 3600)).prefix(16)).replacingOccurrences(of: "T", with: " ")
    }
}

struct DiffReply: Codable, Sendable {
    var candidateID: String
    /// The versions the two points resolved to (an instant names the last version recorded at or before it).
    var fromVersion: Int
    var toVersion: Int
    var changes: [CandidateHistory.Change]
}

extension Routes {
    mutating func addReads() {
        let api = self.api

        // A candidate's file at a version (`?version=N`) or an instant (`?at=ISO-8601`), with the timeline.
        authenticated(.get, "/api/v1/candidates/{candidateID}/history") { request, context, principal in
            let candidateID = try context.id("candidateID")
            try await api.authorizeRead(principal.actor, candidateID: candidateID) { try await api.registeredState(candidateID) }
            let point = try api.historyPoint(version: request.query("version", in: 0...Int(Int32.max)), at: request.query("at", maxLength: 40))
            let replay = try await api.history.replay(candidateID, at: point)
            guard replay.version > 0 || point != .latest else {
                throw APIError.notFound(DecisionCode.candidateNotRegistered.rawValue, field: "candidateID", message: "考生\(candidateID)尚未注册")
            }
            var state = replay.state
            var timeline = replay.timeline
            if !api.seesFullIDNumbers(principal.actor) {
                let known = Masking.knownNumbers(of: state)
                Disclosure.mask(&state)
                timeline = timeline.map { Masking.idNumbers(in: $0, knowing: known) }
            }
            if !api.seesStaffIDs(principal.actor) {
                Disclosure.hideStaff(&state)
                timeline = timeline.map(Masking.staffIDs(in:))
            }
            return try api.json(HistoryReply(candidateID: candidateID, version: replay.version, state: state, timeline: timeline))
        }

        // Field-level differences of a file between two points (`from`/`to`: a version number or an instant).
        authenticated(.get, "/api/v1/candidates/{candidateID}/history/diff") { request, context, principal in
            let candidateID = try context.id("candidateID")
            try await api.authorizeRead(principal.actor, candidateID: candidateID) { try await api.registeredState(candidateID) }
            let (from, to) = try api.diffRange(request)
            // An unknown file is not an unchanged one.
            guard try await api.registeredState(candidateID) != nil else {
                throw APIError.notFound(DecisionCode.candidateNotRegistered.rawValue, field: "candidateID", message: "考生\(candidateID)尚未注册")
            }
            let before = try await api.history.replay(candidateID, at: from)
            let after = try await api.history.replay(candidateID, at: to)
            // A version against an instant is ordered once both are versions of the file.
            guard before.version <= after.version else {
                throw APIError.badRequest(
                    "invalid_parameter",
                    field: "from",
                    message: "from须不晚于to：from为版本\(before.version)，to为版本\(after.version)"
                )
            }
            var (stateBefore, stateAfter) = (before.state, after.state)
            if !api.seesStaffIDs(principal.actor) {
                Disclosure.hideStaff(&stateBefore)
                Disclosure.hideStaff(&stateAfter)
            }
            let changes =
                api.seesFullIDNumbers(principal.actor)
                ? CandidateHistory.diff(stateBefore, stateAfter) : Masking.maskedDiff(stateBefore, stateAfter)
            return try api.json(DiffReply(candidateID: candidateID, fromVersion: before.version, toVersion: after.version, changes: changes))
        }

        // 网上报名成功通知单: what the printable success notice shows, for a submitted (live) application.
        authenticated(.get, "/api/v1/candidates/{candidateID}/applications/{applicationID}/notice") { _, context, principal in
            let candidateID = try context.id("candidateID")
            let applicationID = try context.id("applicationID")
            let (_, _, notice) = try await api.notice(candidateID, applicationID, for: principal)
            return try api.json(notice)
        }

        // 报名照片: the photo an application was submitted with, as uploaded.
        authenticated(.get, "/api/v1/candidates/{candidateID}/applications/{applicationID}/photo") { _, context, principal in
            try await api.photoResponse(try context.id("candidateID"), try context.id("applicationID"), for: principal)
        }

        // The candidates whose newest application is at a site (optionally with a status), by id, a page at a time:
        // its reviewers and auditors.
        authenticated(.get, "/api/v1/review/sites/{siteCode}/candidates") { request, context, principal in
            let siteCode = try context.id("siteCode")
            try api.authorizeSite(principal.actor, siteCode)
            guard let reader = api.reader else { throw APIError.notFound() }
            let status = try api.applicationStatus(request)
            let after = try request.query("after", maxLength: 128)
            if let after, !RegistrarRequestContext.isValidID(after) { throw APIError.invalidPageCursor }
            let limit = try api.pageLimit(request)
            let page = try await CandidateViewQueries(reader).candidates(site: siteCode, status: status, after: after, limit: limit)
            var response = try api.json(page.candidates)
            if let next = page.next {
                let query = (status.map { "status=\($0)&" } ?? "") + "limit=\(limit)&after=\(next)"
                response.headers[Header.link] = Header.nextPage("/api/v1/review/sites/\(siteCode)/candidates?\(query)")
            }
            return response
        }

        // The review queue of a site, a page at a time: its reviewers and auditors.
        authenticated(.get, "/api/v1/review/sites/{siteCode}/queue") { request, context, principal in
            let siteCode = try context.id("siteCode")
            try await api.authorizeExistingSite(principal.actor, siteCode)
            let page = try api.queuePageRequest(request)
            // The same reply for every caller allowed to see it (names, no ID numbers).
            let key = ReplyCache.Key(
                kind: .queue,
                subject: [siteCode, page.status ?? "", page.after?.token ?? "", String(page.limit)].joined(separator: "\u{0}"),
                fullIDNumbers: false
            )
            let queries = try api.readModels()
            // With the engine's change notes a queue depends on its site's rows only; without, on every candidate.
            let dependency = api.configuration.readModels == nil ? nil : ReviewComparisonProjection.queueChange(site: siteCode)
            let reply = try await api.replies.sharedReply(key, dependsOn: dependency, now: api.service.clock.now()) {
                let lines = try await queries.queue(site: siteCode, status: page.status, after: page.after, limit: page.limit)
                // One reply for the site's reviewers and the auditors: a number quoted in a rejection's reason masked.
                let items = lines.items.map { line in
                    var line = line
                    line.reason = line.reason.map(Masking.personalData(inText:))
                    return line
                }
                return ReplyCache.Reply(
                    body: try api.jsonBody(items),
                    streamId: dependency,
                    siteCode: siteCode,
                    nextPage: lines.next.map { next in
                        var query = "limit=\(page.limit)&after=\(next.token)"
                        if let status = page.status { query += "&status=\(status)" }
                        return Header.nextPage("/api/v1/review/sites/\(siteCode)/queue?\(query)")
                    },
                    queueLines: ReviewQueueRange(after: page.after, through: lines.next)
                )
            }
            var response = api.jsonReply(reply.body)
            if let link = reply.nextPage { response.headers[Header.link] = link }
            return response
        }

        // The 填报 / 学信网 comparison of an application.
        authenticated(.get, "/api/v1/review/applications/{applicationID}/comparison") { _, context, principal in
            let applicationID = try context.id("applicationID")
            try api.require(principal.actor, [.reviewer, .auditor], action: "查看审核比对")
            let key = ReplyCache.Key(kind: .comparison, subject: applicationID, fullIDNumbers: api.seesFullIDNumbers(principal.actor))
            if let cached = api.replies.reply(key, now: api.service.clock.now()) {
                // The candidate's sites under review came with the reply (a commit on the candidate drops it).
                try api.authorizeComparison(principal.actor, siteCode: cached.siteCode ?? "", reviewedAt: cached.reviewedSites ?? [])
                return api.jsonReply(cached.body)
            }
            let ticket = api.replies.ticket()
            let authorized = try await api.authorizedComparison(applicationID, actor: principal.actor)
            let body = try api.jsonBody(authorized.comparison)
            api.replies.remember(
                ReplyCache.Reply(
                    body: body,
                    streamId: authorized.comparison.summary.candidateID,
                    siteCode: authorized.comparison.summary.siteCode,
                    reviewedSites: authorized.reviewedSites
                ),
                for: key,
                ticket: ticket
            )
            return api.jsonReply(body)
        }

        // The audit trail: who changed what, when, before and after, why. Auditors only. A page at a time: when
        // more records follow, `Link: rel="next"` names the next page (the same filters, after the last record).
        authenticated(.get, "/api/v1/audit/trail") { request, _, principal in
            // Who may ask first: a refused caller learns nothing about the parameters either.
            try api.require(principal.actor, [.auditor], action: "查看审计记录")
            let filters = try AuditFilters(request)
            let limit = try request.query("limit", in: 1...10_000) ?? 1_000
            let page = try await api.auditPage(filters, limit: limit, principal: principal)
            var response = try api.json(page.records)
            if let next = page.next {
                let query = filters.query(after: next, more: ["limit=\(limit)"])
                response.headers[Header.link] = Header.nextPage("/api/v1/audit/trail\(query)")
            }
            return response
        }
    }
}

extension RegistrarAPI {
    /// The review read model (404 when the read models are not installed).
    func readModels() throws -> ReviewQueries {
        guard let reader else { throw APIError.notFound() }
        return ReviewQueries(reader)
    }

    /// What a page of a site's review queue asks for: `status` (``queueStatus(_:)``), `limit`
    /// (1–500, 100 unless given) and `after` (the cursor of the previous page's `Link: rel="next"`).
    func queuePageRequest(_ request: Request) throws -> (status: String?, after: ReviewQueueCursor?, limit: Int) {
        let status = try queueStatus(request)
        var after: ReviewQueueCursor?
        if let token = try request.query("after", maxLength: 400) {
            guard let cursor = ReviewQueueCursor(token: token) else { throw APIError.invalidPageCursor }
            after = cursor
        }
        return (status, after, try pageLimit(request))
    }

    /// The `limit` of a page of a list (the queue, a site's candidates): 1–500, 100 unless given.
    func pageLimit(_ request: Request) throws -> Int {
        try request.query("limit", in: 1...500) ?? 100
    }

    /// The `status` query parameter: one of the application statuses, or absent.
    func applicationStatus(_ request: Request) throws -> String? {
        let status = try request.query("status", maxLength: 20)
        if let status, ApplicationStatus(rawValue: status) == nil {
            let allowed = ApplicationStatus.allCases.map(\.rawValue).joined(separator: "、")
            throw APIError.badRequest("invalid_parameter", field: "status", message: "查询参数status须为以下之一：\(allowed)")
        }
        return status
    }

    /// The statuses a site's review queue tells apart: every status of the candidate's file (the queue folds the
    /// payments and refunds, so a paid or refunded application is listed as such, signed or not).
    static let reviewQueueStatuses = ApplicationStatus.allCases

    /// The `status` of a page of the review queue: one of ``reviewQueueStatuses``, or absent.
    func queueStatus(_ request: Request) throws -> String? {
        let status = try request.query("status", maxLength: 20)
        if let status, !Self.reviewQueueStatuses.contains(where: { $0.rawValue == status }) {
            let allowed = Self.reviewQueueStatuses.map(\.rawValue).joined(separator: "、")
            throw APIError.badRequest("invalid_parameter", field: "status", message: "审核队列的查询参数status须为以下之一：\(allowed)")
        }
        return status
    }

    /// The comparison of an application for a caller allowed to read it, masked for the caller, with the candidate's
    /// file (not masked; the page shows more of it) and the sites the candidate is reviewed at
    /// (``RegistrationDomain/CandidateState/isReviewed(atAnyOf:)``) for the reply cache.
    func authorizedComparison(
        _ applicationID: String,
        actor: Actor
    ) async throws -> (comparison: ApplicationComparison, state: CandidateState?, reviewedSites: [String]) {
        guard var comparison = try await readModels().comparison(application: applicationID) else {
            throw APIError.notFound(DecisionCode.applicationNotFound.rawValue, field: "applicationID", message: "报名记录\(applicationID)不存在")
        }
        // The site first: a reviewer of another site learns nothing more of the candidate.
        try authorizeSite(actor, comparison.summary.siteCode)
        let state = try await registeredState(comparison.summary.candidateID)
        let reviewedSites = Self.reviewedSites(state)
        try authorizeComparison(actor, siteCode: comparison.summary.siteCode, reviewedAt: reviewedSites)
        if !seesFullIDNumbers(actor) { Disclosure.mask(&comparison) }
        return (comparison, state, reviewedSites)
    }

    /// The sites whose reviewers review a candidate: those of the applications not abandoned (the sites `s` for which
    /// `state.isReviewed(atAnyOf: [s])`).
    static func reviewedSites(_ state: CandidateState?) -> [String] {
        guard let state else { return [] }
        return Set(state.applications.values.map(\.siteCode)).filter { state.isReviewed(atAnyOf: [$0]) }.sorted()
    }

    /// The comparison follows the candidate file's rule as well as the site's: a reviewer reads it only for an
    /// application of one of their sites and a candidate they still review (``authorizeRead(_:candidateID:state:)``,
    /// with its message): an application the candidate abandoned leaves its site's reviewers no access, unless the
    /// candidate applied there again. Auditors read every comparison.
    func authorizeComparison(_ actor: Actor, siteCode: String, reviewedAt reviewedSites: [String]) throws {
        try authorizeSite(actor, siteCode)
        guard actor.role == .reviewer else { return }
        guard reviewedSites.contains(where: { actor.siteCodes.contains($0) }) else {
            throw APIError.forbidden("该考生未在您负责的考点报名", code: DecisionCode.authNotReviewerOfSite.rawValue, field: "candidateID")
        }
    }

    /// ``authorizeSite(_:_:)``, and then 404 for a site the season does not have (an auditor may ask for any code: an
    /// empty queue would read as a site nobody applied at).
    func authorizeExistingSite(_ actor: Actor, _ siteCode: String) async throws {
        try authorizeSite(actor, siteCode)
        guard try await service.seasonState().site(siteCode) != nil else {
            throw APIError.notFound(DecisionCode.seasonUnknownSite.rawValue, field: "siteCode", message: "考点\(Reject.excerpt(siteCode))不存在")
        }
    }

    /// Reviewers read their own sites only; auditors every site; nobody else.
    func authorizeSite(_ actor: Actor, _ siteCode: String) throws {
        switch actor.role {
        case .reviewer:
            guard actor.siteCodes.contains(siteCode) else {
                throw APIError.forbidden("考点\(siteCode)不在您的审核范围内", code: DecisionCode.authNotReviewerOfSite.rawValue, field: "siteCode")
            }
        case .auditor:
            return
        default:
            throw APIError.forbidden("当前账号无权查看审核信息")
        }
    }

    /// The history point of `?version=` or `?at=` (at most one of them; neither: now).
    func historyPoint(version: Int?, at instant: String?) throws -> CandidateHistory.Point {
        switch (version, instant) {
        case (nil, nil): return .latest
        case (let version?, nil): return .version(version)
        case (nil, let instant?): return try historyPoint(instant, field: "at")
        case (.some, .some):
            throw APIError.badRequest("invalid_parameter", field: "at", message: "version和at只能指定一个")
        }
    }

    /// The `from` and `to` of a diff: both required (400 naming the one missing), and `from` not after `to` when
    /// both are versions or both instants (a reversed range would answer an empty diff, as if nothing had changed).
    func diffRange(_ request: Request) throws -> (from: CandidateHistory.Point, to: CandidateHistory.Point) {
        var points = [CandidateHistory.Point]()
        for name in ["from", "to"] {
            guard let text = try request.query(name, maxLength: 40) else {
                throw APIError.badRequest("missing_parameter", field: name, message: "缺少查询参数\(name)（版本号或时间）")
            }
            points.append(try historyPoint(text, field: name))
        }
        let (from, to) = (points[0], points[1])
        let reversed: Bool
        switch (from, to) {
        case (.version(let first), .version(let last)): reversed = first > last
        case (.instant(let first), .instant(let last)): reversed = first > last
        default: reversed = false
        }
        guard !reversed else {
            throw APIError.badRequest("invalid_parameter", field: "from", message: "from须不晚于to：from为\(Self.text(of: from))，to为\(Self.text(of: to))")
        }
        return (from, to)
    }

    private static func text(of point: CandidateHistory.Point) -> String {
        switch point {
        case .latest: "最新"
        case .version(let version): "版本\(version)"
        case .instant(let instant): instant
        }
    }

    /// A history point from text: a version number, or an ISO-8601 instant (`Instant.date(fromISO8601:)`); nil
    /// text is now.
    func historyPoint(_ text: String?, field: String) throws -> CandidateHistory.Point {
        guard let text else { return .latest }
        if let version = Int(text), version >= 0 { return .version(version) }
        guard let date = Instant.date(fromISO8601: text) else {
            throw APIError.badRequest(
                "invalid_parameter",
                field: field,
                message: "\(field)须为版本号或时间（如2026-01-12T03:00:00.000Z或北京时间2026-01-12T11:00:00+08:00）"
            )
        }
        return .instant(Instant.string(from: date))
    }
}

/// An application awaiting the refund of an excess payment, for administrators.
struct ExcessRefundLine: Codable, Sendable {
    var candidateID: String
    var applicationID: String
    var name: String
    var areaCode: String
    var siteCode: String
    /// The application's status (`paid`, or `refunded` when the fee was refunded before the second confirmation).
    var status: String
    var paidFen: Int
    var refundedFen: Int
    /// What to refund.
    var excessFen: Int
    /// The orders the bank confirmed.
    var confirmedOrders: [String]
}

extension RegistrarAPI {
    /// The photo of an application, for the candidate and the reviewers of the site: they compare it with the person
    /// at the desk. An auditor, who traces changes, is not shown faces (as ID numbers are masked); the photo's id, its
    /// hash, is in the trail. ETag: the photo's id, which names its bytes.
    func photoResponse(_ candidateID: String, _ applicationID: String, for principal: Principal) async throws -> Response {
        try await authorizeRead(principal.actor, candidateID: candidateID) { try await registeredState(candidateID) }
        guard seesFullIDNumbers(principal.actor) else {
            throw APIError.forbidden("照片仅供考生本人和考点审核人员查看", field: "applicationID")
        }
        guard let state = try await registeredState(candidateID) else {
            throw APIError.notFound(DecisionCode.candidateNotRegistered.rawValue, field: "candidateID", message: "考生\(candidateID)尚未注册")
        }
        guard let application = state.applications[applicationID] else {
            throw APIError.notFound(DecisionCode.applicationNotFound.rawValue, field: "applicationID", message: "报名记录\(applicationID)不存在")
        }
        // A reviewer sees the photos of the applications at their sites, not those the same candidate sent elsewhere.
        if principal.actor.role == .reviewer && !principal.actor.siteCodes.contains(application.siteCode) {
            throw APIError.forbidden("该报名不在您负责的考点", code: DecisionCode.authNotReviewerOfSite.rawValue, field: "applicationID")
        }
        guard let photo = try service.photo(application.photoID) else {
            throw APIError.notFound(
                "application.photo_not_kept",
                field: "applicationID",
                message: "报名记录\(applicationID)的照片不在本库中（本系统保存照片之前提交的报名，或由不含照片的导出文件恢复的库）"
            )
        }
        let buffer = ByteBuffer(bytes: photo.bytes)
        return Response(
            status: .ok,
            headers: [
                .contentType: photo.isJPEG ? "image/jpeg" : "application/octet-stream", .contentLength: String(buffer.readableBytes),
                .cacheControl: "private, no-store", .eTag: "\"\(photo.photoID)\"",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: buffer)
        )
    }

    /// The 网上报名成功通知单 of a live application as the caller may read it (numbers masked for those who see them
    /// masked), with the file and the application it was read from; 404 for an unknown file or application, 422 for an abandoned or
    /// rejected one. The API and the printable page both read it here.
    func notice(
        _ candidateID: String,
        _ applicationID: String,
        for principal: Principal
    ) async throws -> (state: CandidateState, application: RegistrationDomain.Application, notice: SuccessNotice) {
        try await authorizeRead(principal.actor, candidateID: candidateID) { try await registeredState(candidateID) }
        guard let state = try await registeredState(candidateID) else {
            throw APIError.notFound(DecisionCode.candidateNotRegistered.rawValue, field: "candidateID", message: "考生\(candidateID)尚未注册")
        }
        guard let application = state.applications[applicationID] else {
            throw APIError.notFound(DecisionCode.applicationNotFound.rawValue, field: "applicationID", message: "报名记录\(applicationID)不存在")
        }
        guard application.isLive else {
            throw APIError(
                .unprocessableContent,
                code: DecisionCode.applicationInvalidStatus.rawValue,
                field: "applicationID",
                message: "报名状态为“\(application.status.label)”，没有报名成功通知单"
            )
        }
        var notice = SuccessNotice(state: state, application: application, season: try await service.seasonState(), now: service.clock.now())
        if !seesFullIDNumbers(principal.actor) { notice.mask() }
        return (state, application, notice)
    }
}

extension RegistrarAPI {
    /// Every application awaiting the refund of an excess payment, oldest submission first, with the amounts from the
    /// candidate's file: the admin API's list and the `/admin` page's.
    func excessRefundLines() async throws -> [ExcessRefundLine] {
        var lines: [ExcessRefundLine] = []
        for item in try await readModels().awaitingExcessRefund() {
            guard let application = try await service.candidateState(item.candidateID).applications[item.applicationID] else { continue }
            lines.append(
                ExcessRefundLine(
                    candidateID: item.candidateID,
                    applicationID: item.applicationID,
                    name: item.name,
                    areaCode: item.areaCode,
                    siteCode: item.siteCode,
                    status: application.status.rawValue,
                    paidFen: application.paidFen,
                    refundedFen: application.refundedFen,
                    excessFen: application.excessFen,
                    confirmedOrders: application.payments.filter { $0.outcome == .succeeded }.map(\.orderNumber)
                )
            )
        }
        return lines
    }
}
