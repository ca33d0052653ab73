import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import RegistrarHTTP

/// Where the pages send a browser after log-in, and which page forms they accept from other origins.
extension PageTests {
    @Test func safeNextKeepsOnlyALocalPath() {
        for kept in ["/review/sites/4201", "/audit?actor=reviewer01&since=2026-01-01", "/candidates/c-1/history?version=2", "/%09/x"] {
            #expect(PageRender.safeNext(kept) == kept, "\(kept)")
        }
        let refused = [
            "/\t/127.0.0.1:18499/pwned", "/\n/evil.example", "/\r\n/evil.example", "/ /evil.example", "/\u{0B}/evil.example",
            "/\u{7F}/evil.example", "/\\evil.example", "/\\/evil.example", "/a\\b", "//evil.example", "///evil.example",
            "https://evil.example/", "http:/evil.example", "javascript:alert(1)", "evil.example", "", "/login?next=/audit",
            "/考点", "/\u{FF0F}/evil.example",
        ]
        for next in refused { #expect(PageRender.safeNext(next) == "", "\(next.debugDescription)") }
        #expect(PageRender.safeNext(nil) == "")
    }

    @Test func logInNeverRedirectsToAnotherHost() async throws {
        let world = try await World()
        try await world.test { client in
            _ = try await Cast.make(client)
            // `%09` decodes to a tab: the form must not carry it, and the log-in must not send the browser there.
            let form = try await Self.form(client, .get, "/login?next=/%09/127.0.0.1:18499/pwned", nil)
            #expect(form.status == .ok)
            #expect(form.text.contains(#"name="next" value="""#) && !form.text.contains("127.0.0.1:18499"))
            for next in [
                "%2F%09%2F127.0.0.1%3A18499%2Fpwned", "%2F%0A%2Fevil.example", "%2F%5Cevil.example", "%2F%2Fevil.example",
                "https%3A%2F%2Fevil.example",
            ] {
                let reply = try await Self.form(client, .post, "/login", "username=reviewer01&password=\(World.password)&next=\(next)")
                #expect(reply.status == .seeOther && reply.headers[.location] == "/review/sites/4201", "\(next): \(reply.headers[.location] ?? "")")
            }
            let kept = try await Self.form(
                client,
                .post,
                "/login",
                "username=reviewer01&password=\(World.password)&next=%2Freview%2Fsites%2F4201%3Fstatus%3Dapproved"
            )
            #expect(kept.headers[.location] == "/review/sites/4201?status=approved")
        }
    }

    /// A browser (it accepts `text/html`) gets its errors as a page outside the JSON API: a form posted too large, a
    /// page path mistyped, a form action opened; the API, and a client that does not ask for HTML, get the JSON body.
    @Test func browsersGetErrorPagesOutsideTheAPI() async throws {
        let world = try await World(maximumBodyBytes: 1_024)
        try await world.test { client in
            let browser: HTTPFields = [.accept: "text/html,application/xhtml+xml,*/*;q=0.8"]
            let large = try await PageTests.form(client, .post, "/login", "username=" + String(repeating: "a", count: 4_000), headers: browser)
            #expect(large.status == .contentTooLarge && large.headers[.contentType]?.hasPrefix("text/html") == true, "\(large.text)")
            #expect(large.text.contains("无法完成请求") && large.text.contains("request.too_large"), "\(large.text)")
            let missing = try await client.call(.get, "/review/nowhere/at/all", headers: browser)
            #expect(missing.status == .notFound && missing.headers[.contentType]?.hasPrefix("text/html") == true, "\(missing.text)")
            let action = try await client.call(.get, "/logout", headers: browser)
            #expect(action.status == .methodNotAllowed && action.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(action.headers[.allow]?.contains("POST") == true)
            // The API answers JSON whatever the client accepts; and so does a page path for a client that asks none.
            let api = try await client.call(.get, "/api/v1/nowhere", headers: browser)
            #expect(api.status == .notFound && api.code != nil, "\(api.text)")
            let plain = try await client.call(.get, "/review/nowhere/at/all")
            #expect(plain.status == .notFound && plain.code != nil, "\(plain.text)")
        }
    }

    @Test func pageFormsFromAnotherOriginAreRefused() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            world.clock.set(World.review)
            let reviewer = try await Self.cookie(client, "reviewer01")
            let origin = HTTPField.Name("Origin")!
            let fetchSite = HTTPField.Name("Sec-Fetch-Site")!
            let reject = "/review/applications/\(cast.applicationA)/reject"
            let reason = "reason=%E6%9D%90%E6%96%99%E4%B8%8D%E5%85%A8"
            let foreign: [HTTPFields] = [
                [origin: "http://localhost:18499"], [origin: "http://evil.example"], [origin: "https://evil.example"], [origin: "null"],
                [origin: "ftp://localhost"], [origin: "https://localhost.evil.example"],
                [fetchSite: "same-site"], [fetchSite: "cross-site"], [origin: "http://localhost", fetchSite: "same-site"],
            ]
            for headers in foreign {
                let refused = try await Self.form(client, .post, reject, reason, cookie: reviewer, headers: headers)
                #expect(refused.status == .forbidden && refused.text.contains("请求来自其他网站"), "\(headers): \(refused.status)")
                let login = try await Self.form(client, .post, "/login", "username=reviewer01&password=\(World.password)", headers: headers)
                #expect(login.status == .forbidden && login.headers[.setCookie] == nil, "\(headers): \(login.status)")
            }
            // Nothing was appended: the application still waits for its review.
            let page = try await Self.form(client, .get, "/review/applications/\(cast.applicationA)", nil, cookie: reviewer)
            #expect(page.text.contains("已报名，待现场审核") && page.text.contains("审核通过"))

            // The pages' own forms: the same origin, or a navigation typed by hand; and clients that send neither header.
            // The browser's Origin is https:// behind a proxy that ends TLS, while this server sees plain HTTP.
            for headers: HTTPFields in [
                [origin: "http://localhost", fetchSite: "same-origin"], [origin: "https://localhost", fetchSite: "same-origin"],
                [origin: "HTTPS://LOCALHOST"], [fetchSite: "none"], [:],
            ] {
                let login = try await Self.form(client, .post, "/login", "username=reviewer01&password=\(World.password)", headers: headers)
                #expect(login.status == .seeOther && login.headers[.setCookie] != nil, "\(headers): \(login.status)")
            }
            let rejected = try await Self.form(
                client,
                .post,
                reject,
                reason,
                cookie: reviewer,
                headers: [origin: "http://localhost", fetchSite: "same-origin"]
            )
            #expect(rejected.status == .seeOther, "\(rejected.text.prefix(300))")

            // The JSON API takes bearer tokens, which a browser never sends by itself: unchanged.
            let api = try await client.call(
                .get,
                "/api/v1/review/sites/4201/queue",
                token: cast.tokens["reviewer"],
                headers: [origin: "http://evil.example", fetchSite: "cross-site"]
            )
            #expect(api.status == .ok)
        }
    }
}
