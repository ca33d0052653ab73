import Foundation
import Testing

@testable import EventLog

// MARK: - Test types

private enum Color: String, Codable, Equatable {
    case red
    case green = "绿色"
}

private enum Level: Int, Codable, Equatable {
    case low = 1
    case high = 10
}

private enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case rect(Double, Double)
    case named(String, tags: [String])
    case empty
}

private struct Leaf: Codable, Equatable {
    var name: String
    var weight: Int
    var note: String?
}

private struct Everything: Codable, Equatable {
    var string: String
    var chinese: String
    var escapes: String
    var empty: String
    var int: Int
    var int8: Int8
    var int16: Int16
    var int32: Int32
    var int64: Int64
    var uint: UInt
    var uint8: UInt8
    var uint16: UInt16
    var uint32: UInt32
    var uint64: UInt64
    var double: Double
    var float: Float
    var bool: Bool
    var present: String?
    var absent: Int?
    var absentLeaf: Leaf?
    var presentLeaf: Leaf?
    var leaf: Leaf
    var leaves: [Leaf]
    var strings: [String]
    var ints: [Int]
    var matrix: [[Int]]
    var optionals: [Int?]
    var byName: [String: Leaf]
    var byNumber: [Int: String]
    var nestedDictionaries: [String: [String: [Int]]]
    var color: Color
    var colors: [Color]
    var level: Level
    var shapes: [Shape]
    var date: Date
    var data: Data
    var url: URL
    var decimal: Decimal

    static let sample = Everything(
        string: "plain ascii",
        chinese: "医师资格考试 李文博 北京大学（医学部）",
        escapes: "quote \" backslash \\ slash / \u{8} \u{C} \n \r \t \u{1} \u{1F} nul \u{0} emoji 😀 é e\u{301}",
        empty: "",
        int: -42,
        int8: .min,
        int16: .max,
        int32: .min,
        int64: .max,
        uint: .max,
        uint8: .max,
        uint16: 0,
        uint32: .max,
        uint64: .max,
        double: -0.1,
        float: 3.25,
        bool: true,
        present: "是",
        absent: nil,
        absentLeaf: nil,
        presentLeaf: Leaf(name: "p", weight: 0, note: nil),
        leaf: Leaf(name: "叶", weight: 7, note: "备注"),
        leaves: [Leaf(name: "a", weight: 1, note: nil), Leaf(name: "b", weight: -2, note: "x")],
        strings: ["一", "", "three"],
        ints: [1, -1, 0, Int.max, Int.min],
        matrix: [[], [1], [2, 3]],
        optionals: [1, nil, 3],
        byName: ["甲": Leaf(name: "a", weight: 1, note: nil), "b": Leaf(name: "b", weight: 2, note: nil)],
        byNumber: [1: "one", -7: "minus seven", 1_000_000: "million"],
        nestedDictionaries: ["x": ["y": [1, 2]], "empty": [:]],
        color: .green,
        colors: [.red, .green],
        level: .high,
        shapes: [.circle(radius: 1.5), .rect(2, 3), .named("n", tags: ["t"]), .empty],
        date: Date(timeIntervalSinceReferenceDate: 789_000_123.25),
        data: Data([0, 1, 2, 250, 255]),
        url: URL(string: "https://example.com/a%20b?q=1")!,
        decimal: Decimal(string: "12345.6789")!
    )
}

/// Any JSON document; only a type mismatch means "not this kind", so malformed values still throw `dataCorrupted`.
private indirect enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        func attempt<T>(_ body: () throws -> T) throws -> T? {
            do {
                return try body()
            } catch DecodingError.typeMismatch {
                return nil
            }
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try attempt({ try container.decode(Bool.self) }) {
            self = .bool(value)
        } else if let value = try attempt({ try container.decode(Double.self) }) {
            self = .number(value)
        } else if let value = try attempt({ try container.decode(String.self) }) {
            self = .string(value)
        } else if let value = try attempt({ try container.decode([JSONValue].self) }) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}

// MARK: - Helpers

private enum Outcome<T: Equatable>: Equatable {
    case value(T)
    case failure(String, [String])
}

private func caseName(_ error: any Error) -> String {
    switch error as? DecodingError {
    case .typeMismatch: "typeMismatch"
    case .valueNotFound: "valueNotFound"
    case .keyNotFound: "keyNotFound"
    case .dataCorrupted: "dataCorrupted"
    default: "other: \(error)"
    }
}

private func codingPath(_ error: any Error) -> [String] {
    let context: DecodingError.Context? =
        switch error as? DecodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context): context
        default: nil
        }
    return context?.codingPath.map(\.stringValue) ?? []
}

/// The outcome of a decode: the value, or the error case with the coding path when `withPath`.
private func outcome<T: Decodable & Equatable>(_ type: T.Type, _ bytes: Data, fast: Bool, withPath: Bool = true) -> Outcome<T> {
    do {
        return .value(fast ? try FastJSONDecoder().decode(type, from: bytes) : try JSONDecoder().decode(type, from: bytes))
    } catch {
        return .failure(caseName(error), withPath ? codingPath(error) : [])
    }
}

private func bothAgree<T: Decodable & Equatable>(_ type: T.Type, _ json: String, withPath: Bool = true) -> Bool {
    bothAgree(type, Data(json.utf8), withPath: withPath)
}

private func bothAgree<T: Decodable & Equatable>(_ type: T.Type, _ bytes: Data, withPath: Bool = true) -> Bool {
    outcome(type, bytes, fast: true, withPath: withPath) == outcome(type, bytes, fast: false, withPath: withPath)
}

