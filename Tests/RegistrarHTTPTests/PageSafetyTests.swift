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
}
