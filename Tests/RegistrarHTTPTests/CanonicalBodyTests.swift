import Testing

@testable import RegistrarHTTP

@Suite("Canonical bodies for request fingerprints")
struct CanonicalBodyTests {
    func canonical(_ text: String) -> String { String(decoding: CanonicalBody.of(Array(text.utf8)), as: UTF8.self) }

    @Test("members sorted at every depth, whitespace dropped, arrays and strings kept as written")
    func respelled() {
        #expect(canonical(#" { "mobile" : "139", "email":"a@b.cn" } "#) == #"{"email":"a@b.cn","mobile":"139"}"#)
        #expect(
            canonical(#"{"photo":{"z":1,"a":[3, 1, {"y":true,"b":null}]},"area":"11"}"#)
                == #"{"area":"11","photo":{"a":[3,1,{"b":null,"y":true}],"z":1}}"#
        )
        #expect(canonical(#"{"name":"张 三\"引号\" ,}"}"#) == #"{"name":"张 三\"引号\" ,}"}"#)
        #expect(canonical("[]") == "[]" && canonical("{}") == "{}" && canonical(" 12 ") == "12")
        // Two spellings of one request are one request; another value is another.
        #expect(canonical(#"{"a":1,"b":[1,2]}"#) == canonical("{\n  \"b\": [1, 2],\n  \"a\": 1\n}"))
        #expect(canonical(#"{"a":1,"b":[1,2]}"#) != canonical(#"{"a":1,"b":[2,1]}"#))
    }

    @Test("what is not JSON is fingerprinted as it is")
    func notJSON() {
        for text in ["", "{", #"{"a" 1}"#, #"{"a":1,}"#, "[1,,2]", #"{"a":"unterminated}"#, "nope", #"{"a":1} trailing"#] {
            #expect(canonical(text) == text, "\(text)")
        }
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(canonical(deep) == deep)
    }
}
