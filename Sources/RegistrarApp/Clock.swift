import Foundation
import Synchronization

/// The only source of "now" in the application; deciders receive the time inside the command.
public protocol Clock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: Clock {
    /// Creates the system clock.
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that stands still until moved: tests and the demo season use it so that runs are reproducible.
public final class ManualClock: Clock {
    private let current: Mutex<Date>
    private let step: TimeInterval

    /// Starts at an instant; `step`: how far each reading moves it on (0: it stands still), for checking that a
    /// command reads the time once.
    public init(_ start: Date, step: TimeInterval = 0) {
        current = Mutex(start)
        self.step = step
    }

    public func now() -> Date {
        current.withLock { date in
            defer { date = date.addingTimeInterval(step) }
            return date
        }
    }

    /// Moves to an instant.
    public func set(_ date: Date) { current.withLock { $0 = date } }

    /// Moves forward.
    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The only source of new ids in the application.
public protocol IDGenerator: Sendable {
    /// A new id with a readable prefix, e.g. `candidate-…`.
    func next(_ prefix: String) -> String
}

/// Random ids: the prefix, `-` and a random UUID's 32 lower-case hexadecimal digits without its dashes, as long as a
/// ``SeededIDGenerator``'s and an id derived from an idempotency key: the deciders' length limits (a staff id is at
/// most 40 characters) hold for every generator alike.
public struct RandomIDGenerator: IDGenerator {
    /// Creates the generator.
    public init() {}
    public func next(_ prefix: String) -> String {
        let bytes = UUID().uuid
        let (high, low) = withUnsafeBytes(of: bytes) { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self).bigEndian, raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).bigEndian)
        }
        return "\(prefix)-" + SeededIDGenerator.hex16(high) + SeededIDGenerator.hex16(low)
    }
}

/// Reproducible ids from a seed (SplitMix64): the same seed gives the same ids, so the same database and hashes.
public final class SeededIDGenerator: IDGenerator {
    private let state: Mutex<UInt64>

    /// Starts from a seed.
    public init(seed: UInt64) { state = Mutex(seed) }

    public func next(_ prefix: String) -> String {
        let (high, low) = state.withLock { state -> (UInt64, UInt64) in
            (SplitMix64.next(&state), SplitMix64.next(&state))
        }
        return "\(prefix)-" + Self.hex16(high) + Self.hex16(low)
    }

    /// Sixteen lower-case hexadecimal digits (`String(format:)` costs more than the rest of an id).
    static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// The SplitMix64 generator: tiny, fast, and fully determined by its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Starts from a seed.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 { Self.next(&state) }

    static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
