import EventLog
import Foundation
import RegistrationDomain
import Testing

/// `FastJSONEncoder` against the golden samples in `events/` and `JSONEncoder` on the real payload and state types.
@Suite("FastJSONEncoder on the domain types")
struct FastJSONEncoderDomainTests {
    /// The configuration of canonical JSON (hashed event bytes), HTTP responses and read-model documents.
    static let fast = FastJSONEncoder(formatting: [.sortedKeys, .withoutEscapingSlashes])

    static let foundation: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func decode<Payload: DomainEvent>(_ type: Payload.Type, _ bytes: Data) throws -> any DomainEvent {
        try FastJSONDecoder().decode(type, from: bytes)
    }

    @Test("every sample of a current schema version re-encodes to its own bytes, as JSONEncoder does")
    func samplesReencodeByteForByte() throws {
        var checked = Set<String>()
        for sample in try EventCatalogTests.samples() {
            guard let type = FastJSONDomainTests.payloadTypes[sample.type], type.schemaVersion == sample.version else { continue }
            let payload = try Self.decode(type, sample.bytes)
            let encoded = try Self.fast.encode(payload)
            #expect(encoded + Data("\n".utf8) == sample.bytes, "\(sample.file): \(String(decoding: encoded, as: UTF8.self))")
            #expect(encoded == (try Self.foundation.encode(payload)), "\(sample.file)")
            checked.insert(sample.type)
        }
        #expect(checked == Set(FastJSONDomainTests.payloadTypes.keys))
    }

    @Test("every sample also encodes as JSONEncoder does with slashes escaped and pretty-printed")
    func samplesInOtherConfigurations() throws {
        let configurations: [JSONEncoder.OutputFormatting] = [[.sortedKeys], [.sortedKeys, .prettyPrinted]]
        for sample in try EventCatalogTests.samples() {
            guard let type = FastJSONDomainTests.payloadTypes[sample.type], type.schemaVersion == sample.version else { continue }
            let payload = try Self.decode(type, sample.bytes)
            for formatting in configurations {
                let foundation = JSONEncoder()
                foundation.outputFormatting = formatting
                let fast = FastJSONEncoder(formatting: FastJSONEncoder.Formatting(rawValue: formatting.rawValue))
                #expect(try fast.encode(payload) == foundation.encode(payload), "\(sample.file), formatting \(formatting.rawValue)")
            }
        }
    }

    @Test("a CandidateState folded from the samples (about 4 KB of JSON) encodes as JSONEncoder does")
    func candidateState() throws {
        for copies in 1...3 {
            let state = try FastJSONDomainTests.foldedCandidateState(copies: copies)
            let expected = try Self.foundation.encode(state)
            #expect(expected.count > 2_000)
            #expect(try Self.fast.encode(state) == expected, "copies: \(copies)")
            let sortedOnly = JSONEncoder()
            sortedOnly.outputFormatting = [.sortedKeys]
            #expect(try FastJSONEncoder(formatting: [.sortedKeys]).encode(state) == sortedOnly.encode(state))
            let pretty = JSONEncoder()
            pretty.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            #expect(try FastJSONEncoder(formatting: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]).encode(state) == pretty.encode(state))
        }
    }
}