private func fastError<T: Decodable>(_ type: T.Type, _ json: String) -> String? {
    do {
        _ = try FastJSONDecoder().decode(type, from: Data(json.utf8))
        return nil
    } catch {
        return caseName(error)
    }
}

/// SplitMix64: a small seeded generator, so failures reproduce.
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

/// Random JSON text: nested values, keys and strings with Chinese, emoji, escapes (also as `\u` and surrogate
/// pairs), numbers of every shape, random whitespace.
private struct DocumentWriter {
    var random: SeededGenerator
    var text = ""

    mutating func whitespace() {
        for _ in 0..<Int.random(in: 0...2, using: &random) { text += [" ", "\n", "\t", "\r"].randomElement(using: &random)! }
    }

    mutating func string() {
        let pieces = [
            "a", "Z", "key", "李", "医师", "😀", "é", "e\u{301}", "\"", "\\", "/", "\n", "\t", "\u{1}", " ", "\u{7F}", "\u{FFFF}", "𝄞",
        ]
        text += "\""
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            let piece = pieces.randomElement(using: &random)!
            for scalar in piece.unicodeScalars {
                switch (scalar, Int.random(in: 0..<4, using: &random)) {
                case ("\"", _): text += "\\\""
                case ("\\", _): text += "\\\\"
                case ("\n", _): text += "\\n"
                case ("\t", let choice): text += choice == 0 ? "\\u0009" : "\\t"
                case ("/", 0): text += "\\/"
                case (let scalar, 0) where scalar.value >= 0x10000:
                    for unit in String(scalar).utf16 { text += String(format: "\\u%04x", unit) }
                case (let scalar, _) where scalar.value < 0x20 || scalar.value < 0x80 && Bool.random(using: &random) && scalar == "a":
                    text += String(format: "\\u%04X", scalar.value)
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }

    mutating func number() {
        let sign = Bool.random(using: &random) ? "-" : ""
        switch Int.random(in: 0..<6, using: &random) {
        case 0: text += sign + "0"
        case 1: text += sign + String(Int.random(in: 1...999_999, using: &random))
        case 2: text += sign + String(UInt64.random(in: 1...UInt64.max, using: &random))
        case 3: text += sign + "\(Int.random(in: 0...999, using: &random)).\(Int.random(in: 0...99_999, using: &random))"
        case 4:
            text +=
                sign
                + "\(Int.random(in: 1...9, using: &random))e\(["", "+", "-"].randomElement(using: &random)!)\(Int.random(in: 0...40, using: &random))"
        default: text += sign + "0.\(Int.random(in: 0...999, using: &random))E\(Int.random(in: -20...20, using: &random))"
        }
    }

    mutating func value(depth: Int) {
        whitespace()
        switch Int.random(in: 0..<(depth > 3 ? 5 : 8), using: &random) {
        case 0: text += "null"
        case 1: text += Bool.random(using: &random) ? "true" : "false"
        case 2: number()
        case 3, 4: string()
        case 5:
            text += "["
            let count = Int.random(in: 0...4, using: &random)
            for index in 0..<count {
                if index > 0 { text += "," }
                value(depth: depth + 1)
            }
            whitespace()
            text += "]"
        default:
            text += "{"
            let count = Int.random(in: 0...5, using: &random)
            for index in 0..<count {
                if index > 0 { text += "," }
                whitespace()
                string()
                whitespace()
                text += ":"
                value(depth: depth + 1)
            }
            whitespace()
            text += "}"
        }
        whitespace()
    }
}

// MARK: - Tests

@Suite("FastJSONDecoder")
struct FastJSONDecoderTests {
    @Test("every Codable feature round-trips from JSONEncoder output, sorted or not, pretty or not")
    func roundTrip() throws {
        for formatting: JSONEncoder.OutputFormatting in [[], [.sortedKeys], [.prettyPrinted, .withoutEscapingSlashes]] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = formatting
            let data = try encoder.encode(Everything.sample)
            let fast = try FastJSONDecoder().decode(Everything.self, from: data)
            #expect(fast == Everything.sample)
            #expect(fast == (try JSONDecoder().decode(Everything.self, from: data)))
            let viaBytes = try data.withUnsafeBytes { try FastJSONDecoder().decode(Everything.self, from: $0) }
            #expect(viaBytes == Everything.sample)
        }
    }

    @Test("top-level scalars, arrays and dictionaries decode like JSONDecoder")
    func topLevel() throws {
        #expect(try FastJSONDecoder().decode(Int.self, from: Data(" 42 ".utf8)) == 42)
        #expect(try FastJSONDecoder().decode(String.self, from: Data(#""\u00e9\ud83d\ude00""#.utf8)) == "é😀")
        #expect(try FastJSONDecoder().decode(Bool.self, from: Data("false".utf8)) == false)
        #expect(try FastJSONDecoder().decode(Double.self, from: Data("1e3".utf8)) == 1_000)
        #expect(try FastJSONDecoder().decode(Double.self, from: Data("-0.5".utf8)) == -0.5)
        #expect(try FastJSONDecoder().decode(Double.self, from: Data("7".utf8)) == 7)
        #expect(try FastJSONDecoder().decode(Int?.self, from: Data("null".utf8)) == nil)
        #expect(try FastJSONDecoder().decode([Int: Int].self, from: Data(#"{"01":1,"+2":2,"-3":3}"#.utf8)) == [1: 1, 2: 2, -3: 3])
        #expect(try FastJSONDecoder().decode(Date.self, from: Data("1.5".utf8)) == Date(timeIntervalSinceReferenceDate: 1.5))
        #expect(try FastJSONDecoder().decode(Decimal.self, from: Data("1.10".utf8)) == Decimal(string: "1.1"))
        for json in ["[]", "{}", "[[]]", #"{"a":[{}]}"#, "\"\"", "0", "-0", "-0.0", "1E+2", "0.1e1", "1.5e-3", "[1,\"a\",null,true,{\"k\":[]}]"] {
            #expect(bothAgree(JSONValue.self, json), "\(json)")
        }
    }

    @Test("strings: every escape, surrogate pairs, Chinese text and NUL equal JSONDecoder's")
    func strings() {
        let cases = [
            #""\" \\ \/ \b \f \n \r \t""#, #""\u0041\u00e9\u4e2d\ud83d\ude00\uD834\uDD1E""#, #""\u0000""#, "\"中文 text 医师资格\"",
            "\"\u{7F} is allowed\"", #""a\u0301""#, "\"😀\"", #""\uFFFF\uffff""#,
        ]
        for json in cases {
            #expect(bothAgree(String.self, json), "\(json)")
            #expect(fastError(String.self, json) == nil, "\(json)")
        }
    }

    @Test("malformed JSON throws dataCorrupted, as JSONDecoder throws")
    func malformed() {
        let documents = [
            "", " ", "{", "}", "[", "]", "[1", "[1,", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\" 1}", "{a:1}", "{'a':1}", "[1 2]", "[,]", "[1,,2]",
            "{,}", "{\"a\":1,,}", "[1] x", "{} {}", "nul", "tru", "True", "NaN", "Infinity", "-", "01", "-01", "00", "1.", ".5", "+1", "1e", "1e+",
            "0x10", "1.2.3", "1-2", "--1", "\"abc", "\"\\\"", "\"\\x\"", "\"\\U0041\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\ud800\"", "\"\\udc00\"",
            "\"\\ud800\\u0041\"", "\"\\ud800x\"", "\"a\tb\"", "\"a\nb\"", "\"\u{1}\"", "[\"\\q\"]", "{\"\\q\":1}", "[1e400]", "[-1e400]", "[1e-400]",
            "\u{C}1", "[1]\u{C}",
        ]
        for json in documents {
            #expect(fastError(JSONValue.self, json) == "dataCorrupted", "\(json.debugDescription)")
            #expect(bothAgree(JSONValue.self, json, withPath: false), "\(json.debugDescription)")
        }
        let invalidUTF8: [[UInt8]] = [
            [0x22, 0xFF, 0x22], [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE4, 0xB8, 0x22],
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], [0x22, 0x80, 0x22],
        ]
        for bytes in invalidUTF8 {
            #expect(bothAgree(JSONValue.self, Data(bytes), withPath: false), "\(bytes)")
            #expect(throws: DecodingError.self) { try FastJSONDecoder().decode(JSONValue.self, from: Data(bytes)) }
        }
    }

