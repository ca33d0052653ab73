import EventLog
import Foundation
import Testing

// MARK: - Comparing with JSONEncoder

/// The project's configuration (canonical JSON, HTTP responses, read-model documents) first.
private let sortedConfigurations: [JSONEncoder.OutputFormatting] = [
    [.sortedKeys, .withoutEscapingSlashes],
    [.sortedKeys],
    [.sortedKeys, .prettyPrinted],
    [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes],
]

/// Without `.sortedKeys` JSONEncoder's key order is its dictionary's: only values with at most one key per object
/// are compared in these.
private let unsortedConfigurations: [JSONEncoder.OutputFormatting] = [[], [.withoutEscapingSlashes], [.prettyPrinted]]

/// The outcome of an encode, comparable: the bytes, or the error's case, coding path and message.
private enum Outcome: Equatable, CustomStringConvertible {
    case bytes(Data)
    case failure(String)

    init(_ body: () throws -> Data) {
        do {
            self = .bytes(try body())
        } catch let EncodingError.invalidValue(value, context) {
            let path = context.codingPath.map { "\($0.stringValue)|\($0.intValue.map(String.init) ?? "-")" }
            self = .failure("invalidValue \(type(of: value)) \(path) \(context.debugDescription)")
        } catch {
            self = .failure("\(error)")
        }
    }

    var description: String {
        switch self {
        case .bytes(let data): String(decoding: data, as: UTF8.self)
        case .failure(let message): "error: \(message)"
        }
    }
}

private func outcomes<T: Encodable>(_ value: T, _ formatting: JSONEncoder.OutputFormatting) -> (fast: Outcome, foundation: Outcome) {
    let foundation = JSONEncoder()
    foundation.outputFormatting = formatting
    let fast = FastJSONEncoder(formatting: FastJSONEncoder.Formatting(rawValue: formatting.rawValue))
    return (Outcome { try fast.encode(value) }, Outcome { try foundation.encode(value) })
}

/// Expects FastJSONEncoder to write what JSONEncoder writes (or throw the same error) in every configuration.
private func expectSame<T: Encodable>(
    _ value: T,
    _ configurations: [JSONEncoder.OutputFormatting] = sortedConfigurations,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    for formatting in configurations {
        let (fast, foundation) = outcomes(value, formatting)
        #expect(fast == foundation, "formatting \(formatting.rawValue)", sourceLocation: sourceLocation)
    }
}

// MARK: - Test types

private enum Color: String, Codable {
    case red
    case green = "绿色"
}

private enum Level: Int, Codable {
    case low = 1
    case high = 10
}

private enum Shape: Codable {
    case circle(radius: Double)
    case rect(Double, Double)
    case named(String, tags: [String])
    case empty
}

private struct Leaf: Codable {
    var name: String
    var weight: Int
    var note: String?
}

