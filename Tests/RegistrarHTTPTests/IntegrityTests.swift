import EventLog
import Foundation
import HTTPTypes
import Testing

@testable import RegistrarHTTP

/// A log changed behind a running server's back: events cut off its end, which the read models had folded.
@Suite struct IntegrityTests {
    @Test("an append that finds the log cut answers 503 log.integrity, /health turns 503 for good, the error is logged once")
    func tailCutWhileServing() async throws {
        let world = try await World()
        let logs = CapturedLogs()
        try await world.test(logs: logs) { client in
            let first = try await client.register("integrity1", index: 41)
            let token = try await client.login("integrity1")
            _ = try await client.register("integrity2", index: 42)
            let head = try await world.store.headPosition()
            // As the audit did with the sqlite3 shell: the trigger dropped, the last event deleted, the trigger put back.
            try await world.store.pool.write { db in
                try db.execute(sql: "DROP TRIGGER events_refuse_delete")
                try db.execute(sql: "DELETE FROM events WHERE position = ?", arguments: [head])
                try db.execute(
                    sql: """
                        CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
                            BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END
                        """
                )
            }
            #expect(try await client.call(.get, "/health").status == .ok, "nothing found before an append looks")

            for _ in 0..<2 {
                let refused = try await client.call(.put, "/api/v1/candidates/\(first)/contact", token: token, json: World.contact)
                #expect(refused.status == .serviceUnavailable, "\(refused.text)")
                #expect(refused.code == "log.integrity")
                let message = try #require(refused.object["message"] as? String)
                #expect(message.contains("报名数据记录异常") && message.contains("本次操作未保存"), "\(message)")
                #expect(!message.contains("服务器内部错误"))
            }
            #expect(try await world.store.headPosition() == head - 1, "nothing appended")

            let health = try await client.call(.get, "/health")
            #expect(health.status == .serviceUnavailable)
            #expect(health.object["status"] as? String == "log_integrity_failure")
            #expect(health.object["headPosition"] as? Int == Int(head - 1))
            let problem = try #require(health.object["problem"] as? String)
            #expect(problem.contains("read model candidate_view is at position \(head) but the log ends at \(head - 1)"), "\(problem)")
            #expect(problem.contains("run `registrar verify --db \(world.store.path)`"), "\(problem)")
            #expect(try await client.call(.head, "/health").status == .serviceUnavailable)
        }
        let errors = logs.lines.filter { $0.level == .error }
        #expect(errors.count == 1, "\(errors.map(\.message))")
        #expect(errors.first?.message.contains("log integrity failure") == true)
        #expect(errors.first?.metadata["problem"]?.contains("events were removed from the log") == true)
        #expect(errors.first?.metadata["advice"]?.contains("registrar verify --db") == true)
        #expect(!logs.lines.contains { $0.message.contains("unexpected error") })
    }

    @Test("an intact log's /health stays ok and says no problem")
    func intactHealth() async throws {
        let world = try await World()
        try await world.test { client in
            let health = try await client.call(.get, "/health")
            #expect(health.status == .ok)
            #expect(health.object["status"] as? String == "ok")
            #expect(health.object["problem"] == nil)
        }
    }
}
