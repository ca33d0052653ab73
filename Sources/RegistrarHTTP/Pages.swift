import EventLog
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Mustache
import Projections
import RegistrarApp
import RegistrationDomain
import ServiceLifecycle

// Server-rendered pages for staff and candidates: log-in, the reviewer's queue and comparison, a candidate's
// history, the audit trail (and its CSV), the printable success notice and a live feed of events (SSE).
//
// Authentication: the HTML log-in form opens the same bearer session as `POST /api/v1/sessions` and puts its token in
// an HttpOnly, SameSite=Strict cookie; every page then authorises exactly as the API does (the same
// `authorizeRead`/`authorizeSite`/`require` checks, the same masking). The pages are not part of the OpenAPI
// document (which describes the JSON API): they are kept in a separate list (``registeredPages(_:)``).
//
// Templates are Swift string literals (``PageTemplates``), compiled once: no resource bundle to locate beside the
// binary, and every page is self-contained (inline CSS, no script, no external resource).

/// The cookie that carries the bearer token of a page session.
let sessionCookieName = "registrar_session"

extension Routes {
    /// A page route (not in the OpenAPI document; listed by ``registeredPages(_:)``).
    /// A form POST (any method but GET) sent by another origin is refused before its handler runs (``PageRender/crossOrigin(_:)``).
    mutating func page(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        pageEntries.append(RouteEntry(method: method.rawValue, path: path))
        guard method != .get else {
            router.on(RouterPath(path), method: method, use: handler)
            return
        }
        router.on(RouterPath(path), method: method) { request, context in
            // SameSite=Strict does not stop a page of the same site (another port of the host) from posting a form
            // with the cookie; the browser's Origin and Sec-Fetch-Site say where the form came from.
            guard !PageRender.crossOrigin(request) else {
                let body = PageRender.render(
                    "error",
                    [
                        "title": "无法完成请求", "message": "请求来自其他网站，已拒绝。请在本系统的页面上重新提交。", "code": "auth.cross_origin",
                        "status": 403,
                    ],
                    principal: nil
                )
                return PageRender.html(body, status: .forbidden)
            }
            return try await handler(request, context)
        }
    }

    /// A page that needs a session: anonymous callers are sent to the log-in form; refusals and rejections are shown
    /// as an HTML page with the status and the message.
    mutating func staffPage(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping AuthenticatedHandler) {
        let api = self.api
        page(method, path) { request, context in
            guard let principal = try await api.pagePrincipal(request) else {
                let next = method == .get ? request.uri.description : "/"
                return PageRender.redirect("/login?next=" + PageRender.queryEscape(next))
            }
            // A password someone else typed is replaced before anything else, as the API refuses everything else.
            if principal.passwordChangeRequired && path != PageRender.passwordPage {
                return PageRender.redirect(PageRender.passwordPage)
            }
            do {
                return try await handler(request, context, principal)
            } catch {
                guard let known = APIError.from(error) else { throw error }
                return api.errorPage(known, principal: principal)
            }
        }
    }

    mutating func addPages() {
        let api = self.api
        let limit = self.limit

        page(.get, "/login") { request, _ in
            let next = PageRender.safeNext(try? request.query("next", maxLength: 500))
            return PageRender.html(PageRender.render("login", ["next": next, "title": "工作人员与考生登录"], principal: nil))
        }

        page(.post, "/login") { request, context in
            let form = try await PageForm.read(request, limit: limit)
            let username = form["username"] ?? ""
            let password = form["password"] ?? ""
            let next = PageRender.safeNext(form["next"])
            do {
                let (token, session, actor) = try await api.openSession(username: username, password: password, request: request, context: context)
                var response = PageRender.redirect(next.isEmpty ? PageRender.home(of: actor) : next)
                let maxAge = max(1, Int(session.expiresAt.timeIntervalSince(api.service.clock.now())))
                // Secure when the browser reached us over HTTPS (a proxy ending TLS says so), so that the cookie never
                // travels in clear; plain HTTP on a laptop keeps working.
                let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https" ? "; Secure" : ""
                response.headers[.setCookie] =
                    "\(sessionCookieName)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict\(secure)"
                return response
            } catch {
                guard let known = APIError.from(error) else { throw error }
                let body = PageRender.render(
                    "login",
                    ["next": next, "username": username, "error": known.body.message, "title": "工作人员与考生登录"],
                    principal: nil
                )
                // As the API answers it: a lock-out says when to try again (`Retry-After`).
                var page = PageRender.html(body, status: known.status)
                page.headers.append(contentsOf: known.httpFields)
                page.headers[Header.pageRefusal] = known.body.code
                return page
            }
        }

        page(.post, "/logout") { request, _ in
            if let token = request.cookies[sessionCookieName]?.value { api.sessions.revoke(token) }
            var response = PageRender.redirect("/login")
            response.headers[.setCookie] = "\(sessionCookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
            return response
        }

        staffPage(.get, "/") { _, _, principal in
            PageRender.redirect(PageRender.home(of: principal.actor))
        }

        addReviewPages()
        addPasswordPage()
        addHistoryAndNoticePages()
        addAuditPages()
        addAdministrationPage()
        addEventStream()
    }

    mutating func addReviewPages() {
        let api = self.api
        let limit = self.limit

        // The queue of a site, a page at a time, optionally of one status.
        staffPage(.get, "/review/sites/{siteCode}") { request, context, principal in
            let siteCode = try context.id("siteCode")
            try await api.authorizeExistingSite(principal.actor, siteCode)
            let asked = try api.queuePageRequest(request)
            // 查找: a candidate in front of the reviewer, by name, ID number, username or application number.
            let query = (try request.query("q", maxLength: 64)).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            var page: ReviewQueuePage
            if let query {
                var candidates = Set<String>()
                if let id = try await api.history.resolve(query), id.hasPrefix("candidate-") { candidates.insert(id) }
                // By ID number only for those who see numbers in full: for an auditor, who reads them masked, a search
                // that answers whether a guessed number is right would give the hidden digits back (audit Z-5).
                if api.seesFullIDNumbers(principal.actor),
                    let holder = try await api.service.store.claimHolder(CandidateClaims.idNumberKey(query))
                {
                    candidates.insert(holder)
                }
                let found = try await api.readModels().search(site: siteCode, candidateIDs: candidates, name: query, applicationID: query)
                page = ReviewQueuePage(items: found, next: nil)
            } else {
                page = try await api.readModels().queue(site: siteCode, status: asked.status, after: asked.after, limit: asked.limit)
            }
            let season = try await api.service.seasonState()
            // A reviewer keeps a candidate who abandoned here only if they applied here again (the file's rule): such
            // a line stays in the site's record, without a link to a page the reviewer would be refused.
            var closed = Set<String>()
            if principal.actor.role == .reviewer {
                for item in page.items where item.status == ApplicationStatus.abandoned.rawValue {
                    let state = try await api.registeredState(item.candidateID)
                    if state?.isReviewed(atAnyOf: principal.actor.siteCodes) != true { closed.insert(item.applicationID) }
                }
            }
            let items: [[String: Any]] = page.items.map { item in
                [
                    "open": !closed.contains(item.applicationID),
                    "applicationID": item.applicationID, "candidateID": item.candidateID, "name": item.name,
                    "exam": season.exam(item.examCode)?.name ?? item.examCode, "submittedAt": PageRender.shortTime(item.submittedAt),
                    "status": PageRender.statusLabel(item.status), "entries": item.entries, "verified": item.verifiedEntries,
                    "mismatches": item.mismatches, "hasMismatch": item.mismatches > 0, "identity": item.identityMismatch,
                    "corrections": item.corrections, "payment": PageRender.paymentStatusLabel(item.paymentStatus),
                ]
            }
            let base = "/review/sites/\(siteCode)"
            let statusQuery = asked.status.map { "status=\($0)" }
            // Each tab says how many lines it holds (待审核 12), and keeps the page size asked for.
            let counts = try await api.readModels().statusCounts(site: siteCode)
            let limitQuery = request.uri.queryParameters["limit"] == nil ? nil : "limit=\(asked.limit)"
            let link = { (status: String?) -> String in
                let query = [status.map { "status=\($0)" }, limitQuery].compactMap { $0 }.joined(separator: "&")
                return query.isEmpty ? base : base + "?" + query
            }
            let tabs: [[String: Any]] =
                [["label": "全部 \(counts.values.reduce(0, +))", "link": link(nil), "current": asked.status == nil]]
                + RegistrarAPI.reviewQueueStatuses.map { status in
                    [
                        "label": "\(status.label) \(counts[status.rawValue] ?? 0)", "link": link(status.rawValue),
                        "current": asked.status == status.rawValue,
                    ]
                }
            let siteName = season.site(siteCode)?.name ?? siteCode
            var values: [String: Any] = [
                "title": "\(siteName)（\(siteCode)）现场审核", "items": items, "empty": items.isEmpty, "tabs": tabs, "base": base,
                "searchHint": api.seesFullIDNumbers(principal.actor) ? "姓名、证件号码、用户名或报名号" : "姓名、用户名或报名号",
            ]
            if let query {
                values["q"] = query
                values["searching"] = true
                return PageRender.html(PageRender.render("queue", values, principal: principal))
            }
            if asked.after != nil { values["firstPage"] = link(asked.status) }
            if let next = page.next {
                values["nextPage"] = base + "?" + [statusQuery, limitQuery, "after=\(next.token)"].compactMap { $0 }.joined(separator: "&")
            }
            return PageRender.html(PageRender.render("queue", values, principal: principal))
        }

        // The comparison of an application.
        staffPage(.get, "/review/applications/{applicationID}") { request, context, principal in
            let applicationID = try context.id("applicationID")
            let done = try request.query("done", maxLength: 20)
            return try await api.comparisonPage(applicationID, principal: principal, done: done)
        }

        // The reviewer's forms: the same commands as the API; a rejection is shown on the page with its message.
        for action in ["corrections", "approve", "reject", "signature", "approval-withdrawal", "password-reset"] {
            staffPage(.post, "/review/applications/{applicationID}/\(action)") { request, context, principal in
                let applicationID = try context.id("applicationID")
                let form = try await PageForm.read(request, limit: limit)
                guard let comparison = try await api.readModels().comparison(application: applicationID) else {
                    throw APIError.notFound(DecisionCode.applicationNotFound.rawValue, field: "applicationID", message: "报名记录\(applicationID)不存在")
                }
                try api.authorizeSite(principal.actor, comparison.summary.siteCode)
                let candidateID = comparison.summary.candidateID
                let reason = form["reason"].flatMap { $0.isEmpty ? nil : $0 }
                do {
                    // Inside the `do`: an unknown field is shown on the page with what was typed, as a rejection is.
                    let command: CandidateCommand
                    switch action {
                    case "corrections":
                        guard let field = BasicInfoField(rawValue: form["field"] ?? "") else {
                            throw APIError.badRequest("invalid_value", field: "field", message: "请选择要修改的字段")
                        }
                        command = .correctBasicInfo(
                            CorrectBasicInfo(
                                candidateID: candidateID,
                                applicationID: applicationID,
                                field: field,
                                newValue: form["newValue"] ?? "",
                                reason: reason ?? "",
                                idType: form["idType"].flatMap { $0.isEmpty ? nil : $0 }
                            )
                        )
                    case "approve":
                        let note = form["note"].flatMap { $0.isEmpty ? nil : $0 }
                        command = .approveApplication(ApproveApplication(candidateID: candidateID, applicationID: applicationID, note: note))
                    case "signature":
                        command = .recordSignature(RecordSignature(candidateID: candidateID, applicationID: applicationID))
                    case "approval-withdrawal":
                        command = .withdrawApproval(WithdrawApproval(candidateID: candidateID, applicationID: applicationID, reason: reason ?? ""))
                    case "password-reset":
                        command = .changePassword(
                            ChangePassword(candidateID: candidateID, newPassword: form["newPassword"] ?? "", method: .staff, reason: reason)
                        )
                    default:
                        command = .rejectApplication(RejectApplication(candidateID: candidateID, applicationID: applicationID, reason: reason ?? ""))
                    }
                    // An approval's reason in the trail is its note (审核意见).
                    let recorded = action == "approve" ? form["note"].flatMap { $0.isEmpty ? nil : $0 } : reason
                    _ = try await api.run(command, as: principal.actor, request, context, reason: recorded)
                    if action == "password-reset" { api.sessions.revokeAll(of: candidateID) }
                } catch {
                    guard let known = APIError.from(error) else { throw error }
                    var response = try await api.comparisonPage(
                        applicationID,
                        principal: principal,
                        error: known.body.message,
                        failedForm: action,
                        form: form
                    )
                    response.status = known.status
                    return response
                }
                try await api.waitForReadModels()
                return PageRender.redirect("/review/applications/\(applicationID)?done=\(action)")
            }
        }
    }

