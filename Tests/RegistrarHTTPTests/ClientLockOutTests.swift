import Foundation
import GRDB
import HTTPTypes
import Testing

@testable import RegistrarHTTP

/// The lock-out of a client address after repeated failed log-ins, password recoveries and registrations of an
/// already registered person, across accounts: what the per-account lock-out cannot stop.
@Suite struct ClientLockOutTests {
    @Test func failuresAcrossUsernamesLockTheClientOutOfLogInRecoveryAndRegistration() async throws {
        let world = try await World()
        let sixFailures: (inout ServerConfiguration) -> Void = { $0.maximumFailuresPerClient = 6 }
        try await world.test(configure: sixFailures) { client in
            _ = try await client.register("spray01", index: 31)
            // One password tried against six usernames: no username fails five times, the client fails six.
            for attempt in 1...6 {
                let reply = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "victim\#(attempt)", "password": "Summer2026"}"#)
                #expect(reply.status == .unauthorized, "attempt \(attempt): \(reply.text)")
            }
            let head = try await world.store.headPosition()
            let right = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "spray01", "password": "secret123"}"#)
            #expect(right.status == .tooManyRequests, "\(right.text)")
            #expect(right.code == "auth.client_locked_out" && right.field == "username", "\(right.text)")
            #expect(right.headers[HTTPField.Name("Retry-After")!] == "900")
            #expect((right.object["message"] as? String ?? "").contains("此网络地址"), "\(right.text)")

            let registration = try await client.call(.post, "/api/v1/candidates", json: World.registration("fresh01", index: 32))
            #expect(registration.status == .tooManyRequests && registration.code == "auth.client_locked_out", "\(registration.text)")
            #expect(registration.field == "idNumber")
            let question = try await client.call(.post, "/api/v1/password-recovery/question", json: World.recoveryLookup(of: 31))
            #expect(question.status == .tooManyRequests && question.code == "auth.client_locked_out", "\(question.text)")
            let recovery = try await client.call(.post, "/api/v1/password-recovery", json: World.recovery(of: 31, answer: "武汉大学医学部"))
            #expect(recovery.status == .tooManyRequests && recovery.code == "auth.client_locked_out", "\(recovery.text)")
            #expect(try await world.store.headPosition() == head, "a locked-out client appends nothing")

            // The page log-in is the same check.
            let page = try await client.call(
                .post,
                "/login",
                body: .init(string: "username=spray01&password=secret123"),
                headers: [.contentType: "application/x-www-form-urlencoded"]
            )
            #expect(page.status == .tooManyRequests && page.text.contains("此网络地址"), "\(page.status) \(page.text.prefix(300))")

