import Foundation
import HTTPTypes
import Testing

@testable import RegistrarHTTP

/// Every route, called by every kind of caller: anonymous, the candidate who owns the file, another candidate, the
/// reviewer of the file's site, a reviewer of another site, an auditor and an administrator.
@Suite struct AuthorizationTests {
    enum Who: String, CaseIterable, Sendable {
        case anonymous, owner, otherCandidate, reviewer, otherReviewer, auditor, admin
    }

    enum Expect: Sendable, Equatable {
        /// 401 with `auth.unauthenticated`.
        case unauthenticated
        /// 403 with an `auth.*` code.
        case forbidden
        /// Let through: any answer but 401 and 403 (a domain rule may still refuse it, e.g. outside a window).
        case allowed
        /// This exact status (a domain answer that is not about authorisation).
        case status(Int)
    }

    struct Row: Sendable {
        var method: HTTPRequest.Method
        var pattern: String
        var uri: @Sendable (Cast) -> String
        var body: @Sendable (Cast) -> String?
        var expect: [Who: Expect]
    }

    static func everyone(_ expect: Expect) -> [Who: Expect] { Dictionary(uniqueKeysWithValues: Who.allCases.map { ($0, expect) }) }
    static func only(_ allowed: Set<Who>, except: [Who: Expect] = [:]) -> [Who: Expect] {
        var out = [Who: Expect]()
        for who in Who.allCases { out[who] = who == .anonymous ? .unauthenticated : (allowed.contains(who) ? .allowed : .forbidden) }
        return out.merging(except) { $1 }
    }

    static let fileReaders: Set<Who> = [.owner, .reviewer, .auditor]

    static func row(
        _ method: HTTPRequest.Method,
        _ pattern: String,
        _ expect: [Who: Expect],
        entry: @escaping @Sendable (Cast) -> String = { $0.educationA },
        body: @escaping @Sendable (Cast) -> String? = { _ in nil }
    ) -> Row {
        Row(
            method: method,
            pattern: pattern,
            uri: { cast in
                pattern.replacingOccurrences(of: "{candidateID}", with: cast.candidateA)
                    .replacingOccurrences(of: "{entryID}", with: entry(cast))
                    .replacingOccurrences(of: "{applicationID}", with: cast.applicationA)
                    .replacingOccurrences(of: "{staffID}", with: "staff-spare")
                    .replacingOccurrences(of: "{siteCode}", with: "4201")
                    .replacingOccurrences(of: "{areaCode}", with: "42")
                    .replacingOccurrences(of: "{examCode}", with: "110")
                    .replacingOccurrences(of: "{orderNumber}", with: "order-none")
            },
            body: body,
            expect: expect
        )
    }

    static func entryRow(_ method: HTTPRequest.Method, _ kind: String, _ entry: @escaping @Sendable (Cast) -> String, body: String?) -> Row {
        row(method, "/api/v1/candidates/{candidateID}/\(kind)/{entryID}", only([.owner]), entry: entry, body: { _ in body })
    }