    @Test("nesting: 512 levels decode, 513 are refused")
    func nesting() {
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(fastError(JSONValue.self, deep) == nil)
        #expect(bothAgree(JSONValue.self, deep))
        #expect(fastError(JSONValue.self, tooDeep) == "dataCorrupted")
        #expect(bothAgree(JSONValue.self, tooDeep, withPath: false))
        let objects = String(repeating: "{\"a\":", count: 600) + "1" + String(repeating: "}", count: 600)
        #expect(fastError(JSONValue.self, objects) == "dataCorrupted")
    }

    @Test("JSONDecoder's leniencies are kept: trailing commas, first of repeated keys, unread malformed values")
    func leniencies() throws {
        #expect(try FastJSONDecoder().decode([Int].self, from: Data("[1,2,]".utf8)) == [1, 2])
        #expect(try FastJSONDecoder().decode(Leaf.self, from: Data(#"{"name":"a","weight":1,}"#.utf8)) == Leaf(name: "a", weight: 1))
        #expect(try FastJSONDecoder().decode(Leaf.self, from: Data(#"{"name":"a","weight":1,"weight":2}"#.utf8)).weight == 1)
        #expect(try FastJSONDecoder().decode([String: Int].self, from: Data(#"{"a":1,"a":"not read"}"#.utf8)) == ["a": 1])
        // A key spelled with a combining accent is the same Swift String as the precomposed one.
        #expect(try FastJSONDecoder().decode([String: Int].self, from: Data(#"{"\u00e9":1,"e\u0301":2}"#.utf8)) == ["é": 1])
        let unread = [#"{"name":"a","weight":1,"x":"\q"}"#, #"{"name":"a","weight":1,"x":01}"#, #"{"name":"a","weight":1,"x":"\ud800"}"#]
        for json in unread {
            #expect(try FastJSONDecoder().decode(Leaf.self, from: Data(json.utf8)) == Leaf(name: "a", weight: 1), "\(json)")
            #expect(bothAgree(Leaf.self, json), "\(json)")
        }
        for json in [#"{"a":{"x":1},"a":{"x":2}}"#, #"{"b":{"_0":1,"_1":2},"b":{}}"#, #"{"a":{"x":1},"c":{}}"#] {
            #expect(bothAgree(TwoCase.self, json), "\(json)")
        }
    }

    @Test("UTF-8 byte order mark is skipped; UTF-16 input goes to JSONDecoder")
    func encodings() throws {
        #expect(try FastJSONDecoder().decode(String.self, from: Data([0xEF, 0xBB, 0xBF] + Array("\"a\"".utf8))) == "a")
        let utf16 = try #require("{\"name\":\"叶\",\"weight\":3}".data(using: .utf16))
        #expect(try FastJSONDecoder().decode(Leaf.self, from: utf16) == Leaf(name: "叶", weight: 3))
        #expect(bothAgree(Int.self, Data([0x31, 0x00])))
    }

    @Test("integers: every width's limits, overflow by one, and non-integral forms, as JSONDecoder")
    func integers() throws {
        func check<T: FixedWidthInteger & Codable>(_ type: T.Type) throws {
            let limits = ["\(T.min)", "\(T.max)", "\(Int128(T.min) - 1)", "\(Int128(T.max) + 1)"]
            let others = [
                "0", "-0", "1.0", "-1.0", "1e2", "1E2", "100e-2", "1.5", "-0.5", "1e-2", "1e400", "-1e400", "0.0", "-0.0", "2.55e2", "01", "-",
                "1e", "9007199254740993.0", "1e18", "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890",
                "1.0000000000000001", "\"1\"", "true", "null", "[1]", "{}",
            ]
            for json in limits + others {
                #expect(bothAgree(T.self, json, withPath: false), "\(T.self) \(json)")
                #expect(bothAgree([T].self, "[\(json)]", withPath: false), "\(T.self) [\(json)]")
            }
            #expect(try FastJSONDecoder().decode(T.self, from: Data("\(T.max)".utf8)) == T.max)
            #expect(try FastJSONDecoder().decode(T.self, from: Data("\(T.min)".utf8)) == T.min)
            #expect(fastError(T.self, "\(Int128(T.max) + 1)") == "dataCorrupted")
            #expect(fastError(T.self, "\(Int128(T.min) - 1)") == "dataCorrupted")
            #expect(fastError(T.self, "1.5") == "dataCorrupted")
            #expect(fastError(T.self, "\"1\"") == "typeMismatch")
            #expect(fastError(T.self, "null") == "valueNotFound")
        }
        try check(Int.self)
        try check(Int8.self)
        try check(Int16.self)
        try check(Int32.self)
        try check(Int64.self)
        try check(UInt.self)
        try check(UInt8.self)
        try check(UInt16.self)
        try check(UInt32.self)
        try check(UInt64.self)
    }

    @Test("floating point: exponents, underflow, overflow and Float rounding, as JSONDecoder")
    func floatingPoint() {
        let numbers = [
            "0", "-0", "1", "-1", "0.1", "1e3", "1E+3", "-0.5", "1e-2", "123456789012345678901234567890", "1e308", "1e309", "-1e309", "1e-320",
            "1e-400", "9e-400", "-0.00009e-320", "0e999999", "0.0e-999", "3.4028235e38", "3.5e38", "1e-50", "16777217", "1.1",
            "2.2250738585072014e-308", "\"1\"", "true", "null",
        ]
        for json in numbers {
            #expect(bothAgree(Double.self, json, withPath: false), "Double \(json)")
            #expect(bothAgree(Float.self, json, withPath: false), "Float \(json)")
        }
    }

    @Test("missing keys, wrong types and nulls throw the same DecodingError case and path as JSONDecoder")
    func errors() throws {
        let documents = [
            #"{"name":"a"}"#, #"{"name":1,"weight":1}"#, #"{"name":null,"weight":1}"#, #"{"name":"a","weight":"1"}"#, #"{"name":"a","weight":true}"#,
            #"{"name":"a","weight":1,"note":3}"#, "[]", "null", "\"leaf\"", "1",
        ]
        for json in documents {
            #expect(bothAgree(Leaf.self, json), "\(json)")
            #expect(fastError(Leaf.self, json) != nil, "\(json)")
        }
        let nested = [
            #"[{"name":"a","weight":1},{"name":"b","weight":"x"}]"#, #"[{"name":"a","weight":1},null]"#, #"[{"name":"a","weight":1},[]]"#,
        ]
        for json in nested { #expect(bothAgree([Leaf].self, json), "\(json)") }
        #expect(bothAgree([String: [Int]].self, #"{"k":[1,"x"]}"#))
        #expect(bothAgree([Int: Int].self, #"{"1":1,"x":2}"#))
        #expect(bothAgree([Color].self, #"["red","blue"]"#))
        #expect(bothAgree(Level.self, "3"))
        #expect(bothAgree(Shape.self, "{}"))
        #expect(bothAgree(Shape.self, #"{"circle":{"radius":"x"}}"#))
        #expect(bothAgree(Shape.self, #"{"rect":{"_0":1}}"#))
        #expect(bothAgree(Shape.self, #"{"empty":[]}"#))
        #expect(bothAgree(Data.self, #""!!""#))
        #expect(bothAgree(Data.self, "[1,2]"))
        #expect(bothAgree(URL.self, #""""#))
        #expect(bothAgree(URL.self, "1"))
        #expect(bothAgree(Decimal.self, #""1""#))
        #expect(bothAgree(Decimal.self, "1e400", withPath: false))
        #expect(bothAgree(Date.self, #""x""#))
        #expect(bothAgree(Everything.self, try JSONEncoder().encode(Leaf(name: "a", weight: 1))))
        let error = try #require(throws: DecodingError.self) {
            try FastJSONDecoder().decode([Leaf].self, from: Data(#"[{"name":"a","weight":"x"}]"#.utf8))
        }
        #expect(String(describing: error).contains("Expected to decode Int but found a string instead"))
    }

    @Test("containers: nested containers, superDecoder, counts, codingPath and failed reads that do not advance")
    func containers() throws {
        let probe = try FastJSONDecoder().decode(ContainerProbe.self, from: Data(ContainerProbe.json.utf8))
        let reference = try JSONDecoder().decode(ContainerProbe.self, from: Data(ContainerProbe.json.utf8))
        #expect(probe == reference)
        #expect(probe.log.contains("x.y.Index 0.x:typeMismatch"))
        #expect(probe.log.contains("after failed read:0"))
        #expect(probe.log.contains("super:[\"super\"]:6"))
        #expect(probe.log.contains("super:[super]:nil [\"missing\"]"))
    }

    @Test("random documents decode to the same values as with JSONDecoder; their truncations and mutations fail or succeed alike")
    func randomDocuments() {
        var random = SeededGenerator(state: 20_260_101)
        var decoded = 0
        for round in 0..<400 {
            var writer = DocumentWriter(random: SeededGenerator(state: random.next()))
            writer.value(depth: 0)
            let bytes = Data(writer.text.utf8)
            let fast = outcome(JSONValue.self, bytes, fast: true, withPath: false)
            #expect(fast == outcome(JSONValue.self, bytes, fast: false, withPath: false), "round \(round): \(writer.text.debugDescription)")
            if case .value = fast { decoded += 1 }
            for _ in 0..<3 where bytes.count > 1 {
                let cut = bytes.prefix(Int.random(in: 0..<bytes.count, using: &random))
                #expect(
                    bothAgree(JSONValue.self, cut, withPath: false),
                    "round \(round) cut: \(String(decoding: cut, as: UTF8.self).debugDescription)"
                )
                var mutated = bytes
                let replacements: [UInt8] = Array("{}[]\",:\\ 0-.eEtnu\u{1}".utf8) + [0x80, 0xC3, 0xE4, 0xFF]
                mutated[Int.random(in: 0..<bytes.count, using: &random)] = replacements.randomElement(using: &random)!
                #expect(bothAgree(JSONValue.self, mutated, withPath: false), "round \(round) mutated: \(Array(mutated))")
            }
        }
        #expect(decoded > 300)
    }

    @Test("every proper prefix of an encoded value is rejected by both decoders")
    func truncations() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Everything.sample)
        for length in 0..<data.count {
            let cut = data.prefix(length)
            #expect(fastError(Everything.self, String(decoding: cut, as: UTF8.self)) == "dataCorrupted", "cut at \(length)")
            #expect(bothAgree(Everything.self, cut, withPath: false), "cut at \(length)")
        }
    }

