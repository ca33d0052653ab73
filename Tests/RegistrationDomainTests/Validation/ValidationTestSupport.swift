import RegistrationDomain
import Testing

/// Expects `body` to throw a `Rejection` with `code`, reported at `field`, with a Chinese message.
func expectValidationRejection(
    _ code: String,
    field: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws(Rejection) -> Void
) {
    let rejection = #expect(throws: Rejection.self, sourceLocation: sourceLocation) { try body() }
    guard let rejection else { return }
    #expect(rejection.code == code, sourceLocation: sourceLocation)
    if let field {
        #expect(rejection.field == field, sourceLocation: sourceLocation)
    }
    #expect(
        rejection.message.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) },
        "message should be Chinese: \(rejection.message)",
        sourceLocation: sourceLocation
    )
}

/// Expects `body` to succeed.
func expectValidationAccepted(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws(Rejection) -> Void
) {
    #expect(throws: Never.self, sourceLocation: sourceLocation) { try body() }
}

/// The rejection code thrown by `body`, or nil when it succeeds.
func validationCode(_ body: () throws(Rejection) -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return error.code
    }
}

/// A valid 居民身份证 number built from its parts, with the check character computed by the rule under test's own
/// algorithm re-implemented here independently (so the test does not trust the function it checks).
func validationResidentID(region: String = "110105", birth: String, sequence: String) -> String {
    let first17 = region + birth + sequence
    precondition(first17.count == 17)
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(first17, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
    let check = Array("10X98765432")[sum % 11]
    return first17 + String(check)
}
