import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import RegistrarApp
import Testing

@testable import RegistrarHTTP

/// Malformed requests get a 4xx with the `{code, field, message}` body; nothing a client sends causes a 5xx.
@Suite struct ErrorTests {
    /// A body must arrive within 30 s, and a second more for every 4 KB: a byte every 20 s is cut off after 30 s,
    /// a 1.4 MB photo at 12.5 KB/s (a slow mobile link) is not (audit Y-3).
    @Test func aBodyTricklingInIsCutOffAndASlowUploadIsNot() {
        #expect(!StrictJSON.isTooSlow(received: 1, after: .seconds(29)))
        #expect(StrictJSON.isTooSlow(received: 2, after: .seconds(40)))
        let photo = 1_400_000
        #expect(!StrictJSON.isTooSlow(received: photo, after: .seconds(Double(photo) / 12_500)))
        #expect(StrictJSON.isTooSlow(received: photo, after: .seconds(Double(photo) / 2_000)))
    }

    @Test func malformedBodiesAreRefusedWithTheFieldNamed() async throws {
        let world = try await World()
        try await world.test { client in
            let candidate = try await client.register("errors01", index: 11)
            let token = try await client.login("errors01")
            let contact = "/api/v1/candidates/\(candidate)/contact"

            let cases: [(String, ByteBuffer, String, String)] = [
                ("not JSON", ByteBuffer(string: "{mobile: 1"), "request.invalid_json", "body"),
                ("empty", ByteBuffer(), "request.empty_body", "body"),
                // RFC 8259 has no trailing comma; JSONDecoder would read it, a strict reader does not.
                (
                    "trailing comma", ByteBuffer(string: World.contact.replacingOccurrences(of: #""430074""#, with: #""430074","#)),
                    "request.invalid_json", "body"
                ),
                ("trailing comma in an array", ByteBuffer(string: #"{"mobile": [1,]}"#), "request.invalid_json", "body"),
                ("invalid UTF-8", ByteBuffer(bytes: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]), "request.invalid_json", "body"),
                ("an array", ByteBuffer(string: "[1, 2]"), "request.wrong_type", "body"),
                (
                    "unknown field", ByteBuffer(string: World.contact.replacingOccurrences(of: "{", with: #"{"fax": "1", "#)),
                    "request.unknown_field", "contact.fax"
                ),
                (
                    "missing field", ByteBuffer(string: #"{"mobile": "13800138000", "address": "湖北省武汉市"}"#), "request.missing_field",
                    "contact.postcode"
                ),
                (
                    "wrong type", ByteBuffer(string: World.contact.replacingOccurrences(of: #""13800138000""#, with: "13800138000")),
                    "request.wrong_type", "contact.mobile"
                ),
                (
                    "null for a required field", ByteBuffer(string: World.contact.replacingOccurrences(of: #""13800138000""#, with: "null")),
                    "request.missing_value", "contact.mobile"
                ),
                (
                    "a repeated field",
                    ByteBuffer(
                        string: World.contact.replacingOccurrences(of: #""mobile": "13800138000""#, with: #""mobile": "1", "mobile": "13800138000""#)
                    ),
                    "request.repeated_field", "contact.mobile"
                ),
            ]
            for (label, body, code, field) in cases {
                let reply = try await client.call(.put, contact, token: token, body: body)
                #expect(reply.status == .badRequest, "\(label): \(reply.status) \(reply.text)")
                #expect(reply.code == code, "\(label): \(reply.text)")
                #expect(reply.field == field, "\(label): \(reply.text)")
                #expect(reply.object["message"] is String, "\(label)")
            }

            // A rule shared by many fields names the field it refused: full-width digits in 手机号码, a landline in
            // 办公电话.
            let fullWidth = try await client.call(
                .put,
                contact,
                token: token,
                json: World.contact.replacingOccurrences(of: #""13800138000""#, with: #""１3800138000""#)
            )
            #expect(fullWidth.code == "input.full_width_character", "\(fullWidth.text)")
            #expect((fullWidth.object["message"] as? String)?.hasPrefix("手机号码：") == true, "\(fullWidth.text)")
            let office = try await client.call(
                .put,
                contact,
                token: token,
                json: World.contact.replacingOccurrences(of: #""homePhone": "027-87654321""#, with: #""workPhone": "27-1""#)
            )
            #expect(office.code?.hasPrefix("landline.") == true, "\(office.text)")
            #expect((office.object["message"] as? String)?.hasPrefix("办公电话：") == true, "\(office.text)")

            // A body that is not declared JSON in UTF-8 is refused before it is read: 415, naming the header.
            let version = try await world.store.streamVersion(candidate)
            for declared in ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=gbk", "application/jsonx"] {
                let reply = try await client.call(
                    .put,
                    contact,
                    token: token,
                    body: ByteBuffer(string: World.contact),
                    headers: [.contentType: declared]
                )
                #expect(reply.status == .unsupportedMediaType, "\(declared): \(reply.text)")
                #expect(reply.code == "request.unsupported_media_type" && reply.field == "Content-Type", "\(declared)")
            }
            // JSON nested past the reader's depth is told as such, not as "not JSON".
            let deep = try await client.call(
                .put,
                contact,
                token: token,
                json: String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
            )
            #expect(deep.code == "request.invalid_json" && (deep.object["message"] as? String)?.contains("嵌套") == true, "\(deep.text)")
            // A compressed body is refused naming Content-Encoding, not read as if it were plain.
            let gzip = try await client.call(
                .put,
                contact,
                token: token,
                body: ByteBuffer(string: World.contact),
                headers: [.contentType: "application/json", .contentEncoding: "gzip"]
            )
            #expect(gzip.status == .unsupportedMediaType && gzip.field == "Content-Encoding", "\(gzip.text)")
            #expect(try await world.store.streamVersion(candidate) == version, "nothing appended")
            for declared in ["application/json; charset=utf-8", "Application/JSON;charset=UTF-8"] {
                let reply = try await client.call(
                    .put,
                    contact,
                    token: token,
                    body: ByteBuffer(string: World.contact),
                    headers: [.contentType: declared]
                )
                #expect(reply.status == .ok, "\(declared): \(reply.text)")
            }

            // A malformed Idempotency-Key.
            let badKey = try await client.call(
                .put,
                contact,
                token: token,
                json: World.contact,
                headers: [HTTPField.Name("Idempotency-Key")!: String(repeating: "k", count: 200)]
            )
            #expect(badKey.status == .badRequest)
            #expect(badKey.field == "Idempotency-Key")
            // Two keys: said so, not that a key is malformed.
            var twoKeys = HTTPFields()
            twoKeys.append(HTTPField(name: HTTPField.Name("Idempotency-Key")!, value: "key-1"))
            twoKeys.append(HTTPField(name: HTTPField.Name("Idempotency-Key")!, value: "key-2"))
            let head = try await world.store.headPosition()
            let doubled = try await client.call(.put, contact, token: token, json: World.contact, headers: twoKeys)
            #expect(doubled.status == .badRequest)
            #expect(doubled.field == "Idempotency-Key")
            #expect(doubled.object["message"] as? String == "Idempotency-Key只能提供一次，请求中出现了多个")
            #expect(try await world.store.headPosition() == head)

            // A log-in with the username twice is refused, whichever the server would have read.
            let twice = try await client.call(
                .post,
                "/api/v1/sessions",
                json: #"{"username": "nobody", "username": "errors01", "password": "\#(World.password)"}"#
            )
            #expect(twice.status == .badRequest)
            #expect(twice.code == "request.repeated_field")
            #expect(twice.field == "username")
            let nestedTwice = World.application(education: ["x"]).replacingOccurrences(of: #""jpegBase64""#, with: #""jpegBase64": "", "jpegBase64""#)
            let nestedRepeat = try await client.call(.post, "/api/v1/candidates/\(candidate)/applications", token: token, json: nestedTwice)
            #expect(nestedRepeat.code == "request.repeated_field")
            #expect(nestedRepeat.field == "photo.jpegBase64")

            // Nested unknown fields and wrong types name the path.
            let application = World.application(education: ["x"]).replacingOccurrences(of: #""jpegBase64""#, with: #""size": 1, "jpegBase64""#)
            let nested = try await client.call(.post, "/api/v1/candidates/\(candidate)/applications", token: token, json: application)
            #expect(nested.code == "request.unknown_field")
            #expect(nested.field == "photo.size")
            let huge = try await client.call(
                .put,
                "/api/v1/admin/season/photo-limit",
                token: try await client.login("admin01"),
                json: #"{"maximumBytes": 1e400}"#
            )
            #expect(huge.status == .badRequest)
            let bigInteger = try await client.call(
                .put,
                "/api/v1/admin/season/photo-limit",
                token: try await client.login("admin01"),
                json: #"{"maximumBytes": 123456789012345678901234567890}"#
            )
            #expect(bigInteger.status == .badRequest)
            #expect(bigInteger.field == "maximumBytes")
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        let world = try await World(maximumBodyBytes: 1_024)
        try await world.test { client in
            let candidate = try await client.register("large001", index: 12)
            let token = try await client.login("large001")
            let big = ByteBuffer(string: #"{"mobile": ""# + String(repeating: "1", count: 4_000) + #""}"#)
            let reply = try await client.call(.put, "/api/v1/candidates/\(candidate)/contact", token: token, body: big)
            #expect(reply.status == .contentTooLarge)
            #expect(reply.code == "request.too_large")
            #expect(reply.field == "body")
            #expect(reply.object["message"] as? String == "请求内容过大（不得超过1 KB）")
        }
    }

    @Test func unknownRoutesAndBadIDsAre4xxWithABody() async throws {
        let world = try await World()
        try await world.test { client in
            let token = try await client.login("auditor01")
            let missing = try await client.call(.get, "/api/v1/nothing-here", token: token)
            #expect(missing.status == .notFound)
            #expect(missing.code == "http.not_found")
            #expect(missing.field == "path")
            // A known path with another method: 405 with the methods it has.
            let wrongMethod = try await client.call(.patch, "/api/v1/season")
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.code == "http.method_not_allowed")
            #expect(wrongMethod.field == "method")
            #expect(wrongMethod.headers[HTTPField.Name("Allow")!] == "GET, HEAD")
            let withParameters = try await client.call(.patch, "/api/v1/candidates/candidate-1/education/e1", token: token)
            #expect(withParameters.status == .methodNotAllowed)
            #expect(withParameters.headers[HTTPField.Name("Allow")!] == "DELETE, PUT")
            // HEAD answers every GET route: its headers, no body.
            for path in ["/health", "/openapi.json", "/api/v1/season"] {
                let head = try await client.call(.head, path)
                #expect(head.status == .ok, "\(path)")
                #expect(head.body.isEmpty)
                let get = try await client.call(.get, path)
                #expect(head.headers[.contentType] == get.headers[.contentType])
            }
            #expect(try await client.call(.head, "/api/v1/me").status == .unauthorized)
            #expect(try await client.call(.head, "/api/v1/nothing-here").status == .notFound)
            let badID = try await client.call(.get, "/api/v1/candidates/%2E%2E%2Fetc", token: token)
            #expect(badID.status == .badRequest)
            #expect(badID.field == "candidateID")
            let badQuery = try await client.call(.get, "/api/v1/candidates/candidate-1/history?version=-1", token: token)
            #expect(badQuery.status == .badRequest)
            #expect(badQuery.field == "version")
            let badInstant = try await client.call(.get, "/api/v1/candidates/candidate-1/history?at=yesterday", token: token)
            #expect(badInstant.status == .badRequest)
            #expect(badInstant.field == "at")
            // A diff needs both ends, in order: a reversed or half range is not "no changes".
            for (query, field) in [
                ("from=5&to=1", "from"), ("to=3", "from"), ("from=1", "to"), ("", "from"),
                ("from=2026-02-01T00:00:00.000Z&to=2026-01-01T00:00:00.000Z", "from"),
            ] {
                let reply = try await client.call(.get, "/api/v1/candidates/candidate-1/history/diff?\(query)", token: token)
                #expect(reply.status == .badRequest, "\(query): \(reply.text)")
                #expect(reply.field == field, "\(query): \(reply.text)")
            }
            let unknown = try await client.call(.get, "/api/v1/candidates/candidate-unknown", token: token)
            #expect(unknown.status == .notFound)
            #expect(unknown.code == "candidate.not_registered")
        }
    }

    /// A body whose chunked encoding is broken fails while the handler reads it, after the route was chosen: that is
    /// the client's fault (400 with a body), not a 500. Found by `make fuzz-http`. Sent at once, and with the head
    /// first and the broken chunks once the route is reading the body.
    @Test func brokenChunkedBodiesAre400() async throws {
        let world = try await World()
        try await world.testLive { port in
            let head = "POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            for body in ["zz\r\n", "5\r\n{\"a\":\r\nzz\r\n", "ffffffffffffffffffff\r\n"] {
                let together = try await rawExchange(port: port, Array((head + body).utf8), timeout: 20)
                #expect(together.hasPrefix("HTTP/1.1 400 "), "\(body.debugDescription) at once: \(together.prefix(120))")
                #expect(
                    together.contains(#""code":"request.unreadable_body","field":"body""#),
                    "\(body.debugDescription) at once: \(together.prefix(300))"
                )
                let answer = try await rawExchange(port: port, Array(head.utf8), then: Array(body.utf8), timeout: 20)
                #expect(answer.hasPrefix("HTTP/1.1 400 "), "\(body.debugDescription): \(answer.prefix(120))")
                #expect(answer.contains(#""code":"request.unreadable_body","field":"body""#), "\(body.debugDescription): \(answer.prefix(300))")
            }
        }
    }

    /// What NIO's HTTP parser refuses before any route runs gets the API's JSON error body too, naming the part of
    /// the request at fault; the connection is closed after the reply.
    @Test func parserRefusalsAnswerJSON() async throws {
        let world = try await World()
        try await world.testLive { port in
            let cases: [(request: String, status: String, code: String, field: String)] = [
                (
                    "GET /api/v1/\(String(repeating: "x", count: 100_000)) HTTP/1.1\r\nHost: localhost\r\n\r\n", "431", "request.head_too_large",
                    "head"
                ),
                (
                    "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: \(String(repeating: "y", count: 90_000))\r\n\r\n", "431",
                    "request.head_too_large", "head"
                ),
                ("GET /health HTTP/1.1\r\nBad Header: x\r\n\r\n", "400", "request.malformed_http", "headers"),
                ("G@T /health HTTP/1.1\r\nHost: localhost\r\n\r\n", "400", "request.malformed_http", "method"),
                ("GET /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n", "400", "request.malformed_http", "Content-Length"),
                ("GET /health HTTP/7.1\r\nHost: localhost\r\n\r\n", "400", "request.malformed_http", "version"),
                (
                    "POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                    "400", "request.malformed_http", "Transfer-Encoding"
                ),
            ]
            for (request, status, code, field) in cases {
                let answer = try await rawExchange(port: port, Array(request.utf8))
                let name = request.prefix(50).debugDescription
                #expect(answer.hasPrefix("HTTP/1.1 \(status) "), "\(name): \(answer.prefix(200))")
                #expect(answer.lowercased().contains("content-type: application/json"), "\(name): \(answer.prefix(300))")
                #expect(answer.lowercased().contains("connection: close"), "\(name): \(answer.prefix(300))")
                let body = answer.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
                let error = try? JSONDecoder().decode(APIError.ErrorBody.self, from: Data(body.utf8))
                #expect(error?.code == code, "\(name): \(body)")
                #expect(error?.field == field, "\(name): \(body)")
                #expect(error?.message.isEmpty == false, "\(name): \(body)")
            }
            // Valid requests first, then one the parser refuses, sent together: the first are answered, then the
            // refusal, and the server closes the connection.
            let pipelined =
                "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n" + "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "G@T /health HTTP/1.1\r\n\r\n"
            let all = try await rawExchange(port: port, Array(pipelined.utf8), timeout: 5, untilClosed: true)
            #expect(all.hasPrefix("HTTP/1.1 200 "), "\(all.prefix(200))")
            #expect(all.components(separatedBy: "HTTP/1.1 200 ").count == 3, "\(all)")
            #expect(all.contains("HTTP/1.1 400 ") && all.hasSuffix(#""field":"method","message":"请求方法无效"}"#), "\(all)")
            // A request refused from its head (413 from `Content-Length`) whose body then ends early gets that one
            // reply, not a second one for the broken body.
            let lying = "POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Length: 999999999\r\n\r\n{}"
            let once = try await rawExchange(port: port, Array(lying.utf8), timeout: 5, untilClosed: true, closingOutput: true)
            #expect(
                once.hasPrefix("HTTP/1.1 413 ") && once.hasSuffix(#""code":"request.too_large","field":"body","message":"请求内容过大（不得超过256 KB）"}"#),
                "\(once)"
            )
            #expect(once.components(separatedBy: "HTTP/1.1 ").count == 2, "\(once)")
        }
    }

    /// A client that stops halfway through a request (or never sends one) is disconnected after the idle timeout,
    /// so that idle connections cannot pile up. So is one whose request line the HTTP parser refused (over 80 KB)
    /// while it goes on sending a body: the fuzzer found such a connection held open by both sides for good.
    @Test func idleConnectionsAreClosed() async throws {
        let world = try await World()
        try await world.testLive(idleTimeout: .seconds(1)) { port in
            let refusedThenBody =
                "POST /api/v1/candidates/\(String(repeating: "x", count: 100_000)) HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Length: 4000000\r\n\r\n" + String(repeating: "[1]", count: 1_300_000)
            for partial in [
                "", "POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\n",
                "POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{\"user", refusedThenBody,
            ] {
                let started = ContinuousClock.now
                let answer = try await rawExchange(port: port, Array(partial.utf8))
                let waited = ContinuousClock.now - started
                #expect(!answer.contains("HTTP/1.1 2"), "\(partial.prefix(60).debugDescription): \(answer.prefix(200))")
                #expect(waited < .seconds(6), "\(partial.prefix(60).debugDescription): closed after \(waited)")
                if partial != refusedThenBody {
                    #expect(waited >= .milliseconds(900), "\(partial.debugDescription): closed after \(waited), before the timeout")
                }
            }
        }
    }

    /// Garbage at every route, as every kind of caller: never a 5xx, always a JSON error body for a 4xx.
    @Test func garbageNeverCausesA5xx() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let routes = registeredRoutes(world.configuration)
            let bodies: [ByteBuffer?] = [
                nil,
                ByteBuffer(),
                ByteBuffer(bytes: [0xC3, 0x28, 0xA0, 0xA1, 0xFF]),
                ByteBuffer(string: "[]"),
                ByteBuffer(string: "[{}]"),
                ByteBuffer(string: "null"),
                ByteBuffer(string: "\"text\""),
                ByteBuffer(string: "1e999999"),
                ByteBuffer(string: #"{"a": 99999999999999999999999999999999999999}"#),
                ByteBuffer(string: String(repeating: "[", count: 10_000)),
                ByteBuffer(string: #"{"username": [], "password": {}, "maximumBytes": -1, "reason": 7, "field": "idNumber"}"#),
                ByteBuffer(string: #"{"title": "\u0000\u0001", "code": "../../etc/passwd", "role": "system"}"#),
                ByteBuffer(repeating: 0x41, count: 300 * 1024),
            ]
            let ids = ["..", "%00", "a%2Fb", "%E4%B8%AD", String(repeating: "x", count: 300), "-1", "candidate-\u{202E}", cast.candidateA]
            let tokens: [String?] = [nil, "garbage", cast.tokens["owner"], cast.tokens["reviewer"], cast.tokens["auditor"], cast.tokens["admin"]]
            var calls = 0
            for route in routes {
                let method = HTTPRequest.Method(route.method)!
                for (index, body) in bodies.enumerated() {
                    let id = ids[index % ids.count]
                    let uri =
                        route.path.replacingOccurrences(of: #"\{[A-Za-z]+\}"#, with: id, options: .regularExpression)
                        + (index % 3 == 0 ? "?version=99999999999999999999&at=%FF&from=..&to=&limit=0" : "")
                    let token = tokens[(index + calls) % tokens.count]
                    // Log-out would end the session the other calls use.
                    if route.path == "/api/v1/sessions/current" && token != nil && token != "garbage" { continue }
                    let reply = try await client.call(method, uri, token: token, body: body)
                    calls += 1
                    #expect(reply.status.code < 500, "\(route) \(uri.prefix(80)) body #\(index): \(reply.status) \(reply.text.prefix(200))")
                    if (400..<500).contains(reply.status.code) {
                        #expect(reply.code != nil, "\(route) body #\(index): no error body: \(reply.text.prefix(200))")
                    }
                }
            }
            // Path traversal and odd paths outside the routes.
            for path in [
                "/../../etc/passwd", "/api/v1/../../openapi.json", "/api/v1/candidates/../admin/staff", "//", "/api/v1/%",
                "/api/v1/candidates/a/b/c/d/e/f",
            ] {
                let reply = try await client.call(.get, path, token: cast.tokens["auditor"])
                #expect(reply.status.code < 500, "\(path): \(reply.status)")
            }
            #expect(calls > routes.count * 5)
        }
    }

    /// What the command path throws when other writers keep getting in first, or a client reuses a key, is a 409
    /// with a code, not a 500.
    @Test func racesAndReusedKeysAre409() {
        let errors: [(any Error, String)] = [
            (CommandError.conflict(streamId: "candidate-1", attempts: 5), "request.concurrent_update"),
            (EventLogError.conditionNotMet(streamId: "season-2026", expected: 3, actual: 4), "request.concurrent_update"),
            (EventLogError.requestIdReused(requestId: "candidate-1/key", streamId: "candidate-2"), "request.idempotency_key_reused"),
        ]
        for (error, code) in errors {
            let answer = APIError.from(error)
            #expect(answer?.status == .conflict && answer?.body.code == code, "\(error)")
        }
    }

    /// The byte-level id check says what the character-set definition says, on ids and on near misses.
    @Test func idRuleMatchesItsDefinition() {
        func reference(_ value: String) -> Bool {
            guard let first = value.unicodeScalars.first, value.utf8.count <= 128 else { return false }
            let allowed = { (scalar: Unicode.Scalar) -> Bool in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_" || scalar == ".")
            }
            return first.isASCII && CharacterSet.alphanumerics.contains(first) && value.unicodeScalars.allSatisfy(allowed)
        }
        let alphabet: [String] = ["a", "Z", "0", "9", "-", "_", ".", "/", " ", "~", "@", "é", "中", "١", "\u{0}", "\u{202E}", "👩‍⚕️"]
        var generator = SystemRandomNumberGenerator()
        var samples = [
            "", "a", "-a", ".", "candidate-1", "application-29d6e640", String(repeating: "x", count: 128), String(repeating: "x", count: 129),
        ]
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...12, using: &generator)
            samples.append((0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined())
        }
        for sample in samples {
            #expect(RegistrarRequestContext.isValidID(sample) == reference(sample), "\(sample.debugDescription)")
        }
    }
}