    /// In an order where a call that is let through does not spoil a later row (log-out comes last).
    static let rows: [Row] = [
        row(.get, "/health", everyone(.allowed)),
        row(.get, "/metrics", everyone(.allowed)),
        row(.get, "/openapi.json", everyone(.allowed)),
        row(.get, "/api/v1/season", everyone(.allowed)),
        row(.post, "/api/v1/candidates", everyone(.allowed), body: { _ in World.registration("wangwu01", index: 3) }),
        row(.post, "/api/v1/sessions", everyone(.allowed), body: { _ in #"{"username": "zhangsan01", "password": "secret123"}"# }),
        row(.get, "/api/v1/me", only(Set(Who.allCases))),
        // Public; nobody of that name and document: 404 whoever asks, then 429 once five lookups of that number failed.
        row(.post, "/api/v1/password-recovery/question", everyone(.allowed), body: { _ in World.recoveryLookup(of: 999) }),
        row(.post, "/api/v1/password-recovery", everyone(.allowed), body: { _ in World.recovery(of: 999, answer: "武汉大学医学部") }),
        row(
            .put,
            "/api/v1/candidates/{candidateID}/recovery-question",
            only([.owner]),
            body: { _ in #"{"currentPassword": "\#(World.password)", "recoveryQuestion": "我的小学?", "recoveryAnswer": "实验小学"}"# }
        ),
        row(
            .put,
            "/api/v1/candidates/{candidateID}/password",
            only([.owner]),
            body: { _ in #"{"currentPassword": "\#(World.password)", "newPassword": "secret456"}"# }
        ),
        row(.get, "/api/v1/candidates/{candidateID}", only(fileReaders)),
        row(.get, "/api/v1/candidates/{candidateID}/history", only(fileReaders)),
        row(.get, "/api/v1/candidates/{candidateID}/history/diff", only(fileReaders)),
        row(.put, "/api/v1/candidates/{candidateID}/contact", only([.owner]), body: { _ in World.contact }),
        row(.put, "/api/v1/candidates/{candidateID}/work", only([.owner]), body: { _ in World.work }),
        row(.post, "/api/v1/candidates/{candidateID}/education", only([.owner]), body: { _ in World.education }),
        entryRow(.put, "education", { $0.spareEducationA }, body: World.education),
        row(.post, "/api/v1/candidates/{candidateID}/education/{entryID}/chsi-scans", only([.owner])),
        entryRow(.put, "training", { $0.trainingA }, body: World.training),
        entryRow(.delete, "training", { $0.trainingA }, body: nil),
        row(.post, "/api/v1/candidates/{candidateID}/training", only([.owner]), body: { _ in World.training }),
        entryRow(.put, "certificates", { $0.certificateA }, body: World.certificate),
        entryRow(.delete, "certificates", { $0.certificateA }, body: nil),
        row(.post, "/api/v1/candidates/{candidateID}/certificates", only([.owner]), body: { _ in World.certificate }),
        entryRow(.delete, "education", { $0.spareEducationA }, body: nil),
        row(
            .post,
            "/api/v1/candidates/{candidateID}/applications",
            only([.owner]),
            body: { cast in World.application(education: [cast.educationA]) }
        ),
        row(.get, "/api/v1/candidates/{candidateID}/applications/{applicationID}/notice", only(fileReaders)),
        // The face is for the candidate and the site's reviewers; an auditor traces changes without it.
        row(.get, "/api/v1/candidates/{candidateID}/applications/{applicationID}/photo", only([.owner, .reviewer])),
        row(.get, "/api/v1/review/sites/{siteCode}/queue", only([.reviewer, .auditor])),
        row(.get, "/api/v1/review/sites/{siteCode}/candidates", only([.reviewer, .auditor])),
        row(.get, "/api/v1/review/applications/{applicationID}/comparison", only([.reviewer, .auditor])),
        row(.get, "/api/v1/audit/trail", only([.auditor])),
        // A candidate who tries to correct basic information is told it is locked (the decider's answer to any
        // candidate, before it looks at whose file it is).
        row(
            .post,
            "/api/v1/candidates/{candidateID}/applications/{applicationID}/corrections",
            only([.reviewer], except: [.owner: .status(422), .otherCandidate: .status(422)]),
            body: { _ in World.nameCorrection }
        ),
        row(.post, "/api/v1/candidates/{candidateID}/applications/{applicationID}/signature", only([.reviewer])),
        row(.post, "/api/v1/candidates/{candidateID}/applications/{applicationID}/approve", only([.reviewer])),
        row(
            .post,
            "/api/v1/candidates/{candidateID}/applications/{applicationID}/approval-withdrawal",
            only([.reviewer]),
            body: { _ in #"{"reason": "误点审核通过"}"# }
        ),
        row(.post, "/api/v1/candidates/{candidateID}/applications/{applicationID}/payments", only([.owner])),
        row(
            .get,
            "/api/v1/candidates/{candidateID}/applications/{applicationID}/payments/{orderNumber}",
            only(fileReaders.union([.admin]))
        ),
        row(
            .post,
            "/api/v1/candidates/{candidateID}/applications/{applicationID}/refunds",
            only([.admin]),
            body: { _ in #"{"amountFen": 100, "reason": "考生因病无法参加考试"}"# }
        ),
        // The outside systems' callbacks take no bearer token: unsigned, they are refused whoever sends them.
        row(.post, "/api/v1/callbacks/chsi", everyone(.status(401)), body: { _ in "{}" }),
        row(.post, "/api/v1/callbacks/bank", everyone(.status(401)), body: { _ in "{}" }),
        row(
            .post,
            "/api/v1/candidates/{candidateID}/applications/{applicationID}/reject",
            only([.reviewer]),
            body: { _ in #"{"reason": "学历材料不全"}"# }
        ),
        row(.post, "/api/v1/candidates/{candidateID}/applications/{applicationID}/abandon", only([.owner])),
        row(.post, "/api/v1/admin/season", only([.admin]), body: { _ in #"{"title": "2026年医师资格考试"}"# }),
        row(
            .put,
            "/api/v1/admin/season/calendar",
            only([.admin]),
            body: { _ in
                """
                {"registrationOpens": "2026-01-08T01:00:00.000Z", "registrationCloses": "2026-01-22T09:00:00.000Z",
                 "reviewOpens": "2026-02-10T00:00:00.000Z", "reviewCloses": "2026-03-10T00:00:00.000Z",
                 "paymentOpens": "2026-02-20T00:00:00.000Z", "paymentCloses": "2026-03-31T00:00:00.000Z"}
                """
            }
        ),
        row(.put, "/api/v1/admin/season/photo-limit", only([.admin]), body: { _ in #"{"maximumBytes": 30720}"# }),
        row(
            .post,
            "/api/v1/admin/season/exams",
            only([.admin]),
            body: { _ in #"{"code": "210", "name": "口腔执业医师", "level": "执业医师", "category": "口腔"}"# }
        ),
        row(.delete, "/api/v1/admin/season/exams/{examCode}", only([.admin])),
        row(
            .post,
            "/api/v1/admin/season/areas",
            only([.admin]),
            body: { _ in #"{"code": "11", "name": "北京考区", "onlinePayment": false}"# }
        ),
        row(
            .put,
            "/api/v1/admin/season/areas/{areaCode}",
            only([.admin]),
            body: { _ in #"{"name": "湖北考区", "onlinePayment": true, "refundPolicy": "考试开始前申请全额退费"}"# }
        ),
        row(.post, "/api/v1/admin/season/sites", only([.admin]), body: { _ in #"{"code": "4203", "name": "襄阳考点", "areaCode": "42"}"# }),
        row(.put, "/api/v1/admin/season/sites/{siteCode}", only([.admin]), body: { _ in #"{"name": "武汉考点", "reason": "核对名称"}"# }),
        row(
            .post,
            "/api/v1/admin/staff",
            only([.admin]),
            body: { _ in #"{"role": "auditor", "displayName": "审计员乙", "username": "auditor02", "password": "secret123"}"# }
        ),
        row(.get, "/api/v1/admin/staff/{staffID}", only([.admin, .auditor])),
        row(.get, "/api/v1/admin/payments/excess", only([.admin, .auditor])),
        row(.get, "/api/v1/admin/payments/refused-confirmations", only([.admin, .auditor])),
        row(.put, "/api/v1/admin/staff/{staffID}/scope", only([.admin]), body: { _ in #"{"areaCode": "42", "siteCodes": ["4201"]}"# }),
        // Only the holder (staff-spare, none of the callers here) changes a staff account's own password; a wrong
        // holder is refused before the current password is checked.
        row(
            .put,
            "/api/v1/admin/staff/{staffID}/password",
            only([]),
            body: { _ in #"{"currentPassword": "secret123", "newPassword": "Spare2026x"}"# }
        ),
        row(
            .post,
            "/api/v1/admin/staff/{staffID}/password-reset",
            only([.admin]),
            body: { _ in #"{"newPassword": "Spare2026y", "reason": "本人忘记密码，经科室负责人确认后重置"}"# }
        ),
        row(.post, "/api/v1/admin/staff/{staffID}/deactivate", only([.admin]), body: { _ in #"{"reason": "调离岗位"}"# }),
        row(.post, "/api/v1/admin/staff/{staffID}/reactivate", only([.admin]), body: { _ in #"{"reason": "恢复使用"}"# }),
        // The file's reviewer (the candidate applied at their site) and administrators; it ends the candidate's sessions.
        // By now the owner has abandoned the application at the reviewer's site (the abandon row above), and an
        // abandoned application gives its site's reviewers no access: administrators only (a reviewer of a live
        // application resets: `reviewersLoseTheCandidateWhoseApplicationAtTheirSiteWasAbandoned`).
        row(
            .post,
            "/api/v1/candidates/{candidateID}/password-reset",
            only([.admin]),
            body: { _ in #"{"newPassword": "reset2026", "reason": "考生持身份证到考点申请重置密码"}"# }
        ),
        // The reset above ended the owner's sessions.
        row(.delete, "/api/v1/sessions/current", only(Set(Who.allCases), except: [.owner: .unauthenticated])),
    ]

    @Test func everyRouteIsInTheTable() async throws {
        let world = try await World()
        let registered = Set(registeredRoutes(world.configuration).map(\.description))
        let tabled = Set(Self.rows.map { "\($0.method.rawValue) \($0.pattern)" })
        #expect(registered.subtracting(tabled).sorted() == [], "routes without an authorisation row")
        #expect(tabled.subtracting(registered).sorted() == [], "rows without a route")
    }

    @Test func everyRouteForEveryRole() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            for row in Self.rows {
                // Refused callers first, so that a call let through cannot change what a refused one sees.
                let order = Who.allCases.sorted { (row.expect[$0] == .allowed ? 1 : 0) < (row.expect[$1] == .allowed ? 1 : 0) }
                for who in order {
                    let expect = try #require(row.expect[who])
                    let reply = try await client.call(row.method, row.uri(cast), token: cast.tokens[who.rawValue], json: row.body(cast))
                    let label = "\(row.method) \(row.pattern) as \(who): \(reply.status.code) \(reply.text.prefix(300))"
                    #expect(reply.status.code < 500, "\(label)")
                    switch expect {
                    case .unauthenticated:
                        #expect(reply.status == .unauthorized && reply.code == "auth.unauthenticated", "\(label)")
                    case .forbidden:
                        #expect(reply.status == .forbidden && reply.code?.hasPrefix("auth.") == true, "\(label)")
                    case .allowed:
                        #expect(reply.status != .unauthorized && reply.status != .forbidden, "\(label)")
                    case .status(let code):
                        #expect(reply.status.code == code, "\(label)")
                    }
                }
            }
        }
    }

    @Test func reviewersLoseTheCandidateWhoseApplicationAtTheirSiteWasAbandoned() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let file = "/api/v1/candidates/\(cast.candidateA)"
            let reviewer = try #require(cast.tokens["reviewer"])
            let reset = #"{"newPassword": "reset2026", "reason": "考生持身份证现场申请"}"#
            #expect(try await client.call(.get, file, token: reviewer).status == .ok)
            let comparison = "/api/v1/review/applications/\(cast.applicationA)/comparison"
            #expect(try await client.call(.get, comparison, token: reviewer).status == .ok)

            // A abandons the application at 4201 and applies at 4202 instead.
            let owner = try #require(cast.tokens["owner"])
            let abandoned = try await client.call(.post, "\(file)/applications/\(cast.applicationA)/abandon", token: owner)
            try #require(abandoned.status == .ok, "\(abandoned.text)")
            let again = try await client.call(
                .post,
                "\(file)/applications",
                token: owner,
                json: World.application(education: [cast.educationA], site: "4202")
            )
            try #require(again.status == .created, "\(again.text)")

            let head = try await world.store.headPosition()
            for path in [file, "\(file)/history", "\(file)/history/diff?from=0&to=1"] {
                let refused = try await client.call(.get, path, token: reviewer)
                #expect(refused.status == .forbidden, "\(path): \(refused.status)")
                #expect(refused.code == "auth.not_reviewer_of_site")
            }
            let takeover = try await client.call(.post, "\(file)/password-reset", token: reviewer, json: reset)
            #expect(takeover.status == .forbidden, "\(takeover.text)")
            #expect(try await world.store.headPosition() == head)
            let page = try await PageTests.form(
                client,
                .get,
                "/candidates/\(cast.candidateA)/history",
                nil,
                cookie: try await PageTests.cookie(client, "reviewer01")
            )
            #expect(page.status == .forbidden)

            // The abandoned application's comparison follows the file's rule, on the page as in the API, whether the
            // reply is built or kept (the auditor's read keeps it; the reviewer's masked and full replies differ).
            for _ in 0..<2 {
                let refused = try await client.call(.get, comparison, token: reviewer)
                #expect(refused.status == .forbidden && refused.code == "auth.not_reviewer_of_site", "\(refused.text)")
                #expect(refused.text.contains("该考生未在您负责的考点报名"), "\(refused.text)")
                #expect(try await client.call(.get, comparison, token: cast.tokens["auditor"]).status == .ok)
                #expect(try await client.call(.get, comparison, token: cast.tokens["otherReviewer"]).status == .forbidden)
            }
            let comparisonPage = try await PageTests.form(
                client,
                .get,
                "/review/applications/\(cast.applicationA)",
                nil,
                cookie: try await PageTests.cookie(client, "reviewer01")
            )
            #expect(comparisonPage.status == .forbidden && comparisonPage.text.contains("该考生未在您负责的考点报名"))
            let auditorPage = try await PageTests.form(
                client,
                .get,
                "/review/applications/\(cast.applicationA)",
                nil,
                cookie: try await PageTests.cookie(client, "auditor01")
            )
            #expect(auditorPage.status == .ok)
            // The site's queue keeps the abandoned line, without a link to the page the reviewer is refused; the
            // auditor's queue links it.
            let link = "href=\"/review/applications/\(cast.applicationA)\""
            let queue = try await PageTests.form(
                client,
                .get,
                "/review/sites/4201?status=abandoned",
                nil,
                cookie: try await PageTests.cookie(client, "reviewer01")
            )
            #expect(queue.status == .ok && queue.text.contains(cast.applicationA), "\(queue.text)")
            #expect(!queue.text.contains(link) && queue.text.contains("考生不再在本考点报名"), "\(queue.text)")
            let auditorQueue = try await PageTests.form(
                client,
                .get,
                "/review/sites/4201?status=abandoned",
                nil,
                cookie: try await PageTests.cookie(client, "auditor01")
            )
            #expect(auditorQueue.status == .ok && auditorQueue.text.contains(link), "\(auditorQueue.text)")

            // The reviewer of the new site has the file, and may reset the password.
            let newSite = try #require(cast.tokens["otherReviewer"])
            #expect(try await client.call(.get, file, token: newSite).status == .ok)
            #expect(try await client.call(.post, "\(file)/password-reset", token: newSite, json: reset).status == .ok)
        }
    }

    @Test func aKeptComparisonIsAuthorisedByTheCandidatesSitesUnderReview() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let owner = try #require(cast.tokens["owner"])
            let file = "/api/v1/candidates/\(cast.candidateA)"
            // A abandons the application at 4201 and applies at 4202.
            let abandoned = try await client.call(.post, "\(file)/applications/\(cast.applicationA)/abandon", token: owner)
            try #require(abandoned.status == .ok, "\(abandoned.text)")
            let again = try await client.call(
                .post,
                "\(file)/applications",
                token: owner,
                json: World.application(education: [cast.educationA], site: "4202")
            )
            try #require(again.status == .created, "\(again.text)")
            // A reviewer of both sites still reviews A (at 4202) and reads the old application's comparison: the
            // reply is kept for reviewers (full numbers).
            let scope = try await client.call(
                .put,
                "/api/v1/admin/staff/staff-spare/scope",
                token: cast.tokens["admin"],
                json: #"{"areaCode": "42", "siteCodes": ["4201", "4202"]}"#
            )
            try #require(scope.status == .ok, "\(scope.text)")
            let both = try await client.login("spare01")
            let comparison = "/api/v1/review/applications/\(cast.applicationA)/comparison"
            #expect(try await client.call(.get, comparison, token: both).status == .ok)
            // The reviewer of 4201 alone is refused from the kept reply too, with the file's message.
            let refused = try await client.call(.get, comparison, token: cast.tokens["reviewer"])
            #expect(refused.status == .forbidden && refused.code == "auth.not_reviewer_of_site", "\(refused.text)")
            #expect(refused.text.contains("该考生未在您负责的考点报名"))
            #expect(try await client.call(.get, comparison, token: both).status == .ok)
        }
    }
}