private struct Everything: Encodable {
    var string = "plain ascii"
    var chinese = "医师资格考试 李文博 北京大学（医学部）"
    var escapes = "quote \" backslash \\ slash / \u{8} \u{C} \n \r \t \u{1} \u{1F} nul \u{0} del \u{7F} emoji 😀 é e\u{301}"
    var separators = "line \u{2028} paragraph \u{2029}"
    var empty = ""
    var int = -42
    var int8 = Int8.min
    var int16 = Int16.max
    var int32 = Int32.min
    var int64 = Int64.max
    var int128 = Int128.min
    var uint = UInt.max
    var uint8 = UInt8.max
    var uint16: UInt16 = 0
    var uint32 = UInt32.max
    var uint64 = UInt64.max
    var uint128 = UInt128.max
    var double = -0.1
    var negativeZero = -0.0
    var integral = 12.0
    var huge = 1e20
    var tiny = 1e-7
    var float: Float = 3.25
    var floatTenth: Float = 0.1
    var bool = true
    var falseBool = false
    var present: String? = "是"
    var absent: Int?
    var absentLeaf: Leaf?
    var presentLeaf: Leaf? = Leaf(name: "p", weight: 0, note: nil)
    var leaf = Leaf(name: "叶", weight: 7, note: "备注")
    var leaves = [Leaf(name: "a", weight: 1, note: nil), Leaf(name: "b", weight: -2, note: "x")]
    var strings = ["一", "", "th/ree"]
    var ints = [1, -1, 0, Int.max, Int.min]
    var int8s: [Int8] = [-1, 2]
    var doubles = [0.5, -0.0, 1e300, 3]
    var floats: [Float] = [0.25, 1e30]
    var bools = [true, false]
    var matrix = [[], [1], [2, 3]]
    var optionals: [Int?] = [1, nil, 3]
    var byName = ["甲": Leaf(name: "a", weight: 1, note: nil), "b": Leaf(name: "b", weight: 2, note: nil)]
    var byNumber = [1: "one", -7: "minus seven", 1_000_000: "million", 10: "ten", 9: "nine"]
    var nestedDictionaries = ["x": ["y": [1, 2]], "empty": [:]]
    var emptyArray = [Int]()
    var emptyDictionary = [String: Int]()
    var set: Set<Int> = [7]
    var color = Color.green
    var colors: [Color] = [.red, .green]
    var level = Level.high
    var shapes: [Shape] = [.circle(radius: 1.5), .rect(2, 3), .named("n", tags: ["t"]), .empty]
    var date = Date(timeIntervalSinceReferenceDate: 789_000_123.25)
    var dates = [Date(timeIntervalSinceReferenceDate: 0), Date(timeIntervalSinceReferenceDate: -1.5)]
    var data = Data([0, 1, 2, 250, 255, 254, 253])
    var emptyData = Data()
    var url = URL(string: "https://example.com/a%20b?q=1&r=/x")!
    var relativeURL = URL(string: "path/file", relativeTo: URL(string: "https://example.com/base/"))!
    var decimal = Decimal(string: "12345.6789")!
    var negativeDecimal = Decimal(string: "-0.000001")!
    var optionalDate: Date? = Date(timeIntervalSinceReferenceDate: 1)
    var optionalData: Data? = Data([9])
}

/// Keys that sort differently under a numeric, case-insensitive or locale-aware comparison than by UTF-8 bytes.
private let trickyKeys = [
    "a10", "a9", "a", "A", "B", "b", "Z", "_x", "_", "ab", "abc", "a_b", "a-b", "a.b", "a b", "", " ", "0", "9", "10", "-1",
    "é", "e\u{301}", "z", "中文", "中", "😀", "\u{FF21}", "Ω", "ñ", "\"quote", "back\\slash", "sl/ash", "tab\t", "ctl\u{1}", "\u{7F}",
    "ß", "ss", "İ", "i", "\u{2028}",
]

/// Encodes its members through a keyed container with keys of its own.
private struct Members<Value: Encodable>: Encodable {
    var members: [(String, Value)]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in members { try container.encode(value, forKey: Key(key)) }
    }
}

/// Encodes nothing at all.
private struct Nothing: Encodable {
    func encode(to encoder: any Encoder) throws {}
}

/// Encodes one value through a single-value container.
private struct Single<Value: Encodable>: Encodable {
    var value: Value

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// Fills nested containers out of order, asks for the same container twice and uses super encoders.
private struct Interleaved: Encodable {
    enum Outer: String, CodingKey {
        case first, second, list, last, base, other, another
    }
    enum Inner: String, CodingKey {
        case x, y, deep
    }

    func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: Outer.self)
        var first = outer.nestedContainer(keyedBy: Inner.self, forKey: .first)
        var list = outer.nestedUnkeyedContainer(forKey: .list)
        var second = outer.nestedContainer(keyedBy: Inner.self, forKey: .second)
        try second.encode(2, forKey: .y)
        try list.encode("a")
        try first.encode("one", forKey: .x)
        var deep = first.nestedUnkeyedContainer(forKey: .deep)
        try outer.encode(true, forKey: .last)
        var element = list.nestedContainer(keyedBy: Inner.self)
        try deep.encode(1.5)
        try list.encode(Leaf(name: "in list", weight: 3, note: nil))
        try element.encode(Nothing(), forKey: .x)
        var again = encoder.container(keyedBy: Outer.self)
        try again.encode(Leaf(name: "base", weight: 0, note: "n"), forKey: .base)
        try Leaf(name: "super", weight: 1, note: nil).encode(to: outer.superEncoder())
        var arraySuper = list.superEncoder().unkeyedContainer()
        try arraySuper.encode(99)
        _ = list.superEncoder()
        try list.encode(Nothing())
        _ = outer.superEncoder(forKey: .other)
        var forKey = outer.superEncoder(forKey: .another).container(keyedBy: Inner.self)
        try forKey.encode(5, forKey: .y)
    }
}