    /// 修改密码 for whoever is logged in (staff and candidates), as `PUT …/password` does; the only page a session that
    /// must replace its password may open.
    mutating func addPasswordPage() {
        let api = self.api
        let limit = self.limit

        // 找回密码 for a candidate who is not logged in: the ID type, number and name; then the recovery question's
        // answer and a new password (the API's two steps, throttled the same way); then the username.
        page(.get, "/password-recovery") { _, _ in
            PageRender.html(PageRender.render("recovery", PageRender.recoveryValues([:]), principal: nil))
        }

        page(.post, "/password-recovery/question") { request, context in
            let form = try await PageForm.read(request, limit: limit)
            var values = PageRender.recoveryValues(form)
            do {
                let body = RecoveryLookupBody(idType: form["idType"] ?? "", idNumber: form["idNumber"] ?? "", name: form["name"] ?? "")
                values["question"] = try await api.recoveryQuestion(body, request, context)
                values["askIdentity"] = false
            } catch {
                guard let known = APIError.from(error) else { throw error }
                return PageRender.recoveryRefusal(known, values)
            }
            return PageRender.html(PageRender.render("recovery", values, principal: nil))
        }

        page(.post, "/password-recovery") { request, context in
            let form = try await PageForm.read(request, limit: limit)
            var values = PageRender.recoveryValues(form)
            values["askIdentity"] = false
            values["question"] = form["question"] ?? ""
            do {
                guard (form["newPassword"] ?? "") == (form["confirmPassword"] ?? "") else {
                    throw APIError.badRequest("invalid_value", field: "confirmPassword", message: "两次输入的新密码不一致")
                }
                let body = RecoveryBody(
                    idType: form["idType"] ?? "",
                    idNumber: form["idNumber"] ?? "",
                    name: form["name"] ?? "",
                    recoveryAnswer: form["recoveryAnswer"] ?? "",
                    newPassword: form["newPassword"] ?? ""
                )
                let recovered = try await api.recoverPassword(body, request, context)
                return PageRender.html(
                    PageRender.render("recovery", ["title": "找回密码", "done": true, "username": recovered.username], principal: nil)
                )
            } catch {
                guard let known = APIError.from(error) else { throw error }
                return PageRender.recoveryRefusal(known, values)
            }
        }

        staffPage(.get, PageRender.passwordPage) { request, _, principal in
            let done = try request.query("done", maxLength: 10) == "1" && !principal.passwordChangeRequired
            return PageRender.html(PageRender.render("password", api.passwordPageValues(principal, done: done), principal: principal))
        }

        staffPage(.post, PageRender.passwordPage) { request, context, principal in
            let form = try await PageForm.read(request, limit: limit)
            let subject = principal.actor.id
            let currentPassword = form["currentPassword"] ?? ""
            let newPassword = form["newPassword"] ?? ""
            do {
                guard newPassword == form["confirmPassword"] ?? "" else {
                    throw APIError.badRequest("invalid_value", field: "confirmPassword", message: "两次输入的新密码不一致")
                }
                let requestContext = try api.requestContext(request, context, scope: subject, channel: "web")
                switch principal.actor.role {
                case .candidate:
                    _ = try await api.checkingCurrentPassword(currentPassword, of: subject) {
                        try await api.service.changePassword(
                            candidateId: subject,
                            currentPassword: currentPassword,
                            newPassword: newPassword,
                            actor: principal.actor,
                            request: requestContext
                        )
                    }
                default:
                    _ = try await api.checkingCurrentPassword(currentPassword, of: subject) {
                        try await api.service.changeStaffPassword(
                            ChangeStaffPassword(staffID: subject, newPassword: newPassword, method: .byHolder),
                            currentPassword: currentPassword,
                            actor: principal.actor,
                            request: requestContext
                        )
                    }
                }
            } catch {
                guard let known = APIError.from(error) else { throw error }
                var values = api.passwordPageValues(principal, done: false)
                values["error"] = known.body.message
                var page = PageRender.html(PageRender.render("password", values, principal: principal), status: known.status)
                page.headers.append(contentsOf: known.httpFields)
                return page
            }
            api.sessions.revokeAll(of: subject, keeping: principal.token)
            api.sessions.passwordChanged(principal.token)
            return PageRender.redirect(PageRender.passwordPage + "?done=1")
        }
    }

