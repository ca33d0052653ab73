import Foundation
import RegistrarApp
import Testing

/// Binds the golden samples in `events/` to the code.
@Suite("Event catalog (events/)")
struct EventCatalogTests {
    struct Sample {
        let type: String
        let version: Int
        let bytes: Data
        let file: String
    }

    static func samples() throws -> [Sample] {
        let folder = try #require(Bundle.module.url(forResource: "events", withExtension: nil))
        var samples = [Sample]()
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".json") {
            // <EventType>.v<N>.json
            let parts = file.dropLast(5).split(separator: ".")
            guard parts.count == 2, parts[1].hasPrefix("v"), let version = Int(parts[1].dropFirst()) else {
                Issue.record("\(file) is not named <EventType>.v<N>.json")
                continue
            }
            samples.append(
                Sample(type: String(parts[0]), version: version, bytes: try Data(contentsOf: folder.appendingPathComponent(file)), file: file)
            )
        }
        return samples
    }

    @Test("every event type the code knows has a sample of its current version")
    func everyTypeHasASample() throws {
        let present = Set(try Self.samples().map { "\($0.type).v\($0.version)" })
        for (type, version) in EventCatalog.currentVersions {
            #expect(present.contains("\(type).v\(version)"), "events/\(type).v\(version).json is missing")
        }
    }

    @Test("every sample decodes with today's code, through upcasters for older versions")
    func everySampleDecodes() throws {
        for sample in try Self.samples() {
            #expect(throws: Never.self, "\(sample.file)") {
                _ = try EventCatalog.decode(type: sample.type, schemaVersion: sample.version, data: sample.bytes)
            }
        }
    }

    @Test("the newest sample of each type is byte for byte what today's encoder writes")
    func newestSamplesMatchTheEncoder() throws {
        let current = EventCatalog.currentVersions
        for sample in try Self.samples() where current[sample.type] == sample.version {
            let payload = try EventCatalog.decode(type: sample.type, schemaVersion: sample.version, data: sample.bytes)
            let encoded = try EventCatalog.encode(payload) + Data("\n".utf8)
            #expect(encoded == sample.bytes, "\(sample.file): the encoder now writes \(String(decoding: encoded, as: UTF8.self))")
        }
    }

    @Test("no sample names a type or version the code does not know")
    func noUnknownSamples() throws {
        let current = EventCatalog.currentVersions
        for sample in try Self.samples() {
            let known = current[sample.type].map { sample.version <= $0 } ?? false
            #expect(known, "\(sample.file) names an unknown type or a version newer than the code")
        }
    }
}