private class Base: Encodable {
    var id = "base/1"
    var count = 3

    enum CodingKeys: String, CodingKey { case id, count }
}

/// A subclass encoding its superclass into its own container, as `super.encode(to:)` does.
private final class Derived: Base {
    var extra = [1.25, 2]
    var kept: Leaf? = Leaf(name: "k", weight: 1, note: nil)

    enum DerivedKeys: String, CodingKey { case extra, kept }

    override func encode(to encoder: any Encoder) throws {
        try super.encode(to: encoder)
        var container = encoder.container(keyedBy: DerivedKeys.self)
        try container.encode(extra, forKey: .extra)
        try container.encodeIfPresent(kept, forKey: .kept)
    }
}

/// Writes the same key twice (JSONEncoder keeps the last value).
private struct Repeated: Encodable {
    enum Keys: String, CodingKey { case a, b }
    var nested = false

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode("two", forKey: .b)
        if nested {
            // The same nested container again: JSONEncoder fills the first one.
            var inner = container.nestedContainer(keyedBy: Keys.self, forKey: .a)
            try inner.encode(3, forKey: .b)
            var again = container.nestedContainer(keyedBy: Keys.self, forKey: .a)
            try again.encode(4, forKey: .a)
        } else {
            try container.encode(1, forKey: .a)
            try container.encode([5], forKey: .a)
        }
    }
}

/// Replaces a nested container by a super encoder's value (JSONEncoder writes it when the super encoder goes).
private struct SuperOverwrite: Encodable {
    enum Keys: String, CodingKey { case a, b }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        var nested = container.nestedContainer(keyedBy: Keys.self, forKey: .a)
        try nested.encode(1, forKey: .b)
        var replacement = container.superEncoder(forKey: .a).singleValueContainer()
        try replacement.encode("replaced")
    }
}

/// Reports the coding paths the encoder shows it, as values.
private struct PathReporter: Encodable {
    enum Keys: String, CodingKey { case here, nested, list }

    static func describe(_ path: [any CodingKey]) -> String {
        path.map { "\($0.stringValue)|\($0.intValue.map(String.init) ?? "-")" }.joined(separator: ",")
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(Self.describe(encoder.codingPath) + " / " + Self.describe(container.codingPath), forKey: .here)
        var nested = container.nestedContainer(keyedBy: Keys.self, forKey: .nested)
        try nested.encode(Self.describe(nested.codingPath), forKey: .here)
        var list = nested.nestedUnkeyedContainer(forKey: .list)
        try list.encode(Self.describe(list.codingPath))
        try list.encode(Single(value: Leaf(name: "x", weight: 1, note: nil)))
        try list.encode(PathLeaf())
        try nested.encode(PathLeaf(), forKey: .nested)
    }
}

private struct PathLeaf: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(PathReporter.describe(encoder.codingPath) + " / " + PathReporter.describe(container.codingPath))
    }
}

/// A list nested `depth` arrays deep.
private struct Nested: Encodable {
    var depth: Int

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        if depth > 1 { try container.encode(Nested(depth: depth - 1)) }
    }
}

/// Throws its own error after encoding part of a value.
private struct Failing: Encodable {
    struct Failure: Error {}

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(1)
        throw Failure()
    }
}

/// Encodes a value, catches the error and goes on (JSONEncoder leaves the failed key out).
private struct Recovering: Encodable {
    enum Keys: String, CodingKey { case bad, good, badNumber }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try? container.encode(Failing(), forKey: .bad)
        try? container.encode(Double.nan, forKey: .badNumber)
        try container.encode("ok", forKey: .good)
    }
}

// MARK: - Random values