    mutating func addHistoryAndNoticePages() {
        let api = self.api

        // The timeline of a candidate's file, with the file replayed to any version.
        staffPage(.get, "/candidates/{candidateID}/history") { request, context, principal in
            let candidateID = try context.id("candidateID")
            try await api.authorizeRead(principal.actor, candidateID: candidateID) { try await api.registeredState(candidateID) }
            // The API's point of history: a version or an instant (`at`), the same refusals.
            let point = try api.historyPoint(version: request.query("version", in: 0...Int(Int32.max)), at: request.query("at", maxLength: 40))
            let latest = try await api.history.replay(candidateID, at: .latest)
            guard latest.version > 0 else {
                throw APIError.notFound(DecisionCode.candidateNotRegistered.rawValue, field: "candidateID", message: "考生\(candidateID)尚未注册")
            }
            var replay = latest
            switch point {
            case .version(let wanted) where wanted < latest.version: replay = try await api.history.replay(candidateID, at: point)
            case .instant: replay = try await api.history.replay(candidateID, at: point)
            default: break
            }
            var state = replay.state
            let knownNumbers = Masking.knownNumbers(of: state)
            let identityMismatches = PageFile.identityMismatches(state)
            let fullIDNumbers = api.seesFullIDNumbers(principal.actor)
            if !fullIDNumbers { Disclosure.mask(&state) }
            let sections = PageFile.sections(state, season: try await api.service.seasonState(), identityMismatches: identityMismatches)
            // A candidate reads who acted by role (审核人员, 管理员), not staff members' names and log-ins, as on the
            // real system's pages; staff read the names.
            let forCandidate = principal.actor.role == .candidate
            let named = Set(latest.timeline.map(\.actorId)).filter { !forCandidate || $0 == principal.actor.id }
            let names = try await api.accountNames(named)
            // Staff are named to a candidate by the site of the application they acted on (the desk the candidate can go
            // back to, whatever their scope is now), never by name or internal id.
            let season = try await api.service.seasonState()
            let office = { (step: CandidateHistory.Step) -> String in
                guard let site = step.siteCode else { return step.role == Role.admin.rawValue ? "考务管理" : "" }
                return "\(season.site(site)?.name ?? site)（\(site)）"
            }
            let steps: [[String: Any]] = latest.timeline.map { step in
                let hidden = forCandidate && step.actorId.hasPrefix("staff-")
                return [
                    "version": step.version, "recordedAt": PageRender.shortTime(step.recordedAt),
                    "action": PageRender.chinesePart(step.action),
                    "actor": hidden ? "" : step.actorId,
                    "actorName": hidden ? office(step) : names[step.actorId] ?? "", "role": PageRender.roleLabel(step.role),
                    "reason": DisplayText.escaped((fullIDNumbers ? step : Masking.idNumbers(in: step, knowing: knownNumbers)).reason ?? ""),
                    "current": step.version == replay.version,
                    "future": step.version > replay.version, "link": "/candidates/\(candidateID)/history?version=\(step.version)",
                ]
            }
            // The printable notice of each live application, as the file has it now (the page's only way to it).
            let notices: [[String: Any]] = latest.state.applications.values.filter(\.isLive)
                .sorted { $0.submittedAt < $1.submittedAt }
                .map { application in
                    let exam = season.exam(application.examCode)?.name ?? application.examCode
                    return [
                        "label": "\(exam)，报名号 \(application.applicationID)（\(application.status.label)）",
                        "link": "/candidates/\(candidateID)/applications/\(application.applicationID)/notice",
                    ]
                }
            // 当前状态: each live application's status and payment, and what the candidate should do next (the API's
            // nextActions in words), as the file is now.
            let now = api.service.clock.now()
            let current: [[String: Any]] = latest.state.applications.values.filter(\.isLive)
                .sorted { $0.submittedAt < $1.submittedAt }
                .map { application in
                    [
                        "exam": season.exam(application.examCode)?.name ?? application.examCode,
                        "site": season.site(application.siteCode).map { "\($0.name)（\($0.code)）" } ?? application.siteCode,
                        "status": application.status.label, "payment": application.paymentStatus.label,
                    ]
                }
            let next = latest.state.nextActions(at: now, season: season).map(PageRender.actionLabel)
            let values: [String: Any] = [
                "title": "考生档案历史：\(state.basic?.name ?? candidateID)",
                "candidateID": candidateID, "version": replay.version, "latestVersion": latest.version,
                "isPast": replay.version < latest.version, "steps": steps, "sections": sections, "noSections": sections.isEmpty,
                "notices": notices, "hasNotices": !notices.isEmpty,
                "current": current, "hasCurrent": !current.isEmpty, "next": next, "hasNext": !next.isEmpty,
            ]
            return PageRender.html(PageRender.render("history", values, principal: principal))
        }

        // The application's photo, for the review page and the notice (the API's answer, with the page session).
        staffPage(.get, "/candidates/{candidateID}/applications/{applicationID}/photo") { _, context, principal in
            try await api.photoResponse(try context.id("candidateID"), try context.id("applicationID"), for: principal)
        }

        // 网上报名成功通知单, printable.
        staffPage(.get, "/candidates/{candidateID}/applications/{applicationID}/notice") { _, context, principal in
            let candidateID = try context.id("candidateID")
            let applicationID = try context.id("applicationID")
            let (state, application, notice) = try await api.notice(candidateID, applicationID, for: principal)
            // 工作情况 as submitted; an application recorded before it was kept shows the file's current one.
            let work = state.work
            let rows: [[String: Any]] = PageFile.rows([
                ("报名号", notice.applicationID), ("用户名", notice.username), ("姓名", notice.name), ("性别", notice.sex),
                ("出生日期", notice.birthDate), ("民族", state.basic?.ethnicity), ("证件类型", notice.idType), ("证件号码", notice.idNumber),
                ("往来大陆通行证编号", notice.passNumber),
                ("本人身份", PageFile.identity(application.identity)), ("手机", state.contact?.mobile),
                ("在岗情况", application.onDutyStatus ?? work?.onDutyStatus), ("工作单位", application.workUnit ?? work?.workUnit),
                ("职称", application.onDutyStatus == nil ? work?.title : application.title),
                ("报考类别", "\(notice.examName)（\(notice.examCode)）"), ("考区", "\(notice.areaName)（\(notice.areaCode)）"),
                ("考点", "\(notice.siteName)（\(notice.siteCode)）"), ("报考次数", String(notice.attemptCount)),
                ("加试科目", notice.additionalSubject ?? "无"), ("报名时间", PageRender.shortTime(notice.submittedAt)),
                ("报名状态", notice.statusLabel),
            ])
            .map { ["label": $0.label, "value": $0.value] }
            let education: [[String: Any]] = application.educationEntryIDs.compactMap { state.education[$0]?.record }.map { record in
                [
                    "school": record.school ?? "—", "major": record.major ?? "—", "level": record.level,
                    "studyForm": record.studyForm ?? "—", "graduation": record.graduation ?? "—",
                ]
            }
            let training: [[String: Any]] = notice.training.map {
                ["kind": $0.kind, "institution": $0.institution, "specialty": $0.specialty, "period": "\($0.start)至\($0.end)"]
            }
            let certificate: [[String: Any]] = notice.certificate.map { [["type": $0.type, "number": $0.number, "issued": $0.issued]] } ?? []
            let showsPhoto = try api.seesFullIDNumbers(principal.actor) && api.service.hasPhoto(notice.photoID)
            let values: [String: Any] = [
                "title": notice.title, "rows": rows, "education": education, "hasEducation": !education.isEmpty,
                "training": training, "hasTraining": !training.isEmpty, "certificate": certificate, "hasCertificate": !certificate.isEmpty,
                "instruction": notice.instruction,
                "photo": showsPhoto ? "/candidates/\(candidateID)/applications/\(applicationID)/photo" as Any : false,
            ]
            return PageRender.html(PageRender.render("notice", values, principal: principal))
        }
    }

