import Foundation
import HTTPTypes
import TestScratch
import Testing

@testable import RegistrarHTTP

/// `/health`, `/metrics` and the OpenAPI document.
@Suite struct OperationsTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func healthAndMetrics() async throws {
        let world = try await World()
        try await world.test { client in
            let health = try await client.call(.get, "/health")
            #expect(health.status == .ok)
            #expect(health.object["status"] as? String == "ok")
            #expect(health.object["headPosition"] as? Int == Int(try await world.store.headPosition()))

            _ = try await client.register("metrics1", index: 31)
            _ = try await client.call(.get, "/api/v1/nothing")
            for attempt in 1...5 {
                _ = try await client.call(.post, "/api/v1/sessions", json: #"{"username": "metrics1", "password": "wrong\#(attempt)"}"#)
            }
            // The log-in page's refusal counts the same way; its internal header is not sent.
            let page = try await PageTests.form(client, .post, "/login", "username=nobody01&password=wrong1")
            #expect(page.status == .unauthorized && page.headers[HTTPField.Name("X-Registrar-Refusal")!] == nil)
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = metrics.text
            #expect(text.contains(#"registrar_http_requests_total{method="POST",route="/api/v1/candidates",status="201"} 1"#))
            #expect(text.contains(#"registrar_http_requests_total{method="GET",route="NotFound",status="404"} 1"#))
            #expect(text.contains(#"registrar_http_request_duration_seconds_bucket{method="POST",route="/api/v1/candidates",le="+Inf"} 1"#))
            #expect(text.contains("registrar_events_appended_total 1"))
            // Refusals by their code: the four wrong passwords and the lock-out the fifth set apart.
            #expect(text.contains(#"registrar_http_refusals_total{code="auth.invalid_credentials"} 5"#), "\(text)")
            #expect(text.contains(#"registrar_http_refusals_total{code="auth.locked_out"} 1"#))
            #expect(text.contains(#"registrar_commands_total{outcome="appended"} 1"#))
            #expect(text.contains("registrar_log_head_position \(try await world.store.headPosition())"))
            #expect(text.contains(#"registrar_projection_lag_events{projection="audit_trail"} 0"#))
            #expect(text.contains(#"registrar_snapshots_skipped_total{reason="not_decompressed"} 0"#))
            #expect(text.contains(#"registrar_snapshots_skipped_total{reason="not_usable"} 0"#))
            // Route patterns only: no ids, usernames or other personal data in the labels.
            #expect(!text.contains("metrics1"))
            #expect(!text.contains("candidate-"))
        }
    }

    /// A read model another process is filling (its checkpoint row marked, version -1 at the largest position) has
    /// folded nothing yet: `/metrics` shows it lagging by the whole log, not as current.
    @Test func readModelBeingFilledLagsByTheWholeLog() async throws {
        let world = try await World()
        try await world.test { client in
            _ = try await client.register("metrics2", index: 32)
            try await world.store.pool.write { db in
                try db.execute(sql: "UPDATE projection_checkpoints SET version = -1, position = ? WHERE name = 'audit_trail'", arguments: [Int64.max])
            }
            let head = try await world.store.headPosition()
            let text = try await client.call(.get, "/metrics").text
            #expect(text.contains(#"registrar_projection_lag_events{projection="audit_trail"} \#(head)"#))
            #expect(text.contains(#"registrar_projection_lag_events{projection="candidate_view"} 0"#))
        }
    }

