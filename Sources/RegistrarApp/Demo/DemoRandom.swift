/// The demo's only source of choices: SplitMix64 with a few helpers.
///
/// The helpers do their own arithmetic instead of calling `Int.random(in:using:)`, so that a change in the standard
/// library's sampling can never change what a seed produces.
struct DemoRandom {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    /// A number in `range` (the modulo bias is irrelevant at these sizes).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % span)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        Double(next() >> 11) / Double(UInt64(1) << 53) < p
    }

    /// One element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// One element, by integer weights.
    mutating func weighted<T>(_ items: [(T, Int)]) -> T {
        var roll = int(0...(items.reduce(0) { $0 + $1.1 } - 1))
        for (item, weight) in items {
            if roll < weight { return item }
            roll -= weight
        }
        return items[items.count - 1].0
    }

    /// `count` decimal digits.
    mutating func digits(_ count: Int) -> String {
        var text = ""
        for _ in 0..<count { text.append(Character(Unicode.Scalar(UInt8(0x30 + int(0...9))))) }
        return text
    }

    /// `count` letters and digits (passwords of generated candidates).
    mutating func alphanumerics(_ count: Int) -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<count).map { _ in alphabet[int(0...(alphabet.count - 1))] })
    }
}