    @Test("large objects (over the linear-scan threshold) and non-ASCII keys are looked up correctly")
    func largeObjects() throws {
        var dictionary = [String: Int]()
        for index in 0..<100 { dictionary["键\(index)"] = index }
        for index in 0..<100 { dictionary["key\(index)"] = -index }
        let data = try JSONEncoder().encode(dictionary)
        #expect(try FastJSONDecoder().decode([String: Int].self, from: data) == dictionary)
        // Int keys go through a keyed container: over 64 members it looks keys up in a table.
        var byNumber = [Int: String]()
        for index in -50..<100 { byNumber[index] = "值\(index)" }
        #expect(try FastJSONDecoder().decode([Int: String].self, from: JSONEncoder().encode(byNumber)) == byNumber)
        #expect(bothAgree([Int: Int].self, "{" + (0..<70).map { "\"\($0)\":\($0)" }.joined(separator: ",") + ",\"x\":1}"))
        let wide = try JSONEncoder().encode(Wide.sample)
        #expect(try FastJSONDecoder().decode(Wide.self, from: wide) == Wide.sample)
        #expect(try FastJSONDecoder().decode(Wide.self, from: Data(#"{"名字":"x","escaped\u0041":"y"}"#.utf8)) == Wide(chineseName: "x", escapedA: "y"))
    }