    mutating func addAuditPages() {
        let api = self.api

        staffPage(.get, "/audit") { request, _, principal in
            let filters: AuditFilters
            let limit: Int?
            let page: AuditPage
            do {
                filters = try AuditFilters(request)
                limit = try request.query("limit", in: 1...2_000)
                page = try await api.auditPage(filters, limit: limit ?? 2_000, principal: principal)
            } catch let refused as APIError where principal.actor.role == .auditor {
                // Refused filters come back on the page with what was typed, to correct in place.
                var values: [String: Any] = ["title": "审计记录", "error": refused.body.message, "count": 0, "rows": [[String: Any]]()]
                for name in ["candidate", "actor", "since", "until", "field"] {
                    if let typed = try? request.query(name, maxLength: 200) { values[name] = typed }
                }
                return PageRender.html(PageRender.render("audit", values, principal: principal), status: refused.status)
            }
            let names = try await api.accountNames(Set(page.records.flatMap { [$0.actorID, $0.subjectID] }))
            // Control characters in a value are escaped (`\n`), as in `registrar trace`: no value can forge a row.
            let rows: [[String: Any]] = page.records.map(\.escapedForDisplay).map { record in
                [
                    "position": record.position, "recordedAt": PageRender.shortTime(record.recordedAt), "subject": record.subjectID,
                    "subjectName": names[record.subjectID] ?? "", "actor": record.actorID, "actorName": names[record.actorID] ?? "",
                    // Links to where the auditor goes next: the candidate's history (replay), this subject's or this
                    // actor's whole trail.
                    "subjectLink": record.subjectID.hasPrefix("candidate-") ? "/candidates/\(record.subjectID)/history" as Any : false,
                    "subjectTrail": "/audit?candidate=" + PageRender.queryEscape(record.subjectID),
                    "actorTrail": "/audit?actor=" + PageRender.queryEscape(record.actorID),
                    "role": PageRender.roleLabel(record.role),
                    "action": PageRender.chinesePart(record.action), "field": record.field,
                    // Instants among the values (calendar dates, password times) in Beijing time, as the time column.
                    "before": PageRender.beijingIfInstant(record.before ?? ""), "after": PageRender.beijingIfInstant(record.after ?? ""),
                    "reason": record.reason ?? "",
                ]
            }
            var values: [String: Any] = filters.values
            values["title"] = "审计记录"
            values["rows"] = rows
            values["count"] = rows.count
            values["csv"] = "/audit.csv" + filters.query
            if filters.after != nil { values["firstPage"] = "/audit" + filters.query }
            if let next = page.next { values["nextPage"] = "/audit" + filters.query(after: next, more: limit.map { ["limit=\($0)"] } ?? []) }
            return PageRender.html(PageRender.render("audit", values, principal: principal))
        }

        // The whole trail of the filters (from the cursor, when given), written out a page at a time as it is read.
        staffPage(.get, "/audit.csv") { request, _, principal in
            let filters = try AuditFilters(request)
            // The first page before the reply starts: a refusal is still a status code, not a cut-off file.
            let step = max(1, api.configuration.auditExportPageRecords)
            let first = try await api.auditPage(filters, limit: step, principal: principal)
            let body = ResponseBody { writer in
                var page = first
                // The columns of `registrar trace --format csv`, after a byte order mark (Excel then reads UTF-8).
                var text = AuditRecord.csvByteOrderMark + AuditRecord.csvColumns.joined(separator: ",") + "\r\n"
                while true {
                    let names = try await api.accountNames(Set(page.records.map(\.actorID)))
                    for record in page.records {
                        text += record.csvCells(actorName: names[record.actorID] ?? "").map(PageRender.csvCell).joined(separator: ",") + "\r\n"
                    }
                    try await writer.write(ByteBuffer(string: text))
                    text = ""
                    guard let next = page.next else { break }
                    var more = filters
                    more.after = next
                    page = try await api.auditPage(more, limit: step, principal: principal)
                }
                try await writer.finish(nil)
            }
            var response = Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: body)
            response.headers[.contentDisposition] = "attachment; filename=\"audit.csv\""
            return response
        }
    }

    mutating func addAdministrationPage() {
        let api = self.api

        // The season as the administrator set it (calendar, catalogue, areas, sites) and the staff accounts: what the
        // admin API changes, to read in a browser. Administrators and auditors, as `GET /api/v1/admin/staff/{id}`.
        staffPage(.get, "/admin") { _, _, principal in
            try api.require(principal.actor, [.admin, .auditor], action: "查看报名年度设置和工作人员账号")
            let season = try await api.service.seasonState()
            let now = api.service.clock.now()
            let time = { (date: Date) in PageRender.shortTime(Instant.string(from: date)) }
            var calendar = [[String: Any]]()
            if let dates = season.calendar {
                calendar = [
                    ("网上报名", dates.registrationOpens, dates.registrationCloses), ("现场资格审核", dates.reviewOpens, dates.reviewCloses),
                    ("网上缴费", dates.paymentOpens, dates.paymentCloses),
                ]
                .map { ["label": $0.0, "opens": time($0.1), "closes": time($0.2)] }
            }
            let exams: [[String: Any]] = season.exams.values.sorted { $0.code < $1.code }.map { exam in
                ["code": exam.code, "name": exam.name, "level": exam.level, "category": exam.category, "state": exam.withdrawn ? "已撤销" : "可报考"]
            }
            let areas: [[String: Any]] = season.areas.values.sorted { $0.code < $1.code }.map { area in
                ["code": area.code, "name": area.name, "payment": PageFile.yesNo(area.onlinePayment), "refund": area.refundPolicy]
            }
            let sites: [[String: Any]] = season.sites.values.sorted { $0.code < $1.code }.map { site in
                ["code": site.code, "name": site.name, "area": PageFile.named(season.area(site.areaCode)?.name, site.areaCode)]
            }
            var staff = [[String: Any]]()
            for (id, username, mustChangePassword) in try await api.staffUsernames() {
                let state = try await api.service.staff.current(id).state
                // Whether the holder has replaced the password the administrator typed (at creation or a reset).
                let status = !state.active ? "已停用" : mustChangePassword ? "在用（待本人修改初始密码）" : "在用"
                let siteNames = state.siteCodes.map { PageFile.named(season.site($0)?.name, $0) }
                staff.append([
                    "username": username, "name": state.displayName, "id": id, "role": PageRender.roleLabel(state.role),
                    "area": state.areaCode.map { PageFile.named(season.area($0)?.name, $0) } ?? "—",
                    "sites": siteNames.isEmpty ? "—" : siteNames.joined(separator: "、"), "state": status,
                ])
            }
            // What an administrator owes or must reconcile with the bank, as the two admin payment lists.
            let excess: [[String: Any]] = try await api.excessRefundLines().map { line in
                [
                    "name": line.name, "candidate": line.candidateID, "application": line.applicationID,
                    "site": PageFile.named(season.site(line.siteCode)?.name, line.siteCode),
                    "paid": PageRender.yuan(line.paidFen), "refunded": PageRender.yuan(line.refundedFen),
                    "excess": PageRender.yuan(line.excessFen),
                ]
            }
            let refused: [[String: Any]] = try await api.callbackLedger.refusedConfirmations().map { line in
                [
                    "transaction": line.bankTransactionID, "order": line.orderNumber, "amount": PageRender.yuan(line.amountFen),
                    "message": line.message, "candidate": line.candidateID, "application": line.applicationID,
                    "received": PageRender.shortTime(line.firstReceivedAt), "deliveries": line.deliveries,
                ]
            }
            let values: [String: Any] = [
                "excess": excess, "noExcess": excess.isEmpty, "refused": refused, "noRefused": refused.isEmpty,
                "title": season.title.isEmpty ? "报名年度与工作人员" : "\(season.title)：报名年度与工作人员",
                "season": season.seasonID ?? "未开启", "phase": PageRender.phaseLabel(season.phase(at: now)),
                "calendar": calendar, "noCalendar": calendar.isEmpty, "exams": exams, "areas": areas, "sites": sites, "staff": staff,
            ]
            return PageRender.html(PageRender.render("admin", values, principal: principal))
        }
    }

    mutating func addEventStream() {
        let api = self.api

        // New events as server-sent events: auditors see all, reviewers their sites' candidates only, administrators
        // the season and staff streams only; candidates nothing. `?max=N` closes the stream after N events.
        staffPage(.get, "/events/stream") { request, _, principal in
            let actor = principal.actor
            guard [.auditor, .reviewer, .admin].contains(actor.role) else { throw APIError.forbidden("当前账号无权查看事件动态") }
            let maximum = try request.query("max", in: 1...100_000)
            let head = try await api.service.store.headPosition()
            var resumeAt = head
            if let header = request.headers[HTTPField.Name("Last-Event-ID")!] {
                // Resuming names a position of the log: a garbled one, or one past its end, is the client's mistake to
                // hear about, not a feed from "now" or one that waits for positions that may never come.
                guard let last = Int64(header), (0...head).contains(last) else {
                    throw APIError.badRequest(
                        "invalid_header",
                        field: "Last-Event-ID",
                        message: "Last-Event-ID须为事件位置（0至\(head)的整数），当前为“\(Reject.excerpt(header))”"
                    )
                }
                resumeAt = last
            }
            let start = resumeAt
            // A few feeds per account and a bounded number in all: each holds a connection and reads at every append.
            let slot = try api.feeds.open(for: principal.actor.id)
            let items = api.service.store.subscribe(after: start).withIdleMarks()
            let body = ResponseBody { writer in
                var sent = 0
                try await writer.write(ByteBuffer(string: ": registrar events after \(start)\n\n"))
                var lastWrite = ContinuousClock.now
                for try await item in items.cancelOnGracefulShutdown() {
                    // The session is checked at every event, as a request would be: a log-out, an expired token, a
                    // deactivated account or a changed password ends the feed, and a changed scope applies at once.
                    guard let session = api.sessions.session(for: principal.token),
                        let current = try await api.actor(of: session.subjectId, isStaff: session.isStaff),
                        [.auditor, .reviewer, .admin].contains(current.role)
                    else { break }
                    // Quiet for this viewer (the log, or only events it is not shown, audit AA-7): a comment line keeps
                    // proxies from closing the feed, and a client that went away fails the write, which ends the feed
                    // and frees its slot (audit Y-1).
                    let quietFor = ContinuousClock.now - lastWrite
                    if quietFor >= .seconds(5) {
                        try await writer.write(ByteBuffer(string: ": idle\n\n"))
                        lastWrite = .now
                    }
                    guard case .event(let event) = item, try await api.feedShows(event, to: current) else { continue }
                    let metadata = try? event.decodedMetadata()
                    var data: [String: String] = [
                        "position": String(event.position), "stream": event.streamId, "version": String(event.streamVersion),
                        "type": event.type, "action": EventDescriptions.describe(event.type), "recordedAt": metadata?.recordedAt ?? "",
                    ]
                    // What staff act on: who did it, whose file, which application at which site, and its page.
                    if let metadata {
                        data["actor"] = metadata.actorId
                        data["role"] = metadata.role
                        data["actorName"] = try await api.accountNames([metadata.actorId])[metadata.actorId]
                    }
                    if event.streamId.hasPrefix("candidate-") {
                        let state = try await api.service.candidateState(event.streamId)
                        data["candidateName"] = state.basic?.name
                        if let applicationID = (try? EventCatalog.candidateCodec.decode(event))?.applicationID {
                            let site = state.applications[applicationID]?.siteCode
                            // An application's events go to the reviewers of its site, not to those of another site
                            // the candidate applies at now (as its photo and its page).
                            if current.role == .reviewer, !current.siteCodes.contains(site ?? "") { continue }
                            data["applicationID"] = applicationID
                            data["siteCode"] = site
                            data["link"] = "/review/applications/\(applicationID)"
                        }
                    }
                    let json = String(decoding: try RegistrarAPI.encoder.encode(data), as: UTF8.self)
                    try await writer.write(ByteBuffer(string: "id: \(event.position)\nevent: \(event.type)\ndata: \(json)\n\n"))
                    lastWrite = .now
                    sent += 1
                    if let maximum, sent >= maximum { break }
                }
                slot.close()
                try await writer.finish(nil)
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"],
                body: body
            )
        }
    }
}

// MARK: - Helpers of the handlers

/// The filters of the audit trail (its page, its CSV and the API), from the query; `after`, the cursor of a page.
struct AuditFilters {
    var candidate: String?
    var actor: String?
    var since: String?
    var until: String?
    var field: String?
    var after: AuditCursor?

