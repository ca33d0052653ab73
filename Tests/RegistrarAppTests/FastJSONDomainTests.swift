import EventLog
import Foundation
import RegistrationDomain
import Testing

/// `FastJSONDecoder` against `JSONDecoder` on the real payload and state types: the golden samples in `events/`
/// and a `CandidateState` folded from them.
@Suite("FastJSONDecoder on the domain types")
struct FastJSONDomainTests {
    static let payloadTypes: [String: any DomainEvent.Type] = {
        var types = [String: any DomainEvent.Type]()
        for type in CandidateEvent.payloadTypes + SeasonEvent.payloadTypes + StaffEvent.payloadTypes {
            types[type.eventType] = type
        }
        return types
    }()

    static func decodedAlike<Payload: DomainEvent>(_ type: Payload.Type, _ bytes: Data) throws -> Bool {
        try FastJSONDecoder().decode(type, from: bytes) == JSONDecoder().decode(type, from: bytes)
    }

    static func bothReject<Payload: DomainEvent>(_ type: Payload.Type, _ bytes: Data) -> Bool {
        (try? JSONDecoder().decode(type, from: bytes)) == nil && (try? FastJSONDecoder().decode(type, from: bytes)) == nil
    }

    @Test("every sample of a current schema version decodes to what JSONDecoder gives")
    func samplesDecodeAlike() throws {
        var checked = Set<String>()
        for sample in try EventCatalogTests.samples() {
            guard let type = Self.payloadTypes[sample.type], type.schemaVersion == sample.version else { continue }
            let alike = try Self.decodedAlike(type, sample.bytes)
            #expect(alike, "\(sample.file)")
            checked.insert(sample.type)
        }
        #expect(checked == Set(Self.payloadTypes.keys))
    }

    @Test("every proper prefix of a sample is rejected by both decoders")
    func truncatedSamplesAreRejected() throws {
        for sample in try EventCatalogTests.samples() {
            guard let type = Self.payloadTypes[sample.type], type.schemaVersion == sample.version else { continue }
            // The samples end with "}\n": any prefix shorter than the closing brace is incomplete.
            let end = try #require(sample.bytes.lastIndex(of: UInt8(ascii: "}")))
            for length in 0..<end {
                let rejected = Self.bothReject(type, sample.bytes.prefix(length))
                #expect(rejected, "\(sample.file) cut at \(length)")
            }
        }
    }

    @Test("a CandidateState folded from the samples (about 4 KB of JSON) round-trips through FastJSONDecoder")
    func stateRoundTrip() throws {
        let state = try Self.foldedCandidateState(copies: 3)
        #expect(state.isRegistered)
        #expect(state.education.count == 3 && state.training.count == 3 && state.certificates.count == 3)
        #expect(state.applications.values.allSatisfy { $0.payments.count == 1 && $0.refunds.count == 1 && $0.corrections.count == 1 })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(state)
        #expect(data.count > 3_000)
        #expect(try FastJSONDecoder().decode(CandidateState.self, from: data) == state)
        #expect(try FastJSONDecoder().decode(CandidateState.self, from: data) == JSONDecoder().decode(CandidateState.self, from: data))
    }

    /// A candidate's life, in an order the decider accepts; `copies` repeats everything after the first three
    /// events with fresh entry, scan, application and order ids, so that the state holds `copies` of each.
    static let lifecycle = [
        "EducationEntryAdded", "EducationEntryAmended", "TrainingEntryAdded", "TrainingEntryAmended", "CertificateEntryAdded",
        "CertificateEntryAmended", "ChsiScanStarted", "ChsiResultReceived", "ApplicationSubmitted", "EntryLocked", "EntryVerified",
        "BasicInfoCorrected", "ApplicationApproved", "ApplicationSigned", "PaymentStarted", "PaymentFailed", "PaymentConfirmed",
        "RefundRecorded",
    ]

    static func foldedCandidateState(copies: Int) throws -> CandidateState {
        var samples = [String: Data]()
        for sample in try EventCatalogTests.samples() where payloadTypes[sample.type]?.schemaVersion == sample.version {
            samples[sample.type] = sample.bytes
        }
        func event(_ name: String, copy: Int) throws -> CandidateEvent {
            let bytes = try #require(samples[name], "events/\(name).v1.json")
            var object = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
            let ids: [String: Any] = [
                "applicationID": "application-\(copy)", "entryID": "entry-\(copy)", "scanID": "scan-\(copy)", "orderNumber": "order-\(copy)",
                "certificateEntryID": "entry-\(copy)", "educationEntryIDs": ["entry-\(copy)"], "trainingEntryIDs": ["entry-\(copy)"],
            ]
            for (key, value) in ids where object[key] != nil { object[key] = value }
            let type = try #require(payloadTypes[name])
            let payload = try decodePayload(type, try JSONSerialization.data(withJSONObject: object))
            return try #require(CandidateEvent(payload: payload))
        }
        var events = try ["CandidateRegistered", "ContactDetailsUpdated", "WorkDetailsUpdated"].map { try event($0, copy: 0) }
        for copy in 0..<copies {
            events += try lifecycle.map { try event($0, copy: copy) }
        }
        return CandidateDecider.replay(events)
    }

    static func decodePayload<Payload: DomainEvent>(_ type: Payload.Type, _ data: Data) throws -> any DomainEvent {
        try JSONDecoder().decode(type, from: data)
    }
}