/// SplitMix64: a small seeded generator, so that a failure can be replayed.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Any JSON-like value, encoded through every kind of container.
private indirect enum Value: Encodable {
    case null
    case bool(Bool)
    case int(Int)
    case int8(Int8)
    case uint64(UInt64)
    case double(Double)
    case float(Float)
    case string(String)
    case date(Date)
    case data(Data)
    case array([Value])
    case object([(String, Value)])
    case dictionary([String: Value])
    case intDictionary([Int: Value])
    case nothing

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let value): try value.encode(to: encoder)
        case .int(let value): try value.encode(to: encoder)
        case .int8(let value): try value.encode(to: encoder)
        case .uint64(let value): try value.encode(to: encoder)
        case .double(let value): try value.encode(to: encoder)
        case .float(let value): try value.encode(to: encoder)
        case .string(let value): try value.encode(to: encoder)
        case .date(let value): try value.encode(to: encoder)
        case .data(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .array(let values):
            var container = encoder.unkeyedContainer()
            for value in values {
                switch value {
                case .string(let text): try container.encode(text)
                case .int(let number): try container.encode(number)
                case .double(let number): try container.encode(number)
                case .bool(let flag): try container.encode(flag)
                case .null: try container.encodeNil()
                default: try container.encode(value)
                }
            }
        case .object(let members):
            try Members(members: members).encode(to: encoder)
        case .dictionary(let dictionary): try dictionary.encode(to: encoder)
        case .intDictionary(let dictionary): try dictionary.encode(to: encoder)
        case .nothing: break
        }
    }

    static func random(depth: Int, using generator: inout SeededGenerator) -> Value {
        let choice = Int.random(in: 0..<(depth > 3 ? 10 : 15), using: &generator)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(randomInt(using: &generator))
        case 3: return .int8(Int8.random(in: .min ... .max, using: &generator))
        case 4: return .uint64(UInt64.random(in: 0 ... .max, using: &generator) >> UInt64.random(in: 0..<64, using: &generator))
        case 5: return .double(randomDouble(using: &generator))
        case 6: return .float(Float(randomDouble(using: &generator)))
        case 7, 8: return .string(randomString(using: &generator))
        case 9: return .date(Date(timeIntervalSinceReferenceDate: randomDouble(using: &generator)))
        case 10: return .data(Data((0..<Int.random(in: 0..<9, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        case 11: return .array((0..<Int.random(in: 0..<5, using: &generator)).map { _ in random(depth: depth + 1, using: &generator) })
        case 12:
            // Distinct keys (JSONEncoder's dictionary would keep one of repeated keys; tested on its own).
            var keys = [String]()
            for _ in 0..<Int.random(in: 0..<7, using: &generator) {
                let key = randomKey(using: &generator)
                if !keys.contains(key) { keys.append(key) }
            }
            return .object(keys.map { ($0, random(depth: depth + 1, using: &generator)) })
        case 13:
            var dictionary = [String: Value]()
            for _ in 0..<Int.random(in: 0..<5, using: &generator) {
                dictionary[randomKey(using: &generator)] = random(depth: depth + 1, using: &generator)
            }
            return .dictionary(dictionary)
        default:
            var dictionary = [Int: Value]()
            for _ in 0..<Int.random(in: 0..<5, using: &generator) {
                dictionary[randomInt(using: &generator)] = random(depth: depth + 1, using: &generator)
            }
            return Bool.random(using: &generator) ? .intDictionary(dictionary) : .nothing
        }
    }

    static func randomInt(using generator: inout SeededGenerator) -> Int {
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: Int.random(in: -20...20, using: &generator)
        case 1: Int.random(in: .min ... .max, using: &generator)
        default: Int.random(in: -1_000_000...1_000_000, using: &generator)
        }
    }

    static func randomDouble(using generator: inout SeededGenerator) -> Double {
        switch Int.random(in: 0..<7, using: &generator) {
        case 0:
            return Double(Int.random(in: -1_000_000...1_000_000, using: &generator))
        case 1:
            return Double(Int.random(in: -1_000_000...1_000_000, using: &generator)) / 100
        case 2:
            return Double(Int64.random(in: .min ... .max, using: &generator))
        case 3:
            // Any finite bit pattern: subnormals, huge and tiny exponents.
            var value = Double.nan
            while !value.isFinite { value = Double(bitPattern: UInt64.random(in: 0 ... .max, using: &generator)) }
            return value
        case 4:
            return Double.random(in: -1...1, using: &generator)
        case 5:
            return pow(10, Double(Int.random(in: -30...30, using: &generator))) * (Bool.random(using: &generator) ? 1 : -1)
        default:
            let special: [Double] = [
                0, -0.0, 1e15, 1e15 - 1, 1e16, 9_007_199_254_740_992, 9_007_199_254_740_994, 0.1, 1e-4, 1e-5, .greatestFiniteMagnitude,
            ]
            return special.randomElement(using: &generator)!
        }
    }

    static let alphabet: [String] = [
        "a", "b", "Z", "0", "9", "_", "-", " ", "/", "\\", "\"", "'", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{8}", "\u{C}", "\u{1F}",
        "\u{7F}", "é", "e\u{301}", "中", "文", "考", "试", "😀", "👩‍👩‍👧", "\u{2028}", "\u{2029}", "\u{FEFF}", "</", "&", "<", ">",
    ]

    static func randomString(using generator: inout SeededGenerator) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0..<24, using: &generator) { text += alphabet.randomElement(using: &generator)! }
        return text
    }

    static func randomKey(using generator: inout SeededGenerator) -> String {
        Bool.random(using: &generator) ? trickyKeys.randomElement(using: &generator)! : randomString(using: &generator)
    }

    /// Whether every object holds at most one key (so that JSONEncoder's order without `.sortedKeys` is known).
    var hasSingleKeyObjects: Bool {
        switch self {
        case .array(let values): values.allSatisfy(\.hasSingleKeyObjects)
        case .object(let members): members.count <= 1 && members.allSatisfy(\.1.hasSingleKeyObjects)
        case .dictionary(let dictionary): dictionary.count <= 1 && dictionary.values.allSatisfy(\.hasSingleKeyObjects)
        case .intDictionary(let dictionary): dictionary.count <= 1 && dictionary.values.allSatisfy(\.hasSingleKeyObjects)
        default: true
        }
    }
}

