import Foundation
import Testing

@testable import RegistrarHTTP

/// ID numbers: in full for the candidate and the reviewer of the site, masked for the auditor.
@Suite struct DisclosureTests {
    @Test func auditorsSeeMaskedIDNumbersEverywhere() async throws {
        let world = try await World()
        try await world.test { client in
            let cast = try await Cast.make(client)
            let full = World.residentID(1)
            let masked = String(full.prefix(3)) + String(repeating: "*", count: full.count - 7) + String(full.suffix(4))
            func idNumber(_ reply: Reply, under key: String = "basic") -> String? {
                (reply.object[key] as? [String: Any])?["idNumber"] as? String
            }
            let path = "/api/v1/candidates/\(cast.candidateA)"
            #expect(idNumber(try await client.call(.get, path, token: cast.tokens["owner"])) == full)
            #expect(idNumber(try await client.call(.get, path, token: cast.tokens["reviewer"])) == full)
            let audited = try await client.call(.get, path, token: cast.tokens["auditor"])
            #expect(idNumber(audited) == masked)
            #expect(!audited.text.contains(full))

            let history = try await client.call(.get, "\(path)/history?version=1", token: cast.tokens["auditor"])
            #expect(((history.object["state"] as? [String: Any])?["basic"] as? [String: Any])?["idNumber"] as? String == masked)
            #expect(!history.text.contains(full))
            let diff = try await client.call(.get, "\(path)/history/diff?from=0&to=1", token: cast.tokens["auditor"])
            #expect(diff.text.contains(masked))
            #expect(!diff.text.contains(full))
            let comparisonPath = "/api/v1/review/applications/\(cast.applicationA)/comparison"
            #expect(try await client.call(.get, comparisonPath, token: cast.tokens["reviewer"]).text.contains(full))
            let comparison = try await client.call(.get, comparisonPath, token: cast.tokens["auditor"])
            #expect(comparison.status == .ok)
            #expect(comparison.text.contains(masked))
            #expect(!comparison.text.contains(full))
            let notice = try await client.call(.get, "\(path)/applications/\(cast.applicationA)/notice", token: cast.tokens["auditor"])
            #expect(notice.object["idNumber"] as? String == masked)
            let trail = try await client.call(.get, "/api/v1/audit/trail?candidate=\(cast.candidateA)", token: cast.tokens["auditor"])
            #expect(trail.status == .ok)
            #expect(trail.text.contains(masked))
            #expect(!trail.text.contains(full))
        }
    }
}
