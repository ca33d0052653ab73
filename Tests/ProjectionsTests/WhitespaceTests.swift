import Foundation
import Testing

@testable import Projections

@Suite("Review rows' whitespace trimming")
struct WhitespaceTests {
    @Test("trimmedOfWhitespace equals Foundation's trimming of .whitespaces on 5,000 random strings")
    func sameAsFoundation() {
        // Spaces of every kind Foundation counts (tab, space, no-break, ideographic, en quad, zero-width...), and ones
        // it does not (newline, carriage return), around Chinese text.
        let pieces: [String] = [" ", "\t", "\u{00A0}", "\u{3000}", "\u{2000}", "\u{202F}", "\n", "\r", "\u{200B}", "北京", "大学", "a", "·", "?"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let count = Int.random(in: 0...6, using: &generator)
            let text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(text.trimmedOfWhitespace() == text.trimmingCharacters(in: .whitespaces), "\(Array(text.unicodeScalars))")
        }
    }

    @Test("a string with nothing to trim comes back as it is")
    func untouched() {
        #expect("中国地质大学(北京)".trimmedOfWhitespace() == "中国地质大学(北京)")
        #expect(" \u{3000}基础医学\t".trimmedOfWhitespace() == "基础医学")
        #expect("\u{3000} \t".trimmedOfWhitespace() == "")
        #expect("\n基础医学\n".trimmedOfWhitespace() == "\n基础医学\n")
    }
}