// MARK: - Tests

@Suite("FastJSONEncoder against JSONEncoder")
struct FastJSONEncoderTests {
    @Test("a value using every feature encodes byte for byte as JSONEncoder does")
    func everything() {
        expectSame(Everything())
        expectSame([Everything(), Everything()])
    }

    @Test("the project's configuration writes sorted keys and unescaped slashes")
    func canonicalSpelling() throws {
        let fast = FastJSONEncoder(formatting: [.sortedKeys, .withoutEscapingSlashes])
        let text = String(decoding: try fast.encode(["b": "x/y", "a": "1"]), as: UTF8.self)
        #expect(text == #"{"a":"1","b":"x/y"}"#)
    }

    @Test("keys sort by their UTF-8 bytes: case, digits, punctuation, prefixes, non-ASCII")
    func keyOrder() throws {
        var members = [(String, Int)]()
        for (index, key) in trickyKeys.enumerated() where key != "e\u{301}" {
            members.append((key, index))
        }
        expectSame(Members(members: members))
        expectSame(Members(members: members.reversed()))
        var dictionary = [String: Int]()
        for (key, value) in members { dictionary[key] = value }
        expectSame(dictionary)
        let fast = FastJSONEncoder(formatting: [.sortedKeys, .withoutEscapingSlashes])
        let text = String(decoding: try fast.encode(["a10": 0, "a9": 0, "B": 0, "a": 0, "_": 0, "é": 0, "ab": 0]), as: UTF8.self)
        #expect(text == #"{"B":0,"_":0,"a":0,"a10":0,"a9":0,"ab":0,"é":0}"#)
    }

    @Test("integer keys become strings and sort as strings")
    func integerKeys() {
        expectSame([10: "a", 9: "b", -1: "c", 100: "d", 0: "e", Int.min: "f", Int.max: "g"])
        expectSame([Int8(-1): 1, 2: 2])
    }