    /// The document lists exactly the routes of the router, method for method.
    @Test func documentMatchesTheRoutes() async throws {
        let world = try await World()
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        let documented = Set(paths.flatMap { path, operations in operations.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" } })
        let registered = Set(registeredRoutes(world.configuration).map(\.description))
        #expect(registered.subtracting(documented).sorted() == [], "routes missing from openapi.json")
        #expect(documented.subtracting(registered).sorted() == [], "documented routes that do not exist")
    }

    /// The server serves the checked-in file (tools/embed-openapi.sh keeps them equal).
    @Test func servedDocumentIsTheCheckedInOne() async throws {
        let checkedIn = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("openapi.json"), encoding: .utf8)
        #expect(checkedIn == OpenAPIDocument.json + "\n", "openapi.json changed: run tools/embed-openapi.sh")
        let world = try await World()
        try await world.test { client in
            let served = try await client.call(.get, "/openapi.json")
            #expect(served.status == .ok)
            #expect(served.text == OpenAPIDocument.json)
        }
    }

    /// A Python with `openapi-spec-validator`: the system's, or the one `tools/validate-openapi.sh` (run by `make test`
    /// before the tests) installs it into.
    static let validatorPython: String? = [
        repositoryRoot.appendingPathComponent(".build-tools-venv/bin/python").path, "python3",
    ].first { run([$0, "-c", "import openapi_spec_validator"]) == 0 }
    static let validatorAvailable = validatorPython != nil

    /// Validated against the OpenAPI 3.1 schema by `openapi-spec-validator` (PyPI; `make test` installs it).
    @Test(.enabled(if: validatorAvailable, "tools/validate-openapi.sh installs openapi-spec-validator")) func documentValidates() throws {
        let path = Self.repositoryRoot.appendingPathComponent("openapi.json").path
        #expect(Self.run([try #require(Self.validatorPython), "-m", "openapi_spec_validator", path]) == 0)
    }

    static func run(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try launch(process)
            process.waitUntilExit()
            return process.terminationStatus
        } catch {
            return -1
        }
    }
}

@Suite struct LogLineTests {
    /// Lines are buffered and written in order: at a flush, at once for warnings and worse, and by the flusher thread.
    @Test func bufferedLinesArriveInOrder() throws {
        let pipe = Pipe()
        let reader = pipe.fileHandleForReading.fileDescriptor
        _ = fcntl(reader, F_SETFL, fcntl(reader, F_GETFL) | O_NONBLOCK)
        func available() -> String {
            var bytes = [UInt8](repeating: 0, count: 4096)
            let count = read(reader, &bytes, bytes.count)
            return count > 0 ? String(decoding: bytes.prefix(count), as: UTF8.self) : ""
        }
        let sink = LogSink(fileDescriptor: pipe.fileHandleForWriting.fileDescriptor)
        for number in 1...3 { sink.write(Array("line \(number)\n".utf8), immediately: false) }
        sink.flush()
        #expect(available() == "line 1\nline 2\nline 3\n")
        sink.write(Array("warning\n".utf8), immediately: true)
        #expect(available() == "warning\n")
        // Without a flush, the flusher thread writes the line within its 50 ms period.
        sink.write(Array("later\n".utf8), immediately: false)
        var later = ""
        let deadline = Date().addingTimeInterval(5)
        while later.isEmpty && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
            later = available()
        }
        #expect(later == "later\n")
    }

    /// Log lines are written by hand; every value must come back unchanged through a JSON parser.
    @Test func logLinesHaveEachKeyOnceInOrderAndTheLatestSourceWins() throws {
        var handler = JSONLogHandler(label: "registrar.test")
        handler[metadataKey: "request_id"] = "r-1"
        handler[metadataKey: "route"] = "/old"
        handler[metadataKey: "level"] = "shadowed"
        let bytes = handler.line(level: .info, message: "request", metadata: ["route": "/api/v1/me", "status": .stringConvertible(200)])
        #expect(bytes.last == UInt8(ascii: "\n"))
        let text = String(decoding: bytes.dropLast(), as: UTF8.self)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String])
        #expect(object["route"] == "/api/v1/me")
        #expect(object["request_id"] == "r-1")
        #expect(object["status"] == "200")
        #expect(object["level"] == "info")
        #expect(object["message"] == "request")
        #expect(object["label"] == "registrar.test")
        #expect(object["ts"]?.hasSuffix("Z") == true)
        // Keys sorted, each once.
        let keys = ["label", "level", "message", "request_id", "route", "status", "ts"]
        let positions = keys.map { text.range(of: "\"\($0)\":")!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(text.components(separatedBy: "\"route\":").count == 2)
    }

    @Test(arguments: ["plain", "引号\"与\\反斜杠", "line\nbreak\rand\ttab", "\u{01}\u{1F}control", "/api/v1/{id}", "", "𠀀 emoji 🙂"])
    func valuesSurviveAJSONParser(value: String) throws {
        var line = "{"
        JSONLogHandler.appendJSONString("message", to: &line)
        line += ":"
        JSONLogHandler.appendJSONString(value, to: &line)
        line += "}"
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(parsed == ["message": value])
    }
}