    init(_ request: Request) throws {
        candidate = try request.filterQuery("candidate", maxLength: 128)
        actor = try request.filterQuery("actor", maxLength: 128)
        since = try Self.bound(request, "since")
        until = try Self.bound(request, "until", endOfDay: true)
        if let since, let until, since >= until {
            throw APIError.badRequest("invalid_parameter", field: "until", message: "截止时间until须晚于起始时间since")
        }
        field = try request.filterQuery("field", maxLength: 200)
        if let token = try request.query("after", maxLength: 40) {
            guard let cursor = AuditCursor(token: token) else {
                throw APIError.badRequest("invalid_parameter", field: "after", message: "翻页位置after无效，应为“位置.序号”，如1042.3")
            }
            after = cursor
        }
    }

    /// An instant bound of the trail, in the form `recorded_at` holds (400 naming the parameter when it is not one).
    private static func bound(_ request: Request, _ name: String, endOfDay: Bool = false) throws -> String? {
        guard let text = try request.filterQuery(name, maxLength: 40) else { return nil }
        guard let bound = AuditFilter.bound(text, endOfDay: endOfDay) else {
            throw APIError.badRequest(
                "invalid_parameter",
                field: name,
                message: "\(name)须为日期或时间，如2026-01-12（北京时间当日）、2026-01-12T03:00:00.000Z或北京时间2026-01-12T11:00:00+08:00"
            )
        }
        return bound
    }

    /// The filters for the queries.
    var filter: AuditFilter { AuditFilter(candidate: candidate, actor: actor, since: since, until: until, field: field) }

    /// The filters as the page's form shows them: the time bounds in Beijing time, as the rows are (and in a form
    /// the filter takes back: `2026-01-12T11:00:00+08:00`).
    var values: [String: Any] {
        [
            "candidate": candidate ?? "", "actor": actor ?? "", "since": since.map(PageRender.beijingInstant) ?? "",
            "until": until.map(PageRender.beijingInstant) ?? "", "field": field ?? "",
        ]
    }

    /// `?candidate=…&…` with the filters set (empty when none); not the cursor.
    var query: String { query(after: nil) }

    /// The query of the filters, then `more`, then `after=` the cursor when given.
    func query(after cursor: AuditCursor?, more: [String] = []) -> String {
        let pairs =
            [("candidate", candidate), ("actor", actor), ("since", since), ("until", until), ("field", field)]
            .compactMap { name, value in value.map { "\(name)=\(PageRender.queryEscape($0))" } }
            + more + (cursor.map { ["after=\($0.token)"] } ?? [])
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }
}

extension RegistrarAPI {
    /// The caller of a page, from the session cookie (nil when there is none or it no longer works).
    func pagePrincipal(_ request: Request) async throws -> Principal? {
        guard let token = request.cookies[sessionCookieName]?.value, Header.token(token, maxLength: 256) != nil,
            let session = sessions.session(for: token),
            let actor = try await actor(of: session.subjectId, isStaff: session.isStaff)
        else { return nil }
        let displayName: String? =
            session.isStaff
            ? try await service.staff.current(session.subjectId).state.displayName
            : try await service.candidateState(session.subjectId).basic?.name
        return Principal(
            actor: actor,
            token: token,
            expiresAt: session.expiresAt,
            displayName: displayName,
            passwordChangeRequired: session.passwordChangeRequired
        )
    }

    /// Checks a username and password as `POST /api/v1/sessions` does (lock-out included) and issues a token.
    func openSession(
        username: String,
        password: String,
        request: Request,
        context: RegistrarRequestContext
    ) async throws -> (String, Session, Actor) {
        let invalid = APIError(.unauthorized, code: "auth.invalid_credentials", field: "password", message: "用户名或密码错误")
        return try await checkingClient(request, context, field: "username") { attempt in
            guard !username.isEmpty, username.count <= 64, password.count <= 128 else {
                attempt.fail()
                throw invalid
            }
            // The account's attempts count from their start too: a burst of wrong passwords for one username is
            // checked five at a time at most, and the rest find it locked.
            let usernameKey = LoginThrottle.usernameKey(username)
            switch await throttle.enter(usernameKey) {
            case .go: break
            case .locked(let wait): throw APIError.lockedOut(seconds: wait)
            case .busy: throw APIError.accountBusy
            }
            let authenticated: (subjectId: String, mustChangePassword: Bool, passwordHash: String)?
            do {
                authenticated = try await service.authenticate(username: username, password: password)
            } catch {
                await throttle.end(usernameKey, failed: false)
                throw error
            }
            guard let (subject, mustChange, matched) = authenticated else {
                attempt.fail()
                if let wait = await throttle.end(usernameKey, failed: true) { throw APIError.lockedOut(seconds: wait) }
                throw invalid
            }
            await throttle.end(usernameKey, failed: false, successForgets: true)
            let staff = try await isStaff(subject)
            guard let actor = try await actor(of: subject, isStaff: staff) else {
                throw APIError.forbidden("该工作人员账号已停用", code: "auth.account_deactivated", field: "username")
            }
            // A staff password set before the rule (8 to 64 characters with a letter and a digit) is replaced too.
            let refusedByRule: Bool
            do {
                if staff { try Rules.validateStaffPassword(password, field: "password") }
                refusedByRule = false
            } catch {
                refusedByRule = true
            }
            let (token, session) = try sessions.issue(for: subject, isStaff: staff, passwordChangeRequired: mustChange || refusedByRule)
            // A reset or change that committed while this log-in was checked ended every session but this one, which
            // it could not see yet: the password it was opened with is no longer the account's.
            if try await service.passwordHash(ofSubject: subject) != matched {
                sessions.revoke(token)
                throw invalid
            }
            return (token, session, actor)
        }
    }

    /// A page of the audit records of the filters (from their cursor): auditors only, ID numbers masked.
    func auditPage(_ filters: AuditFilters, limit: Int, principal: Principal) async throws -> AuditPage {
        try require(principal.actor, [.auditor], action: "查看审计记录")
        guard let reader else { throw APIError.notFound() }
        var filter = filters.filter
        // A candidate by id or by username, as `registrar trace` takes it; one that is neither matches nothing.
        // A name or ID number typed where the candidate goes, or a typo, must not read as "nothing was changed".
        if let candidate = filter.candidate {
            guard let id = try await history.resolve(candidate) else {
                throw APIError.badRequest(
                    "invalid_parameter",
                    field: "candidate",
                    message: "没有用户名或编号为\(Reject.excerpt(candidate))的考生（或工作人员账号）；请填写用户名或编号（candidate-…），不是姓名或证件号码"
                )
            }
            filter.candidate = id
        }
        // An actor the same way: staff share the usernames' namespace (`reviewer_1101` is `staff-…`).
        // Anything else is refused: a mistyped name must not read as "this person did nothing" (as `registrar trace`).
        if let actor = filter.actor, !Actor.systemActorIDs.contains(actor), !Actor.formerSystemActorIDs.contains(actor) {
            guard let id = try await history.resolve(actor) else {
                throw APIError.badRequest(
                    "invalid_parameter",
                    field: "actor",
                    message: "没有编号或用户名为\(Reject.excerpt(actor))的账号；请填写考生或工作人员的编号、用户名，或系统编号（\(Actor.systemActorIDs.joined(separator: "、"))）"
                )
            }
            filter.actor = id
        }
        var page = try await AuditQueries(reader).page(filter, after: filters.after, limit: limit)
        page.records = page.records.map(Disclosure.mask)
        return page
    }

    /// Who the ids on a page are, for the people reading it: `显示名（用户名）` for a staff account, the username for a
    /// candidate. Ids without credentials (`system`, the outside systems, the season) are left out.
    func accountNames(_ ids: Set<String>) async throws -> [String: String] {
        try await service.accountNames(ids)
    }

    /// Every staff account's id and username, by username (from the credentials table; staff ids start `staff-`).
    func staffUsernames() async throws -> [(id: String, username: String, mustChangePassword: Bool)] {
        guard let reader else { return [] }
        return try reader.readNow { db in
            try Row.fetchAll(
                db,
                sql: "SELECT subject_id, username, must_change_password FROM credentials WHERE subject_id LIKE 'staff-%' ORDER BY username"
            )
            .map { row -> (id: String, username: String, mustChangePassword: Bool) in
                (id: row["subject_id"], username: row["username"], mustChangePassword: row["must_change_password"])
            }
        }
    }