    @Test("every control character, quotes, slashes and non-ASCII text escape as in JSONEncoder")
    func strings() {
        var everyByte = ""
        for scalar in 0..<0x80 { everyByte.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        expectSame(everyByte, sortedConfigurations + unsortedConfigurations)
        expectSame(["key\(everyByte)": everyByte], sortedConfigurations + unsortedConfigurations)
        for text in ["", "/", "//", "a/b", "\u{2028}\u{2029}", "中文 😀 👩‍👩‍👧 e\u{301}", "\u{FEFF}", String(repeating: "长文本/\"", count: 500)] {
            expectSame(text, sortedConfigurations + unsortedConfigurations)
            expectSame([text], sortedConfigurations + unsortedConfigurations)
        }
    }

    @Test("numbers of every width and floating-point values print as in JSONEncoder")
    func numbers() {
        let doubles: [Double] = [
            0, -0.0, 1, -1, 0.1, 0.2, 1.0 / 3, 100, 1e15, 1e15 - 1, 1e15 + 1, 1e16, 1e17, 1e20, 1e21, 1e22, 1e-4, 1e-5, 1e-7, 123_456.789,
            9_007_199_254_740_991, 9_007_199_254_740_992, 9_007_199_254_740_994, -9_007_199_254_740_992, 4_503_599_627_370_496.5,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude, .leastNonzeroMagnitude, .pi, 2.5e-308,
        ]
        for value in doubles {
            expectSame(value, sortedConfigurations + unsortedConfigurations)
            expectSame(Float(value), sortedConfigurations + unsortedConfigurations)
        }
        expectSame(doubles)
        expectSame(doubles.map(Float.init))
        expectSame(Members(members: doubles.enumerated().map { ("\($0.offset)", $0.element) }))
        expectSame([Int.min, Int.max, 0, -1, 1, 9, 10, 99, 100, 1_000_000_007])
        expectSame([Int8.min, Int8.max])
        expectSame([Int16.min, Int16.max])
        expectSame([Int32.min, Int32.max])
        expectSame([Int64.min, Int64.max])
        expectSame([UInt.min, UInt.max])
        expectSame([UInt8.min, UInt8.max])
        expectSame([UInt16.min, UInt16.max])
        expectSame([UInt32.min, UInt32.max])
        expectSame([UInt64.min, UInt64.max, 10_000_000_000_000_000_000])
        expectSame([Int128.min, Int128.max, 0])
        expectSame([UInt128.min, UInt128.max])
        var generator = SeededGenerator(state: 7)
        for _ in 0..<2_000 {
            let double = Value.randomDouble(using: &generator)
            expectSame([double, -double], [[.sortedKeys]])
            expectSame([Float(double)], [[.sortedKeys]])
        }
    }

    @Test("top-level fragments encode as JSONEncoder writes them")
    func fragments() {
        let all = sortedConfigurations + unsortedConfigurations
        expectSame("top/level", all)
        expectSame(42, all)
        expectSame(UInt8(7), all)
        expectSame(-0.5, all)
        expectSame(Float(2.5), all)
        expectSame(true, all)
        expectSame(Int?.none, all)
        expectSame(Int?.some(3), all)
        expectSame(Color.green, all)
        expectSame(Level.low, all)
        expectSame(Date(timeIntervalSinceReferenceDate: -12.75), all)
        expectSame(Data("hello/world?>>".utf8), all)
        expectSame(URL(string: "https://example.com/x/y?z=/")!, all)
        expectSame(Decimal(string: "-3.14159")!, all)
        expectSame([Int](), all)
        expectSame([String: Int](), all)
        expectSame(Single(value: "wrapped"), all)
        expectSame(Single(value: Nothing()), all)
        expectSame(Single(value: [Single(value: 1.5)]), all)
    }

    @Test("values that encode nothing: {} when nested, JSONEncoder's error at the top level")
    func nothing() {
        expectSame(Nothing(), sortedConfigurations + unsortedConfigurations)
        expectSame([Nothing()], sortedConfigurations + unsortedConfigurations)
        expectSame(["a": Nothing()], sortedConfigurations + unsortedConfigurations)
        expectSame(Members(members: [("x", Nothing()), ("y", Nothing())]))
        expectSame([[String: Nothing]](), sortedConfigurations + unsortedConfigurations)
    }

    @Test("optionals: omitted by encodeIfPresent, null in arrays and through encodeNil")
    func optionals() {
        expectSame(Leaf(name: "n", weight: 1, note: nil))
        expectSame([Leaf(name: "n", weight: 1, note: "x")])
        expectSame([1, nil, 3] as [Int?])
        expectSame([nil] as [String?], sortedConfigurations + unsortedConfigurations)
        expectSame(["a": nil, "b": 2] as [String: Int?])
        expectSame([Leaf?.none, Leaf(name: "x", weight: 0, note: nil)])
    }

    @Test("nested containers filled out of order, reused containers and super encoders")
    func containers() {
        expectSame(Interleaved())
        expectSame([Interleaved(), Interleaved()])
        expectSame(Derived())
        expectSame([Base(), Derived()])
    }

    @Test("coding paths shown to encode(to:) are JSONEncoder's")
    func codingPaths() {
        expectSame(PathReporter())
        expectSame(["outer": [PathReporter()]])
        expectSame(PathLeaf(), sortedConfigurations + unsortedConfigurations)
    }

    @Test("Date, Data, URL and Decimal use JSONEncoder's default strategies, nested or not")
    func specialTypes() {
        expectSame([Date(timeIntervalSince1970: 0), Date.distantFuture, Date.distantPast])
        expectSame(["d": Data(), "e": Data(repeating: 255, count: 100)])
        expectSame([URL(fileURLWithPath: "/tmp/a b/c"), URL(string: "mailto:x@y.z")!])
        expectSame([Decimal(0), Decimal(string: "1e30")!, Decimal(string: "-12.500")!, Decimal.nan])
        expectSame(Single(value: Date(timeIntervalSinceReferenceDate: 3)))
    }

    @Test("a repeated key leaves the object to JSONEncoder, which keeps the last value")
    func repeatedKeys() {
        expectSame(SuperOverwrite())
        expectSame(Repeated())
        expectSame(Repeated(nested: true))
        expectSame(Members(members: [("K", 1), ("\u{212A}", 2)]))
        expectSame(Members(members: [("é", 1), ("e\u{301}", 2), ("f", 3)]))
        expectSame(Members(members: [("x", 1), ("x", 2)]))
    }

    @Test("NaN and infinities throw JSONEncoder's error with its coding path")
    func nonConformingNumbers() {
        let all = sortedConfigurations + unsortedConfigurations
        for bad in [Double.nan, .infinity, -.infinity] {
            expectSame(bad, all)
            expectSame(Float(bad), all)
            expectSame([1, bad], all)
            expectSame([Float(bad)], all)
            expectSame(["a": [bad]], all)
            expectSame(["a": ["b": bad]], all)
            expectSame([[0.5], [bad]], all)
            expectSame(Members(members: [("x", Single(value: bad))]), all)
            expectSame(Single(value: [Single(value: bad)]), all)
            expectSame(Date(timeIntervalSinceReferenceDate: bad), all)
            expectSame(["when": Date(timeIntervalSinceReferenceDate: bad)], all)
            expectSame([Shape.rect(1, bad)], all)
            expectSame(Value.array([.double(1), .double(bad)]), all)
            expectSame(Value.object([("k", .array([.float(Float(bad))]))]), all)
        }
    }

    @Test("errors thrown by encode(to:) propagate; a caught one leaves its key out as in JSONEncoder")
    func thrownErrors() {
        expectSame(Failing())
        expectSame(["a": Failing()])
        expectSame(Recovering())
    }

    @Test("nesting deeper than JSONEncoder allows fails as it does")
    func depth() {
        expectSame(Nested(depth: 511))
        expectSame(Nested(depth: 512))
        expectSame(Nested(depth: 600))
    }

    @Test("random nested values with tricky keys and strings encode byte for byte as in JSONEncoder")
    func randomValues() {
        var generator = SeededGenerator(state: 20_240_601)
        for round in 0..<600 {
            let value = Value.random(depth: 0, using: &generator)
            var configurations = sortedConfigurations
            if value.hasSingleKeyObjects { configurations += unsortedConfigurations }
            for formatting in configurations {
                let (fast, foundation) = outcomes(value, formatting)
                #expect(fast == foundation, "round \(round), formatting \(formatting.rawValue)")
            }
        }
    }

    @Test("random objects of many keys sort as in JSONEncoder")
    func randomWideObjects() {
        var generator = SeededGenerator(state: 99)
        for _ in 0..<100 {
            var dictionary = [String: Int]()
            for _ in 0..<Int.random(in: 10..<80, using: &generator) {
                dictionary[Value.randomKey(using: &generator)] = Int.random(in: -5...5, using: &generator)
            }
            expectSame(dictionary)
            expectSame(Members(members: dictionary.sorted { $0.value < $1.value }.map { ($0.key, $0.value) }))
        }
    }

    @Test("an encoder is reusable and usable from several tasks")
    func concurrentUse() async throws {
        let fast = FastJSONEncoder(formatting: [.sortedKeys, .withoutEscapingSlashes])
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = try foundation.encode(Everything())
        let results = try await withThrowingTaskGroup(of: Data.self) { group in
            for _ in 0..<8 { group.addTask { try fast.encode(Everything()) } }
            return try await group.reduce(into: [Data]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }
}