    @Test("the sorted member reader reads exactly the members asked for, in their order, as Codable does; else declines")
    func sortedMemberReader() throws {
        struct Sample: Decodable, Equatable {
            var flag: Bool
            var name: String
            var count: Int?
            var tags: [String]
            var note: String?
        }
        // Ascending keys, as canonical JSON stores them.
        func read(_ json: String) -> Sample? { read(Data(json.utf8)) }
        func read(_ data: Data) -> Sample? {
            try? FastJSONDecoder().readSortedMembers(from: data) { object in
                let count = try object.optionalInt("count")
                let flag = try object.bool("flag")
                let name = try object.string("name")
                let note = try object.optionalString("note")
                let tags = try object.strings("tags")
                return Sample(flag: flag, name: name, count: count, tags: tags, note: note)
            }
        }
        let readable = [
            #"{"count":3,"flag":true,"name":"张三","note":"x","tags":["a","b"]}"#,
            #"{"flag":false,"name":"","tags":[]}"#,  // optionals absent
            #"{"count":null,"flag":true,"name":"a","note":null,"tags":["一"]}"#,  // optionals null
            #" { "count" : -12 , "flag" : true , "name" : "a\"b\\c\u00e9\ud83d\ude00" , "tags" : [ "x" , "y" ] } "#,
            #"{"count":-9223372036854775808,"flag":true,"name":"é/","tags":["\/"]}"#,
        ]
        for json in readable {
            let expected = try JSONDecoder().decode(Sample.self, from: Data(json.utf8))
            #expect(read(json) == expected, "\(json)")
        }
        let declined = [
            #"{"flag":true,"count":3,"name":"a","tags":[]}"#,  // out of order
            #"{"count":3,"count":4,"flag":true,"name":"a","tags":[]}"#,  // a repeated key
            #"{"flag":true,"name":"a"}"#,  // a required member missing
            #"{"extra":1,"flag":true,"name":"a","tags":[]}"#,  // an unknown member
            #"{"flag":true,"name":"a","tags":[],"zzz":1}"#,  // an unknown member after the last
            #"{"flag":true,"name":"a","tags":[],}"#,  // a trailing comma (Codable reads it)
            #"{"flag":true,"name":"a","tags":[]} x"#,  // text after the document
            #"{"flag":true,"name":"a","tags":[]"#,  // unterminated
            #"{"count":3.0,"flag":true,"name":"a","tags":[]}"#,  // a fraction (Codable reads 3)
            #"{"count":1e2,"flag":true,"name":"a","tags":[]}"#,  // an exponent
            #"{"count":03,"flag":true,"name":"a","tags":[]}"#,  // a leading zero
            #"{"count":9223372036854775808,"flag":true,"name":"a","tags":[]}"#,  // too large
            #"{"flag":1,"name":"a","tags":[]}"#,  // another type
            #"{"flag":true,"name":null,"tags":[]}"#,
            #"{"flag":true,"name":"a\x","tags":[]}"#,  // a bad escape
            #"{"flag":true,"name":"a\u12","tags":[]}"#,
            #"{"flag":true,"name":"a\#u{01}","tags":[]}"#,  // a control character
            #"{"fl\u0061g":true,"name":"a","tags":[]}"#,  // an escaped key (Codable reads it)
            #"{"flag":truex,"name":"a","tags":[]}"#,
            #"{"flag":true,"name":"a","tags":["a",]}"#,
            #"["flag"]"#, "", " ",
        ]
        for json in declined { #expect(read(json) == nil, "\(json)") }
        // Invalid UTF-8 in a string is declined; Codable refuses it too.
        var invalid = Data(#"{"flag":true,"name":"#.utf8)
        invalid += [0x22, 0x61, 0xFF, 0x22] + Data(#","tags":[]}"#.utf8)
        #expect(read(String(decoding: invalid, as: UTF8.self)) != nil)  // repaired to U+FFFD: valid, so read
        #expect(read(invalid) == nil)
        #expect((try? JSONDecoder().decode(Sample.self, from: invalid)) == nil)
        // What the reader declines names the member it was asked for.
        let mismatch = #expect(throws: FastJSONDecoder.ReaderMismatch.self) {
            try FastJSONDecoder().readSortedMembers(from: Data(#"{"flag":true,"name":1}"#.utf8)) { object in
                _ = try object.bool("flag")
                return try object.string("name")
            }
        }
        #expect(mismatch?.key == "name")
    }
}

// MARK: - More test types

private enum TwoCase: Codable, Equatable {
    case a(x: Int)
    case b(Int, Int)
    case c
}

private struct Wide: Codable, Equatable {
    var chineseName: String
    var escapedA: String
    var filler: [String: String] = [:]

    enum CodingKeys: String, CodingKey {
        case chineseName = "名字"
        case escapedA
        case filler
    }

    init(chineseName: String, escapedA: String) {
        self.chineseName = chineseName
        self.escapedA = escapedA
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        chineseName = try container.decode(String.self, forKey: .chineseName)
        escapedA = try container.decode(String.self, forKey: .escapedA)
        filler = try container.decodeIfPresent([String: String].self, forKey: .filler) ?? [:]
    }

    static var sample: Wide {
        var wide = Wide(chineseName: "中", escapedA: "e")
        for index in 0..<70 { wide.filler["f\(index)"] = "\(index)" }
        return wide
    }
}

/// Exercises the container API by hand and records what it saw, so that both decoders can be compared.
private struct ContainerProbe: Decodable, Equatable {
    static let json = #"{"x":{"y":[{"x":"s"}]},"list":[1,null,"two",[3],{"k":4}],"z":null,"n":5,"super":{"n":6}}"#

    var log: [String] = []

    enum Key: String, CodingKey {
        case x, y, z, n, list, missing
        case superKey = "super"
    }

    init(from decoder: any Decoder) throws {
        func record(_ body: () throws -> String) {
            do {
                log.append(try body())
            } catch {
                log.append("\(codingPath(error).joined(separator: ".")):\(caseName(error))")
            }
        }
        let container = try decoder.container(keyedBy: Key.self)
        log.append("keys:\(container.allKeys.map(\.stringValue).sorted())")
        log.append("contains:\(container.contains(.z)),\(container.contains(.missing))")
        record { "nil z:\(try container.decodeNil(forKey: .z))" }
        record { "nil missing:\(try container.decodeNil(forKey: .missing))" }
        record { "ifPresent:\(String(describing: try container.decodeIfPresent(Int.self, forKey: .z)))" }
        record { "ifPresent:\(String(describing: try container.decodeIfPresent(Int.self, forKey: .missing)))" }
        record { "ifPresent n:\(String(describing: try container.decodeIfPresent(String.self, forKey: .n)))" }
        let x = try container.nestedContainer(keyedBy: Key.self, forKey: .x)
        log.append("x path:\(x.codingPath.map(\.stringValue))")
        var y = try x.nestedUnkeyedContainer(forKey: .y)
        log.append("y path:\(y.codingPath.map(\.stringValue)) count:\(String(describing: y.count))")
        let inner = try y.nestedContainer(keyedBy: Key.self)
        log.append("inner path:\(inner.codingPath.map(\.stringValue))")
        record { "\(try inner.decode(Int.self, forKey: .x))" }
        record { "\(try y.decode(Int.self))" }
        record { "\(try container.nestedContainer(keyedBy: Key.self, forKey: .missing).allKeys)" }
        record { "\(try container.nestedUnkeyedContainer(forKey: .n).count ?? -1)" }

        var list = try container.nestedUnkeyedContainer(forKey: .list)
        record { "\(try list.decode(String.self))" }
        log.append("after failed read:\(list.currentIndex)")
        record { "\(try list.decode(Int.self))" }
        record { "nil:\(try list.decodeNil())" }
        record { "nil:\(try list.decodeNil())" }
        record { "\(try list.decode(String.self))" }
        record {
            var nested = try list.nestedUnkeyedContainer()
            return "\(try nested.decode(Int.self))"
        }
        record {
            let superDecoder = try list.superDecoder()
            return "super element:\(superDecoder.codingPath.map(\.stringValue)):\(try superDecoder.container(keyedBy: Key.self).allKeys.count)"
        }
        log.append("atEnd:\(list.isAtEnd) index:\(list.currentIndex)")
        record { "\(try list.decode(Int.self))" }
        record { "\(try list.decodeNil())" }
        record { "\(try list.nestedContainer(keyedBy: Key.self).allKeys)" }
        record { "\(try list.superDecoder().codingPath.count)" }

        record {
            let superDecoder = try container.superDecoder()
            let nested = try superDecoder.container(keyedBy: Key.self)
            return "super:\(superDecoder.codingPath.map(\.stringValue)):\(try nested.decode(Int.self, forKey: .n))"
        }
        record {
            let superDecoder = try container.superDecoder(forKey: .missing)
            let value = try superDecoder.singleValueContainer()
            return "super:[super]:\(value.decodeNil() ? "nil" : "value") \(superDecoder.codingPath.map(\.stringValue))"
        }
        record {
            let single = try container.superDecoder(forKey: .n).singleValueContainer()
            return "single:\(try single.decode(Int.self)) \(single.codingPath.map(\.stringValue))"
        }
        record { "\(try container.superDecoder(forKey: .n).singleValueContainer().decode(String.self))" }
    }
}

@Suite("FastJSONDecoder shapes")
struct FastJSONShapeTests {
    @Test("a document's shape read from the tape equals the shape decoded through Decodable, or both refuse")
    func shapes() throws {
        var documents: [Data] = [
            #"{"a":1,"b":"x","c":[true,null,1.5,{"d":"é"}],"e":{}}"#, #"[]"#, #"{}"#, #""s""#, "1", "-0.0", "null", "true",
            #"{"a":1,"a":"x"}"#,  // a repeated key: the first counts
            #"{"a":1,"a":"\x"}"#,  // a later repeat is not read
            #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":"\#u{01}"}"#, #"{"k\u0065y":1}"#, #"{"a":"\u00e9\/\n"}"#,
            #"{"a":1e400}"#, #"{"a":-1e-400}"#, #"{"a":12345678901234567890123}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":-}"#,
            #"{"a":[1,]}"#, #"{"a":1,}"#, #"{"a":1} x"#, #"{"a":"#, "", " ", "{", #" { "a" : [ 1 , 2 ] } "#,
        ].map { Data($0.utf8) }
        documents.append(Data([0xEF, 0xBB, 0xBF]) + Data(#"{"a":1}"#.utf8))  // a byte order mark
        documents.append(Data(#"{"a":"#.utf8) + Data([0x22, 0xFF, 0x22, 0x7D]))  // invalid UTF-8
        documents.append(#"{"a":[1,"x"]}"#.data(using: .utf16LittleEndian)!)  // UTF-16, handed to JSONDecoder
        documents.append(Data(String(repeating: "[", count: 513).utf8))
        for document in documents {
            let expected = try? FastJSONDecoder().decode(FastJSONDecoder.CodableShape.self, from: document).shape
            let shape = try? FastJSONDecoder().shape(from: document)
            #expect(shape == expected, "\(String(decoding: document, as: UTF8.self))")
        }
        #expect(try FastJSONDecoder().shape(from: Data(#"{"a":1,"a":"x"}"#.utf8)) == .object(["a": .number(1)]))
        #expect(try FastJSONDecoder().shape(from: Data(#"{"a":[true,null,"s"]}"#.utf8)) == .object(["a": .array([.scalar, .null, .scalar])]))
    }

    @Test func repeatedMemberNamesAreNotedWithTheirPath() throws {
        let repeated = { (json: String) in try FastJSONDecoder().shapeAndRepeatedKey(from: Data(json.utf8)).repeatedKey }
        #expect(try repeated(#"{"a":1,"b":{"c":[1,2]}}"#) == nil)
        #expect(try repeated(#"{"a":1,"a":2}"#) == [.key("a")])
        #expect(try repeated(#"{"a":1,"b":{"c":1,"c":2}}"#) == [.key("b"), .key("c")])
        #expect(try repeated(#"{"e":[{"x":1},{"y":1,"y":1}],"z":1,"z":2}"#) == [.key("e"), .index(1), .key("y")])
        // The same name in two objects is no repeat.
        #expect(try repeated(#"{"a":{"x":1},"b":{"x":1}}"#) == nil)
        // The shape is unchanged: the first value counts.
        #expect(try FastJSONDecoder().shapeAndRepeatedKey(from: Data(#"{"a":1,"a":"x"}"#.utf8)).shape == .object(["a": .number(1)]))
    }
}

@Suite("FastJSONDecoder mutations")
struct FastJSONMutationTests {
    private struct Sample: Decodable, Equatable {
        var flag: Bool
        var name: String
        var count: Int?
        var tags: [String]
        var note: String?
    }

    private static let seeds = [
        #"{"count":3,"flag":true,"name":"张三\n","note":"x\/y","tags":["a","b\u00e9"]}"#,
        #"{"flag":false,"name":"","tags":[]}"#,
        #"{"count":null,"flag":true,"name":"a","note":null,"tags":["一"]}"#,
        #"{"a":[1,2.5,-3e2,{"b":null,"c":[true,"d"]}],"e":"f"}"#,
    ]

    /// Byte-level mutations of valid documents (a byte replaced by a JSON-significant one, inserted, or a range
    /// dropped), deterministic from the seed: the one-pass paths must agree with the reference on every one.
    private static func mutations(count: Int) -> [Data] {
        var state: UInt64 = 0x2026_1206
        func next() -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        let significant = Array(#"{}[]:,"\ntfeu0-.9 x"#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xE4, 0xFF]
        var documents = [Data]()
        for index in 0..<count {
            var bytes = Array(seeds[index % seeds.count].utf8)
            for _ in 0...(next() % 3) {
                guard !bytes.isEmpty else { break }
                let at = next() % bytes.count
                // Where string values start (after `":"`), so that some mutations land inside a value.
                let values = bytes.indices.filter { $0 >= 2 && bytes[$0 - 1] == UInt8(ascii: "\"") && bytes[$0 - 2] == UInt8(ascii: ":") }
                switch next() % 4 {
                case 0: bytes[at] = significant[next() % significant.count]
                case 1: bytes.insert(significant[next() % significant.count], at: at)
                case 2 where !values.isEmpty: bytes.insert(significant[next() % significant.count], at: values[next() % values.count])
                default: bytes.removeSubrange(at..<min(bytes.count, at + 1 + next() % 4))
                }
            }
            documents.append(Data(bytes))
        }
        return documents
    }

    @Test("stored metadata decodes in one pass as through Codable, canonical or not, whole or mutated")
    func metadata() throws {
        let full = EventMetadata(
            actorId: "reviewer-4201-01",
            role: "reviewer",
            channel: "review-site",
            requestId: "req-1",
            correlationId: "cor-1",
            causationId: "cause-1",
            reason: "学历信息与学信网不符\n请核对",
            recordedAt: "2026-03-01T08:00:00.000Z",
            claims: ["id:1", "user:a"]
        )
        let bare = EventMetadata(actorId: "system", role: "system", channel: "system", recordedAt: "2026-03-01T08:00:00.000Z")
        for metadata in [full, bare] {
            let canonical = try CanonicalJSON.encode(metadata)
            #expect(EventMetadata.readCanonical(canonical) == metadata)  // in one pass, not through Codable
            #expect(try EventMetadata(storedJSON: canonical) == metadata)
            // Unsorted (JSONEncoder's order) and pretty-printed (whitespace the reader skips): read either way.
            let unsorted = try JSONEncoder().encode(metadata)
            #expect(try EventMetadata(storedJSON: unsorted) == metadata)
            let prettyEncoder = JSONEncoder()
            prettyEncoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let pretty = try prettyEncoder.encode(metadata)
            #expect(try EventMetadata(storedJSON: pretty) == metadata)
        }
        #expect(throws: (any Error).self) { try EventMetadata(storedJSON: Data(#"{"actorId":"a"}"#.utf8)) }
        let seedBytes = Array(try CanonicalJSON.encode(full))
        var state: UInt64 = 7
        for _ in 0..<3000 {
            var bytes = seedBytes
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let at = Int(state >> 33) % bytes.count
            let replacements = Array(#"{}[]:,"\u0 x"#.utf8) + [0x0A, 0x01, 0xFF]
            let replacement = replacements[Int(state >> 20) % replacements.count]
            if state & 1 == 0 { bytes[at] = replacement } else { bytes.insert(replacement, at: at) }
            let data = Data(bytes)
            let expected = try? FastJSONDecoder().decode(EventMetadata.self, from: data)
            if let read = EventMetadata.readCanonical(data) { #expect(read == expected, "\(String(decoding: data, as: UTF8.self))") }
            #expect((try? EventMetadata(storedJSON: data)) == expected, "\(String(decoding: data, as: UTF8.self))")
        }
    }

    @Test("on mutated documents the sorted member reader reads as JSONDecoder or declines, and shapes equal the Decodable ones")
    func mutated() throws {
        var read = 0
        var shaped = 0
        for document in Self.mutations(count: 4000) {
            let text = String(decoding: document, as: UTF8.self)
            let reader = try? FastJSONDecoder().readSortedMembers(from: document) { object in
                let count = try object.optionalInt("count")
                let flag = try object.bool("flag")
                let name = try object.string("name")
                let note = try object.optionalString("note")
                return Sample(flag: flag, name: name, count: count, tags: try object.strings("tags"), note: note)
            }
            if let reader {
                #expect(reader == (try? JSONDecoder().decode(Sample.self, from: document)), "\(text)")
                read += 1
            }
            let shape = try? FastJSONDecoder().shape(from: document)
            #expect(shape == (try? FastJSONDecoder().decode(FastJSONDecoder.CodableShape.self, from: document))?.shape, "\(text)")
            if shape != nil { shaped += 1 }
        }
        // Enough of the mutations stay readable for the comparisons to mean something.
        #expect(read > 40)
        #expect(shaped > 400)
    }
}
