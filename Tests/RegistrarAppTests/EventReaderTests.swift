import EventLog
import Foundation
import RegistrarApp
import RegistrationDomain
import Testing

/// The generated member-by-member readers of candidate events (`CandidateEventReaders.swift`) against Codable: every
/// canonical payload read, and read as Codable decodes it; anything else either read equally or declined, and the
/// codec (reader, then Codable) always equal to Codable. A stale reader (a field added, renamed or retyped without
/// running `tools/codegen/event_readers.py`) fails here.
@Suite("Candidate event readers")
struct EventReaderTests {
    static func viaCodable<Payload: DomainEvent>(_ type: Payload.Type, _ bytes: Data) -> CandidateEvent? {
        (try? JSONDecoder().decode(type, from: bytes)).flatMap { CandidateEvent.wrap($0) }
    }

    static func viaReader(_ typeName: String, _ bytes: Data) -> CandidateEvent? {
        guard let read = CandidateEvent.fastReaders[typeName] else { return nil }
        return try? FastJSONDecoder().readSortedMembers(from: bytes, read)
    }

    static let types = Dictionary(uniqueKeysWithValues: CandidateEvent.payloadTypes.map { ($0.eventType, $0) })

    @Test("every candidate event type has a reader, and every current sample reads as Codable decodes it")
    func samples() throws {
        #expect(Set(CandidateEvent.fastReaders.keys) == Set(Self.types.keys))
        var checked = 0
        for sample in try EventCatalogTests.samples() {
            guard let type = Self.types[sample.type], type.schemaVersion == sample.version else { continue }
            let expected = Self.viaCodable(type, sample.bytes)
            #expect(expected != nil, "\(sample.file)")
            #expect(Self.viaReader(sample.type, sample.bytes) == expected, "\(sample.file)")
            checked += 1
        }
        #expect(checked == Self.types.count)
    }

    @Test("a member removed, null, of another type, or unknown: the reader reads as Codable or declines; the codec is Codable")
    func variants() throws {
        for sample in try EventCatalogTests.samples() {
            guard let type = Self.types[sample.type], type.schemaVersion == sample.version else { continue }
            let object = try #require(try JSONSerialization.jsonObject(with: sample.bytes) as? [String: Any])
            var variants = [Data]()
            for key in object.keys {
                for replacement in [nil, NSNull(), 7, 7.5, "7", true, ["x"], ["k": "v"]] as [Any?] {
                    var changed = object
                    changed[key] = replacement
                    variants.append(try JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys]))
                }
            }
            var extra = object
            extra["unknownMember"] = "ignored"
            variants.append(try JSONSerialization.data(withJSONObject: extra, options: [.sortedKeys]))
            var read = 0
            for variant in variants {
                let expected = Self.viaCodable(type, variant)
                let text = "\(sample.file): \(String(decoding: variant, as: UTF8.self))"
                if let event = Self.viaReader(sample.type, variant) {
                    #expect(event == expected, "\(text)")
                    read += 1
                }
                #expect(
                    (try? EventCatalog.candidateCodec.decode(type: sample.type, schemaVersion: sample.version, data: variant)) == expected,
                    "\(text)"
                )
            }
            // Variants that stay canonical (an optional member removed or null) are read, not left to Codable.
            let optionals = object.keys.filter { key in
                var without = object
                without[key] = nil
                return Self.viaCodable(type, try! JSONSerialization.data(withJSONObject: without, options: [.sortedKeys])) != nil
            }
            #expect(read >= 2 * optionals.count, "\(sample.file)")
        }
    }

    @Test("every candidate event of a demo season reads as Codable decodes it; the codec gives the same")
    func demoSeason() async throws {
        let (_, store, _) = try await DemoSeasonTests.play(seed: 11, candidates: 8)
        var checked = 0
        for event in try await DemoSeasonTests.allEvents(store) where event.streamId.hasPrefix("candidate-") {
            let type = try #require(Self.types[event.type])
            let decoded = Self.viaCodable(type, event.data)
            let expected = try #require(decoded)
            #expect(Self.viaReader(event.type, event.data) == expected, "position \(event.position)")
            #expect(try EventCatalog.candidateCodec.decode(event) == expected)
            checked += 1
        }
        #expect(checked > 100)
    }
}