            world.clock.advance(by: 15 * 60 + 1)
            _ = try await client.login("spray01")
        }
    }

    /// Each registration takes an ID number for good: one address registers its hourly share, then is refused for the
    /// rest of the hour, appending nothing; a retry answered from the log does not count (audit Y-5).
    @Test func aClientAddressRegistersItsHourlyShare() async throws {
        let world = try await World()
        let three: (inout ServerConfiguration) -> Void = { $0.maximumRegistrationsPerClient = 3 }
        try await world.test(configure: three) { client in
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "register-share-1"]
            let first = try await client.call(.post, "/api/v1/candidates", json: World.registration("share01", index: 41), headers: key)
            #expect(first.status == .created, "\(first.text)")
            let retried = try await client.call(.post, "/api/v1/candidates", json: World.registration("share01", index: 41), headers: key)
            #expect(retried.status == .created, "\(retried.text)")
            for index in 2...3 {
                let reply = try await client.call(.post, "/api/v1/candidates", json: World.registration("share0\(index)", index: 40 + index))
                #expect(reply.status == .created, "\(reply.text)")
            }
            let head = try await world.store.headPosition()
            let refused = try await client.call(.post, "/api/v1/candidates", json: World.registration("share04", index: 44))
            #expect(refused.status == .tooManyRequests && refused.code == "registration.client_limit", "\(refused.text)")
            #expect(refused.field == "username" && refused.headers[HTTPField.Name("Retry-After")!] == "3600", "\(refused.text)")
            #expect(try await world.store.headPosition() == head, "a refused registration appends nothing")
            // Logging in is not registering.
            _ = try await client.login("share01")
            world.clock.advance(by: 3600 + 1)
            let later = try await client.call(.post, "/api/v1/candidates", json: World.registration("share04", index: 44))
            #expect(later.status == .created, "\(later.text)")
        }
    }

    /// Registrations sent at once count from their start: no more than the share gets through (audit AA-6).
    @Test func concurrentRegistrationsGetNoMoreThanTheShare() async throws {
        let world = try await World()
        let three: (inout ServerConfiguration) -> Void = { $0.maximumRegistrationsPerClient = 3 }
        try await world.test(configure: three) { client in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await client.call(.post, "/api/v1/candidates", json: World.registration("burst0\(index)", index: 50 + index)).status.code
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 3, "\(statuses)")
            #expect(statuses.filter { $0 == 429 }.count == 5, "\(statuses)")
        }
    }

    @Test func registeringAnAlreadyRegisteredPersonCountsAsAFailure() async throws {
        let world = try await World()
        let twoFailures: (inout ServerConfiguration) -> Void = { $0.maximumFailuresPerClient = 2 }
        try await world.test(configure: twoFailures) { client in
            _ = try await client.register("first01", index: 33)
            for copy in 1...2 {
                let again = try await client.call(.post, "/api/v1/candidates", json: World.registration("second0\(copy)", index: 33))
                #expect(again.status == .conflict || again.status == .unprocessableContent, "\(again.status) \(again.text)")
            }
            let next = try await client.call(.post, "/api/v1/candidates", json: World.registration("third01", index: 34))
            #expect(next.status == .tooManyRequests && next.code == "auth.client_locked_out", "\(next.text)")
        }
    }

    @Test func successesDoNotCount() async throws {
        let world = try await World()
        let twoFailures: (inout ServerConfiguration) -> Void = { $0.maximumFailuresPerClient = 2 }
        try await world.test(configure: twoFailures) { client in
            for index in 41...44 {
                _ = try await client.register("many0\(index)", index: index)
                _ = try await client.login("many0\(index)")
            }
        }
    }

    @Test func aTrustedProxyNamesTheClientAndAnyoneElsesHeaderIsIgnored() async throws {
        let world = try await World()
        _ = try await world.test { client in try await client.register("proxied01", index: 35) }
        @Sendable func logIn(_ port: Int, password: String, forwardedFor: String) async throws -> String {
            let body = #"{"username": "proxied01", "password": "\#(password)"}"#
            let request =
                "POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "X-Forwarded-For: \(forwardedFor)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            return try await rawExchange(port: port, Array(request.utf8), timeout: 20)
        }
        // Behind a trusted proxy: each client address is counted on its own, from the last hop the proxy added.
        let behindProxy: (inout ServerConfiguration) -> Void = {
            $0.maximumFailuresPerClient = 3
            $0.trustedProxies = ["127.0.0.1"]
        }
        try await world.testLive(configure: behindProxy) { port in
            for attempt in 1...3 {
                let wrong = try await logIn(port, password: "wrong\(attempt)", forwardedFor: "10.9.9.9, 198.51.100.7")
                #expect(wrong.hasPrefix("HTTP/1.1 401 "), "\(wrong.prefix(200))")
            }
            let locked = try await logIn(port, password: "secret123", forwardedFor: "198.51.100.7")
            #expect(locked.hasPrefix("HTTP/1.1 429 ") && locked.contains("auth.client_locked_out"), "\(locked.prefix(300))")
            let other = try await logIn(port, password: "secret123", forwardedFor: "198.51.100.7, 198.51.100.8")
            #expect(other.hasPrefix("HTTP/1.1 201 "), "another client behind the proxy: \(other.prefix(300))")
        }
        // Without a trusted proxy the header, which anyone can send, changes nothing: the connection is the client.
        let fresh = try await World()
        _ = try await fresh.test { client in try await client.register("proxied01", index: 35) }
        let direct: (inout ServerConfiguration) -> Void = { $0.maximumFailuresPerClient = 3 }
        try await fresh.testLive(configure: direct) { port in
            for attempt in 1...3 {
                _ = try await logIn(port, password: "wrong\(attempt)", forwardedFor: "203.0.113.\(attempt)")
            }
            let spoofed = try await logIn(port, password: "secret123", forwardedFor: "203.0.113.200")
            #expect(spoofed.hasPrefix("HTTP/1.1 429 ") && spoofed.contains("auth.client_locked_out"), "\(spoofed.prefix(300))")
        }
    }

    /// A username is a text a client types freely: its lock-out key cannot be another lock's (`client:…`,
    /// `recovery:…`, `password:…`), or five log-ins as `client:<address>` would lock that address out.
    @Test func aUsernameCannotNameAnotherLock() async throws {
        let world = try await World()
        try await world.test { client in
            _ = try await client.register("victim01", index: 51)
            for name in ["client:unknown", "recovery:\(World.residentID(51))", "client:127.0.0.1"] {
                for attempt in 1...5 {
                    _ = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "\#(name)", "password": "x\#(attempt)"}"#)
                }
            }
            // The router test's client has no address ("unknown"): still let in, and the number's recovery still asks.
            _ = try await client.login("victim01")
            let question = try await client.call(.post, "/api/v1/password-recovery/question", json: World.recoveryLookup(of: 51))
            #expect(question.status == .ok, "\(question.text)")
        }
    }

    /// The addresses compare in one spelling: an IPv4 peer of a dual-stack listener (`::ffff:127.0.0.1`) is the
    /// `127.0.0.1` an operator names, and IPv6 addresses are written one way.
    @Test func addressesCompareInOneSpelling() {
        #expect(IPAddressText.canonical("::ffff:127.0.0.1") == "127.0.0.1")
        #expect(IPAddressText.canonical("::FFFF:10.0.0.5") == "10.0.0.5")
        #expect(IPAddressText.canonical("0:0:0:0:0:0:0:1") == "::1")
        #expect(IPAddressText.canonical("2001:DB8:0:0:0:0:0:1") == "2001:db8::1")
        #expect(IPAddressText.canonical("198.51.100.7") == "198.51.100.7")
        #expect(IPAddressText.canonical("198.51.100.7:80") == nil && IPAddressText.canonical("unknown") == nil)
        #expect(IPAddressText.canonical("::127.0.0.1") == "127.0.0.1", "the deprecated IPv4-compatible form")
        #expect(IPAddressText.canonical("::1") == "::1" && IPAddressText.canonical("::") == "::")
        // An IPv6 client is counted by its /64: one host commonly holds all of it.
        #expect(IPAddressText.network64("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64")
        #expect(IPAddressText.network64("198.51.100.7") == nil)
    }

    /// Correct log-ins from one busy address wait for a place instead of being refused: only failures lock.
    @Test func concurrentSuccessesWaitTheirTurnAndAreNotRefused() async throws {
        let world = try await World()
        let threeFailures: (inout ServerConfiguration) -> Void = { $0.maximumFailuresPerClient = 3 }
        try await world.test(configure: threeFailures) { client in
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 1...12 {
                    group.addTask { try await client.call(.post, "/api/v1/sessions", json: #"{"username": "auditor01", "password": "secret123"}"#) }
                }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.status == .created }, "\(replies.map(\.status))")
        }
    }

    /// An operator lifts a lock by deleting its row, and the running server lets the client in at once.
    @Test func aLockDeletedFromTheTableIsLiftedAtOnce() async throws {
        let world = try await World()
        let twoFailures: (inout ServerConfiguration) -> Void = { $0.maximumFailuresPerClient = 2 }
        try await world.test(configure: twoFailures) { client in
            for attempt in 1...2 {
                _ = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "nobody\#(attempt)", "password": "x"}"#)
            }
            let locked = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "auditor01", "password": "secret123"}"#)
            #expect(locked.status == .tooManyRequests && locked.code == "auth.client_locked_out", "\(locked.text)")
            // The page's answer says when to try again, as the API's does.
            let page = try await client.call(
                .post,
                "/login",
                body: .init(string: "username=auditor01&password=secret123"),
                headers: [.contentType: "application/x-www-form-urlencoded"]
            )
            #expect(page.status == .tooManyRequests && page.headers[HTTPField.Name("Retry-After")!] != nil)
            try await world.store.pool.write { db in try db.execute(sql: "DELETE FROM login_lockouts WHERE key = 'client:unknown'") }
            _ = try await client.login("auditor01")
        }
    }

    /// A burst of concurrent failures cannot all pass the check before the first is counted: the checks in flight
    /// count against the limit until they end.
    @Test func concurrentFailuresCannotOutrunTheLimit() async throws {
        let world = try await World()
        let threeFailures: (inout ServerConfiguration) -> Void = { $0.maximumFailuresPerClient = 3 }
        try await world.test(configure: threeFailures) { client in
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for attempt in 1...20 {
                    group.addTask {
                        try await client.call(.post, "/api/v1/sessions", json: #"{"username": "burst\#(attempt)", "password": "Summer2026"}"#)
                    }
                }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            let checked = replies.filter { $0.status == .unauthorized }.count
            #expect(checked <= 3, "\(checked) of 20 were checked; the limit is 3")
            #expect(replies.allSatisfy { $0.status == .unauthorized || $0.code == "auth.client_locked_out" })
        }
    }

    /// A burst of wrong passwords for one username is checked five at a time at most (the account's own lock-out): the
    /// rest find the username locked and do not count against the client, which one account's lock must not lock.
    @Test func aBurstAgainstOneUsernameLocksTheUsernameNotTheClient() async throws {
        let world = try await World()
        let tenFailures: (inout ServerConfiguration) -> Void = { $0.maximumFailuresPerClient = 10 }
        try await world.test(configure: tenFailures) { client in
            _ = try await client.register("burst01", index: 52)
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for attempt in 1...30 {
                    group.addTask {
                        try await client.call(.post, "/api/v1/sessions", json: #"{"username": "burst01", "password": "wrong\#(attempt)"}"#)
                    }
                }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(replies.filter { $0.status == .unauthorized }.count <= 5, "\(replies.map(\.status))")
            #expect(replies.allSatisfy { $0.status == .unauthorized || $0.code == "auth.locked_out" }, "\(replies.map { $0.code ?? "" })")
            _ = try await client.login("auditor01")
        }
    }
}