    /// Waits (briefly) until the read models have caught up with the log, so that a page shown after a command
    /// shows its effect.
    func waitForReadModels() async throws {
        let head = try await service.store.headPosition()
        for _ in 0..<100 {
            let checkpoints = try await projectionCheckpoints()
            if checkpoints.isEmpty || checkpoints.values.allSatisfy({ $0 >= head }) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Whether the live feed shows an event to a staff member.
    func feedShows(_ event: RecordedEvent, to actor: Actor) async throws -> Bool {
        let isCandidateEvent = EventCatalog.candidateCodec.eventTypes.contains(event.type)
        switch actor.role {
        case .auditor: return true
        case .admin: return !isCandidateEvent
        case .reviewer:
            guard isCandidateEvent else { return false }
            return try await service.candidateState(event.streamId).isReviewed(atAnyOf: actor.siteCodes)
        default: return false
        }
    }

    /// The comparison page of an application (also shown again with a rejection's message after a form: the
    /// `failedForm` (`corrections`, `reject`, `password-reset`) gets back what was typed in it, the others stay empty).
    func comparisonPage(
        _ applicationID: String,
        principal: Principal,
        done: String? = nil,
        error: String? = nil,
        failedForm: String? = nil,
        form: [String: String] = [:]
    ) async throws -> Response {
        // The forms share the name `reason`: only the form that was sent gets its values back.
        let typed = { (action: String, name: String) -> String in failedForm == action ? form[name] ?? "" : "" }
        try require(principal.actor, [.reviewer, .auditor], action: "查看审核比对")
        // The API's rule: the site, then the candidate file's (an abandoned application's reviewers no longer read it).
        let authorized = try await authorizedComparison(applicationID, actor: principal.actor)
        let comparison = authorized.comparison
        var state = authorized.state
        if !seesFullIDNumbers(principal.actor), state != nil { Disclosure.mask(&state!) }
        let application = state?.applications[applicationID]
        let summary = comparison.summary
        let season = try await service.seasonState()
        let entries: [[String: Any]] = comparison.entries.enumerated().map { index, entry in
            let rows: [[String: Any]] = entry.rows.map { row in
                let chsi: String
                switch row.status {
                case .notProvided: chsi = "学信网未提供"
                case .notVerified: chsi = "未验证"
                default: chsi = row.chsi ?? ""
                }
                let verdict: String
                switch row.status {
                case .match: verdict = "一致"
                case .mismatch: verdict = "不一致"
                case .notProvided: verdict = "学信网未提供"
                case .notVerified: verdict = "未验证"
                }
                return [
                    "label": row.label, "declared": row.declared.isEmpty ? "—" : row.declared, "chsi": chsi, "verdict": verdict,
                    "class": PageRender.rowClass(row.status),
                ]
            }
            let attempts: [[String: Any]] = entry.attempts.map { attempt in
                [
                    "sequence": attempt.sequence + 1, "receivedAt": PageRender.shortTime(attempt.receivedAt), "school": attempt.school,
                    "major": attempt.major, "level": attempt.level, "studyForm": attempt.studyForm,
                    "enrolment": attempt.enrolmentDate, "graduation": attempt.graduationDate, "conclusion": attempt.conclusion,
                    "chsiName": attempt.name, "chsiIDNumber": attempt.idNumber,
                    "identity": attempt.nameMatches && attempt.idNumberMatches ? "一致" : "不一致",
                    "identityMismatch": !(attempt.nameMatches && attempt.idNumberMatches),
                    "superseded": attempt.superseded,
                ]
            }
            return [
                "number": index + 1, "entryID": entry.entryID, "rows": rows, "attempts": attempts, "hasAttempts": !attempts.isEmpty,
            ]
        }
        let fields: [[String: Any]] = BasicInfoField.allCases.map { field in
            [
                "value": field.rawValue, "label": PageRender.label(of: field),
                "selected": typed("corrections", "field") == field.rawValue,
            ]
        }
        let isReviewer = principal.actor.role == .reviewer
        // Only the forms the rules allow: corrections and decisions while submitted, the signature once approved and
        // not signed, all of them only while the review window is open (the decider refuses them outside it).
        let reviewOpen = season.isReviewOpen(at: service.clock.now())
        let awaitsReview = summary.status == ApplicationStatus.submitted.rawValue
        let awaitsSignature = application.map { $0.isApproved && !$0.isSigned } == true
        let canDecide = isReviewer && reviewOpen && awaitsReview
        let canSign = isReviewer && reviewOpen && awaitsSignature
        let details = try await Self.reviewDetails(state, application, season: season, names: { try await self.accountNames($0) })
        var unconfirmed: [String] = []
        if let state, let application { unconfirmed = CandidateDecider.entriesWithoutChsiResult(of: application, in: state) }
        var values: [String: Any] = [
            "title": "现场资格审核：\(summary.name)",
            "name": summary.name, "candidateID": summary.candidateID, "applicationID": summary.applicationID,
            "exam": season.exam(summary.examCode)?.name ?? summary.examCode,
            "site": "\(season.site(summary.siteCode)?.name ?? summary.siteCode)（\(summary.siteCode)）",
            "siteLink": "/review/sites/\(summary.siteCode)",
            "status": PageRender.statusLabel(summary.status), "submittedAt": PageRender.shortTime(summary.submittedAt),
            "payment": PageRender.paymentStatusLabel(summary.paymentStatus), "canSign": canSign,
            "reviewClosed": isReviewer && !reviewOpen && (awaitsReview || awaitsSignature),
            "isFrozen": summary.status != ApplicationStatus.submitted.rawValue,
            "mismatches": summary.mismatches, "hasMismatches": summary.mismatches > 0, "identityMismatch": summary.identityMismatch,
            "entries": entries, "noEntries": entries.isEmpty, "fields": fields, "hints": PageRender.correctionHints,
            "choices": PageRender.correctionChoices, "canDecide": canDecide,
            // Another document of the candidate's region, corrected with its number (证件号码).
            "idTypes": IDType.allCases.filter { type in
                state?.basic?.idTypeValue.map { $0 != type && $0.correctionGroup == type.correctionGroup } ?? false
            }.map { type in ["value": type.rawValue, "selected": typed("corrections", "idType") == type.rawValue] as [String: Any] },
            "canCorrect": canDecide, "canResetPassword": isReviewer,
            "newValue": typed("corrections", "newValue"), "correctionReason": typed("corrections", "reason"),
            "resetReason": typed("password-reset", "reason"), "rejectReason": typed("reject", "reason"),
            "withdrawReason": typed("approval-withdrawal", "reason"),
            "approveNote": typed("approve", "note"), "noteRequired": summary.mismatches > 0 || summary.identityMismatch || !unconfirmed.isEmpty,
            "chsiContradicts": summary.mismatches > 0 || summary.identityMismatch,
            "unconfirmedEntries": unconfirmed.joined(separator: "、"),
            "historyLink": "/candidates/\(summary.candidateID)/history",
        ]
        // Mustache sections treat any string as true: optional texts are left out when absent.
        if let reason = summary.reason, !reason.isEmpty {
            values["reason"] = seesFullIDNumbers(principal.actor) ? reason : Masking.personalData(inText: reason)
        }
        // "不一致项 0" alone would read as all clear for an entry CHSI never answered for.
        let unverified = comparison.entries.filter(\.attempts.isEmpty).count
        if unverified > 0 {
            values["unverifiedNote"] = "\(unverified)项报考学历未经学信网核验" + (awaitsReview ? "，请核对学历证书原件" : "")
        }
        // The photo, for whom it is shown (the reviewer compares it with the person at the desk).
        if let application {
            if !seesFullIDNumbers(principal.actor) {
                values["photoNote"] = "照片仅考生本人和考点审核人员可见"
            } else if try service.hasPhoto(application.photoID) {
                values["photo"] = "/candidates/\(summary.candidateID)/applications/\(applicationID)/photo"
            } else {
                values["photoNote"] = "照片不在本库中（本系统保存照片之前提交的报名，或由不含照片的导出文件恢复的库）"
            }
        }
        values.merge(details) { current, _ in current }
        // The banner after a form's redirect (`?done=`) is shown only when the file agrees: a link or an old
        // redirect must not say 已审核通过 above a rejected application.
        // Nor to someone who could not have done it (an auditor given the link), nor for corrections the file lacks.
        let mayAct = principal.actor.role == .reviewer || principal.actor.role == .admin
        let corrected = (values["corrections"] as? [Any])?.isEmpty == false
        if let done, let notice = PageRender.doneMessages[done], mayAct, done != "corrections" || corrected,
            PageRender.doneStatuses[done].map({ $0.contains(summary.status) }) ?? true
        {
            values["notice"] = notice
        }
        if let error { values["error"] = error }
        return PageRender.html(PageRender.render("comparison", values, principal: principal))
    }

    /// What the reviewer checks beside the comparison (DOMAIN.md §5), as the comparison page's values: the basic
    /// information (`basic`), the application as submitted (`applicationRows`: attempts, additional subject, work),
    /// the ticked training and certificate entries (`ticked`), the corrections already made (`corrections`) and the
    /// payments (`payments`). `state` is already masked for the caller.
    static func reviewDetails(
        _ state: CandidateState?,
        _ application: RegistrationDomain.Application?,
        season: SeasonState,
        names: (Set<String>) async throws -> [String: String]
    ) async throws -> [String: Any] {
        guard let state, let application else { return [:] }
        var values = [String: Any]()
        let pairs = { (list: [(String, String?)]) -> [[String: Any]] in
            PageFile.rows(list).map { ["label": $0.label, "value": $0.value] }
        }
        if let basic = state.basic {
            values["basic"] = pairs([
                ("姓名", basic.name), ("姓（拼音）", basic.surnamePinyin), ("名（拼音）", basic.givenNamePinyin), ("性别", basic.sex),
                ("出生日期", basic.birthDate), ("证件类型", basic.idType), ("证件号码", basic.idNumber), ("国籍", basic.nationality),
                ("民族", basic.ethnicity), ("本人身份", PageFile.identity(basic.identity) ?? "无"),
            ])
            values["hasBasic"] = true
        }
        // 工作情况 as submitted; an application recorded before it was kept shows the file's current one.
        let work = state.work
        values["applicationRows"] = pairs([
            ("累计报考次数", String(application.attemptCount)), ("加试科目", application.additionalSubject ?? "无"),
            ("报名时本人身份", PageFile.identity(application.identity) ?? "无"), ("往来大陆通行证编号", application.passNumber),
            ("在岗情况", application.onDutyStatus ?? work?.onDutyStatus), ("工作单位", application.workUnit ?? work?.workUnit),
            ("职称", application.onDutyStatus == nil ? work?.title : application.title), ("工作岗位", application.workPost),
        ])
        values["hasApplicationRows"] = true
        var ticked = [[String: Any]]()
        for entryID in application.trainingEntryIDs {
            guard let entry = state.training[entryID] else { continue }
            ticked.append([
                "title": "培训经历",
                "rows": pairs([
                    ("培训类型", entry.kind), ("培训基地", entry.institution), ("培训专业", entry.specialty), ("开始年月", entry.start),
                    ("结束年月", entry.end), ("证书编号", entry.certificateNumber), ("已审核", PageFile.yesNo(entry.flags.verified)),
                ]),
            ])
        }
        if let entryID = application.certificateEntryID, let entry = state.certificates[entryID] {
            ticked.append([
                "title": "证书",
                "rows": pairs([
                    ("证书类型", entry.type), ("发证年月", entry.issued), ("证书编号", entry.number), ("注册年月", entry.registered),
                    ("注册编号", entry.registrationNumber), ("已审核", PageFile.yesNo(entry.flags.verified)),
                ]),
            ])
        }
        values["ticked"] = ticked
        values["hasTicked"] = !ticked.isEmpty
        let withdrawn = application.withdrawnApprovals ?? []
        let reviewers = try await names(
            Set(
                application.corrections.map(\.reviewerID) + [application.approvedBy].compactMap { $0 } + withdrawn.map(\.approvedBy)
                    + withdrawn.map(\.withdrawnBy)
            )
        )
        // The display name with the username (`审核员甲（reviewer01）`); the id when the account is unknown.
        let named = { (reviewer: String) in reviewers[reviewer] ?? reviewer }
        // 审核记录: who decided, when, and why; the approvals withdrawn before the signature; the signature's time.
        var decision: [(String, String?)] = []
        for (index, earlier) in withdrawn.enumerated() {
            let number = withdrawn.count > 1 ? "\(index + 1)" : ""
            decision.append(("撤销的审核通过\(number)", "\(PageRender.shortTime(earlier.approvedAt))由\(named(earlier.approvedBy))审核通过"))
            if let note = earlier.note { decision.append(("原审核意见", note)) }
            decision.append(("撤销时间", PageRender.shortTime(earlier.withdrawnAt)))
            decision.append(("撤销人", named(earlier.withdrawnBy)))
            decision.append(("撤销原因", earlier.reason))
        }
        if let approvedAt = application.approvedAt {
            decision.append(("审核结论", "审核通过"))
            decision.append(("审核时间", PageRender.shortTime(approvedAt)))
            if let reviewer = application.approvedBy { decision.append(("审核人", named(reviewer))) }
            decision.append(("审核意见", application.approvalNote))
        }
        if let rejectedAt = application.rejectedAt {
            decision.append(("审核结论", "审核不通过"))
            decision.append(("审核时间", PageRender.shortTime(rejectedAt)))
            decision.append(("不通过原因", application.rejectionReason))
        }
        if let signedAt = application.signedAt { decision.append(("签字确认时间", PageRender.shortTime(signedAt))) }
        values["decision"] = pairs(decision)
        values["hasDecision"] = !decision.isEmpty
        values["corrections"] = application.corrections.map { correction -> [String: Any] in
            [
                "field": PageRender.correctionLabel(correction.field),
                "oldValue": correction.oldValue.isEmpty ? "（空）" : correction.oldValue,
                "newValue": correction.newValue.isEmpty ? "（空）" : correction.newValue, "reason": correction.reason,
                "reviewer": correction.reviewerID, "reviewerName": reviewers[correction.reviewerID] ?? "",
                "correctedAt": PageRender.shortTime(correction.correctedAt),
            ]
        }
        values["hasCorrections"] = !application.corrections.isEmpty
        values["payments"] = application.payments.map { payment -> [String: Any] in
            [
                "orderNumber": payment.orderNumber, "amount": PageRender.yuan(payment.amountFen),
                "startedAt": PageRender.shortTime(payment.startedAt),
                "outcome": PageRender.paymentOutcomeLabel(payment.outcome),
                "confirmedAt": payment.confirmedAt.map(PageRender.shortTime) ?? "—",
                "failureReason": payment.failureReason.map { payment.outcome == .succeeded ? "（确认前银行曾报告失败：\($0)）" : $0 } ?? "—",
            ]
        }
        values["hasPayments"] = !application.payments.isEmpty
        values["refunds"] = application.refunds.map { refund -> [String: Any] in
            ["amount": PageRender.yuan(refund.amountFen), "reason": refund.reason, "recordedAt": PageRender.shortTime(refund.recordedAt)]
        }
        values["hasRefunds"] = !application.refunds.isEmpty
        return values
    }

    /// A refusal or rejection as an HTML page.
    /// What the password page shows: why a change is required, the rule, and where to go once done.
    func passwordPageValues(_ principal: Principal, done: Bool) -> [String: Any] {
        let staff = principal.actor.role != .candidate
        return [
            "title": "修改密码",
            "required": principal.passwordChangeRequired,
            "done": done,
            "home": PageRender.home(of: principal.actor),
            "rule": staff ? "新密码8至64位，须同时包含字母和数字，区分大小写。" : "新密码5至12位，由字母和数字组成，区分大小写。",
        ]
    }

    func errorPage(_ error: APIError, principal: Principal?) -> Response {
        let body = PageRender.render(
            "error",
            ["title": "无法完成请求", "message": error.body.message, "code": error.body.code, "status": Int(error.status.code)],
            principal: principal
        )
        var page = PageRender.html(body, status: error.status)
        page.headers[Header.pageRefusal] = error.body.code
        // The refusal's own headers a client acts on (`Retry-After` of a 429, `Allow` of a 405).
        for (name, value) in error.headers where name != "Connection" {
            if let field = HTTPField.Name(name) { page.headers[field] = value }
        }
        return page
    }
}

/// `application/x-www-form-urlencoded` bodies of the page forms.
enum PageForm {
    /// The fields of a form (the last value of a repeated name wins).
    static func read(_ request: Request, limit: Int) async throws -> [String: String] {
        let buffer = try await StrictJSON.collect(request, limit: limit)
        return parse(String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    static func parse(_ text: String) -> [String: String] {
        var fields = [String: String]()
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            guard let name = parts.first.map(decode), !name.isEmpty else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        }
        return fields
    }
}

/// Rendering: the templates, the layout and the small formatting rules of the pages.
enum PageRender {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in PageTemplates.all {
            // The templates are literals of this file: a parse error is a programming error caught by every page test.
            try! library.register(text, named: name)
        }
        return library
    }()

    /// A page: the named template inside the layout (navigation by role, log-out button).
    static func render(_ name: String, _ values: [String: Any], principal: Principal?) -> String {
        let content = library.render(values, withTemplate: name) ?? ""
        var layout: [String: Any] = ["title": values["title"] ?? "报名系统", "content": content]
        if let actor = principal?.actor {
            layout["user"] = principal?.displayName.flatMap { $0.isEmpty ? nil : $0 } ?? actor.id
            layout["role"] = roleLabel(actor.role)
            layout["links"] = navigation(actor)
        }
        return library.render(layout, withTemplate: "layout") ?? ""
    }

    static func navigation(_ actor: Actor) -> [[String: String]] {
        switch actor.role {
        case .reviewer:
            return actor.siteCodes.map { ["href": "/review/sites/\($0)", "label": "考点\($0)审核队列"] }
        case .auditor:
            return [["href": "/audit", "label": "审计记录"], ["href": "/admin", "label": "报名年度与工作人员"]]
        case .admin:
            return [["href": "/admin", "label": "报名年度与工作人员"]]
        case .candidate:
            return [["href": "/candidates/\(actor.id)/history", "label": "我的档案历史"]]
        default:
            return []
        }
    }

    /// What a candidate may or should do next (``CandidateAction``), in the guide's words.
    static func actionLabel(_ action: CandidateAction) -> String {
        switch action {
        case .completeContact: "填写联系方式"
        case .completeWork: "填写工作情况"
        case .addEducation: "添加教育经历"
        case .verifyEducationWithChsi: "进行学信网学历验证（扫码）"
        case .submitApplication: "网上报名"
        case .printSuccessNotice: "打印网上报名成功通知单"
        case .abandonApplication: "如需修改报名信息，可在网上报名期间放弃报考后重新报考"
        case .attendReview: "携带报名成功通知单、有效身份证件及学历证书原件到所选考点参加现场资格审核"
        case .signForm: "到考点在报名信息表上签字确认"
        case .pay: "网上缴费"
        case .payAsAreaInstructs: "按考区通知办理缴费"
        case .awaitBankConfirmation: "等待银行确认缴费结果（几分钟后刷新查看）"
        case .awaitExcessRefund: "等待考区退还重复缴纳的费用"
        }
    }

    /// 修改密码, for every logged-in role.
    static let passwordPage = "/account/password"

    static func home(of actor: Actor) -> String {
        switch actor.role {
        case .reviewer: return actor.siteCodes.first.map { "/review/sites/\($0)" } ?? "/events/stream"
        case .auditor: return "/audit"
        case .candidate: return "/candidates/\(actor.id)/history"
        case .admin: return "/admin"
        default: return "/events/stream"
        }
    }

    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        let buffer = ByteBuffer(string: body)
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .contentLength: String(buffer.readableBytes), .cacheControl: "no-store",
                HTTPField.Name("Content-Security-Policy")!:
                    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
            ],
            body: .init(byteBuffer: buffer)
        )
    }

    /// The recovery page's values for what the form sent: the identity typed so far (the answer and passwords never
    /// come back) and the ID types to choose from.
    static func recoveryValues(_ form: [String: String]) -> [String: Any] {
        let chosen = form["idType"] ?? IDType.residentID.rawValue
        return [
            "title": "找回密码", "askIdentity": true, "idNumber": form["idNumber"] ?? "", "name": form["name"] ?? "", "idType": chosen,
            "idTypes": IDType.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == chosen] },
        ]
    }

    /// A refused recovery step: the same form again with the message, the status and the API's headers (a lock-out's
    /// `Retry-After`), counted by its code as the API's refusals are.
    static func recoveryRefusal(_ known: APIError, _ values: [String: Any]) -> Response {
        var values = values
        values["error"] = known.body.message
        var page = html(render("recovery", values, principal: nil), status: known.status)
        page.headers.append(contentsOf: known.httpFields)
        page.headers[Header.pageRefusal] = known.body.code
        return page
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .contentLength: "0"])
    }

    /// A local path to go back to after log-in (never another host): printable ASCII without spaces or backslashes,
    /// starting with a single `/`; anything else is `""` (the caller's home).
    static func safeNext(_ next: String?) -> String {
        // Browsers drop tabs and newlines from a `Location` and read `\` as `/`, so `/<TAB>/host` or `/\host` would
        // become `//host`, another host: refuse every character a browser might rewrite, not only `//`.
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/login"),
            next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" })
        else { return "" }
        return next
    }

    /// Whether a page form was sent from another origin: its `Origin` is present and names another host than this
    /// request's (`Host`), or its `Sec-Fetch-Site` is present and is neither `same-origin` nor `none` (typed or
    /// bookmarked). A request with neither header (curl, scripts, tests) is not refused.
    ///
    /// The Origin's scheme may be `http` or `https`: behind a proxy that ends TLS (as a deployment would be), the
    /// browser's Origin says `https://host` while this server sees plain HTTP, and every form was refused.
    static func crossOrigin(_ request: Request) -> Bool {
        if let site = request.headers[secFetchSite], site != "same-origin" && site != "none" { return true }
        guard let origin = request.headers[.origin]?.lowercased() else { return false }
        guard let authority = request.head.authority?.lowercased() else { return true }
        return origin != "http://\(authority)" && origin != "https://\(authority)"
    }

    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!

    static func queryEscape(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A CSV cell, always quoted, with formulas neutralised (``CSVField``).
    static func csvCell(_ text: String) -> String { CSVField.escape(text, alwaysQuoted: true) }

    /// An instant as people at the sites read it: `2026-01-12T03:00:00.000Z` as `2026-01-12 11:00:00（北京时间）`
    /// (UTC+8; text that is not an instant is shown as it is).
    static func shortTime(_ instant: String) -> String {
        guard let date = Instant.date(fromISO8601: instant) else { return instant }
        // Beijing time has no daylight saving: a fixed eight hours, written with the UTC formatter.
        let shifted = Instant.string(from: date.addingTimeInterval(8 * 3600))
        return shifted.prefix(19).replacingOccurrences(of: "T", with: " ") + "（北京时间）"
    }

    /// A value as the trail page shows it: an instant (`2026-01-08T01:00:00.000Z`) in Beijing time, as the page's time
    /// column (`2026-01-08 09:00:00（北京时间）`); any other value as it is.
    static func beijingIfInstant(_ value: String) -> String {
        guard value.count >= 20, value.contains("T"), Instant.date(fromISO8601: value) != nil else { return value }
        return shortTime(value)
    }

    /// An instant in Beijing time as the trail's filters take it: `2026-01-12T03:00:00.000Z` as
    /// `2026-01-12T11:00:00+08:00` (milliseconds only when there are some; text that is not an instant as it is).
    static func beijingInstant(_ instant: String) -> String {
        guard let date = Instant.date(fromISO8601: instant) else { return instant }
        let shifted = Instant.string(from: date.addingTimeInterval(8 * 3600))
        let milliseconds = String(shifted.dropFirst(20).prefix(3))
        return String(shifted.prefix(19)) + (milliseconds == "000" ? "" : "." + milliseconds) + "+08:00"
    }

    /// The Chinese half of the trail's bilingual action words (`提交报名 / application submitted`); the CSV keeps both.
    static func chinesePart(_ words: String) -> String {
        words.components(separatedBy: " / ").first ?? words
    }

    /// Where the season stands, in the words of the guides.
    static func phaseLabel(_ phase: SeasonPhase) -> String {
        switch phase {
        case .notConfigured: "尚未设置报名日程"
        case .beforeRegistration: "网报开通前"
        case .onlineRegistration: "网上报名期间"
        case .betweenRegistrationAndReview: "网上报名已结束，现场资格审核尚未开始"
        case .qualificationReview: "资格审核期间"
        case .payment: "缴费期间"
        case .closed: "本年度报名已结束"
        }
    }

    static func statusLabel(_ status: String) -> String { ApplicationStatus(rawValue: status)?.label ?? status }

    /// A payment status as the reviewer reads it (`pending`: 待银行确认, not the candidate's "refresh later").
    static func paymentStatusLabel(_ status: String) -> String {
        switch PaymentStatus(rawValue: status) {
        case .pending?: "待银行确认"
        case let known?: known.label
        case nil: status
        }
    }

    static func paymentOutcomeLabel(_ outcome: PaymentOutcome) -> String {
        switch outcome {
        case .pending: "待银行确认"
        case .failed: "失败"
        case .succeeded: "成功"
        }
    }

    /// An amount in fen as yuan (`60000` → `600.00元`).
    static func yuan(_ fen: Int) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = abs(fen)
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)元"
    }

    static func rowClass(_ verdict: EducationComparison.Verdict) -> String {
        switch verdict {
        case .match: "match"
        case .mismatch: "mismatch"
        case .notProvided: "not-provided"
        case .notVerified: "not-verified"
        }
    }

    /// The statuses an application may have right after each form (a banner is not shown otherwise); corrections and
    /// password resets leave the status as it was.
    static let doneStatuses: [String: Set<String>] = [
        "approve": ["approved", "signed", "paid", "refunded"], "reject": ["rejected"], "signature": ["signed", "paid", "refunded"],
        "approval-withdrawal": ["submitted"],
    ]

    static let doneMessages: [String: String] = [
        "corrections": "已修改基本信息（原值保留在档案历史中）", "approve": "已审核通过", "reject": "已审核不通过",
        "signature": "已记录考生签字确认",
        "approval-withdrawal": "已撤销审核通过，本报名恢复为待审核",
        "password-reset": "已重置考生密码，考生的其他登录已失效",
    ]

    /// Who acts, in the words of the guides (审计 for auditors, 学信网 and 银行 for the outside systems).
    static func roleLabel(_ role: Role) -> String {
        switch role {
        case .candidate: "考生"
        case .reviewer: "审核人员"
        case .auditor: "审计"
        case .admin: "管理员"
        case .system: "系统"
        case .chsi: "学信网"
        case .bank: "银行"
        }
    }

    /// The label of a role as recorded in the log (the text itself when it is no role).
    static func roleLabel(_ raw: String) -> String { Role(rawValue: raw).map(roleLabel) ?? raw }

    /// The label of a correctable field, as on the registration form.
    static func label(of field: BasicInfoField) -> String {
        switch field {
        case .name: "姓名"
        case .surnamePinyin: "姓（拼音）"
        case .givenNamePinyin: "名（拼音）"
        case .idNumber: "证件号码"
        case .sex: "性别"
        case .birthDate: "出生日期"
        case .nationality: "国籍"
        case .ethnicity: "民族"
        case .identity: "本人身份"
        }
    }

    /// What to type as the new value of the fields whose text is a code or a format.
    /// What the correction form's value box suggests as it is typed in (a datalist): the spellings the rules take
    /// for 性别, 民族 and 国籍.
    /// A correction's field as the pages name it (the 证件类型 is not a ``BasicInfoField`` of its own).
    static func correctionLabel(_ field: String) -> String {
        if field == BasicInfo.idTypeField { return "证件类型" }
        return BasicInfoField(rawValue: field).map(label(of:)) ?? field
    }

    static let correctionChoices: [String] = {
        var seen = Set<String>()
        return (Sex.allCases.map(\.rawValue) + Ethnicities.all + Nationality.all).filter { seen.insert($0).inserted }
    }()

    static let correctionHints: [String] = [
        "民族、国籍、性别：在新值框中输入后从下拉列表选择，须与列表一致（如“汉族”，不是“汉”）",
        "性别：男 或 女（居民身份证考生由证件号码确定）", "出生日期：YYYY-MM-DD，如 1990-05-01",
        "证件类型：考生所持证件与注册时的类型不同（如注册为军官证、实为居民身份证）时，选择“证件号码”，填写所持证件上的号码，并在“证件类型”中选择所持证件；只能在同类证件之间更正",
        "本人身份（仅军队、武警及公安部所属边防、消防、警卫部队人员）填代码："
            + MilitaryIdentity.allCases.map { "\($0.rawValue) \($0.label)" }.joined(separator: "；") + "；无本人身份的考生留空",
    ]
}

extension Dictionary where Key == String, Value == String {
    /// A lookup usable as a function (`done.flatMap(messages.get)`).
    func get(_ key: String) -> String? { self[key] }
}
