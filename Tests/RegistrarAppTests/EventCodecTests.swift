import EventLog
import Foundation
import RegistrarApp
import RegistrationDomain
import Testing

/// A two-version event family used to prove the upcasting path end to end.
private struct NoteTaken: DomainEvent {
    static let eventType = "NoteTaken"
    static let schemaVersion = 2
    var text: String
    var author: String
}

private enum NoteEvent: EventFamily {
    case taken(NoteTaken)
    var payload: any DomainEvent {
        switch self {
        case .taken(let event): event
        }
    }
    init?(payload: any DomainEvent) {
        guard let event = payload as? NoteTaken else { return nil }
        self = .taken(event)
    }
    static let payloadTypes: [any DomainEvent.Type] = [NoteTaken.self]
    // A reader as the generated candidate ones are: upcast payloads reach it in the current version's shape.
    static let fastReaders: [String: @Sendable (inout FastJSONDecoder.SortedMemberReader) throws -> NoteEvent] = [
        NoteTaken.eventType: { json in
            let author = try json.string("author")
            return .taken(NoteTaken(text: try json.string("text"), author: author))
        }
    ]
}

@Suite("Event codec")
struct EventCodecTests {
    @Test("encoding is canonical JSON under the type's name and version, and decodes back")
    func roundTrip() throws {
        let codec = EventCodec<SeasonEvent>()
        let event = SeasonEvent.siteAdded(ExamSiteAdded(code: "4201", name: "武汉考点", areaCode: "42"))
        let proposed = try codec.encode(event)
        #expect(proposed.type == "ExamSiteAdded")
        #expect(proposed.schemaVersion == ExamSiteAdded.schemaVersion)
        #expect(String(decoding: proposed.data, as: UTF8.self) == #"{"areaCode":"42","code":"4201","name":"武汉考点"}"#)
        let decoded = try codec.decode(type: proposed.type, schemaVersion: proposed.schemaVersion, data: proposed.data)
        #expect(decoded.payload as? ExamSiteAdded == ExamSiteAdded(code: "4201", name: "武汉考点", areaCode: "42"))
    }

    @Test("an older schema version is upcast before decoding")
    func upcasting() throws {
        let renameWriterToAuthor: Upcaster = { data in
            var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            object["author"] = object.removeValue(forKey: "writer")
            return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        }
        let codec = EventCodec<NoteEvent>(upcasters: ["NoteTaken": [1: renameWriterToAuthor]])
        let v1 = Data(#"{"text":"已核对","writer":"reviewer-1"}"#.utf8)
        let decoded = try codec.decode(type: "NoteTaken", schemaVersion: 1, data: v1)
        #expect(decoded.payload as? NoteTaken == NoteTaken(text: "已核对", author: "reviewer-1"))
    }

    @Test("unknown types, versions without an upcaster and versions from the future are refused with the position")
    func refusals() throws {
        let codec = EventCodec<NoteEvent>()
        #expect(throws: EventDecodingError.self) { try codec.decode(type: "Nonsense", schemaVersion: 1, data: Data("{}".utf8), position: 9) }
        #expect(throws: EventDecodingError(description: "position 3: no upcaster for NoteTaken from v1")) {
            try codec.decode(type: "NoteTaken", schemaVersion: 1, data: Data("{}".utf8), position: 3)
        }
        #expect(throws: EventDecodingError(description: "position 4: NoteTaken v3 is newer than this code (v2)")) {
            try codec.decode(type: "NoteTaken", schemaVersion: 3, data: Data("{}".utf8), position: 4)
        }
        #expect(throws: EventDecodingError.self) {
            try codec.decode(type: "NoteTaken", schemaVersion: 2, data: Data(#"{"text":1}"#.utf8))
        }
    }

    @Test("every payload type of every family has a unique event type name")
    func uniqueNames() {
        let names = (CandidateEvent.payloadTypes + SeasonEvent.payloadTypes + StaffEvent.payloadTypes).map { $0.eventType }
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.first!.isUppercase })
    }
}

/// A family whose reader marks what it read, to see which path the codec took.
private enum MarkedNoteEvent: EventFamily {
    case taken(NoteTaken)
    var payload: any DomainEvent {
        switch self {
        case .taken(let event): event
        }
    }
    init?(payload: any DomainEvent) {
        guard let event = payload as? NoteTaken else { return nil }
        self = .taken(event)
    }
    static let payloadTypes: [any DomainEvent.Type] = [NoteTaken.self]
    static let fastReaders: [String: @Sendable (inout FastJSONDecoder.SortedMemberReader) throws -> MarkedNoteEvent] = [
        NoteTaken.eventType: { json in
            _ = try json.string("author")
            return .taken(NoteTaken(text: try json.string("text"), author: "read by the reader"))
        }
    ]
}

@Suite("Event codec readers")
struct EventCodecReaderTests {
    @Test("the codec reads through the family's reader, and through Codable when the reader cannot read the payload")
    func readerFirst() throws {
        let codec = EventCodec<MarkedNoteEvent>()
        let read = try codec.decode(type: "NoteTaken", schemaVersion: 2, data: Data(#"{"author":"李四","text":"x"}"#.utf8))
        #expect(read.payload as? NoteTaken == NoteTaken(text: "x", author: "read by the reader"))
        // Members the reader does not read, or not in its order: it declines and Codable reads (ignoring the unknown).
        let wide = (0..<70).map { #""extra\#($0)":0,"# }.joined()
        for json in [#"{"author":"李四",\#(wide)"text":"x"}"#, #"{"text":"x","author":"李四"}"#] {
            let fallback = try codec.decode(type: "NoteTaken", schemaVersion: 2, data: Data(json.utf8))
            #expect(fallback.payload as? NoteTaken == NoteTaken(text: "x", author: "李四"))
        }
        // `text` as a number: the reader refuses, Codable refuses too and its error is the one reported.
        #expect(throws: EventDecodingError.self) {
            try codec.decode(type: "NoteTaken", schemaVersion: 2, data: Data(#"{"author":"李四","text":1}"#.utf8))
        }
    }
}
